// The checker's interpreter: runs one goroutine of a group over the
// control-flow graphs of the semantics layer, statement by statement, on the
// abstract values of state.ts, until it reaches a synchronisation point
// (a channel operation, a select, a lock, a WaitGroup) or ends.
//
// Between synchronisation points a goroutine runs alone. For programs without
// data races this loses no blocking behaviour: what another goroutine can
// observe of its local steps is ordered by the synchronisation that follows
// them (the argument behind interleaving only at synchronisation actions).
//
// A statement is evaluated as an expression tree; an effect inside it (a
// receive, a call of a package-local function, a close) that has not happened
// yet stops the evaluation with a NeedSignal. The scheduler performs it, keeps
// its result in the frame's memo under the node's key, and the statement is
// evaluated again from the start, now finding the result. Only effects are
// memoised; everything else is pure in this model, so evaluating twice is the
// same as evaluating once.
//
// What we cannot see stays open: values from outside are `unk`; a channel
// that reaches code outside the model (an unknown call, a field of an object
// we did not make, a package variable, the root's results) is marked escaped,
// and from then on anyone may send, receive or close it.
import type { Node } from '../semantics/syntax.js';
import { callArgs, enclosingFunction, intLiteralValue, sameNode, selectorParts, unparen } from '../semantics/syntax.js';
import type { PackageSemantics } from '../semantics/package.js';
import type { Cfg, CfgNode } from '../semantics/cfg.js';
import type { Binding } from '../semantics/scopes.js';
import { evalCount, isChannelExpr, returnsChannel } from '../semantics/channels.js';
import { constIntValue } from '../semantics/constants.js';
import { hostBuildContext } from '../engine/buildtags.js';
import { displayName } from '../semantics/goroutines.js';
import { cloneState, compact, emptyState, fieldMap, stateKey, GUESSED_NIL, NIL, UNBOUNDED, UNK, type Chan, type Deferred, type Env, type Frame, type Need, type Obj, type Proc, type State, type Val } from './state.js';

/** A call that can wait on a sync primitive: `.Lock()`, `.RLock()`, `.Wait()`, a Once's `.Do(`. */
export const SYNC_WAIT = /\.(?:R?Lock|Wait)\(\)|\.Do\(/;
/** A channel made (`make(chan T)`) or declared as a variable (`var ch chan T`, nil until assigned), in a function's text. */
export const CHANNEL_MADE = /\bmake\(\s*chan\b|\bvar\s+\w+(?:\s*,\s*\w+)*\s+(?:<-\s*)?chan\b/;
/**
 * Standard-library functions that keep none of their arguments (by package
 * path, a pattern of names): printing (fmt.Errorf's %w keeps its operand, and
 * Fprint writes to a writer that may be the group's, so neither is here),
 * unsafe's conversions, strings, strconv, math.
 */
const KEEPS_NOTHING: Record<string, RegExp> = {
  fmt: /^S?Print(?:f|ln)?$/,
  log: /^(?:Print|Fatal|Panic)(?:f|ln)?$/,
  unsafe: /^/,
  strings: /^/,
  strconv: /^/,
  math: /^/,
  errors: /^Is$/,
};
/** math's integer limits (in doubles: near 2^63 they are not exact, but their order is). */
const MATH_LIMITS: Record<string, number> = {
  MaxInt: 2 ** 63 - 1, MaxInt64: 2 ** 63 - 1, MaxInt32: 2 ** 31 - 1, MaxInt16: 2 ** 15 - 1, MaxInt8: 127,
  MaxUint: 2 ** 64 - 1, MaxUint64: 2 ** 64 - 1, MaxUint32: 2 ** 32 - 1, MaxUint16: 2 ** 16 - 1, MaxUint8: 255,
};
/**
 * A timeout of a century or more never fires in a program's life: `context.WithTimeout(ctx,
 * math.MaxInt64)` is a way to say "no timeout" (minio's locks), not a deadline.
 */
const NEVER_FIRES_NS = 100 * 365 * 24 * 3600 * 1e9;
/** The methods of testing.T/B/F that report and keep nothing (Fatal and Skip also end the test; that is handled where the call is a statement). */
const TESTING_REPORTS = new Set(['Log', 'Logf', 'Error', 'Errorf', 'Fatal', 'Fatalf', 'Skip', 'Skipf']);
/** The type of an object of an anonymous struct type, followed by the site of its struct_type node. */
const ANON_STRUCT = '#anon:';
/** A call of Lock or RLock, in a function's text. */
export const LOCK_CALL = /\.R?Lock\(\)/;

/** Frames one goroutine may stack; deeper calls are treated as calls to unknown code. */
const MAX_FRAMES = 10;

/** A loop whose counter its condition compares with a constant this small runs round by round (Machine.smallConstantBound). */
const EXACT_LOOP_ROUNDS = 64;

/** Small values a symbolic length or bound is tried with: the same value wherever it is used. */
export const SMALL_VALUES = [0, 1, 2, 3];
/**
 * Values an integer compared with a small constant is tried with: the small values and a negative
 * one, in that order, so a witness names zero (`takes inv.Workers = 0`, a field left unset) before -1.
 */
export const SMALL_INTS = [...SMALL_VALUES, -1];
/** Text that marks a function as one the search must run (see Machine.synchronises). */
const SYNC_TEXT = /<-|\bgo\b|\bselect\b|\bclose\(|\.(?:R?Lock|R?Unlock|TryLock|Wait|Done|Add|Go|Do|Signal|Broadcast)\(|\bchan\b|Fatal|FailNow|SkipNow|Goexit|AfterFunc/;
/** The type of the object context.Background() and context.TODO() evaluate to. */
const BACKGROUND = 'context.Background';
/** The object `t.Context()` returns. */
const TEST_CONTEXT = 'testing.Context';
/** The context `context.WithCancel` (and its kin) returns: fields `done` (its Done channel) and `parent`. */
const CANCEL_CONTEXT = 'context.cancelCtx';
/** Calls that end the goroutine and not the program, as noReturn treats them. */
/** `x.Do(`: sync.Once's Do, among other methods of that name. */
export const DO_CALL = /\.Do\(/;
const GOEXIT_TEXT = /\b(?:Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow|Goexit)\(|\brequire\.\w+\(/;
/** The methods of the sync types the model knows, by type. */
const SYNC_METHODS: Record<string, Set<string>> = {
  Mutex: new Set(['Lock', 'Unlock', 'TryLock']),
  RWMutex: new Set(['Lock', 'Unlock', 'TryLock', 'RLock', 'RUnlock', 'TryRLock', 'RLocker']),
  WaitGroup: new Set(['Add', 'Done', 'Wait', 'Go']),
};
/** The sync types a package variable holds locks in (Machine.packageCell). */
const MUTEXES = ['Mutex', 'RWMutex'];
/** sync/atomic's integer types (and the suffixes of its integer functions). */
const ATOMIC_INTS = new Set(['Int32', 'Int64', 'Uint32', 'Uint64', 'Uintptr']);
/** Longest slice whose length is tracked. */
const MAX_SLICE = 8;
/** Entries a map made in the group may hold before it is any map. */
const MAX_MAP = 8;
/** Entries a map keeps under keys the model cannot compute (a registry's first subscribers) before it opens. */
const UNKNOWN_KEYS = 3;

/** What quietLoop knows of a loop: binding ids free in it, assigned by it, stored through by it; the nodes it can leave to. */
interface QuietLoop {
  free: number[]; assigned: number[]; stored: number[]; exits: number[]; ends: number[];
  /**
   * Per free binding, the fields the loop reaches it through (`s.series` of `s.series[i] = m`),
   * when every use of it is such a selector; absent when it uses the value itself (passes it,
   * calls a method on it, copies it).
   */
  fields: Record<number, string[]>;
}

/**
 * SYNC_TEXT but for the calls that end a goroutine (t.Fatal, runtime.Goexit):
 * a loop that may end it that way can still be stepped over (quietLoop).
 */
const LOOP_SYNC_TEXT = new RegExp(SYNC_TEXT.source.replace('|Fatal|FailNow|SkipNow|Goexit', ''));
if (LOOP_SYNC_TEXT.source === SYNC_TEXT.source) throw new Error('LOOP_SYNC_TEXT must leave out the calls that end a goroutine');

/** The types of a struct type's own fields (not those of structs nested in it), in order. */
function ownFieldTypes(st: Node): (Node | null)[] {
  return st.descendantsOfType('field_declaration').filter((fd) => fd.parent?.parent?.startIndex === st.startIndex).map((fd) => fd.childForFieldName('type'));
}

/** The variable an expression's selectors, indexes and dereferences start from (`m` of `m.a[i].b`, of `*p`), or null. */
function rootIdentifier(e: Node): Node | null {
  let x: Node | null = unparen(e);
  while (x && x.type !== 'identifier') {
    x = x.type === 'selector_expression' || x.type === 'index_expression' || x.type === 'unary_expression' ? x.childForFieldName('operand')
      : x.type === 'parenthesized_expression' ? x.namedChild(0) : null;
  }
  return x;
}

/** What a variable a stepped-over loop assigns holds after it: anything, a slice of any length. */
const HAVOC: Val = { k: 'unk', grown: 1 };

/** Memo key marking a frame that has just entered a quiet loop (quietLoop). */
const QUIET_ENTRY = '@quiet';
/**
 * Memo key prefix of the value a `range` over a call ranges over (`for v := range gen()`), by the
 * loop's node id: Go evaluates the expression once, so the frame keeps it while the loop runs.
 */
const RANGE_VALUE = '@range';

export interface FnInfo {
  node: Node;
  cfg: Cfg;
  name: string;
  params: { b: Binding | null; variadic: boolean }[];
  recv: Binding | null;
  results: Binding[];
  resultCount: number;
  /** Per range head: the nodes of its loop body (on a cycle through the head). */
  loopBodies: Map<number, Set<number>>;
  /** Per control-flow node: the variables (binding ids) that node or a node after it names; computed on first use. */
  live: Set<number>[] | null;
  /** Per control-flow node: the variables whose value some path from it reads before assigning them again (see readLiveAt). */
  readLive?: Set<number>[];
  /** Per `if` condition node: where its two arms meet after straight runs of calls, and the runs (see ifDiamond). */
  diamonds?: Map<number, { join: number; arms: [number[], number[]] } | null>;
  /** A method of sync.Cond, or a context's cancel func, run by the machine itself. */
  builtin?: 'Wait' | 'Signal' | 'Broadcast' | 'Cancel';
}

/** Something a witness shows: a make, a go, a synchronisation, a return. */
export interface Event {
  pid: number;
  name: string;
  /** Taken by the group's root function (not a goroutine it started). */
  root?: boolean;
  site: number;
  text: string;
}

/** Effects that interrupt evaluation: synchronisations (the goroutine parks) and local actions (the machine performs them). */
export type LocalNeed =
  | { t: 'call'; key: string; fn: Val; args: Val[] }
  /** `done`: the WaitGroup whose Done the goroutine calls when it returns (`wg.Go(f)`). */
  | { t: 'go'; key: string; fn: Val; args: Val[]; site: number; done?: Val }
  /** `at`: the expression whose value is chosen (site), named in the witness (`takes workers = 0`). */
  | { t: 'choose'; cell: number; options: Val[]; at?: number }
  | { t: 'once'; key: string; once: Val; fn: Val; site: number }
  | { t: 'discard' }
  | { t: 'goexit' };

export class NeedSignal {
  constructor(readonly need: Need | LocalNeed) {}
}

/** Expressions nested deeper than this are not evaluated: the group is given up as bounded (no stack overflow). */
export const MAX_EXPR_DEPTH = 200;

/** Thrown when an expression nests past MAX_EXPR_DEPTH; the checker counts the group as bounded. */
export class ExprTooDeep extends Error {}

/** What one step of a goroutine did. */
export type StepOut =
  | { k: 'cont' }
  | { k: 'park' }
  | { k: 'end' }
  | { k: 'discard' }
  /** Each alternative may name what it took, for the witness (a value chosen for an unknown). */
  | { k: 'branch'; alts: ((st: State) => Event[] | void)[] };

interface Ctx {
  st: State;
  p: Proc;
  fr: Frame;
  fi: FnInfo;
  events: Event[];
}

const CONT: StepOut = { k: 'cont' };
/** The platform the files were selected for (the loader's, from GOOS/GOARCH or the host). */
const BUILD = hostBuildContext();
/** One way a condition can come out: its value, the refinements of tested variables that make it so, and whether it assumes a package setting's value. */
type Outcome = { v: boolean; ref: [number, Val][]; assume?: 1 };
const SYNC_NEEDS = new Set(['send', 'recv', 'select', 'close', 'lock', 'unlock', 'rlock', 'runlock', 'wgadd', 'wgwait', 'condwait', 'signal']);
/** Object type of a sync.Cond made by sync.NewCond: field L is its lock. */
export const COND_TYPE = '#cond';
/**
 * Object type of an error made by errors.New or fmt.Errorf: each call
 * allocates a new value, so it is never nil and equals no value that existed
 * before it (a sentinel in a package variable, an error from outside code).
 */
export const FRESH_ERROR = '#error';
const INT_TYPES = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte', 'rune']);
const CONVERSIONS = new Set([...INT_TYPES, 'string', 'float32', 'float64', 'bool', 'complex64', 'complex128', 'error', 'any']);

export function memoKey(n: Node): string {
  return `${n.startIndex}.${n.endIndex}.${n.typeId}`;
}

/** Go's predeclared functions: a call of one hands nothing to outside code. */
const BUILTINS = new Set(['append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'panic', 'print', 'println', 'real', 'recover']);

const SCALAR = new Set(['unk', 'int', 'bool', 'str', 'nil']);

const sameVal = (x: Val, y: Val) => x === y || JSON.stringify(x) === JSON.stringify(y);
/** Two records with the same keys and equal values (cell ids, or memoised values). */
const sameRecord = <T>(x: Record<string | number, T>, y: Record<string | number, T>, eq: (a: T, b: T) => boolean = (a, b) => a === b) => {
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  for (const k of kx) if (!(k in y) || !eq(x[k]!, y[k]!)) return false;
  return true;
};

/**
 * The cells two states hold differently, when each such pair is two scalars
 * one of which is unknown (the unknown covers the other: an unknown string
 * may be "", an unknown error nil); null when some pair is not.
 */
function scalarJoins(a: State, b: State): number[] | null {
  if (a.cells.length !== b.cells.length) return null;
  const out: number[] = [];
  for (let i = 0; i < a.cells.length; i++) {
    const x = a.cells[i]!, y = b.cells[i]!;
    if (sameVal(x, y)) continue;
    if (!SCALAR.has(x.k) || !SCALAR.has(y.k) || (x.k !== 'unk' && y.k !== 'unk')) return null;
    out.push(i);
  }
  return out;
}

/**
 * joinScalars for two states cloned from one and changed by two straight runs
 * of code, without compacting: when they hold the same goroutines, objects,
 * channels and primitives in the same places and differ only in cells, the
 * first with those cells joined (null when they differ otherwise, or in a way
 * the join does not cover).
 */
function joinAligned(a: State, b: State): State | null {
  if (a.objs.length !== b.objs.length || a.chans.length !== b.chans.length || a.mus.length !== b.mus.length) return null;
  if (a.assumed !== b.assumed || !sameRecord(a.globals, b.globals) || a.escCells.join() !== b.escCells.join() || a.wgs.join() !== b.wgs.join() || a.onces.join() !== b.onces.join()) return null;
  for (let i = 0; i < a.objs.length; i++) {
    const x = a.objs[i]!, y = b.objs[i]!;
    if (x.esc !== y.esc || x.type !== y.type || x.via?.join() !== y.via?.join() || !sameRecord(x.fields, y.fields)) return null;
  }
  for (let i = 0; i < a.chans.length; i++) {
    const x = a.chans[i]!, y = b.chans[i]!;
    if (x.esc !== y.esc || x.closed !== y.closed || x.buf.length !== y.buf.length || x.buf.some((v, j) => !sameVal(v, y.buf[j]!))) return null;
  }
  for (let i = 0; i < a.mus.length; i++) if (a.mus[i]!.w !== b.mus[i]!.w || a.mus[i]!.r !== b.mus[i]!.r || a.mus[i]!.esc !== b.mus[i]!.esc) return null;
  if (a.procs.length !== b.procs.length) return null;
  for (let i = 0; i < a.procs.length; i++) {
    const x = a.procs[i]!, y = b.procs[i]!;
    if (x.frames.length !== y.frames.length || x.done !== y.done || x.need !== y.need) return null;
    for (let j = 0; j < x.frames.length; j++) {
      const f = x.frames[j]!, g = y.frames[j]!;
      if (f.pc !== g.pc || f.exiting !== g.exiting || !sameRecord(f.env, g.env) || !sameRecord(f.memo, g.memo, sameVal)) return null;
    }
  }
  const joins = scalarJoins(a, b);
  if (!joins) return null;
  for (const i of joins) a.cells[i] = UNK;
  return a;
}

/**
 * Two compacted states as one, when they differ only in variables that one of
 * them holds unknown and the other a scalar; null when anything else differs.
 */
function joinScalars(a: State, b: State): State | null {
  const joins = scalarJoins(a, b);
  if (!joins) return null;
  for (const i of joins) a.cells[i] = b.cells[i] = UNK;
  return stateKey(a) === stateKey(b) ? a : null;
}

/**
 * Backward may-analysis to a fixpoint over a control-flow graph:
 * in(n) = gen(n) ∪ (∪ in(succ) − kill(n)). Liveness by naming (no kill) and
 * by reads (an assignment kills) both.
 */
function backwardLive(g: Cfg, gen: Set<number>[], kill?: Set<number>[]): Set<number>[] {
  const live = gen.map((x) => new Set(x));
  const work = g.nodes.map((n) => n.id);
  const queued = new Set(work);
  while (work.length) {
    const id = work.pop()!;
    queued.delete(id);
    const mine = live[id]!;
    for (const pred of g.nodes[id]!.pred) {
      const theirs = live[pred]!;
      const killed = kill?.[pred];
      const before = theirs.size;
      for (const b of mine) if (!killed?.has(b)) theirs.add(b);
      if (theirs.size !== before && !queued.has(pred)) { queued.add(pred); work.push(pred); }
    }
  }
  return live;
}

export class Machine {
  readonly fns: FnInfo[] = [];
  private readonly fnIndex = new Map<string, number>();
  readonly sites: Node[] = [];
  private readonly siteIndex = new Map<string, number>();
  private readonly bindingIds = new Map<Binding, number>();
  /** Goroutines started by the last steps, for the scheduler to run. */
  spawned: number[] = [];
  /** Counts the sync.Once values run: a settle that runs one does what its first caller alone does. */
  onceRuns = 0;
  /**
   * Set while evaluating a value that is only observed, never branched on
   * (a channel's capacity): an unknown stays unknown instead of being
   * decided to a small value, which would pick a capacity no caller chose.
   */
  private observeOnly = false;

  constructor(readonly pkg: PackageSemantics) {}

  // ---------------------------------------------------------------- tables

  private nodeId(n: Node): string {
    return `${this.pkg.files.indexOf(this.pkg.fileOf(n))}:${n.startIndex}:${n.endIndex}:${n.typeId}`;
  }

  site(n: Node): number {
    const k = this.nodeId(n);
    let i = this.siteIndex.get(k);
    if (i === undefined) {
      i = this.sites.length;
      this.sites.push(n);
      this.siteIndex.set(k, i);
    }
    return i;
  }

  fnOf(node: Node): number {
    const k = this.nodeId(node);
    let i = this.fnIndex.get(k);
    if (i !== undefined) return i;
    const params: FnInfo['params'] = [];
    for (const d of node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') continue;
      const names = d.childrenForFieldName('name');
      if (names.length === 0) params.push({ b: null, variadic: d.type === 'variadic_parameter_declaration' });
      for (const id of names) params.push({ b: this.pkg.resolve(id), variadic: d.type === 'variadic_parameter_declaration' });
    }
    let recv: Binding | null = null;
    const rd = node.type === 'method_declaration' ? node.childForFieldName('receiver')?.namedChildren.find((c) => c.type === 'parameter_declaration') : null;
    const rname = rd?.childForFieldName('name');
    if (rname) recv = this.pkg.resolve(rname);
    const results: Binding[] = [];
    let resultCount = 0;
    const res = node.childForFieldName('result');
    if (res) {
      if (res.type === 'parameter_list') {
        for (const d of res.namedChildren) {
          if (d.type !== 'parameter_declaration') continue;
          const names = d.childrenForFieldName('name');
          resultCount += Math.max(1, names.length);
          for (const id of names) { const b = this.pkg.resolve(id); if (b) results.push(b); }
        }
      } else resultCount = 1;
    }
    const name = node.type === 'func_literal' ? 'func' : displayName(node);
    i = this.fns.length;
    this.fns.push({ node, cfg: this.pkg.cfgOf(node), name, params, recv, results, resultCount, loopBodies: new Map(), live: null });
    this.fnIndex.set(k, i);
    return i;
  }

  private readonly leaking = new Map<number, boolean[]>();

  /**
   * Per parameter of a package-local function: whether its body (function
   * literals in it included) may hand the value itself to code outside the
   * model, on any path: as an argument of an outside call or conversion,
   * directly or in a composite literal, or through a package-local callee
   * whose parameter leaks. Go's escape analysis calls these leaking params.
   * A channel or function value passed for one counts as handed out at the
   * call: whether the path the search follows through the callee reaches the
   * outside call rests on values from outside, which the model only guesses.
   */
  leakingParams(f: number): boolean[] {
    let out = this.leaking.get(f);
    if (out) return out;
    const fn = this.fns[f]!;
    out = fn.params.map(() => false);
    this.leaking.set(f, out); // recursion: assume nothing leaks; the outer frames decide
    const index = new Map<Binding, number>();
    fn.params.forEach((p, i) => { if (p.b && !p.variadic) index.set(p.b, i); });
    if (!index.size) return out;
    const body = fn.node.childForFieldName('body');
    for (const id of body?.descendantsOfType('identifier') ?? []) {
      const b = this.pkg.resolve(id);
      const i = b ? index.get(b) : undefined;
      if (i === undefined || out[i]) continue;
      if (this.handedOutside(id, body!)) out[i] = true;
    }
    return out;
  }

  /**
   * Whether the value of expression `e` (inside `within`) is handed, as it
   * is, to code outside the model: by the expression itself, or by a
   * function literal around it that captures it and is handed out.
   */
  private handedOutside(e: Node, within: Node): boolean {
    if (this.valueHandedOutside(e, within)) return true;
    const lit = enclosingFunction(e);
    return lit?.type === 'func_literal' && lit.startIndex >= within.startIndex && lit.endIndex <= within.endIndex && this.handedOutside(lit, within);
  }

  /** Whether the value of `e` itself reaches an argument of an outside call (through parentheses, `&` and composite literals). */
  private valueHandedOutside(e: Node, within: Node): boolean {
    let n = e;
    for (let parent = n.parent; parent && !sameNode(parent, within); n = parent, parent = n.parent) {
      switch (parent.type) {
        case 'parenthesized_expression': case 'literal_element': case 'keyed_element': case 'literal_value': case 'composite_literal':
          continue;
        case 'unary_expression':
          if (parent.childForFieldName('operator')?.text === '&') continue;
          return false;
        case 'argument_list': {
          const call = parent.parent;
          const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
          if (!call || !fn) return false;
          const decl = this.pkg.calleeDecl(call);
          if (decl) {
            const at = parent.namedChildren.findIndex((a) => sameNode(a, n));
            return at >= 0 && !!this.leakingParams(this.fnOf(decl))[at];
          }
          const f = unparen(fn);
          // Once.Do and WaitGroup.Go run their function in the model: the path decides, as before.
          if (f.type === 'selector_expression' && ['Do', 'Go'].includes(f.childForFieldName('field')?.text ?? '')) return false;
          if (f.type === 'identifier') {
            const b = this.pkg.resolve(f);
            // A conversion to a type of this package keeps the value here; a local function value is called, not handed out.
            if (b?.kind === 'type') continue;
            if (b || BUILTINS.has(f.text)) return false;
          }
          return true;
        }
        default:
          return false;
      }
    }
    return false;
  }

  private readonly testBodies = new Map<number, boolean>();

  /**
   * Whether a function is a test's own body: a `TestXxx`, `BenchmarkXxx`,
   * `FuzzXxx` or `ExampleXxx` of a `_test.go` file (methods too, which
   * suites such as grpc's run), or a function literal written inside one.
   */
  inTestBody(f: number): boolean {
    let out = this.testBodies.get(f);
    if (out === undefined) {
      const decl = this.pkg.topLevelDecl(this.fns[f]!.node);
      const named = decl?.type === 'function_declaration' || decl?.type === 'method_declaration';
      out = named && this.pkg.fileOf(decl!).isTest && /^(Test|Benchmark|Fuzz|Example)(?![a-z])/.test(decl!.childForFieldName('name')?.text ?? '');
      this.testBodies.set(f, out);
    }
    return out;
  }

  private readonly free = new Map<number, number[]>();

  /** Binding ids of the variables a function literal uses from around it. */
  freeVars(f: number): number[] {
    let out = this.free.get(f);
    if (!out) {
      const lit = this.fns[f]!.node;
      const ids = new Set<number>();
      for (const id of lit.descendantsOfType('identifier')) {
        const b = this.pkg.resolve(id);
        if (!b || b.fn === null || b.kind === 'func' || b.kind === 'const' || b.kind === 'type') continue;
        if (b.ident.startIndex >= lit.startIndex && b.ident.endIndex <= lit.endIndex) continue;
        ids.add(this.bid(b));
      }
      out = [...ids].sort((a, b) => a - b);
      this.free.set(f, out);
    }
    return out;
  }

  /**
   * Whether a function's results carry nothing the model tracks (none, or
   * errors, booleans, numbers, strings, values of other packages): skipping
   * it then loses nothing. A constructor returning `*T` must run.
   */
  plainResults(f: number): boolean {
    const res = this.fns[f]!.node.childForFieldName('result');
    if (!res) return true;
    const types = res.type === 'parameter_list' ? res.namedChildren.map((d) => d.childForFieldName('type')) : [res];
    return types.every((t) => this.plainType(t));
  }

  private readonly plainTypes = new Map<string, boolean>();

  /**
   * What a skipped call returns: unknown values, except that by Go's
   * convention a `(T, error)` result that reports no error carries a value:
   * the results before a trailing error are not nil (`cfg, err := load();
   * if err != nil { return }` then `if cfg == nil` is not a way the code goes).
   */
  private unknownResults(f: number): Val {
    const res = this.fns[f]!.node.childForFieldName('result');
    const made = this.madeResults(f);
    const unknown = (i: number): Val => (made[i] ? { k: 'unk', nn: 1 } : UNK);
    if (!res || res.type !== 'parameter_list') return unknown(0);
    const types = res.namedChildren.filter((d) => d.type === 'parameter_declaration').flatMap((d) => Array(Math.max(1, d.childrenForFieldName('name').length)).fill(d.childForFieldName('type')?.text ?? ''));
    if (types.length < 2) return unknown(0);
    if (types[types.length - 1] !== 'error') return { k: 'tup', vs: types.map((_, i) => unknown(i)) };
    return { k: 'tup', vs: types.map((_, i) => (i === types.length - 1 ? UNK : { k: 'unk', nn: 1 })) };
  }

  /**
   * Per result, whether every return statement of the function gives it a
   * value made there and then (`&T{...}`, `new(T)`, `make(...)`, a literal):
   * a skipped constructor's result is then unknown but not nil, and `if g
   * == nil { return }` after it is not a way the code goes.
   */
  private madeResults(f: number): boolean[] {
    let out = this.made.get(f);
    if (!out) {
      const body = this.fns[f]!.node.childForFieldName('body');
      const returns = body ? body.descendantsOfType('return_statement').filter((r) => sameNode(enclosingFunction(r), this.fns[f]!.node)) : [];
      const made = (e: Node | undefined): boolean => !!e && this.madeHere(e);
      const lists = returns.map((r) => r.namedChild(0)?.type === 'expression_list' ? r.namedChild(0)!.namedChildren : r.namedChildren);
      const width = Math.max(0, ...lists.map((l) => l.length));
      out = returns.length ? Array.from({ length: width }, (_, i) => lists.every((l) => made(l[i]))) : [];
      this.made.set(f, out);
    }
    return out;
  }

  private readonly made = new Map<number, boolean[]>();

  /**
   * Whether code outside the group may wake a goroutine waiting on the Cond
   * `o`: once it went out directly, or through an exported field, anyone may
   * hold it; one that went out only through unexported fields (Obj.via) is
   * signalled only by this package's code, through one of those fields, so
   * only when the package names one of them in a Signal or Broadcast (or
   * signals through something else, `c.Signal()` of a variable, which may be
   * any Cond).
   */
  mayBeSignalled(o: Obj): boolean {
    if (!o.esc) return false;
    if (!o.via) return true;
    const fields = (this.signalFields ??= signalledFields(this.pkg.files.map((f) => f.text)));
    return fields.has('*') || o.via.some((f) => fields.has(f));
  }

  private signalFields: Set<string> | undefined;

  /**
   * Whether a function returns only booleans or integers, or ends its
   * results with an error: a predicate (`func() bool { return r.isReady }`)
   * or a lookup (`func (s *store) Get() (*T, error)`, nil error once the
   * item is stored) whose answer, read from the group's objects, decides
   * whether a goroutine waits or returns early. Run, not skipped, when it is
   * handed something of the group's: skipped, its error could be non-nil
   * where the objects it reads say it cannot be.
   */
  private decides(f: number): boolean {
    const res = this.fns[f]!.node.childForFieldName('result');
    if (!res) return false;
    const types = res.type === 'parameter_list' ? res.namedChildren.filter((d) => d.type === 'parameter_declaration').map((d) => d.childForFieldName('type')) : [res];
    const last = types[types.length - 1];
    if (last?.type === 'type_identifier' && last.text === 'error' && !this.pkg.globals.has('error')) return true;
    return types.length > 0 && types.every((t) => !!t && t.type === 'type_identifier' && (t.text === 'bool' || INT_TYPES.has(t.text)));
  }

  /** A type whose values cannot hold a channel, object or closure of this package: basic types, other packages' types, and slices, arrays, maps and pointers of those. */
  private plainType(t: Node | null | undefined): boolean {
    if (!t) return false;
    switch (t.type) {
      // sync's and context's values are what the model tracks (a Mutex, a cancel context).
      case 'qualified_type': { const q = this.pkg.qualifiedName(t); return q?.path !== 'sync' && q?.path !== 'context'; }
      case 'type_identifier': {
        if (CONVERSIONS.has(t.text)) return true;
        const g = this.pkg.globals.get(t.text);
        if (!g) return true;
        if (g.kind !== 'type' || !g.type) return false;
        // A local named type is plain when what it is made of is: `type Rev int`, a struct of plain fields.
        if (this.plainTypes.has(t.text)) return this.plainTypes.get(t.text)!;
        this.plainTypes.set(t.text, false); // recursive types: not plain
        const u = g.type;
        const r = u.type === 'struct_type'
          ? ownFieldTypes(u).every((ft) => this.plainType(ft))
          : this.plainType(u);
        this.plainTypes.set(t.text, r);
        return r;
      }
      case 'pointer_type': case 'slice_type': case 'array_type': case 'parenthesized_type':
        return this.plainType(t.childForFieldName('element') ?? t.namedChildren.at(-1));
      case 'map_type': return this.plainType(t.childForFieldName('key')) && this.plainType(t.childForFieldName('value'));
      default: return false;
    }
  }

  /** A call of a function value the model may hold: a local variable or parameter, or a struct field of function type. */
  private callsFunctionValue(call: Node): boolean {
    const f = unparen(call.childForFieldName('function')!);
    if (f.type === 'identifier') {
      const b = this.pkg.resolve(f);
      return !!b && b.fn !== null && (b.kind === 'var' || b.kind === 'param' || b.kind === 'range');
    }
    const sel = selectorParts(f);
    if (!sel || this.pkg.importPathOf(sel.operand)) return false;
    for (const fields of this.pkg.structFields.values()) if (fields.get(sel.field)?.type === 'function_type') return true;
    return false;
  }

  private readonly makes = new Map<number, boolean>();

  /**
   * Whether a function, or a package-local function it calls, makes a
   * channel or declares one it never makes (`var ch chan T`: nil, on which a
   * goroutine blocks forever): a group without either has nothing to prove.
   */
  makesChannel(f: number): boolean {
    return this.throughCalls(this.makes, f, (node) => CHANNEL_MADE.test(node.text) || this.buildsChannelHolder(node));
  }

  private chanHolders: Set<string> | null = null;

  /**
   * Whether a function builds a value of a package struct type with a
   * channel field (`&Server{}`, `new(Server)`, `var s Server`): a field the
   * group never sets is a nil channel.
   */
  private buildsChannelHolder(node: Node): boolean {
    if (!this.chanHolders) {
      this.chanHolders = new Set();
      for (const [type, fields] of this.pkg.structFields) {
        if ([...fields.values()].some((t) => t?.type === 'channel_type')) this.chanHolders.add(type);
      }
    }
    if (!this.chanHolders.size) return false;
    for (const t of node.descendantsOfType(['composite_literal', 'call_expression', 'var_spec'])) {
      const type = t.type === 'composite_literal' ? t.childForFieldName('type')
        : t.type === 'var_spec' ? t.childForFieldName('type')
        : t.childForFieldName('function')?.text === 'new' ? t.childForFieldName('arguments')?.namedChild(0) : null;
      if (type?.type === 'type_identifier' && this.chanHolders.has(type.text)) return true;
    }
    return false;
  }

  /**
   * Set for a group explored for sync-leak alone: an outside object holding a mutex is then the
   * group's once handed to a call (the call may take the lock the group waits for). Off, such calls
   * are skipped: running them costs the bound, and no channel finding depends on them.
   */
  trackLocks = false;

  /** Whether nothing of the group can be reached through `v` (see the free function untracked). */
  private untracked(st: State, v: Val): boolean {
    return untracked(st, v, (type) => this.trackLocks && this.lockable(type));
  }

  private readonly lockables = new Map<string, boolean>();

  /** Whether a package struct type has a sync.Mutex, RWMutex or WaitGroup field (named or embedded, not behind a pointer). */
  lockable(type: string | null): boolean {
    if (!type) return false;
    let r = this.lockables.get(type);
    if (r === undefined) {
      r = this.hasSyncField(type, ['Mutex', 'RWMutex', 'WaitGroup']);
      this.lockables.set(type, r);
    }
    return r;
  }

  /** Whether a package struct type has a field of one of these sync types, named or embedded, not behind a pointer. */
  private hasSyncField(type: string, kinds: string[]): boolean {
    const isSync = (t: Node) => kinds.includes(this.pkg.qualifiedName(t, 'sync')?.name ?? '');
    return [...(this.pkg.structFields.get(type)?.values() ?? [])].some(isSync)
      || kinds.some((f) => { const e = this.embeddedSync(type, f); return !!e && e.parent?.type !== 'pointer_type'; });
  }

  /**
   * The `sync.Mutex`/`RWMutex`/`WaitGroup` type node a struct type embeds as
   * `field`, for a named struct type or an anonymous one (`mu struct {
   * sync.RWMutex; ... }`, an object of type `#anon:<site>`). Null if none.
   */
  embeddedSync(type: string | null, field: string): Node | null {
    if (!type) return null;
    const key = `${type}\0${field}`;
    let r = this.embeddedSyncs.get(key);
    if (r === undefined) { r = this.findEmbeddedSync(type, field); this.embeddedSyncs.set(key, r); }
    return r;
  }

  /** Asked at every lock and field read: the struct's fields are walked once per type and name. */
  private readonly embeddedSyncs = new Map<string, Node | null>();

  private findEmbeddedSync(type: string, field: string): Node | null {
    const anon = type.startsWith(ANON_STRUCT) ? this.sites[Number(type.slice(ANON_STRUCT.length))] : null;
    const g = anon ? null : this.pkg.globals.get(type);
    const st = anon ?? (g?.kind === 'type' ? g.type : null);
    if (st?.type !== 'struct_type') return null;
    for (const fd of st.descendantsOfType('field_declaration')) {
      if (fd.parent?.parent?.startIndex !== st.startIndex || fd.childrenForFieldName('name').length) continue;
      let t = fd.childForFieldName('type');
      if (t?.type === 'pointer_type') t = t.namedChild(0);
      if (t?.type === 'qualified_type' && t.childForFieldName('name')?.text === field && this.pkg.importPathOf(t.childForFieldName('package')!, 'sync')) return t;
    }
    return null;
  }

  private readonly counters = new Map<number, number[]>();

  /**
   * A goroutine's place and what its code can see there, for twinsOf: each
   * frame's node, pending results and deferred calls, and the values of the
   * variables its function reads (a parameter it never reads does not make
   * two copies differ). Values that hold cells of their own (closures) keep
   * the copies apart.
   */
  localKey(st: State, p: Proc): string {
    return JSON.stringify([p.spin, p.unwind, p.need, p.frames.map((fr) => [fr.f, fr.pc, fr.exiting, fr.retAt, fr.site, this.readsOf(fr.f).map((b) => (fr.env[b] === undefined ? null : st.cells[fr.env[b]!])), fr.memo, fr.defers, fr.ret, fr.iters])]);
  }

  /** Binding ids a function's code reads or writes (its nested closures' too), sorted. */
  private readsOf(f: number): number[] {
    let out = this.reads.get(f);
    if (!out) {
      const ids = new Set<number>();
      for (const x of this.fns[f]!.node.descendantsOfType('identifier')) { const b = this.pkg.resolve(x); if (b) ids.add(this.bid(b)); }
      out = [...ids].sort((a, b) => a - b);
      this.reads.set(f, out);
    }
    return out;
  }

  private readonly reads = new Map<number, number[]>();

  /**
   * Whether the loop whose head is node `pc` of function `f` is run round by
   * round: its condition bounds a counter its clause declares by a small
   * constant (smallConstantBound).
   */
  exactLoop(f: number, pc: number): boolean {
    const k = `${f}:${pc}`;
    let r = this.exactLoops.get(k);
    if (r === undefined) this.exactLoops.set(k, (r = this.exactLoopAt(f, pc)));
    return r;
  }

  private readonly exactLoops = new Map<string, boolean>();

  private exactLoopAt(f: number, pc: number): boolean {
    let loop: Node | null = this.fns[f]!.cfg.nodes[pc]?.ast ?? null;
    while (loop && loop.type !== 'for_statement') loop = loop.parent;
    const c = loop ? this.clauseCounters(loop) : null;
    return !!c && c.counters.some(({ b }) => this.smallConstantBound(c.clause.childForFieldName('condition'), b));
  }

  /** A `for` clause that declares its counters (`for i := 0; ...`): the clause, and each counter's identifier and binding. */
  private clauseCounters(loop: Node): { clause: Node; counters: { id: Node; b: Binding }[] } | null {
    const clause = loop.namedChildren.find((x) => x.type === 'for_clause');
    const init = clause?.childForFieldName('initializer');
    if (!clause || init?.type !== 'short_var_declaration') return null;
    const counters = (init.childForFieldName('left')?.namedChildren ?? []).flatMap((id) => {
      const b = id.type === 'identifier' ? this.pkg.resolve(id) : null;
      return b ? [{ id, b }] : [];
    });
    return { clause, counters };
  }

  /**
   * Binding ids of the loop counters of a function that nothing but their
   * loop's clause reads (`for i := 0; i < 100000; i++ { mu.Lock(); ... }`):
   * such a counter decides only when the loop ends.
   */
  pureCounters(f: number): number[] {
    let out = this.counters.get(f);
    if (!out) {
      out = [];
      const node = this.fns[f]!.node;
      for (const loop of node.descendantsOfType('for_statement')) {
        const c = this.clauseCounters(loop);
        if (!c) continue;
        const body = loop.childForFieldName('body');
        for (const { id, b } of c.counters) {
          if (!body || body.descendantsOfType('identifier').some((x) => x.text === id.text && this.pkg.resolve(x) === b)) continue;
          if (this.smallConstantBound(c.clause.childForFieldName('condition'), b)) continue;
          out.push(this.bid(b));
        }
      }
      this.counters.set(f, out);
    }
    return out;
  }

  /**
   * Whether a loop's condition compares its counter with a constant of at
   * most EXACT_LOOP_ROUNDS (`i < 3`, `i < numReq`): such a loop is run round
   * by round. Held unknown, its counter would let the loop go past its end,
   * making operations the code never makes (a fourth send into a buffer of
   * three), and unrolling it costs no more than that many rounds.
   */
  private smallConstantBound(cond: Node | null, b: Binding): boolean {
    const c = cond ? unparen(cond) : null;
    if (c?.type !== 'binary_expression') return false;
    const op = c.child(1)?.type ?? '';
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    if (!l || !r || !['<', '<=', '>', '>=', '!='].includes(op)) return false;
    const isCounter = (x: Node) => unparen(x).type === 'identifier' && this.pkg.resolve(unparen(x)) === b;
    const limit = isCounter(l) ? r : isCounter(r) ? l : null;
    const n = limit ? evalCount(this.pkg, limit) : null;
    return n?.kind === 'const' && n.n >= 0 && n.n <= EXACT_LOOP_ROUNDS;
  }

  private readonly syncWaits = new Map<number, boolean>();

  /** Whether a function, or a package-local function it calls (through an interface, or a receiver whose type is not known: any method of the package by that name), calls Lock, RLock or Wait (a group sync-leak looks at). */
  waitsOnSync(f: number): boolean {
    return this.throughCalls(this.syncWaits, f, (node) => SYNC_WAIT.test(node.text), (call) => this.anyMethod(call, (g) => this.waitsOnSync(g)));
  }

  /**
   * A fact of a function that holds when it holds of its own text or of a
   * package-local function it calls, memoised in `memo`. Recursion assumes
   * the fact does not hold; the other frames decide. `unresolved` says what
   * a call whose callee is not known counts as.
   */
  private throughCalls(memo: Map<number, boolean>, f: number, own: (node: Node) => boolean, unresolved: (call: Node) => boolean = () => false): boolean {
    const known = memo.get(f);
    if (known !== undefined) return known;
    memo.set(f, false);
    const node = this.fns[f]!.node;
    let r = own(node);
    if (!r) {
      for (const call of node.descendantsOfType('call_expression')) {
        const callee = this.pkg.calleeDecl(call);
        if (callee ? this.throughCalls(memo, this.fnOf(callee), own, unresolved) : unresolved(call)) { r = true; break; }
      }
    }
    memo.set(f, r);
    return r;
  }

  private readonly syncs = new Map<number, boolean>();

  /**
   * Whether a function, or a package-local function it calls, has a channel
   * operation, a select, a go statement, a sync method call, a channel make,
   * or a call that ends the goroutine: read from the text, then through calls.
   * A panic or `os.Exit` does not count: it ends the program, a path the
   * search drops anyway, so a helper that may panic (`BytesToRev` on a short
   * key) is stepped over like any other; one that never returns is an abort
   * in its caller's control-flow graph.
   */
  synchronises(f: number): boolean {
    return this.throughCalls(this.syncs, f, (node) => SYNC_TEXT.test(node.text) || this.rangesOverChannel(node), (call) => this.callsFunctionValue(call) || this.anyMethod(call, (g) => this.synchronises(g)));
  }

  /**
   * Whether code ranges over a channel, the one receive no token shows
   * (`for j := range jobs`): a chan-typed variable, parameter or field, a
   * `make(chan ...)`, or a call of a package-local function that returns a
   * channel (a generator).
   */
  private rangesOverChannel(node: Node): boolean {
    return node.descendantsOfType('range_clause').some((r) => {
      const e = r.childForFieldName('right');
      if (!e) return false;
      if (isChannelExpr(this.pkg, e)) return true;
      const x = unparen(e);
      const callee = x.type === 'call_expression' ? this.pkg.calleeDecl(x) : null;
      return !!callee && returnsChannel(callee);
    });
  }

  private readonly lockers = new Map<number, boolean>();

  /**
   * Goroutine `pid`, waiting in a Do whose Once no call has started, runs the
   * function it handed Do: the Once is its until the function returns (a
   * deferred `oncedone`), and the call's result is what the function returns.
   */
  startOnce(st: State, pid: number): void {
    const p = st.procs[pid]!;
    const n = p.need as Need & { t: 'oncewait' };
    const o = n.once as Val & { k: 'once' };
    st.onces[o.id] = pid + 2;
    this.onceRuns++;
    const frame = this.newFrame(st, n.fn as Val & { k: 'fn' }, [], n.key);
    frame.defers.push({ kind: 'oncedone', v: o, args: [], site: n.site });
    p.frames.push(frame);
    p.need = null;
  }
  private readonly doers = new Map<number, boolean>();

  /** Whether a function, or a package-local function it calls, calls a method named Do (sync.Once's, among others). */
  callsDo(f: number): boolean {
    return this.throughCalls(this.doers, f, (node) => DO_CALL.test(node.text), (call) => this.anyMethod(call, (g) => this.callsDo(g)));
  }

  /**
   * Whether a function, or a package-local function it calls (through an
   * interface: any method of the package by that name), calls Lock or RLock.
   */
  locks(f: number): boolean {
    return this.throughCalls(this.lockers, f, (node) => LOCK_CALL.test(node.text), (call) => this.anyMethod(call, (g) => this.locks(g)));
  }

  private readonly ends = new Map<number, boolean>();

  /**
   * Whether a function, or a package-local function it calls, may end the
   * goroutine and let the program go on (`t.Fatal`, `runtime.Goexit`,
   * `require.*`): skipping it would lose that path. A panic or `os.Exit`
   * ends the program, a path the search drops anyway.
   */
  mayEndGoroutine(f: number): boolean {
    return this.throughCalls(this.ends, f, (node) => GOEXIT_TEXT.test(node.text));
  }


  /** Embedded fields of a local struct type whose type is a local named type: field name (the type name) and type node. */
  embedded(type: string | null): { name: string; type: Node }[] {
    if (!type) return [];
    let out = this.embeds.get(type);
    if (!out) this.embeds.set(type, (out = this.embeddedOf(type)));
    return out;
  }

  /** embedded and fieldOrder by type name: asked at every field access, read from the tree once. */
  private readonly embeds = new Map<string, { name: string; type: Node }[]>();
  private readonly fieldOrders = new Map<string, string[]>();

  private embeddedOf(type: string): { name: string; type: Node }[] {
    const g = this.pkg.globals.get(type);
    const st = g?.kind === 'type' ? g.type : null;
    if (st?.type !== 'struct_type') return [];
    const out: { name: string; type: Node }[] = [];
    for (const fd of st.descendantsOfType('field_declaration')) {
      if (fd.parent?.parent?.startIndex !== st.startIndex || fd.childrenForFieldName('name').length) continue;
      const t = fd.childForFieldName('type');
      let base = t;
      if (base?.type === 'pointer_type') base = base.namedChild(0);
      if (t && base?.type === 'type_identifier' && this.pkg.globals.get(base.text)?.kind === 'type') out.push({ name: base.text, type: t });
    }
    return out;
  }

  /** Field names of a struct type in declaration order, embedded fields by their type name. */
  fieldOrder(type: string): string[] {
    let out = this.fieldOrders.get(type);
    if (!out) this.fieldOrders.set(type, (out = this.fieldOrderOf(type)));
    return out;
  }

  private fieldOrderOf(type: string): string[] {
    const g = this.pkg.globals.get(type);
    const st = g?.kind === 'type' ? g.type : null;
    if (st?.type !== 'struct_type') return [...(this.pkg.structFields.get(type)?.keys() ?? [])];
    const out: string[] = [];
    for (const fd of st.descendantsOfType('field_declaration')) {
      if (fd.parent?.parent?.startIndex !== st.startIndex) continue;
      const names = fd.childrenForFieldName('name');
      if (names.length) { for (const n of names) out.push(n.text); continue; }
      let t = fd.childForFieldName('type');
      if (t?.type === 'pointer_type') t = t.namedChild(0);
      out.push(t?.type === 'qualified_type' ? t.childForFieldName('name')?.text ?? '_' : t?.text ?? '_');
    }
    return out;
  }

  /** Whether `name` is a field or method of the type itself (not promoted). */
  private ownMember(obj: { type: string | null; fields: Record<string, number> }, name: string): boolean {
    if (name in obj.fields) return true;
    if (!obj.type) return true;
    if (this.pkg.structFields.get(obj.type)?.has(name)) return true;
    if (this.pkg.methods.has(`${obj.type}.${name}`)) return true;
    return this.embedded(obj.type).some((e) => e.name === name);
  }

  /** The object that holds a promoted field or method `name` of `o` (through embedded fields), or `o`. */
  holder(st: State, o: Val & { k: 'obj' }, name: string, depth = 0): Val & { k: 'obj' } {
    const obj = st.objs[o.id]!;
    if (depth > 3 || this.ownMember(obj, name)) return o;
    for (const e of this.embedded(obj.type)) {
      let cell = obj.fields[e.name];
      if (cell === undefined) { cell = this.newCell(st, this.zeroOf(st, e.type)); obj.fields[e.name] = cell; }
      const v = st.cells[cell]!;
      if (v.k !== 'obj') continue;
      const h = this.holder(st, v, name, depth + 1);
      const hobj = st.objs[h.id]!;
      if (h.id !== v.id || this.ownMember(hobj, name)) { if (hobj.type && (this.pkg.structFields.get(hobj.type)?.has(name) || this.pkg.methods.has(`${hobj.type}.${name}`) || name in hobj.fields)) return h; }
    }
    return o;
  }

  /** A method call we cannot resolve (an interface, an ambiguous name): whether a package method of that name has the fact. */
  anyMethod(call: Node, fact: (f: number) => boolean): boolean {
    const sel = selectorParts(unparen(call.childForFieldName('function')!));
    if (!sel || this.pkg.importPathOf(sel.operand)) return false;
    return (this.pkg.methodsByName.get(sel.field) ?? []).some((m) => fact(this.fnOf(m)));
  }

  // ---------------------------------------------------------------- maps
  // A map made in the group is an object of type `#map:<site of its type>`
  // whose fields are its entries, keyed `i<n>`/`b<0|1>`/`s<text>` while the keys
  // are known integers, booleans or string constants. An entry stored under a
  // key the model cannot compute (`subs[id] = ch`) is kept as `u<n>`, a key of
  // its own (distinct keys, as a registry's are): a range visits it with the
  // others, so a shutdown that ranges over the map and closes every channel
  // reaches the goroutines waiting on them. A lookup or delete that could hit
  // such an entry cannot say which: the entries' values go to the outside.
  // Escaping, or an unknown key deleted, makes the map open (`#mapx:`): entries
  // from outside, reads unknown, range any number of times.

  newMap(st: State, typeNode: Node | null): Val & { k: 'obj' } {
    const o = this.newObj(st, `#map:${typeNode ? this.site(typeNode) : -1}`) as Val & { k: 'obj' };
    return o;
  }

  mapOf(st: State, v: Val): { id: number; open: boolean; valueType: Node | null } | null {
    if (v.k !== 'obj') return null;
    const o = st.objs[v.id]!;
    const m = o.type ? /^#map(x?):(-?\d+)$/.exec(o.type) : null;
    if (!m) return null;
    const site = Number(m[2]);
    const t = site >= 0 ? this.sites[site]! : null;
    return { id: v.id, open: m[1] === 'x' || o.esc || Object.keys(o.fields).length > MAX_MAP, valueType: t?.childForFieldName('value') ?? null };
  }

  openMap(st: State, id: number): void {
    const o = st.objs[id]!;
    if (o.type) o.type = o.type.replace(/^#map:/, '#mapx:');
    this.spillUnknownKeys(st, id);
  }

  /** The values stored under keys the model could not compute, handed to the outside: a read by key may return any of them. */
  spillUnknownKeys(st: State, id: number): void {
    const o = st.objs[id]!;
    for (const [k, cell] of Object.entries(o.fields)) if (k[0] === 'u') this.escape(st, st.cells[cell]!);
  }

  /** Whether a map holds entries under keys the model could not compute. */
  private hasUnknownKeys(st: State, id: number): boolean {
    return Object.keys(st.objs[id]!.fields).some((k) => k[0] === 'u');
  }

  /**
   * A new entry's key for a key the model cannot compute, or null (the map
   * then opens): when the value holds nothing of the group (kept, it would
   * only make a loop's iterations differ), or past a few such entries.
   */
  private unknownKey(st: State, id: number, v: Val, key: Val = UNK): string | null {
    if (this.untracked(st, v) && this.untracked(st, key)) return null;
    const fields = st.objs[id]!.fields;
    const keys = Object.keys(fields).filter((k) => !k.endsWith(KEY_CELL));
    if (keys.length >= MAX_MAP || keys.filter((k) => k[0] === 'u').length >= UNKNOWN_KEYS) return null;
    // The first name free (a kept key's entry may have been deleted).
    let n = 0;
    while (fields[`u${n}`] !== undefined) n++;
    return `u${n}`;
  }

  /** The entry a map keeps under a key the group made (a channel, an object), by that key's identity; null if none. */
  private keyOfValue(st: State, id: number, key: Val): string | null {
    if (key.k !== 'chan' && key.k !== 'obj') return null;
    for (const [k, cell] of Object.entries(st.objs[id]!.fields)) {
      if (!k.endsWith(KEY_CELL)) continue;
      const held = st.cells[cell]!;
      if (held.k === key.k && held.id === key.id) return k.slice(0, -KEY_CELL.length);
    }
    return null;
  }

  mapKey(k: Val): string | null {
    if (k.k === 'int') return `i${k.v}`;
    if (k.k === 'bool') return `b${k.v ? 1 : 0}`;
    if (k.k === 'str') return `s${k.v}`;
    return null;
  }

  keyVal(key: string): Val {
    if (key[0] === 'u') return UNK;
    return key[0] === 'i' ? { k: 'int', v: Number(key.slice(1)) } : key[0] === 's' ? { k: 'str', v: key.slice(1) } : { k: 'bool', v: key === 'b1' };
  }

  /** String keys in the order the package first used them: a range visits them in that order (one of the orders Go may take). */
  private readonly strKeys = new Map<string, number>();

  /** A key's place in the order a range over the map follows: integers and booleans by value, then strings. */
  keyNum(key: string): number {
    if (key[0] === 's') {
      let n = this.strKeys.get(key);
      if (n === undefined) { n = this.strKeys.size; this.strKeys.set(key, n); }
      return 2 ** 40 + n;
    }
    if (key[0] === 'u') return 2 ** 41 + Number(key.slice(1));
    return key[0] === 'i' ? Number(key.slice(1)) : key === 'b1' ? 1 : 0;
  }

  /**
   * An unlock done in place, not at a scheduling point: a release never
   * blocks and commutes with what other goroutines do before it (a left
   * mover), so doing it at once loses no deadlock and halves the
   * interleavings of every critical section.
   */
  release(st: State, m: Val, read: boolean): void {
    if (m.k !== 'mu') return;
    const y = st.mus[m.id]!;
    if (read) y.r = Math.max(0, y.r - 1); else y.w = 0;
  }

  /** Wait releases the Cond's lock and waits; Signal and Broadcast wake the waiters of the moment. */
  condNeed(st: State, name: 'Wait' | 'Signal' | 'Broadcast', cond: Val, key: string, site: number): Need {
    // Reaching Wait is no synchronisation: the goroutine registers (and releases the lock) in a step of
    // its own, so a Signal can come first and be lost.
    if (name === 'Wait') return { t: 'condwait', cond, key, site, reg: 0 };
    return { t: 'signal', cond, all: name === 'Broadcast' ? 1 : 0, key, site };
  }

  private readonly condFns = new Map<string, number>();

  /** The function-table entry of a sync.Cond method: a value `c.Wait` can be passed around and called. */
  condMethod(name: 'Wait' | 'Signal' | 'Broadcast' | 'Cancel', at: Node): number {
    let i = this.condFns.get(name);
    if (i === undefined) {
      i = this.fns.length;
      this.fns.push({ node: at, cfg: null as unknown as Cfg, name: name === 'Cancel' ? 'context.CancelFunc' : `(*sync.Cond).${name}`, params: [], recv: null, results: [], resultCount: 0, loopBodies: new Map(), live: null, builtin: name });
      this.condFns.set(name, i);
      this.syncs.set(i, true);
    }
    return i;
  }

  private readonly stores = new Map<number, boolean>();
  private readonly counts = new Map<number, boolean>();

  /** Whether a function, or a package-local function it calls, counts a field or element up or down (`t.n++`). */
  private countsInHeap(f: number): boolean {
    return this.throughCalls(this.counts, f, (node) => node.descendantsOfType(['inc_statement', 'dec_statement']).some((x) => unparen(x.namedChild(0)!).type !== 'identifier'));
  }

  /**
   * Whether a function, or a package-local function it calls, stores a
   * value into the heap (`x.f = v`, `xs[i] = v`, `*p = v`): skipping it
   * would lose a function value or channel kept for later
   * (`m.handlers = append(m.handlers, h)`).
   */
  storesValues(f: number): boolean {
    return this.throughCalls(this.stores, f, (node) => node.descendantsOfType('assignment_statement').some((a) => (a.childForFieldName('left')?.namedChildren ?? []).some((l) => {
      const t = unparen(l);
      if (t.type === 'selector_expression' || t.type === 'index_expression' || t.type === 'unary_expression') return true;
      // A variable of an enclosing function (a closure's captured cell).
      if (t.type !== 'identifier') return false;
      const b = this.pkg.resolve(t);
      return !!b && b.fn !== null && (b.ident.startIndex < node.startIndex || b.ident.endIndex > node.endIndex);
    })));
  }

  bid(b: Binding): number {
    let i = this.bindingIds.get(b);
    if (i === undefined) {
      i = this.bindingIds.size;
      this.bindingIds.set(b, i);
    }
    return i;
  }

  // ---------------------------------------------------------------- heap

  newCell(st: State, v: Val): number {
    st.cells.push(v);
    return st.cells.length - 1;
  }

  newObj(st: State, type: string | null): Val {
    st.objs.push({ type, fields: fieldMap(), esc: false });
    return { k: 'obj', id: st.objs.length - 1 };
  }

  private readonly lazyZeros = new Map<string, Map<string, Val | null>>();

  /**
   * What a first read of a declared field of `o` stores when the object has
   * no cell for it yet (evRef): its type's zero, or an unknown once the
   * object went out. Null when that read would make an object or a sync
   * primitive, or the field is not declared. A field whose cell still holds
   * this value is the field not yet read (compact leaves it out): two paths
   * that read different fields of an options struct and left them as they
   * were are one state.
   */
  lazyField(o: Obj, field: string): Val | null {
    if (!o.type) return null;
    let byField = this.lazyZeros.get(o.type);
    if (!byField) this.lazyZeros.set(o.type, (byField = new Map()));
    let zero = byField.get(field);
    if (zero === undefined) {
      const ft = this.pkg.structFields.get(o.type)?.get(field);
      const z = ft ? this.zeroOf(emptyState(), ft) : null;
      zero = z && (z.k === 'nil' || z.k === 'int' || z.k === 'bool' || z.k === 'unk') ? z : null;
      byField.set(field, zero);
    }
    return zero && o.esc ? UNK : zero;
  }

  private bounds: { bindings: Set<number>; fields: Set<string> } | null = null;

  /**
   * Whether the integer in `cell` may be held unknown once a cycle of the
   * search has moved it alone (countCycle in explore.ts): not a `for` clause's
   * counter, nor a variable or field the package compares with a constant
   * (`sent < 3`, `n == maxRetries`). Those bound a loop, which run past its
   * bound would make operations the code never makes (a fourth send into a
   * buffer of three); a number only counted and reported (`count++`, a
   * request id handed out) bounds nothing.
   */
  countsFreely(st: State, cell: number): boolean {
    if (!this.bounds) {
      const bindings = new Set<number>();
      const fields = new Set<string>();
      const name = (x: Node) => {
        const e = unparen(x);
        if (e.type === 'identifier') { const b = this.pkg.resolve(e); if (b && b.fn !== null) bindings.add(this.bid(b)); }
        else if (e.type === 'selector_expression') { const sel = selectorParts(e); if (sel) fields.add(sel.field); }
      };
      const constant = (x: Node) => constIntValue(this.pkg, x) !== null;
      for (const f of this.pkg.files) {
        for (const e of f.root.descendantsOfType('binary_expression')) {
          if (!['<', '<=', '>', '>=', '==', '!='].includes(e.childForFieldName('operator')?.text ?? '')) continue;
          const l = e.childForFieldName('left'), r = e.childForFieldName('right');
          if (!l || !r) continue;
          if (constant(r)) name(l);
          if (constant(l)) name(r);
        }
        for (const loop of f.root.descendantsOfType('for_statement')) for (const { b } of this.clauseCounters(loop)?.counters ?? []) bindings.add(this.bid(b));
      }
      this.bounds = { bindings, fields };
    }
    for (const p of st.procs) for (const fr of p.frames) for (const k in fr.env) if (fr.env[k] === cell && this.bounds.bindings.has(+k)) return false;
    for (const o of st.objs) for (const f in o.fields) if (o.fields[f] === cell && this.bounds.fields.has(f)) return false;
    return true;
  }

  private readonly thresholds = new Map<Binding, number | null>();

  /**
   * Whether `x` is a local variable whose every use compares it with the
   * integer `k` (`lat > 0`, `0 < lat`) or hands it to another package's code
   * (`time.After(lat)`), apart from assignments to it: which number it holds
   * matters only as below, at or above k.
   */
  private thresholdOnly(x: Node, k: number): boolean {
    const id = unparen(x);
    if (id.type !== 'identifier') return false;
    const b = this.pkg.resolve(id);
    if (!b || b.fn === null || b.kind !== 'var') return false;
    let t = this.thresholds.get(b);
    if (t === undefined) {
      t = null;
      const ks = new Set<number>();
      const ok = b.refs.every((r) => {
        let n: Node = r;
        while (n.parent?.type === 'parenthesized_expression') n = n.parent;
        const p = n.parent;
        if (!p) return false;
        if (p.type === 'binary_expression' && ['<', '<=', '>', '>=', '==', '!='].includes(p.childForFieldName('operator')?.text ?? '')) {
          const against = constIntValue(this.pkg, sameNode(p.childForFieldName('left'), n) ? p.childForFieldName('right')! : p.childForFieldName('left')!);
          if (against === null) return false;
          ks.add(against);
          return true;
        }
        if (p.type === 'expression_list' && (p.parent?.type === 'assignment_statement' || p.parent?.type === 'short_var_declaration') && sameNode(p.parent.childForFieldName('left'), p)) return true;
        if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
          const f = unparen(p.parent.childForFieldName('function')!);
          const parts = f.type === 'selector_expression' ? selectorParts(f) : null;
          return !!parts && this.pkg.importPathOf(parts.operand) !== null;
        }
        return false;
      });
      if (ok && ks.size === 1) t = [...ks][0]!;
      this.thresholds.set(b, t);
    }
    return t === k;
  }

  /** The zero value of a declared type: a nil channel, a fresh mutex, an object of a local struct type. */
  zeroOf(st: State, t: Node | null, depth = 0): Val {
    if (!t || depth > 4) return UNK;
    switch (t.type) {
      case 'pointer_type': case 'slice_type': case 'map_type': case 'channel_type': case 'function_type': case 'interface_type':
        return NIL;
      case 'parenthesized_type': return this.zeroOf(st, t.namedChild(0), depth + 1);
      // An anonymous struct (`mu struct { sync.RWMutex; ... }`): typed by where it is declared, for its embedded lock.
      case 'struct_type': return this.newObj(st, `${ANON_STRUCT}${this.site(t)}`);
      case 'qualified_type': return this.zeroOfSync(st, t) ?? { k: 'unk', nn: 1 };
      case 'type_identifier': {
        const name = t.text;
        if (INT_TYPES.has(name)) return { k: 'int', v: 0 };
        if (name === 'bool') return { k: 'bool', v: false };
        if (name === 'error' || name === 'any') return NIL;
        if (name === 'string') return { k: 'unk', nn: 1 };
        if (this.pkg.structFields.has(name)) return this.newObj(st, name);
        const g = this.pkg.globals.get(name);
        if (g?.kind === 'type' && g.type) return this.zeroOf(st, g.type, depth + 1);
        // In a file that imports sync with a dot (`var wl RWMutex`, as sync's own tests do).
        return this.zeroOfSync(st, t) ?? UNK;
      }
      default: return UNK;
    }
  }

  /** The zero value of sync's and sync/atomic's types (`sync.Mutex`, or `Mutex` under `import . "sync"`); null for any other. */
  private zeroOfSync(st: State, t: Node): Val | null {
    const q = this.pkg.qualifiedName(t, 'sync');
    if (q?.name === 'Mutex' || q?.name === 'RWMutex') { st.mus.push({ w: 0, r: 0 }); return { k: 'mu', id: st.mus.length - 1 }; }
    if (q?.name === 'WaitGroup') { st.wgs.push(0); return { k: 'wg', id: st.wgs.length - 1 }; }
    if (q?.name === 'Once') { st.onces.push(0); return { k: 'once', id: st.onces.length - 1 }; }
    const a = this.pkg.qualifiedName(t, 'sync/atomic');
    if (a && ATOMIC_INTS.has(a.name)) return { k: 'int', v: 0 };
    if (a?.name === 'Bool') return { k: 'bool', v: false };
    return null;
  }

  /**
   * A function the search skips may still hand the channels it is given, or
   * that its closure holds, to code outside the model: those escape. Objects
   * it is given do not (a getter on `s` would otherwise silence all of s).
   */
  private escapeChannels(st: State, f: Val & { k: 'fn' }, args: Val[]): void {
    const vals = [...args, ...Object.values(f.env ?? {}).map((cell) => st.cells[cell]!)];
    // A new error handed to it may come back as its unknown result: from then on an unknown may be it.
    for (const v of vals) if (v.k === 'chan' || v.k === 'fn' || v.k === 'slice' || v.k === 'tup' || (v.k === 'obj' && st.objs[v.id]!.type === FRESH_ERROR)) this.escape(st, v);
  }

  /** The channels and function values passed for a leaking parameter of `f` (see leakingParams) escape at the call. */
  private escapeLeaking(st: State, f: Val & { k: 'fn' }, args: Val[]): void {
    const leaking = this.leakingParams(f.f);
    args.forEach((a, i) => { if (leaking[i] && (a.k === 'chan' || a.k === 'fn')) this.escape(st, a); });
  }

  /**
   * Marks every channel and object reachable from `v` as handed to code
   * outside the model. `field`: the field of another object `v` was reached
   * through, if any (a Cond behind an unexported one stays this package's to
   * signal: Obj.via).
   */
  escape(st: State, v: Val, seen = new Set<string>(), field?: string): void {
    switch (v.k) {
      case 'chan': { const c = st.chans[v.id]!; if (c.esc) return; c.esc = true; for (const b of c.buf) this.escape(st, b, seen); return; }
      case 'obj': {
        const o = st.objs[v.id]!;
        if (o.type === COND_TYPE) {
          const hidden = field !== undefined && !/^\p{Lu}/u.test(field);
          if (!hidden) delete o.via;
          else if (!o.esc) o.via = [field];
          else if (o.via && !o.via.includes(field)) o.via = [...o.via, field].sort();
        }
        if (seen.has(`o${v.id}`)) return;
        seen.add(`o${v.id}`);
        o.esc = true;
        // Code handed a context can wait on its Done channel, not close it.
        if (o.type === CANCEL_CONTEXT) return;
        for (const [k, c] of Object.entries(o.fields)) this.escape(st, st.cells[c]!, seen, k);
        return;
      }
      case 'fn': {
        // A cancel func handed outside may be called at any moment.
        if (v.recv && this.fns[v.f]!.builtin === 'Cancel') { const o = v.recv.k === 'obj' ? st.objs[v.recv.id]!.fields['done'] : undefined; const d = o !== undefined ? st.cells[o]! : NIL; if (d.k === 'chan') st.chans[d.id]!.esc = true; return; }
        // Outside code may run it at any time, taking or releasing the package's locks.
        this.loosenLockGlobals(st, v.f);
        if (!v.env) return;
        for (const c of Object.values(v.env)) {
          if (seen.has(`c${c}`)) continue;
          seen.add(`c${c}`);
          if (!st.escCells.includes(c)) st.escCells = [...st.escCells, c].sort((a, b) => a - b);
          this.escape(st, st.cells[c]!, seen);
        }
        if (v.recv) this.escape(st, v.recv, seen);
        return;
      }
      case 'slice': for (const e of v.el) this.escape(st, e, seen); return;
      case 'tup': for (const e of v.vs) this.escape(st, e, seen); return;
      // Code outside may call Done (a callback closing over the WaitGroup, `&wg` handed on): its
      // counter is no longer known.
      case 'wg': st.wgs[v.id] = Number.NaN; return;
      default: return;
    }
  }

  // ---------------------------------------------------------------- goroutines

  newFrame(st: State, fnVal: Val & { k: 'fn' }, args: Val[], site: string): Frame {
    const fi = this.fns[fnVal.f]!;
    const env: Env = fnVal.env ? { ...fnVal.env } : {};
    if (fi.recv) env[this.bid(fi.recv)] = this.newCell(st, fnVal.recv ?? UNK);
    fi.params.forEach((p, i) => {
      if (!p.b) return;
      const v = p.variadic ? { k: 'slice' as const, n: Math.max(0, args.length - i), el: args.slice(i) } : args[i] ?? UNK;
      env[this.bid(p.b)] = this.newCell(st, v);
    });
    for (const r of fi.results) env[this.bid(r)] = this.newCell(st, this.zeroOf(st, r.type));
    return { f: fnVal.f, pc: fi.cfg.entry.id, env, memo: {}, defers: [], ret: null, retAt: -1, site, exiting: 0, iters: {} };
  }

  spawn(st: State, fnVal: Val & { k: 'fn' }, args: Val[], goSite: number, name: string): number {
    const id = st.procs.length;
    st.procs.push({ id, name, frames: [this.newFrame(st, fnVal, args, '')], done: 0, spin: 0, unwind: 0, need: null, goSite });
    return id;
  }

  procName(st: State, fnVal: Val & { k: 'fn' }): string {
    const base = this.fns[fnVal.f]!.name;
    const same = st.procs.filter((p) => p.name === base || p.name.startsWith(`${base}#`)).length;
    return same ? `${base}#${same + 1}` : base;
  }

  // ---------------------------------------------------------------- stepping

  /** One step of goroutine `pid`: a control-flow node, or one frame's exit. */
  step(st: State, pid: number, events: Event[]): StepOut {
    const p = st.procs[pid]!;
    const fr = p.frames[p.frames.length - 1];
    if (!fr) { p.done = 1; return { k: 'end' }; }
    const fi = this.fns[fr.f]!;
    const c: Ctx = { st, p, fr, fi, events };
    try {
      if (fr.exiting) return this.leave(c);
      const node = fi.cfg.nodes[fr.pc]!;
      return this.exec(c, node);
    } catch (e) {
      if (e instanceof NeedSignal) return this.onNeed(c, e.need);
      throw e;
    }
  }

  private goto(c: Ctx, id: number | undefined): StepOut {
    const fr = c.fr;
    if (id === undefined) { fr.exiting = 1; return CONT; }
    const node = c.fi.cfg.nodes[id]!;
    const entering = (node.kind === 'range' || node.kind === 'loopHead') && !this.loopBody(c.fi, id).has(fr.pc);
    if (entering && node.kind === 'range') delete fr.iters[id];
    if (c.p.rounds) this.leaveLoops(c, id, entering);
    // The value a range over a call ranges over stays while the loop runs: from its body, and
    // back at its head from inside; a new entry into the loop evaluates it again.
    const kept: Record<string, Val> = {};
    for (const k in fr.memo) {
      if (!k.startsWith(RANGE_VALUE)) continue;
      const h = Number(k.slice(RANGE_VALUE.length));
      if (h === id ? !entering : this.loopBody(c.fi, h).has(id)) kept[k] = fr.memo[k]!;
    }
    fr.pc = id;
    // Entering a loop that cannot synchronise: exec decides whether to run it or step over it.
    fr.memo = entering && this.quietLoop(fr.f, id) ? { [QUIET_ENTRY]: NIL, ...kept } : kept;
    // A variable no later code names is dead: dropping it lets paths that differ only in
    // what they learnt about it (an `err` tested and gone) meet as one state.
    const live = this.liveAt(c.fi)[id]!;
    const read = this.readLiveAt(c.fi)[id]!;
    for (const k in fr.env) {
      if (!live.has(+k)) delete fr.env[k];
      // Named again, but only to be assigned before anything reads it (`lat := s.latency` at the
      // top of the next round): what it holds now is read by no path, and two states that differ
      // only there are one. (Still declared: the assignment finds its cell.)
      else if (!read.has(+k) && c.st.cells[fr.env[k]!] !== UNK) c.st.cells[fr.env[k]!] = UNK;
    }
    return CONT;
  }

  /**
   * Per node, the local variables some path from it reads before assigning
   * them again: the classic live variables, where liveAt's are those named
   * at all. A node reads every variable it names, except those a plain
   * assignment, short declaration or receive of it only assigns (`x = e`,
   * `x, err := f()`, `v := <-ch`); loop heads without a condition, loop ends,
   * joins and cases read nothing; a switch reads its tag and its cases'
   * values, a select its channels and the values it would send (their
   * bodies are nodes of their own). Variables a closure shares with the function
   * around it, those whose address is taken, and named results are read
   * everywhere: the other frame may read the shared cell at any time, a
   * pointer may be read through, a bare return reads its results.
   */
  /** The variable of a function (not a package's, not a func, const or type name) an identifier names, or null. */
  private localVariable(id: Node): Binding | null {
    const b = this.pkg.resolve(id);
    return b && b.fn !== null && b.kind !== 'func' && b.kind !== 'const' && b.kind !== 'type' ? b : null;
  }

  private readLiveAt(fi: FnInfo): Set<number>[] {
    if (fi.readLive) return fi.readLive;
    const g = fi.cfg;
    const pinned = new Set<number>(fi.results.map((b) => this.bid(b)));
    const local = (id: Node) => this.localVariable(id);
    // A closure's variables from outside it, and the variables of this function a closure in it
    // names, are cells other frames share: what this frame no longer reads, they may.
    for (const lit of [fi.node, ...fi.node.descendantsOfType('func_literal')]) {
      for (const id of lit.descendantsOfType('identifier')) {
        const b = local(id);
        if (b && (b.ident.startIndex < lit.startIndex || b.ident.endIndex > lit.endIndex)) pinned.add(this.bid(b));
      }
    }
    for (const u of fi.node.descendantsOfType('unary_expression')) {
      if (u.child(0)?.type !== '&') continue;
      const root = rootIdentifier(u.childForFieldName('operand')!);
      const b = root ? local(root) : null;
      if (b) pinned.add(this.bid(b));
    }
    const uses: Set<number>[] = [];
    const defs: Set<number>[] = [];
    for (const n of g.nodes) {
      const use = new Set<number>(pinned);
      const def = new Set<number>();
      uses.push(use);
      defs.push(def);
      const a = n.ast;
      if (!a || n.kind === 'loopDone' || n.kind === 'join' || n.kind === 'case' || (n.kind === 'loopHead' && a.type === 'for_statement')) continue;
      if (n.kind === 'switch' || n.kind === 'select') {
        // What the node evaluates: a switch's tag and its cases' values (their bodies are nodes of
        // their own); a select's channels and the values it would send.
        const read: Node[] = [];
        for (const ch of a.namedChildren) {
          if (ch.type === 'communication_case') {
            const comm = ch.childForFieldName('communication');
            if (comm) read.push(comm.type === 'receive_statement' ? comm.childForFieldName('right') ?? comm : comm);
          } else if (ch.type === 'expression_case') {
            const v = ch.childForFieldName('value');
            if (v) read.push(v);
          } else if (ch.type !== 'default_case' && ch.type !== 'type_case' && ch.type !== 'comment' && (n.kind === 'switch')) read.push(ch);
        }
        for (const r of read) for (const id of r.type === 'identifier' ? [r] : r.descendantsOfType('identifier')) { const b = local(id); if (b) use.add(this.bid(b)); }
        continue;
      }
      // The identifiers a plain assignment only assigns: its left side's bare names.
      const assigned = new Set<number>();
      const lhs = a.type === 'assignment_statement' && a.childForFieldName('operator')?.text === '=' ? a.childForFieldName('left')
        : a.type === 'short_var_declaration' || (n.kind === 'comm' && a.type === 'receive_statement') ? a.childForFieldName('left') : null;
      if (n.kind === 'stmt' || n.kind === 'comm') for (const x of lhs?.namedChildren ?? []) if (x.type === 'identifier') assigned.add(x.startIndex);
      const ids = a.type === 'identifier' ? [a] : a.descendantsOfType('identifier');
      for (const id of ids) {
        const b = local(id);
        if (!b) continue;
        if (assigned.has(id.startIndex)) def.add(this.bid(b));
        else use.add(this.bid(b));
      }
      for (const d of def) if (use.has(d)) def.delete(d);
    }
    const live = backwardLive(g, uses, defs);
    fi.readLive = live;
    return live;
  }

  /**
   * Rounds of loops whose count the model cannot decide, by frame depth,
   * function and loop head (Proc.rounds): taken small, as an unknown
   * slice's length is (SMALL_VALUES), so that a loop that grows the state
   * every round (appending, starting a goroutine) ends. Kept beside the
   * state, not in it: paths that differ only in a count go on as one.
   */
  private round(c: Ctx, head: number): number {
    return c.p.rounds?.[`${c.p.frames.length}:${c.fr.f}:${head}`] ?? 0;
  }

  private countRound(c: Ctx, head: number, n: number): void {
    c.p.rounds = { ...c.p.rounds, [`${c.p.frames.length}:${c.fr.f}:${head}`]: n };
  }

  /** Drops the counts of this frame's loops that going to `id` enters afresh or leaves. */
  private leaveLoops(c: Ctx, id: number, entering: boolean): void {
    const prefix = `${c.p.frames.length}:${c.fr.f}:`;
    let out: Record<string, number> | null = null;
    for (const k in c.p.rounds) {
      if (!k.startsWith(prefix)) continue;
      const h = +k.slice(prefix.length);
      if (h === id ? entering : !this.loopBody(c.fi, h).has(id)) { out ??= { ...c.p.rounds }; delete out[k]; }
    }
    if (out) c.p.rounds = out;
  }

  /**
   * Per node, the local variables that node or any node reachable from it
   * names (reads or writes, in closures too), and the named results, which
   * a bare return reads. A variable not in the set is dead there. Naming
   * rather than reading keeps it simple and errs on the side of live.
   */
  private liveAt(fi: FnInfo): Set<number>[] {
    if (fi.live) return fi.live;
    const g = fi.cfg;
    const always = fi.results.map((b) => this.bid(b));
    const mentions = g.nodes.map((n) => {
      const out = new Set<number>(always);
      if (!n.ast) return out;
      const ids = n.ast.type === 'identifier' ? [n.ast] : n.ast.descendantsOfType('identifier');
      for (const id of ids) {
        const b = this.localVariable(id);
        if (b) out.add(this.bid(b));
      }
      return out;
    });
    const live = backwardLive(g, mentions);
    fi.live = live;
    return live;
  }

  /**
   * Whether goroutine `pid` of `st` stands on a loop's head: a branch there is
   * on whether to go round once more, which an unknown count decides both ways
   * at every iteration.
   */
  atLoopHead(st: State, pid: number): boolean {
    const fr = st.procs[pid]?.frames.at(-1);
    const kind = fr && this.fns[fr.f]!.cfg?.nodes[fr.pc]?.kind;
    return kind === 'loopHead' || kind === 'range';
  }

  /**
   * A loop none of whose rounds can synchronise or start a goroutine, call
   * a package-local function that stores into the heap or returns one of the
   * model's values, make a value that holds a mutex or a channel, call a
   * function value it made itself, or write a package-level variable (`for
   * r.Next() { ... decode, filter, append ... }`): what the search looks at
   * comes out of it the same whatever its rounds do, but for the variables
   * it assigns. Its free variables (declared outside it; a function value
   * among them is checked on entry, stepOverLoop), those it assigns, and
   * those whose objects it stores into; where it can go on from (its end,
   * its returns) and where it may end the goroutine (t.Fatal,
   * require.NoError). Null when it is not such a loop, or has no way out.
   */
  quietLoop(f: number, head: number): QuietLoop | null {
    const k = `${f}:${head}`;
    let r = this.quietLoops.get(k);
    if (r === undefined) this.quietLoops.set(k, (r = this.quietLoopAt(f, head)));
    return r;
  }

  private readonly quietLoops = new Map<string, QuietLoop | null>();

  private quietLoopAt(f: number, head: number): QuietLoop | null {
    const fi = this.fns[f]!;
    const node = fi.cfg.nodes[head]!;
    let loop: Node | null = node.ast ?? null;
    while (loop && loop.type !== 'for_statement') loop = loop.parent;
    if (!loop || LOOP_SYNC_TEXT.test(loop.text) || this.rangesOverChannel(loop)) return null;
    if (loop.descendantsOfType(['func_literal', 'defer_statement', 'goto_statement', 'labeled_statement']).length) return null;
    if (loop.descendantsOfType(['break_statement', 'continue_statement']).some((b) => b.namedChildCount > 0)) return null;
    const inside = (b: Binding) => b.ident.startIndex >= loop.startIndex && b.ident.endIndex <= loop.endIndex;
    const busy = (g: number) => this.synchronises(g) || this.storesValues(g) || this.countsInHeap(g) || !this.plainResults(g);
    // Calls that may end the goroutine (t.Fatal, require.NoError, a helper that calls them) are
    // ways out of the loop: the statement that holds each.
    const ending: Node[] = [];
    for (const call of loop.descendantsOfType('call_expression')) {
      const callee = this.pkg.calleeDecl(call);
      if (callee) {
        const g = this.fnOf(callee);
        if (busy(g)) return null;
        if (this.mayEndGoroutine(g)) ending.push(call);
        continue;
      }
      // (The innermost such call: `require.NoError(t, f())` is one, not f's.)
      if (GOEXIT_TEXT.test(call.text) && !call.descendantsOfType('call_expression').some((x) => x.startIndex !== call.startIndex && GOEXIT_TEXT.test(x.text))) ending.push(call);
      // A function value from outside the loop is checked when the loop is entered (plainData):
      // one the group made is a closure of the model's, which may synchronise.
      if (this.callsFunctionValue(call)) {
        const root = rootIdentifier(call.childForFieldName('function')!);
        const b = root ? this.pkg.resolve(root) : null;
        if (!b || inside(b)) return null;
      } else if (this.anyMethod(call, (g) => busy(g) || this.mayEndGoroutine(g))) return null;
      // new(T) of a type that holds a mutex or a channel: the values it makes are the model's.
      const fn = call.childForFieldName('function');
      const arg = call.childForFieldName('arguments')?.namedChild(0);
      if ((fn?.text === 'new' || fn?.text === 'make') && arg && !this.plainType(arg)) return null;
    }
    // Nor may it build one (`&LeaseState{}`): it would be gone, with its mutex, once stepped over.
    // What a literal builds is its type's value: a mutex held by value, not one a pointer, map or
    // slice in it may later point to (`seriesHashmap{unique: map[uint64]*memSeries{}}` builds none).
    if (loop.descendantsOfType('composite_literal').some((l) => this.holdsSyncByValue(l.childForFieldName('type')))) return null;
    const local = (b: Binding | null | undefined): b is Binding => !!b && b.kind !== 'func' && b.kind !== 'const' && b.kind !== 'type';
    const free = new Set<number>();
    const fields = new Map<number, Set<string> | null>();
    for (const id of loop.descendantsOfType('identifier')) {
      const b = this.pkg.resolve(id);
      if (!local(b) || b.fn === null || inside(b)) continue;
      const bid = this.bid(b);
      free.add(bid);
      // `s.f` (not `s.m()`, a method given all of s): the loop reaches s only through field f.
      const sel = id.parent;
      const field = sel?.type === 'selector_expression' && sameNode(sel.childForFieldName('operand'), id) && !(sel.parent?.type === 'call_expression' && sameNode(sel.parent.childForFieldName('function'), sel))
        ? sel.childForFieldName('field')?.text : undefined;
      const had = fields.get(bid);
      if (field === undefined) fields.set(bid, null);
      else if (had !== null) fields.set(bid, (had ?? new Set()).add(field));
    }
    const targets: Node[] = [];
    for (const a of loop.descendantsOfType(['assignment_statement', 'inc_statement', 'dec_statement', 'range_clause'])) {
      if (a.type === 'range_clause' && !a.children.some((x) => x.type === '=')) continue;
      const left = a.type === 'inc_statement' || a.type === 'dec_statement' ? a.namedChildren.slice(0, 1) : a.childForFieldName('left')?.namedChildren ?? [];
      targets.push(...left);
    }
    const assigned = new Set<number>();
    const stored = new Set<number>();
    for (const t of targets) {
      const direct = unparen(t).type === 'identifier';
      const root = rootIdentifier(t);
      if (!root) return null;
      if (root.text === '_') continue;
      const b = this.pkg.resolve(root);
      if (!local(b) || b.fn === null) return null;
      // A store through a variable of the loop's own may reach an object from outside: every
      // object its free variables reach is then written.
      if (!direct && inside(b)) { for (const x of free) stored.add(x); continue; }
      if (inside(b)) continue;
      (direct ? assigned : stored).add(this.bid(b));
    }
    const exits: number[] = [];
    const done = node.succ.find((x) => fi.cfg.nodes[x]!.kind === 'loopDone');
    const finishes = node.kind === 'range' || (node.ast?.type !== 'for_statement') || loop.descendantsOfType('break_statement').length > 0;
    if (done !== undefined && finishes) exits.push(done);
    // Its returns (which the loop body, the nodes that lead back to the head, does not hold).
    for (const n of fi.cfg.nodes) if (n.ast?.type === 'return_statement' && n.ast.startIndex >= loop.startIndex && n.ast.endIndex <= loop.endIndex) exits.push(n.id);
    const ends = new Set<number>();
    // The statement node that holds each such call.
    for (const call of ending) {
      const n = fi.cfg.nodeOf(call);
      if (n?.kind !== 'stmt') return null;
      ends.add(n.id);
    }
    if (!exits.length && !ends.size) return null;
    const through: Record<number, string[]> = {};
    for (const [b, fs] of fields) if (fs) through[b] = [...fs].sort();
    return { free: [...free], assigned: [...assigned], stored: [...stored], exits: exits.sort((a, b) => a - b), ends: [...ends].sort((a, b) => a - b), fields: through };
  }

  /**
   * Steps over a quiet loop (quietLoop) entered at `node`, unless it runs a
   * small constant count of rounds (exactLoop), or ranges over what the
   * model knows the length of, up to EXACT_LOOP_ROUNDS: those run round by
   * round, as they do now. (A slice made with a known length of thousands,
   * `make([]map[K]V, stripeSize)`, filled by a loop, would otherwise cost a
   * step per element and end the goroutine's settle at its bound.)
   * The variables it assigns become unknown, so do the cells below those
   * it stores into (a map among them is open); the goroutine goes on from
   * each way out. That is every path the rounds could take, as far as
   * anything the search looks at goes; unrolled, an unknown count of rounds
   * with a few branches each costs the paths of every count. Not when a
   * free variable reaches something the group synchronises on.
   */
  private stepOverLoop(c: Ctx, node: CfgNode): StepOut | null {
    const q = this.quietLoop(c.fr.f, node.id)!;
    if (this.exactLoop(c.fr.f, node.id)) return null;
    if (node.kind === 'range') {
      const right = node.ast!.childForFieldName('right');
      const x = right ? unparen(right) : null;
      if (x && (x.type === 'identifier' || x.type === 'selector_expression')) {
        const v = this.evRef(c, x).v;
        const m = this.mapOf(c.st, v);
        if ((v.k === 'slice' && v.n <= EXACT_LOOP_ROUNDS) || (v.k === 'int' && v.v <= EXACT_LOOP_ROUNDS) || v.k === 'nil' || v.k === 'str' || (m && !m.open)) return null;
      } else if (x && x.type !== 'call_expression') return null;
    }
    const st = c.st;
    const cellOf = (b: number) => c.fr.env[b];
    // What the loop reaches of a free variable: the fields it names, when it names only fields
    // of an object (a stripe table's `s.series`, beside the mutexes of `s.locks` that the loop
    // never touches); otherwise the whole value.
    const reached = (b: number): { o: Obj; fs: string[] } | null => {
      const cell = cellOf(b);
      const v = cell !== undefined ? st.cells[cell]! : undefined;
      const fs = q.fields[b];
      return fs && v?.k === 'obj' && !v.as && this.pkg.structFields.has(st.objs[v.id]!.type ?? '') ? { o: st.objs[v.id]!, fs } : null;
    };
    for (const b of q.free) {
      const cell = cellOf(b);
      if (cell === undefined) continue;
      const r = reached(b);
      if (!r) { if (!this.plainData(st, st.cells[cell]!, new Set())) return null; continue; }
      const decl = this.pkg.structFields.get(r.o.type!)!;
      for (const f of r.fs) {
        const fc = r.o.fields[f];
        // A field not read yet holds what its type may: plain when the type is.
        if (fc !== undefined ? !this.plainData(st, st.cells[fc]!, new Set()) : !decl.has(f) || !this.plainType(decl.get(f))) return null;
      }
    }
    for (const b of q.assigned) { const cell = cellOf(b); if (cell !== undefined) st.cells[cell] = HAVOC; }
    for (const b of q.stored) {
      const cell = cellOf(b);
      if (cell === undefined) continue;
      const r = reached(b);
      if (!r) { this.havocBelow(st, st.cells[cell]!, new Set()); continue; }
      for (const f of r.fs) {
        const fc = r.o.fields[f];
        if (fc === undefined) { r.o.fields[f] = st.cells.length; st.cells.push(HAVOC); continue; }
        const x = st.cells[fc]!;
        if (x.k === 'obj') this.havocBelow(st, x, new Set());
        else st.cells[fc] = HAVOC;
      }
    }
    if (!q.ends.length) return this.branchTo(c, q.exits);
    const pid = c.p.id;
    const here = (s: State) => { const p = s.procs[pid]!; return { st: s, p, fr: p.frames[p.frames.length - 1]!, fi: c.fi, events: [] }; };
    return {
      k: 'branch',
      alts: [
        ...q.exits.map((id) => (s: State) => { this.goto(here(s), id); }),
        // The goroutine ends at that statement, as the call there would end it.
        ...q.ends.map((id) => (s: State) => { const x = here(s); x.fr.pc = id; x.fr.memo = {}; this.onNeed(x, { t: 'goexit' }); }),
      ],
    };
  }

  private readonly syncByValue = new Map<string, boolean>();

  /**
   * Whether a value of the type holds, by value, what the model tracks (a
   * sync or context value, in a struct field or an array element): what
   * building one builds. Pointers, maps, slices, channels and functions in
   * it start nil or empty, and hold only what is put there.
   */
  private holdsSyncByValue(t: Node | null | undefined): boolean {
    if (!t) return true;
    switch (t.type) {
      case 'qualified_type': { const q = this.pkg.qualifiedName(t); return q?.path === 'sync' || q?.path === 'context'; }
      case 'type_identifier': {
        const g = this.pkg.globals.get(t.text);
        if (!g || CONVERSIONS.has(t.text)) return false;
        if (g.kind !== 'type' || !g.type) return true;
        if (this.syncByValue.has(t.text)) return this.syncByValue.get(t.text)!;
        this.syncByValue.set(t.text, true); // a type that holds itself by value does not compile; be safe
        const r = this.holdsSyncByValue(g.type);
        this.syncByValue.set(t.text, r);
        return r;
      }
      case 'array_type': case 'parenthesized_type': return this.holdsSyncByValue(t.childForFieldName('element') ?? t.namedChildren.at(-1));
      case 'struct_type': return ownFieldTypes(t).some((ft) => this.holdsSyncByValue(ft));
      case 'pointer_type': case 'slice_type': case 'map_type': case 'channel_type': case 'function_type': case 'interface_type': return false;
      default: return true;
    }
  }

  /** Whether a value reaches nothing the group synchronises on, and no function value. */
  plainData(st: State, v: Val, seen: Set<number>): boolean {
    switch (v.k) {
      case 'chan': case 'mu': case 'wg': case 'once': case 'fn': return false;
      case 'slice': return v.el.every((e) => this.plainData(st, e, seen));
      case 'tup': return v.vs.every((e) => this.plainData(st, e, seen));
      case 'obj': {
        if (seen.has(v.id)) return true;
        seen.add(v.id);
        const o = st.objs[v.id]!;
        if (o.type === COND_TYPE || o.type === CANCEL_CONTEXT || o.type === BACKGROUND) return false;
        // Fields come into being when first read: the type says what the others may hold.
        const g = o.type ? this.pkg.globals.get(o.type) : undefined;
        if (g?.kind === 'type' && !this.plainType(g.ident)) return false;
        return Object.values(o.fields).every((cell) => this.plainData(st, st.cells[cell]!, seen));
      }
      default: return true;
    }
  }

  /** Every cell below a value becomes unknown; a map, open. */
  private havocBelow(st: State, v: Val, seen: Set<number>): void {
    if (v.k !== 'obj' || seen.has(v.id)) return;
    seen.add(v.id);
    const o = st.objs[v.id]!;
    if (this.mapOf(st, v)) o.esc = true;
    for (const cell of Object.values(o.fields)) {
      const x = st.cells[cell]!;
      if (x.k === 'obj') this.havocBelow(st, x, seen);
      else st.cells[cell] = HAVOC;
    }
  }

  private loopBody(fi: FnInfo, head: number): Set<number> {
    let s = fi.loopBodies.get(head);
    if (!s) {
      const g = fi.cfg;
      const fwd = g.reachableFrom(g.nodes[head]!);
      s = new Set<number>();
      for (const id of fwd) if (g.reachableFrom(g.nodes[id]!).has(head)) s.add(id);
      fi.loopBodies.set(head, s);
    }
    return s;
  }

  private exec(c: Ctx, node: CfgNode): StepOut {
    switch (node.kind) {
      case 'entry': case 'join': case 'loopDone': case 'case':
        return this.goto(c, node.succ[0]);
      case 'exit':
        c.fr.exiting = 1;
        return CONT;
      case 'abort':
        // Reached only through a statement that never returns; exec of that statement decided.
        return { k: 'discard' };
      case 'cond': return this.branchOn(c, node, this.ifArms(c, node));
      case 'loopHead': case 'range': {
        if (c.fr.memo[QUIET_ENTRY]) {
          const skipped = this.stepOverLoop(c, node);
          if (skipped) return skipped;
          delete c.fr.memo[QUIET_ENTRY];
        }
        if (node.kind === 'range') return this.range(c, node);
        const done = node.succ.find((s) => c.fi.cfg.nodes[s]!.kind === 'loopDone');
        const body = node.succ.find((s) => s !== done) ?? done;
        if (!node.ast || node.ast.type === 'for_statement') return this.goto(c, body);
        return this.branchOn(c, node, [body, done], true);
      }
      case 'switch': return this.switch(c, node);
      case 'select': return this.select(c, node);
      case 'comm': return this.comm(c, node);
      case 'stmt': return this.stmt(c, node);
    }
  }

  /** True and false successors of an `if` condition. */
  private ifArms(c: Ctx, node: CfgNode): [number | undefined, number | undefined] {
    const ifs = node.ast?.parent;
    const cons = ifs?.childForFieldName('consequence');
    const alt = ifs?.childForFieldName('alternative');
    const inside = (id: number, n: Node | null | undefined) => {
      const a = c.fi.cfg.nodes[id]!.ast;
      return !!n && !!a && a.startIndex >= n.startIndex && a.endIndex <= n.endIndex;
    };
    const t = node.succ.find((s) => inside(s, cons)) ?? node.succ.find((s) => !inside(s, alt));
    const f = node.succ.find((s) => inside(s, alt)) ?? node.succ.find((s) => s !== t) ?? t;
    return [t, f];
  }

  /** Evaluates a condition node and continues on each feasible arm, refining the variables it tested. */
  private branchOn(c: Ctx, node: CfgNode, [t, f]: [number | undefined, number | undefined], loop = false): StepOut {
    let outs = this.cond(c, node.ast!, loop);
    if (loop && outs.length > 1) {
      // A loop whose condition the model cannot decide runs an unknown count of rounds, taken
      // small, as range's are: past the largest small value, only its end.
      const round = this.round(c, node.id);
      if (round >= SMALL_MAX) outs = outs.filter((o) => !o.v);
      else this.countRound(c, node.id, round + 1);
    }
    if (outs.length === 1) {
      for (const [cell, v] of outs[0]!.ref) c.st.cells[cell] = v;
      return this.goto(c, outs[0]!.v ? t : f);
    }
    if (node.kind === 'cond' && this.mergeArms(c, node, t, f)) return CONT;
    const pid = c.p.id;
    return {
      k: 'branch',
      alts: outs.map((o) => (st: State) => {
        for (const [cell, v] of o.ref) st.cells[cell] = v;
        if (o.assume) st.assumed = 1;
        const p = st.procs[pid]!;
        const fr = p.frames[p.frames.length - 1]!;
        this.goto({ st, p, fr, fi: this.fns[fr.f]!, events: [] }, o.v ? t : f);
      }),
    };
  }

  /**
   * An `if` whose arms, run from this state, leave it the same (`if err != nil {
   * t.Errorf(...) }`, `if ch == nil { log.Print(...) }`: calls to code outside
   * the model that are handed nothing of the group's) decides nothing the search
   * looks at. Taking both arms would only split the state on what the test
   * learnt about its variables, and every later test on them splits it again:
   * N such checks in a goroutine make 2^N states that differ in nothing but that.
   * Here the goroutine goes on once, past both arms, without refining: later
   * tests on the same variables see the value as it was and split there, so the
   * behaviours are those of the two arms together. Returns false (the caller
   * branches) when the arms are not straight runs of such calls, or when running
   * them changes anything but variables, a channel handed out, a call into the
   * package, a synchronisation.
   *
   * Arms may also assign (`if vm.Size != nil { size = *vm.Size }`): where the
   * two arms leave a variable different and one of them leaves it unknown, it
   * goes on unknown, which covers the other arm's value too (an unknown string
   * may be "", an unknown error nil). Two known values that differ (0 and 1, a
   * count that a later loop reads) keep the arms apart.
   */
  private mergeArms(c: Ctx, node: CfgNode, t: number | undefined, f: number | undefined): boolean {
    if (t === undefined || f === undefined) return false;
    const d = this.ifDiamond(c.fi, node, t, f);
    if (!d) return false;
    const run = (path: number[]): State | null => {
      const st = cloneState(c.st, [c.p.id]);
      const p = st.procs[c.p.id]!;
      const fr = p.frames[p.frames.length - 1]!;
      const x: Ctx = { st, p, fr, fi: c.fi, events: [] };
      const frames = p.frames.length;
      const procs = st.procs.length;
      const spawned = this.spawned.length;
      for (const id of path) {
        fr.pc = id;
        fr.memo = {};
        try {
          if (this.exec(x, c.fi.cfg.nodes[id]!) !== CONT) return null;
        } catch (e) {
          if (e instanceof NeedSignal) return null;
          throw e;
        }
        if (x.events.length || p.frames.length !== frames || st.procs.length !== procs || this.spawned.length !== spawned || fr.exiting || p.done || p.need) return null;
      }
      this.goto(x, d.join);
      return st;
    };
    const a0 = run(d.arms[0]);
    if (!a0) return false;
    const b0 = run(d.arms[1]);
    if (!b0) return false;
    // Most arms leave the heap's shape alone and change a few variables: compared in place;
    // otherwise (an arm made an object, or left garbage that differs) compacted and compared.
    const a = joinAligned(a0, b0) ?? joinScalars(compact(a0, false), compact(b0, false));
    if (!a) return false;
    c.st.procs = a.procs;
    c.st.cells = a.cells;
    c.st.objs = a.objs;
    c.st.chans = a.chans;
    c.st.mus = a.mus;
    c.st.wgs = a.wgs;
    c.st.onces = a.onces;
    c.st.escCells = a.escCells;
    c.st.assumed = a.assumed;
    return true;
  }

  /**
   * The node where the two arms of an `if` meet, when each arm gets there by a
   * straight run (one successor each) of expression statements that call code
   * the machine may step over (not a call that never returns) and assignments.
   * Null otherwise.
   */
  private ifDiamond(fi: FnInfo, node: CfgNode, t: number, f: number): { join: number; arms: [number[], number[]] } | null {
    fi.diamonds ??= new Map();
    let d = fi.diamonds.get(node.id);
    if (d !== undefined) return d;
    const plain = (n: CfgNode) => {
      if (n.succ.length !== 1) return false;
      if (n.kind === 'join') return true;
      if (n.kind !== 'stmt' || !n.ast) return false;
      if (n.ast.type === 'assignment_statement' || n.ast.type === 'short_var_declaration') return !n.ast.descendantsOfType('call_expression').some((call) => this.pkg.isNoReturnCall(call));
      if (n.ast.type !== 'expression_statement') return false;
      const e = unparen(n.ast.namedChild(0) ?? n.ast);
      return e.type === 'call_expression' && !this.pkg.isNoReturnCall(e);
    };
    const chain = (id: number) => {
      const out = [id];
      for (let n = fi.cfg.nodes[id]!; plain(n) && out.length < 8; n = fi.cfg.nodes[n.succ[0]!]!) out.push(n.succ[0]!);
      return out;
    };
    const ct = chain(t);
    const cf = chain(f);
    const join = ct.find((id) => cf.includes(id));
    d = join === undefined ? null : { join, arms: [ct.slice(0, ct.indexOf(join)), cf.slice(0, cf.indexOf(join))] };
    fi.diamonds.set(node.id, d);
    return d;
  }

  private branchTo(c: Ctx, targets: (number | undefined)[]): StepOut {
    const uniq = [...new Set(targets)];
    if (uniq.length === 1) return this.goto(c, uniq[0]);
    const pid = c.p.id;
    return {
      k: 'branch',
      alts: uniq.map((id) => (st: State) => {
        const p = st.procs[pid]!;
        const fr = p.frames[p.frames.length - 1]!;
        this.goto({ st, p, fr, fi: this.fns[fr.f]!, events: [] }, id);
      }),
    };
  }

  private range(c: Ctx, node: CfgNode): StepOut {
    const clause = node.ast!;
    const done = node.succ.find((s) => c.fi.cfg.nodes[s]!.kind === 'loopDone');
    const body = node.succ.find((s) => s !== done) ?? node.id;
    const right = clause.childForFieldName('right');
    const left = clause.childForFieldName('left')?.namedChildren ?? [];
    const declare = clause.children.some((x) => x.type === ':=');
    if (!right) return this.goto(c, done);
    const key = memoKey(clause);
    const got = c.fr.memo[key];
    if (got?.k === 'tup') {
      // A receive completed (range over a channel).
      if (got.vs[1]?.k === 'bool' && !got.vs[1].v) return this.goto(c, done);
      if (left[0]) this.assignTo(c, left[0], got.vs[0] ?? UNK, declare);
      return this.goto(c, body);
    }
    // `range gen()` calls gen once, when the loop starts; the rounds after the first range over what it returned.
    const once = `${RANGE_VALUE}${node.id}`;
    const kept = c.fr.memo[once];
    const r = kept ? { v: kept } : this.evRef(c, right);
    if (!kept && this.calls(right)) c.fr.memo[once] = r.v;
    let v = r.v;
    // An unknown a variable holds is ranged over as a length (or count) chosen once, so that two
    // loops over it (one starting a goroutine per element, one receiving per element) agree.
    // Without a written type (`eps := c.Endpoints()`) it is taken for a slice. So is what a
    // stepped-over loop built (`keep = append(keep, x)` for the xs it keeps): any length.
    if (v.k === 'unk' && r.cell !== undefined && !isChanTyped(r)) {
      const int = !isSized(r) && isIntLike(r);
      throw new NeedSignal({ t: 'choose', cell: r.cell, options: SMALL_VALUES.map((n): Val => (int ? { k: 'int', v: n } : { k: 'slice', n, el: [] })), at: this.site(right) });
    }
    if (v.k === 'chan' || (v.k === 'unk' && isChanTyped(r))) {
      throw new NeedSignal({ t: 'recv', ch: v, key, site: this.site(clause), range: 1 });
    }
    if (v.k === 'nil') return this.goto(c, done);
    const m = this.mapOf(c.st, v);
    if (m && !m.open) {
      // Entries in ascending key order (one of the orders Go may take); the next is the least key past the last.
      const obj = c.st.objs[m.id]!;
      const last = c.fr.iters[node.id];
      const keys = Object.keys(obj.fields).filter((k) => !k.endsWith(KEY_CELL) && (last === undefined || this.keyNum(k) > last)).sort((a, b) => this.keyNum(a) - this.keyNum(b));
      if (!keys.length) { delete c.fr.iters[node.id]; return this.goto(c, done); }
      const k = keys[0]!;
      c.fr.iters[node.id] = this.keyNum(k);
      const kept = obj.fields[`${k}${KEY_CELL}`];
      if (left[0]) this.assignTo(c, left[0], kept !== undefined ? c.st.cells[kept]! : this.keyVal(k), declare);
      if (left[1]) this.assignTo(c, left[1], c.st.cells[obj.fields[k]!]!, declare);
      return this.goto(c, body);
    }
    // `for i := range 1000` runs its first round (i is 0 there, and there is one) and then as
    // many more as an unknown count: round by round only up to the bound exactLoop keeps to.
    if (v.k === 'int' && v.v > EXACT_LOOP_ROUNDS) {
      const first = c.fr.iters[node.id] === undefined;
      c.fr.iters[node.id] = 1;
      if (left[0]) this.assignTo(c, left[0], first ? { k: 'int', v: 0 } : { k: 'unk', pos: 1 }, declare);
      if (first) return this.goto(c, body);
      return this.branchTo(c, [body, done]);
    }
    if (v.k === 'int' || v.k === 'slice') {
      const n = v.k === 'int' ? v.v : v.n;
      const i = c.fr.iters[node.id] ?? 0;
      if (i >= n) { delete c.fr.iters[node.id]; return this.goto(c, done); }
      c.fr.iters[node.id] = i + 1;
      if (left[0]) this.assignTo(c, left[0], { k: 'int', v: i }, declare);
      if (left[1]) this.assignTo(c, left[1], v.k === 'slice' ? v.el[i] ?? UNK : UNK, declare);
      return this.goto(c, body);
    }
    // Anything else (a map, a function iterator, an unknown): an unknown count of rounds, taken
    // small (as the length of an unknown slice is, SMALL_VALUES): one more or the end, up to the
    // largest small value.
    const round = this.round(c, node.id);
    // Over a package setting (packageVar), the count is the program's: taking one is an assumption.
    if (r.setting) c.st.assumed = 1;
    if (round >= SMALL_MAX) return this.goto(c, done);
    this.countRound(c, node.id, round + 1);
    for (const l of left) this.assignTo(c, l, UNK, declare);
    return this.branchTo(c, [body, done]);
  }

  private switch(c: Ctx, node: CfgNode): StepOut {
    const sw = node.ast!;
    const cases = node.succ.filter((s) => c.fi.cfg.nodes[s]!.kind === 'case');
    const after = node.succ.find((s) => c.fi.cfg.nodes[s]!.kind !== 'case');
    const dflt = cases.find((s) => c.fi.cfg.nodes[s]!.ast?.type === 'default_case');
    const fallback = dflt ?? after;
    if (sw.type === 'type_switch_statement') {
      // `switch x := v.(type)`: x is v in every case (its static type aside).
      const value = sw.childForFieldName('value');
      const alias = sw.childForFieldName('alias');
      if (value && alias) { const v = this.ev(c, value); for (const id of alias.namedChildren) if (id.type === 'identifier') this.declare(c, id, v); }
    }
    if (sw.type !== 'expression_switch_statement') return this.branchTo(c, [...cases, ...(dflt ? [] : [after])]);
    const valueNode = sw.childForFieldName('value');
    if (valueNode) {
      // The first case with a value equal to the tag; a case whose values all differ
      // from it (known constants, a new error against sentinels) cannot be taken.
      const tagRef = this.evRef(c, valueNode);
      const tag = tagRef.v;
      // A tag an unknown variable holds (`switch o.Mode`) is, in each case, the value it matched,
      // and past them all, unequal to each: a second switch or test on it agrees.
      const refine = tag.k === 'unk' && tagRef.cell !== undefined ? tagRef.cell : undefined;
      const arms: { to: number | undefined; ref: [number, Val][]; note?: string }[] = [];
      const passed: Node[] = [];
      const passedVals: Val[] = [];
      for (const s of cases) {
        const cn = c.fi.cfg.nodes[s]!.ast!;
        if (cn.type === 'default_case') continue;
        const nodes = cn.childForFieldName('value')?.namedChildren ?? [];
        const vals = nodes.map((x) => this.ev(c, x));
        const eqs = vals.map((v) => compare('==', tag, v, c.st));
        vals.forEach((v, i) => {
          if (eqs[i] === false) return;
          const exact = refine !== undefined && neTag(v) !== null;
          arms.push(exact ? { to: s, ref: this.equal(c.st, refine, v), note: `takes ${firstLine(valueNode)} = ${firstLine(nodes[i]!)}` } : { to: s, ref: [] });
        });
        if (eqs.some((e) => e === true)) return this.branchArms(c, arms, valueNode);
        passed.push(...nodes);
        passedVals.push(...vals);
      }
      const ref = refine !== undefined ? this.unequal(c.st, refine, passedVals) : [];
      arms.push(ref.length ? { to: fallback, ref, note: `takes ${firstLine(valueNode)} other than ${passed.map(firstLine).join(', ')}` } : { to: fallback, ref });
      return this.branchArms(c, arms, valueNode);
    }
    // A tagless switch: the first case whose condition holds.
    const targets: (number | undefined)[] = [];
    for (const s of cases) {
      const cn = c.fi.cfg.nodes[s]!.ast!;
      if (cn.type === 'default_case') continue;
      const vals = cn.childForFieldName('value')?.namedChildren ?? [];
      const outs = vals.flatMap((x) => this.cond(c, x));
      if (outs.some((o) => o.v)) targets.push(s);
      if (outs.every((o) => o.v)) return this.branchTo(c, targets);
    }
    targets.push(fallback);
    return this.branchTo(c, targets);
  }

  /** Whether an expression holds a call (memoised: a range over a variable asks at every round). */
  private calls(e: Node): boolean {
    let r = this.callsIn.get(e.id);
    if (r === undefined) this.callsIn.set(e.id, (r = e.type === 'call_expression' || e.descendantsOfType('call_expression').length > 0));
    return r;
  }

  private readonly callsIn = new Map<number, boolean>();

  /**
   * Continues at each arm's node with its refinements made (arms to one node with none are one);
   * an arm's note, at `at`, is the witness's record of the value it took.
   */
  private branchArms(c: Ctx, arms: { to: number | undefined; ref: [number, Val][]; note?: string }[], at: Node): StepOut {
    if (arms.every((a) => !a.ref.length)) return this.branchTo(c, arms.map((a) => a.to));
    const pid = c.p.id;
    const site = this.site(at);
    return {
      k: 'branch',
      alts: arms.map((a) => (st: State): Event[] | void => {
        for (const [cell, v] of a.ref) st.cells[cell] = v;
        const p = st.procs[pid]!;
        const fr = p.frames[p.frames.length - 1]!;
        this.goto({ st, p, fr, fi: this.fns[fr.f]!, events: [] }, a.to);
        if (a.note && arms.length > 1) return [{ pid, name: p.name, root: p.goSite < 0, site, text: a.note }];
      }),
    };
  }

  private select(c: Ctx, node: CfgNode): StepOut {
    const cases: Need & { t: 'select' } = { t: 'select', cases: [], dflt: -1, site: this.site(node.ast!) };
    for (const s of node.succ) {
      const cn = c.fi.cfg.nodes[s]!;
      if (cn.kind === 'case') { cases.dflt = s; continue; }
      const comm = cn.ast!;
      if (comm.type === 'send_statement') {
        cases.cases.push({ dir: 'send', ch: this.ev(c, comm.childForFieldName('channel')!), v: this.ev(c, comm.childForFieldName('value')!), succ: s, key: memoKey(comm), site: this.site(comm) });
      } else {
        const recv = recvOf(comm);
        if (!recv) continue;
        cases.cases.push({ dir: 'recv', ch: this.ev(c, recv.childForFieldName('operand')!), v: UNK, succ: s, key: memoKey(recv), site: this.site(comm) });
      }
    }
    throw new NeedSignal(cases);
  }

  /** A select case after the scheduler chose it: its receive's result is in the memo. */
  private comm(c: Ctx, node: CfgNode): StepOut {
    const comm = node.ast!;
    if (comm.type === 'receive_statement') {
      const left = comm.childForFieldName('left')?.namedChildren ?? [];
      const recv = recvOf(comm)!;
      const got = c.fr.memo[memoKey(recv)];
      const declare = comm.children.some((x) => x.type === ':=');
      const vs = got?.k === 'tup' ? got.vs : [UNK, UNK];
      left.forEach((l, i) => this.assignTo(c, l, vs[i] ?? UNK, declare));
    }
    return this.goto(c, node.succ[0]);
  }

  private stmt(c: Ctx, node: CfgNode): StepOut {
    const s = node.ast!;
    switch (s.type) {
      case 'expression_statement': {
        const e = unparen(s.namedChild(0) ?? s);
        if (e.type === 'call_expression' && this.pkg.isNoReturnCall(e)) return this.noReturn(c, e);
        this.ev(c, e);
        break;
      }
      case 'send_statement': {
        const key = memoKey(s);
        if (!(key in c.fr.memo)) {
          const ch = this.ev(c, s.childForFieldName('channel')!);
          const v = this.ev(c, s.childForFieldName('value')!);
          throw new NeedSignal({ t: 'send', ch, v, key, site: this.site(s) });
        }
        break;
      }
      case 'short_var_declaration':
      case 'assignment_statement':
        this.assign(c, s);
        break;
      case 'var_declaration': {
        const specs = s.namedChildren.flatMap((x) => (x.type === 'var_spec_list' ? x.namedChildren : [x])).filter((x) => x.type === 'var_spec');
        for (const spec of specs) {
          const names = spec.childrenForFieldName('name');
          const values = spec.childForFieldName('value')?.namedChildren ?? [];
          const t = spec.childForFieldName('type');
          const vals = this.values(c, values, names.length);
          names.forEach((id, i) => {
            const v = values.length ? vals[i] ?? UNK : this.zeroOf(c.st, t);
            this.declare(c, id, v);
          });
        }
        break;
      }
      case 'inc_statement':
      case 'dec_statement': {
        const target = s.namedChild(0)!;
        const r = this.evRef(c, target);
        if (r.cell !== undefined) {
          const nv = r.v.k === 'int' ? r.v.v + (s.type === 'inc_statement' ? 1 : -1) : null;
          c.st.cells[r.cell] = nv !== null ? { k: 'int', v: nv } : fromBig(r.v) ? BIG_DERIVED : UNK;
        }
        break;
      }
      case 'go_statement': {
        const key = memoKey(s);
        if (!(key in c.fr.memo)) {
          const call = unparen(s.namedChildren.find((x) => x.type !== 'comment') ?? s);
          if (call.type !== 'call_expression') break;
          const { fn, args } = this.callee(c, call);
          if (fn) throw new NeedSignal({ t: 'go', key, fn, args, site: this.site(s) });
          // A goroutine running code we cannot see: whatever it is handed escapes.
          for (const a of args) this.escape(c.st, a);
        }
        break;
      }
      case 'defer_statement': this.defer(c, s); break;
      case 'return_statement': {
        const list = s.namedChildren.find((x) => x.type === 'expression_list');
        const exprs = list ? list.namedChildren : s.namedChildren.filter((x) => x.type !== 'comment');
        if (exprs.length) {
          c.fr.ret = this.values(c, exprs, c.fi.resultCount);
          // `return err` sets the named results before the deferred calls run: they read (and may
          // change) `retErr`, and what they leave there is what the caller gets.
          c.fi.results.forEach((b, i) => {
            const cell = c.fr.env[this.bid(b)];
            if (cell !== undefined && c.fr.ret![i]) c.st.cells[cell] = c.fr.ret![i]!;
          });
        } else if (c.fi.results.length) c.fr.ret = c.fi.results.map((b) => this.readBinding(c, b).v);
        else c.fr.ret = [];
        c.fr.retAt = this.site(s);
        break;
      }
      default:
        break;
    }
    return this.goto(c, node.succ[0]);
  }

  /** A call that never returns: Goexit-like ones end the goroutine after its defers; os.Exit and panics end the path. */
  private noReturn(c: Ctx, call: Node): StepOut {
    const sel = selectorParts(call.childForFieldName('function')!);
    const name = sel?.field ?? '';
    const path = sel ? this.pkg.importPathOf(sel.operand) : null;
    const local = !path && !this.pkg.isBuiltinCall(call, 'panic') && !sel;
    if (this.pkg.isBuiltinCall(call, 'panic') || (path && path !== 'runtime' && !path.endsWith('testify/require'))) return { k: 'discard' };
    if (local || path === 'runtime' || path?.endsWith('testify/require') || /^(Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow)$/.test(name)) {
      c.fr.memo = {};
      throw new NeedSignal({ t: 'goexit' });
    }
    return { k: 'discard' };
  }

  private defer(c: Ctx, s: Node): void {
    const call = unparen(s.namedChildren.find((x) => x.type !== 'comment') ?? s);
    if (call.type !== 'call_expression') return;
    const site = this.site(s);
    const push = (d: Deferred) => c.fr.defers.push(d);
    if (this.pkg.isBuiltinCall(call, 'close')) {
      push({ kind: 'close', v: this.ev(c, callArgs(call)[0]!), args: [], site });
      return;
    }
    const sel = selectorParts(call.childForFieldName('function')!);
    if (sel && !this.pkg.importPathOf(sel.operand)) {
      const r = this.syncReceiver(c, sel.operand, sel.field);
      if (r) {
        if (r.k === 'mu' && (sel.field === 'Unlock' || sel.field === 'RUnlock')) { push({ kind: sel.field === 'Unlock' && !r.rd ? 'unlock' : 'runlock', v: { k: 'mu', id: r.id }, args: [], site }); return; }
        if (r.k === 'wg' && sel.field === 'Done') { push({ kind: 'done', v: r, args: [], site }); return; }
      }
    }
    const { fn, args } = this.callee(c, call);
    if (fn) push({ kind: 'call', v: fn, args, site });
    else for (const a of args) this.escape(c.st, a);
  }

  /** A frame at its end: run the next deferred call, or pop and hand the results to the caller. */
  private leave(c: Ctx): StepOut {
    const { fr, p } = c;
    const d = fr.defers.pop();
    if (d) {
      switch (d.kind) {
        case 'close': throw new NeedSignal({ t: 'close', ch: d.v, key: 'D', site: d.site });
        case 'unlock': this.release(c.st, d.v, false); return CONT;
        case 'runlock': this.release(c.st, d.v, true); return CONT;
        case 'done': throw new NeedSignal({ t: 'wgadd', wg: d.v, n: -1, key: 'D', site: d.site });
        // The Do calls waiting for the function may return from here: what every goroutine shares changed.
        case 'oncedone': if (d.v.k === 'once') c.st.onces[d.v.id] = 1; this.onceRuns++; return CONT;
        case 'call': {
          const bi = d.v.k === 'fn' ? this.fns[d.v.f]!.builtin : undefined;
          if (bi === 'Cancel' && d.v.k === 'fn') { this.cancel(c.st, d.v.recv ?? UNK); return CONT; }
          if (bi && bi !== 'Cancel' && d.v.k === 'fn') { p.need = this.condNeed(c.st, bi, d.v.recv ?? UNK, 'D', d.site); return { k: 'park' }; }
          if (d.v.k !== 'fn' || p.frames.length >= MAX_FRAMES || !this.synchronises(d.v.f)) return CONT;
          p.frames.push(this.newFrame(c.st, d.v, d.args, ''));
          return CONT;
        }
      }
    }
    p.frames.pop();
    if (c.fi.results.length && fr.ret) {
      fr.ret = fr.ret.map((v, i) => { const cell = fr.env[this.bid(c.fi.results[i]!)]; return cell !== undefined ? c.st.cells[cell]! : v; });
    }
    const caller = p.frames[p.frames.length - 1];
    if (!caller) {
      p.done = 1;
      // What the root returns goes to its caller, outside the model.
      if (p.goSite < 0) for (const v of fr.ret ?? []) this.escape(c.st, v);
      // The test's context is cancelled when the test function returns.
      if (p.goSite < 0) c.st.objs.forEach((o, id) => { if (o.type === TEST_CONTEXT) this.cancel(c.st, { k: 'obj', id }); });
      const at = fr.retAt >= 0 ? fr.retAt : this.site(closingBrace(c.fi.node));
      c.events.push({ pid: p.id, name: p.name, site: at, text: p.goSite < 0 ? `${c.fi.name} returns` : 'returns', root: p.goSite < 0 });
      return { k: 'end' };
    }
    // A frame that was on the stack at the Goexit skips the rest of its caller's code;
    // a deferred call and what it calls were pushed since and return as usual.
    const left = p.frames.length;
    if (left < p.unwind) { p.unwind = left; caller.exiting = 1; return CONT; }
    if (fr.site) {
      const ret = fr.ret ?? [];
      caller.memo[fr.site] = ret.length === 1 ? ret[0]! : ret.length === 0 ? NIL : { k: 'tup', vs: ret };
    }
    return CONT;
  }

  private onNeed(c: Ctx, need: Need | LocalNeed): StepOut {
    const { st, p, fr } = c;
    if (SYNC_NEEDS.has(need.t)) {
      p.need = need as Need;
      return { k: 'park' };
    }
    const local = need as LocalNeed;
    switch (local.t) {
      case 'discard': return { k: 'discard' };
      case 'goexit': {
        p.unwind = Math.max(p.unwind, p.frames.length);
        fr.exiting = 1;
        // The goroutine ends here (t.Fatal, runtime.Goexit), not at its function's closing brace.
        const bottom = p.frames[0]!;
        const at = c.fi.cfg.nodes[fr.pc]!.ast;
        if (bottom.retAt < 0 && at) bottom.retAt = this.site(at);
        return CONT;
      }
      case 'choose': {
        const cell = local.cell;
        const was = st.cells[cell]!;
        const sym = was.k === 'unk' ? was.s : undefined;
        // Not the numbers it is known to differ from.
        const ne = was.k === 'unk' ? was.ne : undefined;
        // Should the facts exclude every choice, the choice ignores them rather than end the path.
        const allowed = ne ? local.options.filter((o) => !ne.includes(neTag(o) ?? '')) : local.options;
        const options = allowed.length ? allowed : local.options;
        // The witness says which value a finding rests on (`takes workers = 0`).
        const what = local.at !== undefined ? firstLine(this.sites[local.at]!) : null;
        const taken = (o: Val) => o.k === 'int' ? `takes ${what} = ${o.v}` : o.k === 'slice' ? `takes ${what} with ${o.n} element${o.n === 1 ? '' : 's'}` : `takes ${what} larger than ${SMALL_MAX}`;
        return { k: 'branch', alts: options.map((o) => (s: State): Event[] | void => {
          // One larger than the small values stays that symbol: a loop that goes past the small
          // counts against it marks every copy (cond).
          const chosen: Val = sym !== undefined && o.k === 'unk' && o.big ? { ...o, s: sym } : o;
          // The same unknown, copied into other variables, is the value chosen there too.
          for (const i of symbolCopies(s, cell)) s.cells[i] = chosen;
          if (what !== null) return [{ pid: p.id, name: p.name, root: p.goSite < 0, site: local.at!, text: taken(o) }];
        }) };
      }
      case 'call': {
        const f = local.fn as Val & { k: 'fn' };
        const bi = this.fns[f.f]!.builtin;
        if (bi === 'Cancel') { this.cancel(st, f.recv ?? UNK); fr.memo[local.key] = NIL; return CONT; }
        if (bi) { p.need = this.condNeed(st, bi, f.recv ?? UNK, local.key, this.site(c.fi.cfg.nodes[fr.pc]!.ast ?? this.fns[f.f]!.node)); return { k: 'park' }; }
        // A function that can neither synchronise nor start or end a goroutine changes nothing
        // the search looks at: its result is unknown, and running it would only cost steps.
        if (!this.synchronises(f.f) && this.plainResults(f.f) && !this.storesValues(f.f) && !(this.decides(f.f) && !(this.untracked(st, f) && local.args.every((a) => this.untracked(st, a))))) {
          // It may still hand a channel to code we do not model (`SafeClose(ch)`).
          this.escapeChannels(st, f, local.args);
          fr.memo[local.key] = this.unknownResults(f.f);
          return CONT;
        }
        // Handed nothing the group made, it cannot reach the group's channels, locks or objects;
        // returning nothing it could have made either, and unable to end the goroutine, it is
        // invisible to the search whatever it does inside (its own goroutines are its own group).
        if (this.plainResults(f.f) && !this.mayEndGoroutine(f.f) && this.untracked(st, f) && local.args.every((a) => this.untracked(st, a))) {
          this.loosenLockGlobals(st, f.f);
          fr.memo[local.key] = this.unknownResults(f.f);
          return CONT;
        }
        const depth = p.frames.filter((x) => x.f === f.f).length;
        if (p.frames.length >= MAX_FRAMES || depth >= 2) {
          for (const a of local.args) this.escape(st, a);
          if (f.recv) this.escape(st, f.recv);
          fr.memo[local.key] = UNK;
          return CONT;
        }
        this.escapeLeaking(st, f, local.args);
        p.frames.push(this.newFrame(st, f, local.args, local.key));
        return CONT;
      }
      case 'once': {
        const o = local.once as Val & { k: 'once' };
        if (st.onces[o.id] === 1) { fr.memo[local.key] = NIL; return CONT; }
        // Which caller runs its function, and whether Do waits for another's, is the search's to
        // decide (explore.ts, transitions).
        p.need = { t: 'oncewait', once: o, fn: local.fn, key: local.key, site: local.site };
        return { k: 'park' };
      }
      case 'go': {
        const f = local.fn as Val & { k: 'fn' };
        if (!this.synchronises(f.f) || this.fns[f.f]!.builtin || (this.untracked(st, f) && local.args.every((a) => this.untracked(st, a)))) {
          this.escapeChannels(st, f, local.args);
          this.loosenLockGlobals(st, f.f);
          // A goroutine the search does not follow may as well be done at once: its Done counts now.
          if (local.done?.k === 'wg') st.wgs[local.done.id] = st.wgs[local.done.id]! - 1;
          fr.memo[local.key] = NIL;
          return CONT;
        }
        this.escapeLeaking(st, f, local.args);
        const id = this.spawn(st, f, local.args, local.site, this.procName(st, f));
        if (local.done) st.procs[id]!.frames[0]!.defers.push({ kind: 'done', v: local.done, args: [], site: local.site });
        fr.memo[local.key] = NIL;
        c.events.push({ pid: p.id, name: p.name, site: local.site, text: `starts ${st.procs[id]!.name}` });
        // The new goroutine runs to its first synchronisation before the next state (settle in explore.ts).
        this.spawned.push(id);
        return CONT;
      }
    }
  }

  // ---------------------------------------------------------------- assignment

  private assign(c: Ctx, s: Node): void {
    const left = s.childForFieldName('left')?.namedChildren ?? [];
    const right = s.childForFieldName('right')?.namedChildren ?? [];
    const op = s.type === 'short_var_declaration' ? ':=' : s.childForFieldName('operator')?.type ?? s.children.find((x) => x.type.endsWith('='))?.type ?? '=';
    if (op !== '=' && op !== ':=') {
      // x += e, x -= e, ...
      const r = this.evRef(c, left[0]!);
      const v = this.ev(c, right[0]!);
      if (r.cell !== undefined) c.st.cells[r.cell] = arith(op.slice(0, -1), r.v, v);
      return;
    }
    const vals = this.values(c, right, left.length);
    left.forEach((l, i) => this.assignTo(c, l, vals[i] ?? UNK, op === ':='));
  }

  /** Values of an expression list for `n` targets: one multi-value call spreads. */
  private values(c: Ctx, exprs: Node[], n: number): Val[] {
    if (exprs.length === 1 && n > 1) {
      const e = unparen(exprs[0]!);
      const v = this.ev(c, e, true);
      if (v.k === 'tup') return v.vs;
      return Array.from({ length: n }, (_, i) => (i === 0 ? v : UNK));
    }
    return exprs.map((e) => this.ev(c, e));
  }

  private declare(c: Ctx, id: Node, v: Val): void {
    if (id.text === '_') return;
    const b = this.pkg.resolve(id);
    if (!b) return;
    c.fr.env[this.bid(b)] = this.newCell(c.st, v);
  }

  assignTo(c: Ctx, target: Node, v: Val, declare: boolean): void {
    const t = unparen(target);
    if (t.type === 'identifier') {
      if (t.text === '_') return;
      const b = this.pkg.resolve(t);
      if (!b) return;
      if (b.fn === null) { this.escape(c.st, v); return; } // a package variable: anyone may read it
      const k = this.bid(b);
      // `:=` declares the names that are new here; the others are assigned.
      if (declare && b.ident.startIndex === t.startIndex) { c.fr.env[k] = this.newCell(c.st, v); return; }
      const cell = c.fr.env[k];
      if (cell === undefined) c.fr.env[k] = this.newCell(c.st, v);
      else {
        // A closure outside code holds reads the variable whenever it runs: what is stored goes out.
        if (c.st.escCells.includes(cell)) this.escape(c.st, v);
        c.st.cells[cell] = v;
      }
      return;
    }
    if (t.type === 'selector_expression') {
      const sel = selectorParts(t)!;
      if (this.pkg.importPathOf(sel.operand)) { this.escape(c.st, v); return; }
      let o = this.ev(c, sel.operand);
      if (o.k === 'obj') o = this.holder(c.st, o, sel.field);
      if (o.k === 'obj') {
        const obj = c.st.objs[o.id]!;
        if (obj.esc) this.escape(c.st, v);
        const cell = obj.fields[sel.field];
        if (cell === undefined) obj.fields[sel.field] = this.newCell(c.st, v);
        else c.st.cells[cell] = v;
        return;
      }
      this.escape(c.st, v);
      return;
    }
    if (t.type === 'index_expression') {
      const o = this.evRef(c, t.childForFieldName('operand')!);
      const i = this.ev(c, t.childForFieldName('index')!);
      if (o.v.k === 'slice' && i.k === 'int' && o.cell !== undefined && i.v >= 0 && i.v < o.v.n) {
        const el = [...o.v.el];
        while (el.length < i.v) el.push(UNK);
        el[i.v] = v;
        c.st.cells[o.cell] = { k: 'slice', n: o.v.n, el };
        return;
      }
      const m = this.mapOf(c.st, o.v);
      if (m && !m.open) {
        const key = this.mapKey(i) ?? this.keyOfValue(c.st, m.id, i) ?? this.unknownKey(c.st, m.id, v, i);
        if (key) {
          const obj = c.st.objs[m.id]!;
          const cell = obj.fields[key];
          if (cell === undefined) obj.fields[key] = this.newCell(c.st, v); else c.st.cells[cell] = v;
          // A key the map cannot name that the group made (`subs[c] = struct{}{}`, a channel) is
          // kept beside its entry: a range over the map hands it back.
          if (key[0] === 'u' && !this.untracked(c.st, i) && obj.fields[`${key}${KEY_CELL}`] === undefined) obj.fields[`${key}${KEY_CELL}`] = this.newCell(c.st, i);
          return;
        }
        this.openMap(c.st, m.id);
      }
      // Into a map the model does not follow, the key goes out with the value.
      if (this.mapKey(i) === null) this.escape(c.st, i);
      this.escape(c.st, v);
      return;
    }
    if (t.type === 'unary_expression') {
      this.escape(c.st, v);
      if (t.child(0)?.type === '*') this.havocPointees(c.st);
      return;
    }
  }

  private pointees: { fields: Set<string>; bindings: Set<number> } | null = null;

  /**
   * `*p = v`: the model keeps no pointers to fields or variables (`&s.waiters`
   * evaluates to what the field holds), so it cannot tell what the store
   * changes. What it may change is one of the fields and variables whose
   * address the package takes: those become unknown in every object and
   * frame that holds them (a `notifyAndClear(&s.waiters)` that ends with
   * `*waiters = nil` would otherwise leave every channel it notified in the
   * slice, to be sent on again). Struct values stay: a pointer to one is the
   * object itself; so do the sync primitives, channels and functions such a
   * field holds.
   */
  private havocPointees(st: State): void {
    if (!this.pointees) {
      const fields = new Set<string>();
      const bindings = new Set<number>();
      for (const f of this.pkg.files) {
        for (const u of f.root.descendantsOfType('unary_expression')) {
          if (u.child(0)?.type !== '&') continue;
          const x = unparen(u.childForFieldName('operand')!);
          if (x.type === 'selector_expression') { const sel = selectorParts(x); if (sel) fields.add(sel.field); }
          else if (x.type === 'identifier') { const b = this.pkg.resolve(x); if (b && b.fn !== null && b.kind !== 'func') bindings.add(this.bid(b)); }
        }
      }
      this.pointees = { fields, bindings };
    }
    const { fields, bindings } = this.pointees;
    // Data only: a mutex, WaitGroup, channel or function a field holds (`&s.mu` handed to a helper)
    // stays what it is, as it did before this rule; a store that replaces one is rare.
    const forget = (cell: number) => { const k = st.cells[cell]!.k; if (k !== 'obj' && k !== 'mu' && k !== 'wg' && k !== 'once' && k !== 'chan' && k !== 'fn') st.cells[cell] = UNK; };
    if (fields.size) for (const o of st.objs) for (const f in o.fields) if (fields.has(f)) forget(o.fields[f]!);
    if (bindings.size) for (const p of st.procs) for (const fr of p.frames) for (const b of bindings) { const cell = fr.env[b]; if (cell !== undefined) forget(cell); }
  }

  // ---------------------------------------------------------------- expressions

  private readBinding(c: Ctx, b: Binding): { v: Val; cell?: number; b?: Binding; t?: Node } {
    const cell = c.fr.env[this.bid(b)];
    if (cell === undefined) return { v: UNK, b };
    return { v: c.st.cells[cell]!, cell, b };
  }

  /**
   * A package variable that holds locks: a `sync.Mutex` or `RWMutex`, a
   * struct (`var storage = plugins{...}`, `var l = &remoteLock{m: ...}`) made
   * by a plain literal. The package never assigns it, so it is one value
   * for the whole program, and every goroutine of the group that reads it
   * reads the same one: made once per group, on the first read, into a
   * cell of the state's package variables. Its locks start free and are
   * the group's to take (code outside can hold one only for a while; code
   * that may release one the group holds, a call the search skips or a
   * closure handed out, lets them go: loosenLockGlobals); its data is the outside's too, so
   * the object escapes (fields read unknown, channels anyone's). Null for
   * any other package variable (packageVar).
   */
  private packageCell(c: Ctx, b: Binding): { v: Val; cell: number; b: Binding } | null {
    const id = this.bid(b);
    let cell = c.st.globals[id];
    if (cell === undefined) {
      const made = this.lockGlobal(b);
      const v = made === 'literal' ? this.ev(c, b.value!) : made === 'zero' ? this.zeroOf(c.st, b.type) : null;
      if (!v || (v.k !== 'obj' && v.k !== 'mu')) return null;
      this.escape(c.st, v);
      cell = this.newCell(c.st, v);
      c.st.globals = { ...c.st.globals, [id]: cell };
    }
    return { v: c.st.cells[cell]!, cell, b };
  }

  /** How packageCell makes a package variable's one value: from its literal, as its type's zero value, or not at all (null). */
  private lockGlobal(b: Binding): 'literal' | 'zero' | null {
    let r = this.lockGlobals.get(b);
    if (r !== undefined) return r;
    r = null;
    if (this.writtenGlobals === null) this.writtenGlobals = this.findWrittenGlobals();
    if (!this.writtenGlobals.has(b)) {
      if (b.value && !b.type && this.plainLiteral(b.value, 0)) {
        const lit = unparen(b.value);
        const body = lit.type === 'unary_expression' ? unparen(lit.childForFieldName('operand')!) : lit;
        const t = body.childForFieldName('type');
        if (t?.type === 'type_identifier' && this.hasSyncField(t.text, MUTEXES)) r = 'literal';
      } else if (!b.value && b.type) {
        const q = b.type.type === 'qualified_type' ? this.pkg.qualifiedName(b.type, 'sync') : null;
        if (MUTEXES.includes(q?.name ?? '') || (b.type.type === 'type_identifier' && this.hasSyncField(b.type.text, MUTEXES))) r = 'zero';
      }
    }
    this.lockGlobals.set(b, r);
    return r;
  }

  private readonly lockGlobals = new Map<Binding, 'literal' | 'zero' | null>();
  private readonly lockGlobalUsers = new Map<number, boolean>();

  /** Whether a function, or one it calls, reads a package variable that holds locks (packageCell). */
  private touchesLockGlobals(f: number): boolean {
    const uses = (x: Node) => { const b = this.pkg.resolve(x); return !!b && b.kind === 'var' && b.fn === null && this.lockGlobal(b) !== null; };
    return this.throughCalls(this.lockGlobalUsers, f, (node) => node.descendantsOfType('identifier').some(uses), (call) => this.anyMethod(call, (g) => this.touchesLockGlobals(g)));
  }

  /**
   * A call the search skips, or a goroutine it does not follow, that may
   * take or release the package's locks (`unlockAll()`, handed nothing of
   * the group's): from then on those the group holds may be released at any
   * time, as a mutex handed to outside code may.
   */
  private loosenLockGlobals(st: State, f: number): void {
    if (!Object.keys(st.globals).length || !this.touchesLockGlobals(f)) return;
    const loosen = (v: Val, depth: number): void => {
      if (v.k === 'mu') st.mus[v.id] = { ...st.mus[v.id]!, esc: 1 };
      else if (v.k === 'obj' && depth < 3) for (const c of Object.values(st.objs[v.id]!.fields)) loosen(st.cells[c]!, depth + 1);
    };
    for (const c of Object.values(st.globals)) loosen(st.cells[c]!, 0);
  }

  /** `T{f: make(map[K]V), mu: sync.Mutex{}}`, `&T{...}`: literals, makes and constants all the way down, nothing a call could do. */
  private plainLiteral(e: Node, depth: number): boolean {
    const x = unparen(e);
    if (depth > 4) return false;
    if (x.type === 'unary_expression' && x.child(0)?.type === '&') return this.plainLiteral(x.childForFieldName('operand')!, depth + 1);
    if (x.type === 'composite_literal') {
      const body = x.childForFieldName('body');
      return !!body && body.namedChildren.every((el) => el.type === 'comment' || (el.type === 'keyed_element' ? this.plainLiteral(el.namedChildren.at(-1)!, depth + 1) : this.plainLiteral(el, depth + 1)));
    }
    if (x.type === 'literal_element') return !!x.namedChild(0) && this.plainLiteral(x.namedChild(0)!, depth);
    if (x.type.endsWith('_literal') && x.type !== 'func_literal') return true;
    if (x.type === 'true' || x.type === 'false' || x.type === 'nil' || x.type === 'iota') return true;
    if (x.type === 'identifier') return this.pkg.resolve(x)?.kind === 'const';
    if (x.type === 'call_expression') {
      const fn = unparen(x.childForFieldName('function')!);
      return fn.type === 'identifier' && (fn.text === 'make' || fn.text === 'new') && !this.pkg.resolve(fn);
    }
    return false;
  }

  /**
   * A package-level variable. One the package never writes (no assignment,
   * ++/--, address taken; its initialiser aside) is a setting fixed before
   * the group runs: unexported with a constant initialiser, it holds that
   * constant (only this package could change it); otherwise (initialised
   * by a call, from another package's value, or exported, so other
   * packages may set it) its value is unknown but is the program's, not a
   * choice a caller makes, and a test on it is marked `setting` so the
   * search does not report a block that needs one value of it rather than
   * another. A variable the package writes is runtime state: unknown, and
   * both outcomes of a test on it are real.
   */
  private packageVar(b: Binding): { v: Val; setting?: 1 } {
    if (this.writtenGlobals === null) this.writtenGlobals = this.findWrittenGlobals();
    if (this.writtenGlobals.has(b)) return { v: UNK };
    if (/^[a-z_]/.test(b.name) && b.value) {
      const lit = unparen(b.value);
      if (lit.type === 'true' || lit.type === 'false') return { v: { k: 'bool', v: lit.type === 'true' } };
      if (lit.type === 'interpreted_string_literal' || lit.type === 'raw_string_literal') return { v: stringLiteral(lit) };
      const n = evalCount(this.pkg, lit);
      if (n.kind === 'const') return { v: { k: 'int', v: n.n } };
      // `var slots = []int{5, 3, 6}`: its elements are the program's, its length is fixed.
      const elems = lit.type === 'composite_literal' && lit.childForFieldName('type')?.type === 'slice_type' ? lit.childForFieldName('body')?.namedChildren.filter((x) => x.type !== 'comment') : undefined;
      if (elems && !elems.some((x) => x.type === 'keyed_element')) return { v: { k: 'slice', n: elems.length, el: [] } };
    }
    // A sentinel (`var errClosed = errors.New("closed")`), a value made at
    // start-up or by a local constructor: which one is unknown, nil it is not.
    if (b.value && this.madeValue(b.value)) return { v: { k: 'unk', nn: 1 }, setting: 1 };
    return { v: UNK, setting: 1 };
  }

  /** Refinements that make an unknown in `cell`, and every copy of its symbol, the constant `v`. */
  private equal(st: State, cell: number, v: Val): [number, Val][] {
    return symbolCopies(st, cell).map((i) => [i, v]);
  }

  /** Refinements that record an unknown in `cell` (and every copy of its symbol) as unequal to each constant of `vals` (Val.ne). */
  private unequal(st: State, cell: number, vals: Val[]): [number, Val][] {
    const x = st.cells[cell]!;
    if (x.k !== 'unk') return [];
    const tags = vals.map(neTag).filter((t): t is string => t !== null);
    if (!tags.length) return [];
    const ne = [...new Set([...(x.ne ?? []), ...tags])].sort();
    return symbolCopies(st, cell).map((i) => [i, { ...(st.cells[i] as Val & { k: 'unk' }), ne }]);
  }

  /** In a sum, difference or product (`waiters+1`, `2*n`), an integer variable whose value is unknown: its cell and its identifier. */
  private intUnknownInside(c: Ctx, n: Node): { cell: number; node: Node } | undefined {
    const e = unparen(n);
    if (e.type !== 'binary_expression' || !['+', '-', '*'].includes(e.childForFieldName('operator')?.text ?? '')) return undefined;
    for (const side of [e.childForFieldName('left')!, e.childForFieldName('right')!]) {
      const x = unparen(side);
      if (x.type === 'binary_expression') { const inner = this.intUnknownInside(c, x); if (inner !== undefined) return inner; continue; }
      if (x.type !== 'identifier') continue;
      const r = this.evRef(c, x);
      if (r.v.k === 'unk' && !r.v.grown && !r.v.big && !r.v.db && r.cell !== undefined && isIntLike(r)) return { cell: r.cell, node: x };
    }
    return undefined;
  }

  /** Whether an expression makes its value there and then: `&T{...}`, a literal, `new(T)`, `make(...)`. */
  private madeHere(e: Node): boolean {
    const x = unparen(e);
    if (x.type === 'unary_expression' && x.child(0)?.type === '&') return unparen(x.childForFieldName('operand')!).type === 'composite_literal';
    if (x.type === 'composite_literal' || x.type === 'func_literal' || x.type.endsWith('_literal')) return true;
    const fn = x.type === 'call_expression' ? unparen(x.childForFieldName('function')!) : null;
    return fn?.type === 'identifier' && (fn.text === 'new' || fn.text === 'make') && !this.pkg.resolve(fn);
  }

  /** Whether an initialiser makes its value: madeHere, errors.New, fmt.Errorf, a package-local constructor (madeResults). */
  private madeValue(e: Node): boolean {
    if (this.madeHere(e)) return true;
    const x = unparen(e);
    if (x.type !== 'call_expression') return false;
    if (this.pkg.isCallTo(x, 'errors', 'New') || this.pkg.isCallTo(x, 'fmt', 'Errorf')) return true;
    const callee = this.pkg.calleeDecl(x);
    return !!callee && this.madeResults(this.fnOf(callee))[0] === true;
  }

  private writtenGlobals: Set<Binding> | null = null;

  /** Package-level variables some code of the package writes: assigned, incremented, its address taken, a range variable. */
  private findWrittenGlobals(): Set<Binding> {
    const out = new Set<Binding>();
    const mark = (n: Node | null | undefined) => {
      const id = n ? unparen(n) : null;
      if (id?.type !== 'identifier') return;
      const b = this.pkg.resolve(id);
      if (b && b.fn === null && b.kind === 'var') out.add(b);
    };
    for (const f of this.pkg.files) {
      for (const n of f.root.descendantsOfType(['assignment_statement', 'inc_dec_statement', 'unary_expression', 'range_clause'])) {
        if (n.type === 'assignment_statement') n.childForFieldName('left')?.namedChildren.forEach(mark);
        else if (n.type === 'inc_dec_statement') mark(n.namedChild(0));
        else if (n.type === 'unary_expression') { if (n.child(0)?.type === '&') mark(n.childForFieldName('operand')); }
        else if (!n.children.some((x) => x.type === ':=')) n.childForFieldName('left')?.namedChildren.forEach(mark);
      }
    }
    return out;
  }

  /** A value with the cell it was read from, so a test on it can refine the variable. */
  evRef(c: Ctx, n: Node): { v: Val; cell?: number; b?: Binding; t?: Node; setting?: 1 } {
    const e = unparen(n);
    if (e.type === 'identifier') {
      if (e.text === '_') return { v: UNK };
      const b = this.pkg.resolve(e);
      if (!b) return { v: UNK };
      if (b.kind === 'func') return { v: { k: 'fn', f: this.fnOf(b.decl), env: null } };
      if (b.kind === 'const') {
        const lit = b.value ? unparen(b.value).type : '';
        if (lit === 'true' || lit === 'false') return { v: { k: 'bool', v: lit === 'true' } };
        if (b.value && (lit === 'interpreted_string_literal' || lit === 'raw_string_literal')) return { v: stringLiteral(unparen(b.value)) };
        // Folded as the compiler does (`128 << 10`); an enum's constant (`Async` after `Sync Mode = iota`) is its number.
        const n2 = constIntValue(this.pkg, e);
        if (n2 !== null) return { v: { k: 'int', v: n2 } };
        const n3 = b.value ? evalCount(this.pkg, b.value) : null;
        if (n3?.kind === 'const') return { v: { k: 'int', v: n3.n } };
        // One the model cannot compute (`int64(^uint(0) >> 1)`) is still one value: equal to
        // itself and, as an enum's constants are, to no other constant's name.
        return { v: { k: 'unk', q: `${this.pkg.name}.${b.name}@${b.ident.startIndex}` } };
      }
      if (b.kind === 'var' && b.fn === null) return this.packageCell(c, b) ?? this.packageVar(b);
      if (b.kind === 'type' || b.fn === null) return { v: UNK };
      return this.readBinding(c, b);
    }
    if (e.type === 'selector_expression') {
      const sel = selectorParts(e)!;
      const path = this.pkg.importPathOf(sel.operand);
      // The files are those of the build for this platform: runtime.GOOS and GOARCH are its constants.
      if (path === 'runtime' && (sel.field === 'GOOS' || sel.field === 'GOARCH')) return { v: { k: 'str', v: sel.field === 'GOOS' ? BUILD.goos : BUILD.goarch } };
      if (path === 'math' && Object.hasOwn(MATH_LIMITS, sel.field)) return { v: { k: 'int', v: MATH_LIMITS[sel.field]! } };
      if (path) return { v: { k: 'unk', nn: 1, q: `${path}.${sel.field}` } };
      const called = e.parent?.type === 'call_expression' && e.parent.childForFieldName('function')?.startIndex === e.startIndex;
      if (!called && (SYNC_METHODS['RWMutex']!.has(sel.field) || SYNC_METHODS['WaitGroup']!.has(sel.field))) {
        // A method value (`NotifyStartedFunc: wg.Done`, `conn.Request(wg.Done)`, `f := mu.Unlock`) is
        // taken to be called elsewhere, by code the model may not see: from here the WaitGroup's
        // counter is unknown and the mutex may be released at any time.
        const r = this.syncReceiver(c, sel.operand, sel.field);
        if (r?.k === 'wg') { c.st.wgs[r.id] = Number.NaN; return { v: UNK }; }
        if (r?.k === 'mu') { c.st.mus[r.id] = { ...c.st.mus[r.id]!, esc: 1 }; return { v: UNK }; }
      }
      let o = this.outsideObject(c, this.evRef(c, sel.operand));
      if (o.k === 'obj') o = this.holder(c.st, o, sel.field);
      if (o.k === 'obj' && c.st.objs[o.id]!.type === COND_TYPE && (sel.field === 'Wait' || sel.field === 'Signal' || sel.field === 'Broadcast')) {
        return { v: { k: 'fn', f: this.condMethod(sel.field, e), env: null, recv: o } };
      }
      if (o.k === 'obj') {
        const obj = c.st.objs[o.id]!;
        const ft = obj.type ? this.pkg.structFields.get(obj.type)?.get(sel.field) : undefined;
        let cell = obj.fields[sel.field];
        if (cell === undefined) {
          if (!ft && obj.type) {
            const m = this.pkg.methods.get(`${o.as ?? obj.type}.${sel.field}`);
            if (m) return { v: { k: 'fn', f: this.fnOf(m), env: null, recv: o } };
          }
          const zero = ft ? this.zeroOf(c.st, ft) : this.embeddedSync(obj.type, sel.field) ? this.zeroOf(c.st, this.embeddedSync(obj.type, sel.field)) : UNK;
          // An object from outside, or one that went out, holds what the outside set: any number or
          // flag (an enum's constant among them), not its type's zero; its locks stay locks.
          cell = this.newCell(c.st, obj.esc && (zero.k === 'nil' || zero.k === 'unk' || zero.k === 'int' || zero.k === 'bool') ? UNK : zero);
          obj.fields[sel.field] = cell;
        }
        const v = c.st.cells[cell]!;
        return { v: obj.esc && v.k === 'nil' ? UNK : v, cell, ...(ft ? { t: ft } : {}) };
      }
      return { v: UNK };
    }
    return { v: this.ev(c, e) };
  }

  /**
   * An unknown value of a package-local struct type read from a variable or
   * field (a receiver, a parameter, a field of one) becomes an object from
   * outside the first time one of its fields is read, so that every later
   * read of `c.members` sees the same field: one unknown, one value. Its
   * fields start unknown; what the group stores in them escapes.
   */
  private outsideObject(c: Ctx, r: { v: Val; cell?: number; b?: Binding; t?: Node }): Val {
    if (r.v.k !== 'unk' || r.cell === undefined) return r.v;
    const type = namedType(r.t ?? r.b?.type);
    if (!type || !this.pkg.structFields.has(type)) return r.v;
    const o: Val = { k: 'obj', id: c.st.objs.length };
    c.st.objs.push({ type, fields: fieldMap(), esc: true });
    c.st.cells[r.cell] = o;
    return o;
  }

  /**
   * `(*drlocker)(m)`: a conversion to another package type keeps the object (its fields, its
   * identity) and changes the methods its calls run; converting back to its own type ends the view.
   */
  private converted(st: State, to: string | null, v: Val): Val {
    if (v.k !== 'obj' || !to) return v;
    if (to === st.objs[v.id]!.type) return { k: 'obj', id: v.id };
    // Only a type with methods of its own changes what a call runs (an interface does not).
    this.typesWithMethods ??= new Set([...this.pkg.methods.keys()].map((k) => k.slice(0, k.indexOf('.'))));
    return this.typesWithMethods.has(to) ? { k: 'obj', id: v.id, as: to } : v;
  }

  private typesWithMethods: Set<string> | null = null;

  private evDepth = 0;

  ev(c: Ctx, n: Node, multi = false): Val {
    if (this.evDepth >= MAX_EXPR_DEPTH) throw new ExprTooDeep('expression nested too deep');
    this.evDepth++;
    try {
      return this.evNode(c, n, multi);
    } finally {
      this.evDepth--;
    }
  }

  private evNode(c: Ctx, n: Node, multi: boolean): Val {
    const e = unparen(n);
    switch (e.type) {
      case 'identifier': case 'selector_expression': return this.evRef(c, e).v;
      case 'int_literal': { const v = intLiteralValue(e); return v === null ? UNK : { k: 'int', v }; }
      case 'true': return { k: 'bool', v: true };
      case 'false': return { k: 'bool', v: false };
      case 'nil': return NIL;
      case 'interpreted_string_literal': case 'raw_string_literal': return stringLiteral(e);
      case 'float_literal': case 'rune_literal': case 'imaginary_literal':
        return { k: 'unk', nn: 1 };
      case 'unary_expression': return this.unary(c, e, multi);
      case 'binary_expression': return this.binary(c, e);
      case 'call_expression': {
        const v = this.call(c, e);
        return !multi && v.k === 'tup' ? v.vs[0] ?? UNK : v;
      }
      case 'composite_literal': return this.composite(c, e);
      case 'func_literal': {
        // A closure shares the cells of the variables it names, and only those.
        const f = this.fnOf(e);
        const env: Env = {};
        for (const b of this.freeVars(f)) { const cell = c.fr.env[b]; if (cell !== undefined) env[b] = cell; }
        return { k: 'fn', f, env };
      }
      case 'index_expression': {
        const o = this.ev(c, e.childForFieldName('operand')!);
        const i = this.ev(c, e.childForFieldName('index')!);
        if (o.k === 'slice' && i.k === 'int') return o.el[i.v] ?? UNK;
        const m = this.mapOf(c.st, o);
        if (m) {
          const key = this.mapKey(i) ?? this.keyOfValue(c.st, m.id, i);
          const cell = key ? c.st.objs[m.id]!.fields[key] : undefined;
          let r: Val[];
          if (cell !== undefined) r = [c.st.cells[cell]!, { k: 'bool', v: true }];
          else if (!m.open && this.hasUnknownKeys(c.st, m.id)) { this.spillUnknownKeys(c.st, m.id); r = [UNK, UNK]; }
          else if (!m.open && key) r = [this.zeroOf(c.st, m.valueType), { k: 'bool', v: false }];
          else r = [UNK, UNK];
          return multi ? { k: 'tup', vs: r } : r[0]!;
        }
        return UNK;
      }
      case 'slice_expression': {
        // `s[lo:hi]` has hi-lo elements: a writer's `b = b[n:]` loop ends when the reader took them all.
        const o = this.ev(c, e.childForFieldName('operand')!);
        const start = e.childForFieldName('start');
        const end = e.childForFieldName('end');
        const capacity = e.childForFieldName('capacity');
        const lo: Val = start ? this.ev(c, start) : { k: 'int', v: 0 };
        const hi: Val = end ? this.ev(c, end) : o.k === 'slice' ? { k: 'int', v: o.n } : UNK;
        if (capacity) this.ev(c, capacity);
        if (o.k !== 'slice') return UNK;
        if (lo.k !== 'int' || hi.k !== 'int' || lo.v < 0 || hi.v < lo.v) return { k: 'unk', nn: 1 };
        return { k: 'slice', n: hi.v - lo.v, el: o.el.length === o.n && hi.v <= o.n ? o.el.slice(lo.v, hi.v) : [] };
      }
      case 'type_assertion_expression': {
        const o = this.ev(c, e.childForFieldName('operand')!);
        if (multi) return { k: 'tup', vs: [o, { k: 'unk' }] };
        // `x.(*T)` panics on a nil interface: what it yields is not nil (a typed nil pointer aside).
        return o.k === 'unk' ? { k: 'unk', nn: 1 } : o;
      }
      case 'type_conversion_expression': return this.converted(c.st, namedType(e.childForFieldName('type')), this.ev(c, e.childForFieldName('operand')!));
      default: return UNK;
    }
  }

  private unary(c: Ctx, e: Node, multi: boolean): Val {
    const op = e.child(0)?.type;
    const operand = e.childForFieldName('operand')!;
    switch (op) {
      case '<-': {
        const key = memoKey(e);
        const got = c.fr.memo[key];
        if (got) return multi ? got : got.k === 'tup' ? got.vs[0] ?? UNK : got;
        const ch = this.ev(c, operand);
        throw new NeedSignal({ t: 'recv', ch, key, site: this.site(e), range: 0 });
      }
      case '!': { const v = this.ev(c, operand); return v.k === 'bool' ? { k: 'bool', v: !v.v } : UNK; }
      case '-': { const v = this.ev(c, operand); return v.k === 'int' ? { k: 'int', v: -v.v } : UNK; }
      case '&': case '*': return this.ev(c, operand);
      default: this.ev(c, operand); return UNK;
    }
  }

  private binary(c: Ctx, e: Node): Val {
    const op = e.childForFieldName('operator')?.type ?? e.child(1)?.type ?? '';
    if (op === '&&' || op === '||') {
      const l = this.ev(c, e.childForFieldName('left')!);
      if (l.k === 'bool' && l.v === (op === '||')) return l;
      const r = this.ev(c, e.childForFieldName('right')!);
      if (l.k === 'bool' && r.k === 'bool') return r;
      return UNK;
    }
    const l = this.ev(c, e.childForFieldName('left')!);
    const r = this.ev(c, e.childForFieldName('right')!);
    const cmp = compare(op, l, r, c.st);
    if (cmp !== null) return { k: 'bool', v: cmp };
    return arith(op, l, r);
  }

  /** Outcomes of a condition, each with the refinements of tested variables that make it so. */
  /** The ways a condition can come out; `loop`: it is a loop's, whose count a bound from outside sets. */
  cond(c: Ctx, n: Node, loop = false): Outcome[] {
    const e = unparen(n);
    const both: Outcome[] = [{ v: true, ref: [] }, { v: false, ref: [] }];
    // Both ways of a test decided only by a package setting (see packageVar) are assumptions.
    const assumed = (outs: Outcome[]): Outcome[] => outs.map((o) => ({ ...o, assume: 1 }));
    if (e.type === 'unary_expression' && e.child(0)?.type === '!') return this.cond(c, e.childForFieldName('operand')!, loop).map((o) => ({ ...o, v: !o.v }));
    if (e.type === 'binary_expression') {
      const op = e.childForFieldName('operator')?.type ?? e.child(1)?.type ?? '';
      if (op === '&&' || op === '||') {
        const out: Outcome[] = [];
        const stop = op === '||';
        for (const l of this.cond(c, e.childForFieldName('left')!, loop)) {
          if (l.v === stop) { out.push(l); continue; }
          for (const r of this.cond(c, e.childForFieldName('right')!, loop)) out.push(l.assume || r.assume ? { v: r.v, ref: [...l.ref, ...r.ref], assume: 1 } : { v: r.v, ref: [...l.ref, ...r.ref] });
        }
        return dedupe(out);
      }
      if (['==', '!=', '<', '<=', '>', '>='].includes(op)) {
        const l = this.evRef(c, e.childForFieldName('left')!);
        const r = this.evRef(c, e.childForFieldName('right')!);
        const known = compare(op, l.v, r.v, c.st);
        if (known !== null) return [{ v: known, ref: [] }];
        // `routine < waiters+1`: the unknown inside the sum is one number wherever it is read.
        for (const side of [e.childForFieldName('left')!, e.childForFieldName('right')!]) {
          const x = this.intUnknownInside(c, side);
          if (x !== undefined) throw new NeedSignal({ t: 'choose', cell: x.cell, options: SMALL_VALUES.map((v) => ({ k: 'int', v })), at: this.site(x.node) });
        }
        // A known number or flag against a package setting: the outcome is the setting's.
        const plain = (x: typeof l) => x.v.k === 'int' || x.v.k === 'bool' || x.v.k === 'str';
        if ((l.setting && plain(r)) || (r.setting && plain(l))) return assumed(both);
        // A loop bounded by another package's name (`i < features.Workers`): the count is the
        // program's configuration, as a package setting is.
        const named = (x: typeof l) => x.v.k === 'unk' && !!x.v.q && !x.v.q.includes('@');
        if (loop && ((named(l) && plain(r)) || (named(r) && plain(l)))) return assumed(both);
        // Past the small values, a loop's count against a bound the search took to be larger than
        // them all (BIG) is unknown: the loop may end at any round. Two loops on one such bound (a
        // producer's `for i := 0; i < n; i++ { ch <- i }` and its consumer's) end at the same round,
        // which the model no longer knows: the first loop to go past the small values marks the
        // bound, and another loop's decision there is an assumption, on which no finding rests.
        if (loop) {
          for (const [x, y] of [[l, r], [r, l]] as const) {
            const past = (x.v.k === 'unk' && !x.v.db) || (x.v.k === 'int' && x.v.v > SMALL_MAX);
            if (!past || y.v.k !== 'unk' || !y.v.big || y.cell === undefined) continue;
            const site = this.site(e);
            const ref: [number, Val][] = x.cell !== undefined && x.v.k === 'int' ? [[x.cell, UNK]] : [];
            // The bound and every copy of it (the same symbol: `go produce(ch, n)` and the caller's n).
            if (y.v.at === undefined) for (const i of symbolCopies(c.st, y.cell)) ref.push([i, { ...(c.st.cells[i] as Val & { k: 'unk' }), at: site }]);
            const outs: Outcome[] = [{ v: true, ref }, { v: false, ref }];
            return y.v.at === undefined || y.v.at === site ? outs : assumed(outs);
          }
        }
        // Any other test on a BIG number, or on one computed from it, is an assumption: `i == n` at
        // i = 4 may hold or not, and the model keeps no count to say which agrees with the loops on n.
        if (fromBig(l.v) || fromBig(r.v)) return assumed(both);
        // What a stepped-over loop left (`total += len(r)` over rows), or the size of a map it filled,
        // stands in a relation to the data it read that the model did not follow: a test of it
        // against a number is an assumption.
        const left = (x: Val) => x.k === 'unk' && !!x.grown;
        if ((left(l.v) && (r.v.k === 'int' || r.v.k === 'unk')) || (left(r.v) && (l.v.k === 'int' || l.v.k === 'unk'))) return assumed(both);
        // A counter tested against something unknown (`for n < len(files)-max { ...; n++ }`)
        // would count forever, a new state per iteration: past the small values it becomes
        // unknown, and the loop's states repeat.
        for (const [x, y] of [[l, r], [r, l]] as const) {
          if (x.cell !== undefined && x.v.k === 'int' && x.v.v > SMALL_VALUES[SMALL_VALUES.length - 1]! && y.v.k === 'unk') {
            return [{ v: true, ref: [[x.cell, UNK]] }, { v: false, ref: [[x.cell, UNK]] }];
          }
        }
        for (const [x, y] of [[l, r], [r, l]] as const) {
          if (x.cell === undefined || x.v.k !== 'unk') continue;
          if (op === '==' || op === '!=') {
            if (y.v.k === 'nil') return [{ v: op === '==', ref: [[x.cell, GUESSED_NIL]] }, { v: op !== '==', ref: [[x.cell, { k: 'unk', nn: 1 }]] }];
            // Unequal to a constant is a fact too: a later choice of a small value for it (`j < n`
            // after `i == n` failed at i = 0), or a later test against the same constant, keeps to
            // it, in every copy of the symbol.
            if (neTag(y.v) !== null) return [{ v: op === '==', ref: this.equal(c.st, x.cell, y.v) }, { v: op !== '==', ref: this.unequal(c.st, x.cell, [y.v]) }];
            if (y.v.k === 'bool') return [{ v: op === '==', ref: [[x.cell, y.v]] }, { v: op !== '==', ref: [[x.cell, { k: 'bool', v: !y.v.v }]] }];
          } else if (y.v.k === 'int' && y.v.v >= 0 && y.v.v <= SMALL_VALUES[SMALL_VALUES.length - 1]!) {
            // `i < n` with n a parameter, `workers > 1` with workers read from a config: ordered
            // against an integer, n is a number; one small value for it, the same wherever it is read.
            // Or, as the bound of a loop that starts no goroutine, larger than them all: the loop
            // can then run past the small values, its counter unknown from there (a consumer's
            // `if v > 10 { return }` on what it sent is reachable). A loop that starts one
            // goroutine per round keeps to the small counts: each is a goroutine the state holds.
            const side = x === l ? e.childForFieldName('left')! : e.childForFieldName('right')!;
            // A variable only ever compared with this one number (`lat := s.latency; if lat > 0`)
            // behaves alike for every value below it, and for every value above it: one of each.
            const k = y.v.v;
            const values = x.v.s === undefined && this.thresholdOnly(side, k) ? [k - 1, k, k + 1] : SMALL_INTS;
            const small: Val[] = values.filter((v) => !(x.v as { pos?: 1 }).pos || v >= 1).map((v) => ({ k: 'int', v }));
            throw new NeedSignal({ t: 'choose', cell: x.cell, options: this.boundsQuietLoop(e) ? [...small, BIG] : small, at: this.site(side) });
          }
        }
        return both;
      }
    }
    if (e.type === 'identifier' || e.type === 'selector_expression') {
      const r = this.evRef(c, e);
      if (r.v.k === 'bool') return [{ v: r.v.v, ref: [] }];
      if (r.setting) return assumed(both);
      if (r.cell !== undefined && r.v.k === 'unk') return [{ v: true, ref: [[r.cell, { k: 'bool', v: true }]] }, { v: false, ref: [[r.cell, { k: 'bool', v: false }]] }];
      return both;
    }
    const v = this.ev(c, e);
    return v.k === 'bool' ? [{ v: v.v, ref: [] }] : both;
  }

  /**
   * Whether a comparison is the condition of a `for` clause whose body starts
   * no goroutine, by a `go` statement, `wg.Go(f)` or a package-local call
   * that does (startsGoroutines).
   */
  private boundsQuietLoop(cmp: Node): boolean {
    const clause = cmp.parent;
    if (clause?.type !== 'for_clause' || !sameNode(clause.childForFieldName('condition'), cmp)) return false;
    const body = clause.parent?.childForFieldName('body');
    if (!body || startsHere(body)) return false;
    return body.descendantsOfType('call_expression').every((call) => {
      const callee = this.pkg.calleeDecl(call);
      return !callee || !this.startsGoroutines(this.fnOf(callee));
    });
  }

  private readonly goStarters = new Map<number, boolean>();

  /** Whether a function, or a package-local function it calls, starts a goroutine. */
  private startsGoroutines(f: number): boolean {
    return this.throughCalls(this.goStarters, f, startsHere);
  }

  private composite(c: Ctx, e: Node): Val {
    const t = e.childForFieldName('type');
    const body = e.childForFieldName('body');
    const elems = body?.namedChildren.filter((x) => x.type === 'keyed_element' || x.type === 'literal_element') ?? [];
    const valueOf = (x: Node): Val => {
      const inner = x.type === 'keyed_element' ? x.childForFieldName('value') ?? x.namedChildren[1] : x;
      const expr = inner?.type === 'literal_element' ? inner.namedChild(0) : inner;
      return expr && expr.type !== 'literal_value' ? this.ev(c, expr) : UNK;
    };
    if (t && (t.type === 'struct_type' || (t.type === 'type_identifier' && this.pkg.structFields.has(t.text))) && body) return this.structValue(c, t, body);
    if (t?.type === 'type_identifier' && this.pkg.structFields.has(t.text)) {
      const o = this.newObj(c.st, t.text);
      const obj = c.st.objs[(o as { id: number }).id]!;
      const order = this.fieldOrder(t.text);
      elems.forEach((x, i) => {
        const key = x.type === 'keyed_element' ? (x.childForFieldName('key') ?? x.namedChildren[0])?.text : order[i];
        if (key) obj.fields[key] = this.newCell(c.st, valueOf(x));
      });
      return o;
    }
    if (t?.type === 'slice_type' || t?.type === 'array_type') {
      // `[]struct{ n int }{{1}, {10}}`: an element without its type is a value of the element type.
      const et = t.childForFieldName('element');
      const el = elems.map((x) => {
        const inner = x.type === 'keyed_element' ? x.childForFieldName('value') ?? x.namedChildren[1] : x;
        const lit = inner?.type === 'literal_element' ? inner.namedChild(0) : inner;
        return lit?.type === 'literal_value' && et ? this.structValue(c, et, lit) : valueOf(x);
      });
      return { k: 'slice', n: el.length, el };
    }
    if (t?.type === 'map_type') {
      const m = this.newMap(c.st, t);
      const obj = c.st.objs[m.id]!;
      for (const x of elems) {
        const kn = x.type === 'keyed_element' ? x.childForFieldName('key') ?? x.namedChildren[0] : null;
        const kx = kn?.type === 'literal_element' ? kn.namedChild(0) : kn;
        const v = valueOf(x);
        const kv = kx ? this.ev(c, kx) : UNK;
        const key = this.mapKey(kv) ?? this.unknownKey(c.st, m.id, v);
        if (key) obj.fields[key] = this.newCell(c.st, v);
        else { this.openMap(c.st, m.id); this.escape(c.st, v); }
        if (this.mapKey(kv) === null) this.escape(c.st, kv);
      }
      return m;
    }
    if (t?.type === 'qualified_type' && elems.length === 0) {
      const z = this.zeroOf(c.st, t);
      if (z.k === 'mu' || z.k === 'wg' || z.k === 'once') return z;
    }
    for (const x of elems) this.escape(c.st, valueOf(x));
    return { k: 'unk', nn: 1 };
  }

  /** A struct value of type `t` (a local struct type or a struct literal type) from its literal body. */
  private structValue(c: Ctx, t: Node, body: Node): Val {
    let names: string[] | null = null;
    let type: string | null = null;
    if (t.type === 'type_identifier' && this.pkg.structFields.has(t.text)) { type = t.text; names = this.fieldOrder(t.text); }
    else if (t.type === 'struct_type') names = t.descendantsOfType('field_declaration').flatMap((fd) => fd.childrenForFieldName('name').map((n) => n.text));
    if (!names) return { k: 'unk', nn: 1 };
    const o = this.newObj(c.st, type) as Val & { k: 'obj' };
    const obj = c.st.objs[o.id]!;
    body.namedChildren.filter((x) => x.type === 'keyed_element' || x.type === 'literal_element').forEach((x, i) => {
      const key = x.type === 'keyed_element' ? (x.childForFieldName('key') ?? x.namedChildren[0])?.text : names![i];
      const inner = x.type === 'keyed_element' ? x.childForFieldName('value') ?? x.namedChildren[1] : x;
      const expr = inner?.type === 'literal_element' ? inner.namedChild(0) : inner;
      if (key) obj.fields[key] = this.newCell(c.st, expr && expr.type !== 'literal_value' ? this.ev(c, expr) : UNK);
    });
    return o;
  }

  /** The function value a call invokes, when it is code in the model, and its evaluated arguments. */
  /**
   * An unexported method name can be declared only in this package, and only
   * this package's types can implement an interface that has it: when one
   * method of the package bears the name (and no struct field does, which
   * could hold a func), a call through an interface runs that method.
   */
  private onlyImplementation(name: string): Node | null {
    if (!/^[a-z_]/.test(name)) return null;
    const ms = this.pkg.methodsByName.get(name) ?? [];
    if (ms.length !== 1) return null;
    // Struct fields of that name, looked up once per package.
    this.fieldNames ??= new Set([...this.pkg.structFields.values()].flatMap((f) => [...f.keys()]));
    return this.fieldNames.has(name) ? null : ms[0]!;
  }

  private fieldNames: Set<string> | null = null;

  private callee(c: Ctx, call: Node): { fn: (Val & { k: 'fn' }) | null; args: Val[] } {
    const f = unparen(call.childForFieldName('function')!);
    const argNodes = callArgs(call);
    let fn: Val | null = null;
    const sel = selectorParts(f);
    if (sel && !this.pkg.importPathOf(sel.operand)) {
      const ref = this.evRef(c, sel.operand);
      let recv = this.outsideObject(c, ref);
      const viewed = recv.k === 'obj' && recv.as ? this.pkg.methods.get(`${recv.as}.${sel.field}`) : undefined;
      if (recv.k === 'obj' && !viewed) recv = this.holder(c.st, recv, sel.field);
      if (recv.k === 'obj') {
        const type = c.st.objs[recv.id]!.type;
        const m = viewed ?? (type ? this.pkg.methods.get(`${type}.${sel.field}`) : null);
        if (m) fn = { k: 'fn', f: this.fnOf(m), env: null, recv };
        else fn = this.evRef(c, f).v;
      } else if (recv.k === 'unk') {
        // Only a receiver declared with a package-local concrete type names its method. Through
        // an interface (or a type the model cannot see) the dynamic type may be any
        // implementation, one from outside the package too: the call is outside code.
        const declared = namedType(ref.t ?? ref.b?.type) ?? this.pkg.typeNameOf(sel.operand);
        const m = (declared ? this.pkg.methods.get(`${declared}.${sel.field}`) : null) ?? this.onlyImplementation(sel.field);
        if (m) fn = { k: 'fn', f: this.fnOf(m), env: null, recv };
      }
    } else if (!sel) {
      fn = this.ev(c, f);
    }
    let args = argNodes.map((a) => this.ev(c, a.type === 'variadic_argument' ? a.namedChild(0) ?? a : a));
    // `f(xs...)`: the slice is the variadic parameter; spread its known elements as the arguments.
    if (argNodes.some((a) => a.type === 'variadic_argument')) {
      const last = args[args.length - 1];
      if (last?.k === 'slice') args = [...args.slice(0, -1), ...Array.from({ length: last.n }, (_, i) => last.el[i] ?? UNK)];
      else if (last?.k === 'nil') args = args.slice(0, -1);
    }
    return { fn: fn && fn.k === 'fn' ? fn : null, args };
  }

  private call(c: Ctx, e: Node): Val {
    const key = memoKey(e);
    const got = c.fr.memo[key];
    if (got) return got;
    const f = unparen(e.childForFieldName('function')!);
    const args = callArgs(e);
    if (f.type === 'identifier' && !this.pkg.resolve(f)) {
      const b = this.builtin(c, e, f.text, args, key);
      if (b) return b;
    }
    if (f.type === 'identifier' && this.pkg.resolve(f)?.kind === 'type') return args[0] ? this.converted(c.st, f.text, this.ev(c, args[0])) : UNK;
    if (f.type !== 'identifier' && f.type !== 'selector_expression' && f.type !== 'func_literal' && f.type !== 'call_expression' && f.type !== 'index_expression') {
      // A conversion to a composite type: `[]byte(s)`, `(*T)(p)`.
      const op = f.type === 'unary_expression' ? unparen(f.childForFieldName('operand')!) : null;
      const to = op?.type === 'identifier' && this.pkg.resolve(op)?.kind === 'type' ? op.text : null;
      return args[0] ? this.converted(c.st, to, this.ev(c, args[0])) : UNK;
    }
    const sel = selectorParts(f);
    if (sel) {
      const path = this.pkg.importPathOf(sel.operand);
      if (path) return this.external(c, e, path, sel.field, args, key);
      const ar = this.evRef(c, sel.operand);
      const at = ar.t ?? ar.b?.type;
      const aq = at ? this.pkg.qualifiedName(at, 'sync/atomic') : null;
      if (aq && (ATOMIC_INTS.has(aq.name) || aq.name === 'Bool')) {
        const v = this.atomicOp(c, sel.field, undefined, args, ar);
        if (v) { c.fr.memo[key] = v; return v; }
      }
      const r = this.syncReceiver(c, sel.operand, sel.field);
      if (r) {
        const site = this.site(e);
        switch (r.k) {
          case 'mu': {
            // RLocker's Locker: its Lock and Unlock are the RWMutex's RLock and RUnlock.
            if (sel.field === 'RLocker') return { k: 'mu', id: r.id, rd: 1 };
            const field = r.rd ? ({ Lock: 'RLock', Unlock: 'RUnlock' } as Record<string, string>)[sel.field] ?? sel.field : sel.field;
            const m: Val = { k: 'mu', id: r.id };
            if (field === 'Lock') throw new NeedSignal({ t: 'lock', m, key, site });
            if (field === 'Unlock') { this.release(c.st, m, false); c.fr.memo[key] = NIL; return NIL; }
            if (field === 'RLock') throw new NeedSignal({ t: 'rlock', m, key, site });
            if (field === 'RUnlock') { this.release(c.st, m, true); c.fr.memo[key] = NIL; return NIL; }
            return UNK;
          }
          case 'wg':
            if (sel.field === 'Add') {
              // `wg.Add(n)` with n a parameter: one small value for n, the same the loop that starts
              // the goroutines reads. A count the model cannot name leaves the counter unknown.
              const a = unparen(args[0]!);
              const ref = a.type === 'identifier' || a.type === 'selector_expression' ? this.evRef(c, a) : null;
              if (ref && ref.v.k === 'unk' && ref.cell !== undefined && isIntLike(ref)) throw new NeedSignal({ t: 'choose', cell: ref.cell, options: SMALL_VALUES.map((v) => ({ k: 'int', v })), at: this.site(a) });
              const n = ref ? ref.v : this.ev(c, a);
              throw new NeedSignal({ t: 'wgadd', wg: r, n: n.k === 'int' ? n.v : Number.NaN, key, site });
            }
            if (sel.field === 'Done') throw new NeedSignal({ t: 'wgadd', wg: r, n: -1, key, site });
            if (sel.field === 'Go' && args[0]) {
              // Go 1.25's wg.Go(f): Add(1), then a goroutine that runs f and calls Done.
              const fn = this.ev(c, args[0]);
              if (fn.k !== 'fn') { this.escape(c.st, fn); throw new NeedSignal({ t: 'wgadd', wg: r, n: Number.NaN, key, site }); }
              const added = `${key}+`;
              if (!c.fr.memo[added]) throw new NeedSignal({ t: 'wgadd', wg: r, n: 1, key: added, site });
              throw new NeedSignal({ t: 'go', key, fn, args: [], site, done: r });
            }
            if (sel.field === 'Wait') throw new NeedSignal({ t: 'wgwait', wg: r, key, site });
            return UNK;
          case 'once':
            if (sel.field === 'Do') {
              const fn = this.ev(c, args[0]!);
              if (fn.k === 'fn') throw new NeedSignal({ t: 'once', key, once: r, fn, site });
              this.escape(c.st, fn);
            }
            return NIL;
          default: break;
        }
      }
    }
    if (sel && sel.field === 'Context' && args.length === 0 && this.isTestingT(sel.operand)) {
      const ctx = this.testContext(c.st, e);
      c.fr.memo[key] = ctx;
      return ctx;
    }
    if (sel) {
      const recv = this.ev(c, sel.operand);
      // Background's Done is nil: a select case on it never fires. A goroutine waiting on it alone is
      // not reported (GUESSED_NIL): one handed context.Background() is usually meant to run as long
      // as the program does.
      if (recv.k === 'obj' && c.st.objs[recv.id]!.type === BACKGROUND) return sel.field === 'Done' ? GUESSED_NIL : sel.field === 'Err' ? NIL : UNK;
      const rt = recv.k === 'obj' ? c.st.objs[recv.id]!.type : null;
      if (recv.k === 'obj' && (rt === TEST_CONTEXT || rt === CANCEL_CONTEXT)) return sel.field === 'Done' ? c.st.cells[c.st.objs[recv.id]!.fields['done']!]! : UNK;
    }
    const { fn, args: vals } = this.callee(c, e);
    if (fn) throw new NeedSignal({ t: 'call', key, fn, args: vals });
    // A test's report (`t.Errorf("%v", s)`) formats what it is handed and keeps none of it.
    if (sel && TESTING_REPORTS.has(sel.field) && this.isTestingT(sel.operand)) { this.formatOperands(c, sel.field, args, key); return UNK; }
    // Code outside the model: it may keep or use whatever it is handed, and unlock a mutex
    // handed to it as such (`release(&c.mu)`, a sync.Locker).
    for (const v of vals) { this.escape(c.st, v); if (v.k === 'mu') c.st.mus[v.id]!.esc = 1; }
    if (sel) {
      const recv = this.ev(c, sel.operand);
      if (recv.k === 'obj' || recv.k === 'chan') this.escape(c.st, recv);
    }
    return UNK;
  }

  /** The mutex, WaitGroup or Once a method is called on (`mu.Lock()`, `s.wg.Wait()`, `s.Lock()` through an embedded mutex). */
  private syncReceiver(c: Ctx, operand: Node, method: string): Val | null {
    // A receiver from outside is the same object at every call (`c.Lock()` through an embedded
    // RWMutex, then `c.RLock()` in a method it calls).
    const v = this.outsideObject(c, this.evRef(c, operand));
    if (v.k === 'mu' || v.k === 'wg' || v.k === 'once') return v;
    if (v.k === 'obj') {
      const type = c.st.objs[v.id]!.type;
      if (type && this.pkg.methods.has(`${type}.${method}`)) return null;
      for (const field of ['Mutex', 'RWMutex', 'WaitGroup']) {
        // Only the embedded value's own methods are promoted through it: `c.f()` on a struct
        // embedding a Mutex calls the func in field f.
        if (!SYNC_METHODS[field]!.has(method) || !this.embeddedSync(type, field)) continue;
        const fv = this.evRefField(c, v, field);
        if (fv.k === 'mu' || fv.k === 'wg') return fv;
      }
    }
    return null;
  }

  private evRefField(c: Ctx, o: Val & { k: 'obj' }, field: string): Val {
    const obj = c.st.objs[o.id]!;
    let cell = obj.fields[field];
    if (cell === undefined) {
      cell = this.newCell(c.st, this.zeroOf(c.st, this.embeddedSync(obj.type, field)));
      obj.fields[field] = cell;
    }
    return c.st.cells[cell]!;
  }

  private builtin(c: Ctx, e: Node, name: string, args: Node[], key: string): Val | null {
    switch (name) {
      case 'make': {
        const t = args[0];
        if (t?.type === 'channel_type') {
          // A capacity the model cannot compute (`len(images)`, a parameter) may be as
          // large as the caller needs: sends into the buffer never block (UNBOUNDED), and
          // the value it came from is not decided here (only the capacity reads it).
          let cap = 0;
          if (args[1]) {
            const outer = this.observeOnly;
            this.observeOnly = true;
            let v: Val;
            try { v = this.ev(c, args[1]); } finally { this.observeOnly = outer; }
            cap = v.k === 'int' && v.v >= 0 ? v.v : UNBOUNDED;
          }
          const name = chanName(e);
          c.st.chans.push({ cap, buf: [], closed: false, esc: false, site: this.site(e), name });
          const v: Val = { k: 'chan', id: c.st.chans.length - 1 };
          c.fr.memo[key] = v;
          c.events.push({ pid: c.p.id, name: c.p.name, site: this.site(e), text: `makes ${name}${cap === UNBOUNDED ? ' (buffer of unknown size)' : cap > 0 ? ` (buffer ${cap})` : ''}` });
          return v;
        }
        if (t?.type === 'map_type') return this.newMap(c.st, t);
        if (t?.type === 'slice_type') {
          const n = args[1] ? this.ev(c, args[1]) : UNK;
          if (n.k === 'int' && n.v >= 0 && n.v <= MAX_SLICE) {
            // Elements are zero values of the element type: a struct element is an object whose fields can be set.
            const et = t.childForFieldName('element');
            const el = Array.from({ length: n.v }, () => this.zeroOf(c.st, et));
            return { k: 'slice', n: n.v, el };
          }
          return n.k === 'int' ? { k: 'slice', n: n.v, el: [] } : { k: 'unk', nn: 1 };
        }
        return { k: 'unk', nn: 1 };
      }
      case 'len': case 'cap': {
        const r = this.evRef(c, args[0]!);
        const v = r.v;
        if (v.k === 'chan') { const ch = c.st.chans[v.id]!; return name === 'cap' && ch.cap === UNBOUNDED ? UNK : { k: 'int', v: name === 'len' ? ch.buf.length : ch.cap }; }
        if (v.k === 'slice') return { k: 'int', v: v.n };
        if (v.k === 'nil') return { k: 'int', v: 0 };
        const m = this.mapOf(c.st, v);
        // An open map's size is what code the model did not follow left in it (HAVOC's kind).
        if (m) return m.open ? HAVOC : this.hasUnknownKeys(c.st, m.id) ? { k: 'unk', nn: 1, pos: 1 } : { k: 'int', v: Object.keys(c.st.objs[m.id]!.fields).length };
        // One length, the one a range over it takes too (a slice a stepped-over loop built among them).
        if (v.k === 'unk' && r.cell !== undefined && isSized(r) && !this.observeOnly) throw new NeedSignal({ t: 'choose', cell: r.cell, options: SMALL_VALUES.map((n) => ({ k: 'slice', n, el: [] })), at: this.site(args[0]!) });
        return UNK;
      }
      case 'copy': {
        // As many elements as the shorter of the two holds.
        const size = (v: Val) => (v.k === 'slice' ? v.n : v.k === 'str' ? Buffer.byteLength(v.v) : v.k === 'nil' ? 0 : null);
        const dst = size(this.ev(c, args[0]!));
        const src = args[1] ? size(this.ev(c, args[1])) : null;
        return dst !== null && src !== null ? { k: 'int', v: Math.min(dst, src) } : UNK;
      }
      case 'close': {
        const ch = this.ev(c, args[0]!);
        throw new NeedSignal({ t: 'close', ch, key, site: this.site(e) });
      }
      case 'append': {
        const base = this.ev(c, args[0]!);
        const spread = e.childForFieldName('arguments')?.children.some((x) => x.type === '...');
        const rest = args.slice(1).map((a) => this.ev(c, a));
        if (spread) { for (const r of rest) this.escape(c.st, r); return { k: 'unk', nn: 1 }; }
        // Lengths are tracked while small; past that a slice is just non-nil (a loop over an
        // unknown collection that appends would otherwise never repeat a state).
        if (base.k === 'slice' && base.n + rest.length <= MAX_SLICE) return { k: 'slice', n: base.n + rest.length, el: base.el.length === base.n ? [...base.el, ...rest] : base.el };
        if (base.k === 'nil') return { k: 'slice', n: rest.length, el: rest };
        for (const r of rest) this.escape(c.st, r);
        return { k: 'unk', nn: 1 };
      }
      case 'new': {
        const a = args[0];
        if (!a) return UNK;
        if (TYPE_NODES.has(a.type)) return this.zeroBoxed(c, a);
        // Go 1.26's new(expr): the expression is evaluated (a receive in it
        // blocks like any other) and its value boxed, as zeroBoxed boxes a
        // zero value; go126/ok_new_expr.go and its twin prove the two agree.
        const v = this.ev(c, a);
        return v.k === 'nil' || v.k === 'int' || v.k === 'bool' || v.k === 'str' || v.k === 'unk' ? { k: 'unk', nn: 1 } : v;
      }
      case 'panic': throw new NeedSignal({ t: 'discard' });
      case 'delete': {
        const mv = this.ev(c, args[0]!);
        const k = args[1] ? this.ev(c, args[1]) : UNK;
        const m = this.mapOf(c.st, mv);
        if (m && !m.open) {
          const key = this.mapKey(k);
          const kept = this.keyOfValue(c.st, m.id, k);
          const fields = c.st.objs[m.id]!.fields;
          // A key the group made, kept beside its entry: that entry goes.
          if (kept) { delete fields[kept]; delete fields[`${kept}${KEY_CELL}`]; }
          // A key the model cannot compute, or any key where entries are under such keys: which entry goes is not known.
          else if (key && !this.hasUnknownKeys(c.st, m.id)) delete fields[key];
          else this.openMap(c.st, m.id);
        }
        return NIL;
      }
      default:
        if (CONVERSIONS.has(name)) return args[0] ? this.ev(c, args[0]) : UNK;
        for (const a of args) this.ev(c, a);
        return null;
    }
  }

  private zeroBoxed(c: Ctx, t: Node): Val {
    const z = this.zeroOf(c.st, t);
    return z.k === 'nil' || z.k === 'int' || z.k === 'bool' || z.k === 'unk' ? { k: 'unk', nn: 1 } : z;
  }

  /** A call into another package: the few whose behaviour matters are modelled, the rest return anything. */
  /** Whether an expression is a `*testing.T`, `B` or `F` variable (by its declared type). */
  private isTestingT(n: Node): boolean {
    const e = unparen(n);
    if (e.type !== 'identifier') return false;
    const t = this.pkg.resolve(e)?.type;
    return !!t && /^\*?testing\.(T|B|F|TB)$/.test(t.text.replace(/\s/g, ''));
  }

  /**
   * `t.Context()`: a context that is cancelled just before the test's
   * cleanups run, so never while the test function runs. Its Done is a
   * channel of the group, closed when the group's root returns (the root is
   * the test function, or a helper it calls: closing there is early, which
   * can only hide a leak).
   */
  private testContext(st: State, e: Node): Val {
    const have = st.objs.findIndex((o) => o.type === TEST_CONTEXT);
    if (have >= 0) return { k: 'obj', id: have };
    const ch: Val = { k: 'chan', id: st.chans.length };
    st.chans.push({ cap: 0, buf: [], closed: false, esc: false, site: this.site(e), name: 't.Context().Done()' });
    const o = this.newObj(st, TEST_CONTEXT) as Val & { k: 'obj' };
    st.objs[o.id]!.fields['done'] = this.newCell(st, ch);
    return o;
  }

  /**
   * `ctx, cancel := context.WithCancel(parent)`: a context whose Done channel
   * belongs to the group and is closed by `cancel()` (or by cancelling its
   * parent), so a goroutine's `<-ctx.Done()` cannot fire before the cancel
   * runs. A parent from outside, or a deadline (one that can come: see NEVER_FIRES_NS), may close it at any moment:
   * the channel is then outside's as well.
   */
  private cancelContext(c: Ctx, e: Node, name: string, args: Node[]): Val {
    const parent = args[0] ? this.ev(c, args[0]) : UNK;
    const rest = args.slice(1).map((a) => this.ev(c, a));
    const pt = parent.k === 'obj' ? c.st.objs[parent.id]!.type : null;
    const known = pt === BACKGROUND || ((pt === TEST_CONTEXT || pt === CANCEL_CONTEXT) && !c.st.objs[(parent as { id: number }).id]!.esc);
    const timeout = /^WithTimeout/.test(name) ? rest[0] : undefined;
    const cancelOnly = /^WithCancel/.test(name) || (timeout?.k === 'int' && timeout.v >= NEVER_FIRES_NS);
    const ch: Val = { k: 'chan', id: c.st.chans.length };
    const ch2: Chan = { cap: 0, buf: [], closed: false, esc: !known || !cancelOnly, site: this.site(e), name: 'ctx.Done()' };
    // Only its deadline closes it from outside: not before this goroutine has waited (Chan.armed).
    if (known && !cancelOnly) ch2.armed = c.p.id + 1;
    c.st.chans.push(ch2);
    const o = this.newObj(c.st, CANCEL_CONTEXT) as Val & { k: 'obj' };
    c.st.objs[o.id]!.fields['done'] = this.newCell(c.st, ch);
    c.st.objs[o.id]!.fields['parent'] = this.newCell(c.st, parent);
    return { k: 'tup', vs: [o, { k: 'fn', f: this.condMethod('Cancel', e), env: null, recv: o }] };
  }

  /** Cancels a context of the group: closes its Done channel and its children's. */
  private cancel(st: State, ctx: Val): void {
    if (ctx.k !== 'obj') return;
    const done = st.cells[st.objs[ctx.id]!.fields['done'] ?? -1];
    if (done?.k === 'chan') st.chans[done.id]!.closed = true;
    st.objs.forEach((o, id) => {
      if (o.type !== CANCEL_CONTEXT || id === ctx.id) return;
      const p = st.cells[o.fields['parent']!]!;
      if (p.k === 'obj' && p.id === ctx.id && !(st.cells[o.fields['done']!]!.k === 'chan' && st.chans[(st.cells[o.fields['done']!] as { id: number }).id]!.closed)) this.cancel(st, { k: 'obj', id });
    });
  }

  private external(c: Ctx, e: Node, path: string, name: string, args: Node[], key: string): Val {
    // A conversion to time.Duration keeps the number.
    if (path === 'time' && name === 'Duration' && args.length === 1) return this.ev(c, args[0]!);
    // A goroutine that sleeps lets time pass: the deadlines it armed may come (Chan.armed).
    if (path === 'time' && name === 'Sleep') for (const ch of c.st.chans) if (ch.armed === c.p.id + 1) delete ch.armed;
    if (path === 'time' && name === 'AfterFunc' && args[1]) {
      // The function runs later in a goroutine of its own.
      const fn = this.ev(c, args[1]);
      if (fn.k === 'fn') throw new NeedSignal({ t: 'go', key, fn, args: [], site: this.site(e) });
    }
    if (path === 'sync' && name === 'NewCond' && args[0]) {
      const l = this.ev(c, args[0]);
      const o = this.newObj(c.st, COND_TYPE) as Val & { k: 'obj' };
      c.st.objs[o.id]!.fields['L'] = this.newCell(c.st, l);
      return o;
    }
    // At least one CPU, at least one P.
    if (path === 'runtime' && (name === 'NumCPU' || name === 'GOMAXPROCS')) { for (const a of args) this.ev(c, a); return { k: 'unk', nn: 1, pos: 1 }; }
    // context.Background() is never cancelled: its Done channel is nil.
    if (path === 'context' && (name === 'Background' || name === 'TODO')) return this.newObj(c.st, BACKGROUND);
    if (path === 'fmt' || path === 'log') this.formatOperands(c, name, args, key);
    // Functions that read their arguments and keep none of them: printing, conversions, string and
    // number helpers. Handed a value, they cannot close, send on or unlock anything of it later.
    // A function value is not kept either, but it may be called there and then (`strings.Map(f, s)`):
    // such a call is outside code as any other.
    if (Object.hasOwn(KEEPS_NOTHING, path) && KEEPS_NOTHING[path]!.test(name) && !args.map((a) => this.ev(c, a)).some((v) => v.k === 'fn')) return UNK;
    if ((path === 'errors' && name === 'New') || (path === 'fmt' && name === 'Errorf')) {
      // A new error value each call (fmt.Errorf's %w keeps its operand: the arguments go outside).
      for (const a of args) this.escape(c.st, this.ev(c, a));
      const r = this.newObj(c.st, FRESH_ERROR);
      c.fr.memo[key] = r;
      return r;
    }
    if (path === 'context' && /^With(Cancel|Timeout|Deadline|CancelCause|TimeoutCause|DeadlineCause)$/.test(name)) {
      const r = this.cancelContext(c, e, name, args);
      c.fr.memo[key] = r;
      return r;
    }
    if (path === 'sync/atomic') {
      const r = this.atomicOp(c, name.replace(/(Int32|Int64|Uint32|Uint64|Uintptr|Pointer)$/, ''), args[0], args.slice(1));
      if (r) { c.fr.memo[key] = r; return r; }
    }
    const vals = args.map((a) => this.ev(c, a));
    for (const v of vals) this.escape(c.st, v);
    // github.com/pkg/errors: New and Errorf make an error, never nil; Wrap, Wrapf, WithMessage,
    // WithMessagef and WithStack return nil exactly when the error they wrap is nil. Taken as
    // any value, `if err != nil { return errors.Wrap(err, ...) }` could hand back nil, and the
    // caller would go on as if the call had succeeded with none of its work done.
    if (path === 'github.com/pkg/errors') {
      if (name === 'New' || name === 'Errorf') return { k: 'unk', nn: 1 };
      if (/^(Wrap|Wrapf|WithMessage|WithMessagef|WithStack)$/.test(name) && vals[0]) {
        const w = vals[0];
        if (w.k === 'nil') return NIL;
        if ((w.k === 'unk' && w.nn) || w.k === 'obj') return { k: 'unk', nn: 1 };
      }
    }
    return UNK;
  }

  /**
   * fmt and log format an operand whose type has a String or Error method by
   * calling it (for %v, %s, %q, %x, %X, and in Print and Println): a String
   * that takes the lock its caller holds while logging deadlocks there. Each
   * such method of the package that can synchronise is run, one at a time,
   * before the call; the others change nothing the search looks at.
   */
  private formatOperands(c: Ctx, name: string, args: Node[], key: string): void {
    const f = /^(?:Print|Sprint|Fprint|Append|Fatal|Panic|Log|Error|Skip)(ln|f)?$/.exec(name);
    if (!f) return;
    let operands = args;
    if (f[1] === 'f' || name.startsWith('Fprint') || name.startsWith('Append')) {
      // The writer or buffer, then the format: a literal format with no string verb formats no Stringer.
      const at = (name.startsWith('Fprint') || name.startsWith('Append') ? 1 : 0) + (f[1] === 'f' ? 1 : 0);
      const format = f[1] === 'f' ? args[at - 1] : undefined;
      const lit = format ? unparen(format) : null;
      if (lit && (lit.type === 'interpreted_string_literal' || lit.type === 'raw_string_literal') && !/%[-+# 0-9.*]*[vsqxX]/.test(lit.text)) return;
      operands = args.slice(at);
    }
    operands.forEach((a, i) => {
      const k = `${key}:S${i}`;
      if (c.fr.memo[k]) return;
      const v = this.ev(c, a);
      const type = v.k === 'obj' ? c.st.objs[v.id]!.type : null;
      const m = type ? this.pkg.methods.get(`${type}.String`) ?? this.pkg.methods.get(`${type}.Error`) : undefined;
      if (!m || (m.childForFieldName('parameters')?.namedChildCount ?? 0) > 0) return;
      const fn = this.fnOf(m);
      if (!this.synchronises(fn)) return;
      throw new NeedSignal({ t: 'call', key: k, fn: { k: 'fn', f: fn, env: null, recv: v }, args: [] });
    });
  }

  /**
   * An atomic load, store, add, swap or compare-and-swap on a variable or
   * field of the group (`atomic.LoadInt32(&m.closed)`, `m.n.Add(1)`): a read
   * or write of its cell like any other, so `isClosed()` is false until
   * something stores 1. Null when the target is not a cell we track.
   */
  private atomicOp(c: Ctx, op: string, target: Node | undefined, rest: Node[], ref?: { v: Val; cell?: number }): Val | null {
    if (!ref) {
      const t = target ? unparen(target) : null;
      if (!t || t.type !== 'unary_expression' || t.child(0)?.type !== '&') return null;
      ref = this.evRef(c, t.childForFieldName('operand')!);
    }
    const cell = ref.cell;
    if (cell === undefined) return null;
    const vals = rest.map((a) => this.ev(c, a));
    const cur = c.st.cells[cell]!;
    switch (op) {
      case 'Load': return cur;
      case 'Store': c.st.cells[cell] = vals[0] ?? UNK; return NIL;
      case 'Swap': c.st.cells[cell] = vals[0] ?? UNK; return cur;
      case 'Add': {
        const d = vals[0];
        // A statistics counter bumped in a loop would make a new state per iteration: past a few it is any number.
        const nv: Val = cur.k === 'int' && d?.k === 'int' && Math.abs(cur.v + d.v) <= 2 * MAX_SLICE ? { k: 'int', v: cur.v + d.v } : UNK;
        c.st.cells[cell] = nv;
        return nv;
      }
      case 'CompareAndSwap': {
        const same = compare('==', cur, vals[0] ?? UNK, c.st);
        if (same === true) c.st.cells[cell] = vals[1] ?? UNK;
        if (same === null) { c.st.cells[cell] = UNK; return UNK; }
        return { k: 'bool', v: same };
      }
      default: return null;
    }
  }
}

// ---------------------------------------------------------------- helpers

/** Longest string constant the model keeps (a longer concatenation is just some string). */
const MAX_STRING = 256;

/**
 * A string literal's value. One with escapes (`"a\tb"`, a raw string with a
 * carriage return, which Go drops) is some string the model does not spell
 * out: two spellings of one value must not compare unequal.
 */
function stringLiteral(e: Node): Val {
  const body = e.text.slice(1, -1);
  if (body.includes('\\') || body.includes('\r') || body.length > MAX_STRING) return { k: 'unk', nn: 1 };
  return { k: 'str', v: body };
}

/** What the grammar parses as a type (`_type`): `new`'s argument is one of these unless it is Go 1.26's new(expr). */
/**
 * The fields through which the package's code signals Conds: `field` of each
 * `x.field.Signal` and `x.field.Broadcast`, and `*` for one through anything
 * else (a variable, a call's result). Read from the text: a comment that
 * reads like one only adds a field, which wakes more, never fewer.
 */
export function signalledFields(texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/\.\s*(?:Signal|Broadcast)\b/g)) {
      const before = /\.\s*([\p{L}_][\p{L}\p{N}_]*)\s*$/u.exec(text.slice(Math.max(0, m.index - 200), m.index));
      out.add(before ? before[1]! : '*');
    }
  }
  return out;
}

/**
 * A value that holds nothing the group made: no channel, object, lock,
 * WaitGroup or Once, no closure over the group's variables. Code handed only
 * such values cannot touch the group's state.
 */
function untracked(st: State, v: Val, lockable: (type: string | null) => boolean, seen = new Set<number>()): boolean {
  switch (v.k) {
    case 'unk': case 'int': case 'bool': case 'str': case 'nil': return true;
    // A cancel func (bound to its context) can close a channel of the group.
    case 'fn': return !v.env && (!v.recv || (untracked(st, v.recv, lockable, seen) && !isContext(st, v.recv)));
    case 'slice': return v.el.every((x) => untracked(st, x, lockable, seen));
    case 'tup': return v.vs.every((x) => untracked(st, x, lockable, seen));
    case 'obj': {
      // A context handed on can only be waited on: code handed nothing else of the group can wait
      // on it but wake no one, and may as well return at any time, as with a context from outside.
      if (isContext(st, v)) return true;
      // An object from outside is the outside's until the group stores something of its own in it.
      const o = st.objs[v.id]!;
      if (!o.esc) return false;
      // Its mutexes and WaitGroups are the group's as soon as one of its goroutines locks or waits:
      // code handed the object may take a lock the group then waits for.
      if (lockable(o.type)) return false;
      if (seen.has(v.id)) return true;
      seen.add(v.id);
      return Object.values(o.fields).every((cell) => untracked(st, st.cells[cell]!, lockable, seen));
    }
    default: return false;
  }
}

function isContext(st: State, v: Val): boolean {
  return v.k === 'obj' && st.objs[v.id]!.type === CANCEL_CONTEXT;
}

const TYPE_NODES = new Set(['type_identifier', 'generic_type', 'qualified_type', 'pointer_type', 'struct_type', 'interface_type', 'array_type', 'slice_type', 'map_type', 'channel_type', 'function_type', 'negated_type', 'parenthesized_type']);

function recvOf(comm: Node): Node | null {
  const x = comm.type === 'receive_statement' ? comm.childForFieldName('right') : comm.type === 'expression_statement' ? comm.namedChild(0) : comm;
  const u = x ? unparen(x) : null;
  return u && u.type === 'unary_expression' && u.child(0)?.type === '<-' ? u : null;
}

function closingBrace(fn: Node): Node {
  const body = fn.childForFieldName('body');
  return body?.lastChild ?? fn;
}

/** The name a channel is known by in messages: the variable or field it is made into. */
function chanName(make: Node): string {
  let cur: Node | null = make;
  while (cur?.parent && cur.parent.type === 'parenthesized_expression') cur = cur.parent;
  const p = cur?.parent;
  if (p?.type === 'expression_list') {
    const stmt = p.parent;
    const i = p.namedChildren.findIndex((x) => x.startIndex === cur!.startIndex);
    const left = stmt?.childForFieldName('left') ?? (stmt?.type === 'var_spec' ? null : null);
    if (left && i >= 0) return left.namedChildren[i]?.text ?? 'channel';
    if (stmt?.type === 'var_spec') return stmt.childrenForFieldName('name')[i]?.text ?? 'channel';
  }
  if (p?.type === 'literal_element' && p.parent?.type === 'keyed_element') return p.parent.namedChildren[0]?.text ?? 'channel';
  return 'channel';
}

/** What a read came from: the variable, or for a struct field its declared type. */
interface Typed { b?: Binding; t?: Node }

function isSized({ b, t = b?.type ?? undefined }: Typed): boolean {
  if (t) return t.type === 'slice_type' || t.type === 'array_type' || t.type === 'map_type';
  return !!b && b.kind === 'param' && b.decl.type === 'variadic_parameter_declaration';
}

function isChanTyped({ b, t = b?.type ?? undefined }: Typed): boolean {
  return t?.type === 'channel_type';
}

function isIntLike({ b, t = b?.type ?? undefined }: Typed): boolean {
  if (t) return t.type === 'type_identifier' && INT_TYPES.has(t.text);
  // `n := len(xs)` or `n := 3` style locals without a written type.
  return !!b && b.kind === 'var' && !!b.value && (b.value.type === 'int_literal' || /^len\(/.test(b.value.text));
}

/** The package-local type a type node names through pointers: `*T`, `T`. */
function namedType(t: Node | null | undefined): string | null {
  let cur = t ?? null;
  while (cur && (cur.type === 'pointer_type' || cur.type === 'parenthesized_type')) cur = cur.namedChild(0);
  if (cur?.type === 'generic_type') cur = cur.childForFieldName('type');
  return cur && cur.type === 'type_identifier' ? cur.text : null;
}

/** Whether code has a `go` statement or a `wg.Go(f)` call of its own. */
function startsHere(code: Node): boolean {
  return code.descendantsOfType('go_statement').length > 0 || /\.Go\(/.test(code.text);
}

/** A number larger than every small value: what a loop count chosen past them is. */
const BIG: Val = { k: 'unk', nn: 1, pos: 1, big: 1 };
/** Suffix of the field that keeps, beside an entry under a key the map cannot name (`u0`), the key itself (`u0@`). */
const KEY_CELL = '@';
/**
 * A number computed from a BIG one (`n-1`, `2*n`, `i := n; i--`): the model no longer knows how
 * it stands to n, so a test on it decides nothing a finding may rest on (Machine.cond).
 */
const BIG_DERIVED: Val = { k: 'unk', db: 1 };
const fromBig = (v: Val) => v.k === 'unk' && !!(v.big || v.db);
const SMALL_MAX = SMALL_VALUES[SMALL_VALUES.length - 1]!;

/** `cell` and, when it holds a symbol (Val `s`), every other cell holding a copy of it. */
function symbolCopies(st: State, cell: number): number[] {
  const x = st.cells[cell]!;
  if (x.k !== 'unk' || x.s === undefined) return [cell];
  const out = [cell];
  st.cells.forEach((v, i) => { if (i !== cell && v.k === 'unk' && v.s === x.s) out.push(i); });
  return out;
}

/** An expression as a witness step names it: its first line, shortened. */
function firstLine(n: Node): string {
  return n.text.split('\n')[0]!.slice(0, 40);
}

/** How Val.ne names a constant: a number, a string, an enum's or another package's name (`q`); null for anything else. */
function neTag(v: Val): string | null {
  return v.k === 'int' ? `i${v.v}` : v.k === 'str' ? `s${v.v}` : v.k === 'unk' && v.q ? `q${v.q}` : null;
}

function compare(op: string, l: Val, r: Val, st?: State): boolean | null {
  if (!['==', '!=', '<', '<=', '>', '>='].includes(op)) return null;
  // A constant known to differ from this value (Val.ne).
  if (op === '==' || op === '!=') {
    const differs = (a: Val, b: Val) => a.k === 'unk' && !!a.ne && a.ne.includes(neTag(b) ?? '');
    if (differs(l, r) || differs(r, l)) return op === '!=';
  }
  // A small number against one larger than every small value.
  if (l.k === 'int' && l.v <= SMALL_MAX && r.k === 'unk' && r.big) return op === '<' || op === '<=' || op === '!=';
  if (r.k === 'int' && r.v <= SMALL_MAX && l.k === 'unk' && l.big) return op === '>' || op === '>=' || op === '!=';
  if (l.k === 'int' && r.k === 'int') {
    switch (op) {
      case '==': return l.v === r.v;
      case '!=': return l.v !== r.v;
      case '<': return l.v < r.v;
      case '<=': return l.v <= r.v;
      case '>': return l.v > r.v;
      default: return l.v >= r.v;
    }
  }
  if (op !== '==' && op !== '!=') return null;
  const eq = equalVals(l, r, st);
  return eq === null ? null : op === '==' ? eq : !eq;
}

export function equalVals(l: Val, r: Val, st?: State): boolean | null {
  if ((l.k === 'bool' && r.k === 'bool') || (l.k === 'str' && r.k === 'str')) return l.v === r.v;
  // An error errors.New or fmt.Errorf made is a new pointer: a value from outside (a
  // sentinel, another call's error) can be it only if it went outside first.
  if (st) for (const [x, y] of [[l, r], [r, l]] as const) {
    if (x.k === 'obj' && y.k === 'unk' && st.objs[x.id]?.type === FRESH_ERROR && !st.objs[x.id]!.esc) return false;
  }
  if (l.k === 'nil' && r.k === 'nil') return true;
  // Two names of another package: one name is one value; two are two, as an enum's constants are.
  if (l.k === 'unk' && r.k === 'unk' && l.q && r.q) return l.q === r.q;
  const ref = (v: Val) => v.k === 'chan' || v.k === 'obj' || v.k === 'fn' || v.k === 'mu' || v.k === 'wg';
  if ((l.k === 'nil' && (ref(r) || (r.k === 'unk' && r.nn))) || (r.k === 'nil' && (ref(l) || (l.k === 'unk' && l.nn)))) return false;
  if ((l.k === 'chan' && r.k === 'chan') || (l.k === 'obj' && r.k === 'obj')) return l.id === r.id;
  return null;
}

function arith(op: string, l: Val, r: Val): Val {
  if (op === '+' && l.k === 'str' && r.k === 'str') return l.v.length + r.v.length <= MAX_STRING ? { k: 'str', v: l.v + r.v } : { k: 'unk', nn: 1 };
  if (fromBig(l) || fromBig(r)) return BIG_DERIVED;
  if (l.k !== 'int' || r.k !== 'int') return UNK;
  switch (op) {
    case '+': return { k: 'int', v: l.v + r.v };
    case '-': return { k: 'int', v: l.v - r.v };
    case '*': return { k: 'int', v: l.v * r.v };
    case '/': return r.v === 0 ? UNK : { k: 'int', v: Math.trunc(l.v / r.v) };
    case '%': return r.v === 0 ? UNK : { k: 'int', v: l.v % r.v };
    // As Go's integers, not JavaScript's 32-bit shifts: `1<<63 - 1` is math.MaxInt64 (in a double).
    case '<<': return r.v >= 0 && r.v <= 64 ? { k: 'int', v: l.v * 2 ** r.v } : UNK;
    case '>>': return r.v >= 0 && r.v <= 64 ? { k: 'int', v: Math.floor(l.v / 2 ** r.v) } : UNK;
    default: return UNK;
  }
}

function dedupe<T extends Outcome>(outs: T[]): T[] {
  const seen = new Set<string>();
  return outs.filter((o) => {
    const k = `${o.v}|${o.assume ?? 0}|${JSON.stringify(o.ref)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

