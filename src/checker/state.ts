// The explicit state of the leak checker: the goroutines of one group, each a
// stack of frames over package-local control-flow graphs, and the abstract
// heap they share (variables as cells, struct objects, channels with their
// buffers, mutexes, WaitGroups, Once values).
//
// States are plain data so that a branch is a structured clone and the
// visited set can key on a canonical serialisation: cells, objects and
// channels are renumbered in the order the goroutines reach them, and
// whatever no goroutine reaches is left out. Two states that differ only in
// garbage (the variable of a finished loop iteration) are one state, which
// keeps a goroutine's `for { select { ... } }` loop finite.
import { createHash } from 'node:crypto';

/** An abstract Go value. */
export type Val =
  /**
   * Made outside the model (a parameter, a call we cannot see): anything; `nn` known non-nil, `pos` a
   * number known to be at least 1, `big` one larger than every small value (SMALL_VALUES); `q` the value another package's name stands for
   * (`container.WaitConditionRemoved`), equal to the same name and, as an enum's constants are, to no other;
   * `s` a symbol: one unknown wherever it was copied (the root's parameter `qs` and the `qs` of a function
   * it was passed to), so that the value the search chooses for it in one variable holds in all of them;
   * `grown` what a stepped-over loop left in a variable it assigns (Machine.quietLoop): as a slice, any length,
   * no small value to choose; `at`, on a `big` loop bound, the condition (site) of the first loop whose count
   * went past the small values against it (Machine.cond); `db` a number computed from a `big` one; `ne` the
   * constants it is known to differ from (the other arm of `n == 0`, of `mode == "bg"`, a switch's default), as
   * `i3`, `sbg` or `q<name>`, which no later test or choice gives it.
   */
  | { k: 'unk'; nn?: 1; pos?: 1; q?: string; big?: 1; s?: number; grown?: 1; at?: number; db?: 1; ne?: string[] }
  | { k: 'int'; v: number }
  | { k: 'bool'; v: boolean }
  /** A string constant (a literal without escapes, a `const`, their concatenation). */
  | { k: 'str'; v: string }
  /** nil; `g`: a guess, an unknown the search took to be nil on one arm of `x == nil`. */
  | { k: 'nil'; g?: 1 }
  /** A channel made by a `make` the group executed. */
  | { k: 'chan'; id: number }
  /**
   * A struct value or pointer made in the group (`&T{}`, `new(T)`, `var t T`); `as`: the type a
   * conversion gave it (`(*drlocker)(m)`), whose methods its calls run. Its fields stay the object's.
   */
  | { k: 'obj'; id: number; as?: string }
  /** A Mutex or RWMutex; `rd`: the Locker RWMutex.RLocker returns (Lock is RLock). */
  | { k: 'mu'; id: number; rd?: 1 }
  | { k: 'wg'; id: number }
  | { k: 'once'; id: number }
  /** A function value: index in the function table, the closure's captured cells, a bound receiver. */
  | { k: 'fn'; f: number; env: Env | null; recv?: Val }
  /** A slice of known length; `el` holds the known elements (fewer: the rest unknown). */
  | { k: 'slice'; n: number; el: Val[] }
  /** Several results of one call, or a comma-ok receive's value and ok. */
  | { k: 'tup'; vs: Val[] };

/** Variables in scope: binding id → cell id. */
export type Env = Record<number, number>;

/** The capacity of a channel made with a size the model cannot compute: as large as the sends need. */
export const UNBOUNDED = Number.POSITIVE_INFINITY;

export interface Chan {
  /** Buffer size; UNBOUNDED when unknown. */
  cap: number;
  buf: Val[];
  closed: boolean;
  /** Handed to code outside the model: anyone may send, receive or close. */
  esc: boolean;
  /**
   * A deadline's channel (`context.WithTimeout`'s Done) is the outside's to close once time has
   * passed: not before the goroutine that armed it (its id + 1) has waited on anything or slept since.
   * Until then a select of that goroutine polling it with a default takes the default.
   */
  armed?: number;
  /** Site of the `make` (index in the checker's site table). */
  site: number;
  name: string;
}

export interface Obj {
  type: string | null;
  fields: Record<string, number>;
  esc: boolean;
  /**
   * A sync.Cond that went out only inside other objects, through unexported
   * fields: those fields' names, sorted. Other packages cannot name such a
   * field, so only this package's code can signal the Cond, and only through
   * one of them (Machine.mayBeSignalled). Unset once it went out otherwise.
   */
  via?: string[];
}

export interface Mutex {
  /** Holder's proc id + 1; 0 when free. */
  w: number;
  r: number;
  /** Handed to code outside the model (`release(&mu)`): it may unlock it at any time. */
  esc?: 1;
}

export interface Deferred {
  /** `oncedone`: the end of a sync.Once's function, which lets the Do calls waiting for it return. */
  kind: 'call' | 'close' | 'unlock' | 'runlock' | 'done' | 'oncedone';
  v: Val;
  args: Val[];
  site: number;
}

export interface Frame {
  /** Index in the function table. */
  f: number;
  /** Current control-flow node. */
  pc: number;
  env: Env;
  /** Results of the effects the current statement has already performed (sends, receives, calls), by node key. */
  memo: Record<string, Val>;
  defers: Deferred[];
  /** Set once the frame leaves: its results. */
  ret: Val[] | null;
  /** The frame's return statement (site), for the witness. */
  retAt: number;
  /** Memo key of the call in the caller that receives the results; '' for a goroutine's or a deferred call's first frame. */
  site: string;
  exiting: 0 | 1;
  /** Iteration counters of range loops over slices and ints, by loop node id. */
  iters: Record<number, number>;
}

/** What a goroutine waits for at a synchronisation point. */
export type Need =
  | { t: 'send'; ch: Val; v: Val; key: string; site: number }
  | { t: 'recv'; ch: Val; key: string; site: number; range: 0 | 1 }
  | { t: 'select'; cases: SelectCase[]; dflt: number; site: number }
  | { t: 'close'; ch: Val; key: string; site: number }
  | { t: 'lock' | 'unlock' | 'rlock' | 'runlock'; m: Val; key: string; site: number }
  | { t: 'wgadd'; wg: Val; n: number; key: string; site: number }
  | { t: 'wgwait'; wg: Val; key: string; site: number }
  /**
   * In sync.Once.Do: `fn` is the function handed to it. Before any Do has
   * started, whichever goroutine moves first runs its own (the race of
   * callers is a synchronisation); while another call of it (maybe this
   * goroutine's own) runs its function, Do returns once that has.
   */
  | { t: 'oncewait'; once: Val; fn: Val; key: string; site: number }
  /** Waiting in sync.Cond.Wait for a Signal or Broadcast (its lock already released). */
  | { t: 'condwait'; cond: Val; key: string; site: number; reg: 0 | 1 }
  /** About to Signal (all: Broadcast) a sync.Cond: wakes the waiters registered at that moment. */
  | { t: 'signal'; cond: Val; all: 0 | 1; key: string; site: number };

export interface SelectCase {
  dir: 'send' | 'recv';
  ch: Val;
  v: Val;
  /** Control-flow node of the case. */
  succ: number;
  key: string;
  site: number;
}

export interface Proc {
  id: number;
  name: string;
  /** Rounds taken of loops whose count is unknown (Machine.round): beside the state, not in its key. */
  rounds?: Record<string, number>;
  frames: Frame[];
  /** 1 once returned (or ended by Goexit). */
  done: 0 | 1;
  /** 1 when it ran past the local step bound without synchronising: alive, never proven stuck. */
  spin: 0 | 1;
  /**
   * Unwinding after runtime.Goexit / t.FailNow: how many frames, from the
   * bottom, are being unwound (run their defers, skip the rest of their code);
   * 0 when not unwinding. Frames above them are deferred calls, which run normally.
   */
  unwind: number;
  need: Need | null;
  /** The `go` statement (site), -1 for the root. */
  goSite: number;
  /**
   * Its id in the state the last move was made from, which compaction and
   * canonicalOrder renumber: the search maps what sleeps across a move by it.
   * Not part of the state's behaviour (stateKey leaves it out).
   */
  from?: number;
}

export interface State {
  procs: Proc[];
  cells: Val[];
  objs: Obj[];
  chans: Chan[];
  mus: Mutex[];
  wgs: number[];
  /** Per sync.Once: 0 before its first Do, 1 once its function has returned, 2 + the goroutine's id while that goroutine runs it. */
  onces: number[];
  /**
   * 1 once a path has decided a test on a package-level setting whose value
   * the model cannot compute (a variable the package never writes, set by its
   * initialiser or from outside): the path holds for some value of it, not
   * necessarily the one the program has, so a block found on it is no witness.
   */
  assumed: 0 | 1;
  /**
   * Cells captured by a closure handed to code outside the model, sorted:
   * outside code may run the closure at any time and read what they hold
   * then, so a value stored in one later goes out too.
   */
  escCells: number[];
  /**
   * Package variables the group has read that hold one value for the whole
   * group (Machine.packageCell): binding id → cell. Nothing of the package
   * assigns them, so every goroutine reads the same mutex or object.
   */
  globals: Env;
}

export function emptyState(): State {
  return { procs: [], cells: [], objs: [], chans: [], mus: [], wgs: [], onces: [], assumed: 0, escCells: [], globals: {} };
}

/**
 * An object's fields by name, with no prototype: a Go field may be named
 * `constructor` or `toString`, which a plain object would already hold
 * (istio's `Component.constructor` read Object's constructor as its cell).
 */
export function fieldMap(): Record<string, number> {
  return new FieldMap();
}

/**
 * A constructor whose prototype has no prototype: its objects hold nothing
 * but their own keys, as `Object.create(null)` ones do, and stay in V8's fast
 * property mode, which those do not (three to four times slower to fill,
 * copy and serialise, measured in isolation).
 */
const FieldMap = function FieldMap() {} as unknown as new () => Record<string, number>;
FieldMap.prototype = Object.create(null) as object;

/**
 * A copy to branch on. Values are never changed in place (an assignment
 * stores a new value in a cell), so they are shared; the containers that
 * steps do change — cells, objects' fields, buffers, mutexes, frames — are
 * copied. Several times faster than structuredClone, which serialises.
 * `only`: the goroutines that will step on the copy (a settle's, between
 * two synchronisations, when no other goroutine moves); the others' frames
 * are shared with `s`, which neither copy changes.
 */
export function cloneState(s: State, only?: readonly number[]): State {
  return {
    procs: s.procs.map((p) => (only && !only.includes(p.id) ? { ...p } : {
      ...p,
      frames: p.frames.map((f) => ({ ...f, env: { ...f.env }, memo: { ...f.memo }, defers: [...f.defers], iters: { ...f.iters }, ret: f.ret ? [...f.ret] : null })),
    })),
    cells: [...s.cells],
    objs: s.objs.map((o) => ({ ...o, fields: Object.assign(fieldMap(), o.fields) })),
    chans: s.chans.map((c) => ({ ...c, buf: [...c.buf] })),
    mus: s.mus.map((m) => ({ ...m })),
    wgs: [...s.wgs],
    onces: [...s.onces],
    assumed: s.assumed,
    escCells: [...s.escCells],
    globals: { ...s.globals },
  };
}

/** The holder of a mutex locked by a goroutine that has ended. */
export const GONE = -1;

export const UNK: Val = { k: 'unk' };
export const NIL: Val = { k: 'nil' };
/** nil taken for an unknown on one arm of `x == nil`. */
export const GUESSED_NIL: Val = { k: 'nil', g: 1 };

/**
 * What a first read of a declared field stores (Machine.lazyField), for the
 * package being searched: compact leaves out the fields that still hold it,
 * so that two paths which read different fields and left them as they were
 * are one state. Field cells are the field's own (nothing else holds their
 * ids), so a field left out comes back as it was when next read. Set by the
 * search for its machine; null leaves every field in.
 */
let lazyField: ((o: Obj, field: string) => Val | null) | null = null;
export function setLazyField(f: ((o: Obj, field: string) => Val | null) | null): void { lazyField = f; }

/** Two plain values alike: the same kind and the same facts. */
function sameScalar(x: Val, z: Val): boolean {
  if (x.k !== z.k) return false;
  switch (x.k) {
    case 'nil': return !x.g;
    case 'int': case 'bool': return x.v === (z as typeof x).v;
    case 'unk': return JSON.stringify(x) === JSON.stringify(z);
    default: return false;
  }
}

/**
 * The state renumbered canonically: cells, objects, channels, mutexes,
 * WaitGroups and Once values in the order the goroutines reach them (in
 * goroutine order, frames bottom up, variables by binding id), and nothing
 * that none of them reaches. Equal states compact to equal JSON, which is
 * the visited set's key; the compacted state is also what the search keeps
 * (a loop that declares a variable per iteration does not grow it).
 */
export function compact(s: State, dropDone = true): State {
  const out = emptyState();
  out.assumed = s.assumed;
  const ids = { cell: new Map<number, number>(), obj: new Map<number, number>(), chan: new Map<number, number>(), mu: new Map<number, number>(), wg: new Map<number, number>(), once: new Map<number, number>() };
  const cell = (id: number): number => {
    let c = ids.cell.get(id);
    if (c !== undefined) return c;
    c = out.cells.length;
    ids.cell.set(id, c);
    out.cells.push(NIL);
    out.cells[c] = val(s.cells[id]!);
    return c;
  };
  const env = (e: Env): Env => {
    const r: Env = {};
    // Binding ids are array indexes to JavaScript: its objects enumerate them in ascending order.
    for (const k in e) r[k as unknown as number] = cell(e[k as unknown as number]!);
    return r;
  };
  const val = (v: Val): Val => {
    switch (v.k) {
      case 'chan': {
        let c = ids.chan.get(v.id);
        if (c === undefined) {
          c = out.chans.length;
          ids.chan.set(v.id, c);
          const ch = s.chans[v.id]!;
          out.chans.push({ ...ch, buf: [] });
          out.chans[c]!.buf = ch.buf.map(val);
        }
        return { k: 'chan', id: c };
      }
      case 'obj': {
        let c = ids.obj.get(v.id);
        if (c === undefined) {
          c = out.objs.length;
          ids.obj.set(v.id, c);
          const o = s.objs[v.id]!;
          const fields = fieldMap();
          out.objs.push(o.via ? { type: o.type, fields, esc: o.esc, via: o.via } : { type: o.type, fields, esc: o.esc });
          for (const k of Object.keys(o.fields).sort()) {
            const c0 = o.fields[k]!;
            // A field that holds what reading it first would give is the field not read yet.
            const z = lazyField?.(o, k);
            if (z && sameScalar(s.cells[c0]!, z)) continue;
            fields[k] = cell(c0);
          }
        }
        return v.as ? { k: 'obj', id: c, as: v.as } : { k: 'obj', id: c };
      }
      case 'mu': {
        let c = ids.mu.get(v.id);
        if (c === undefined) { c = out.mus.length; ids.mu.set(v.id, c); out.mus.push({ ...s.mus[v.id]! }); }
        return v.rd ? { k: 'mu', id: c, rd: 1 } : { k: 'mu', id: c };
      }
      case 'wg': {
        let c = ids.wg.get(v.id);
        if (c === undefined) { c = out.wgs.length; ids.wg.set(v.id, c); out.wgs.push(s.wgs[v.id]!); }
        return { k: 'wg', id: c };
      }
      case 'once': {
        let c = ids.once.get(v.id);
        if (c === undefined) { c = out.onces.length; ids.once.set(v.id, c); out.onces.push(s.onces[v.id]!); }
        return { k: 'once', id: c };
      }
      case 'fn': {
        const r: Val = { k: 'fn', f: v.f, env: v.env ? env(v.env) : null };
        if (v.recv) r.recv = val(v.recv);
        return r;
      }
      case 'slice': return { k: 'slice', n: v.n, el: v.el.map(val) };
      case 'tup': return { k: 'tup', vs: v.vs.map(val) };
      default: return v;
    }
  };
  const need = (n: Need | null): Need | null => {
    if (!n) return null;
    switch (n.t) {
      case 'send': return { ...n, ch: val(n.ch), v: val(n.v) };
      case 'recv': case 'close': return { ...n, ch: val(n.ch) };
      case 'select': return { ...n, cases: n.cases.map((c) => ({ ...c, ch: val(c.ch), v: val(c.v) })) };
      case 'wgadd': case 'wgwait': return { ...n, wg: val(n.wg) };
      case 'oncewait': return { ...n, once: val(n.once), fn: val(n.fn) };
      case 'condwait': case 'signal': return { ...n, cond: val(n.cond) };
      default: return { ...n, m: val(n.m) };
    }
  };
  // The package variables come first: every goroutine reaches them.
  out.globals = env(s.globals);
  // Finished goroutines are dropped (a loop that starts one per iteration would grow the state forever).
  const newPid = new Map<number, number>();
  s.procs.forEach((p) => { if (!p.done || !dropDone) newPid.set(p.id, newPid.size); });
  for (const p of s.procs) {
    if (p.done) {
      if (!dropDone) out.procs.push({ ...p, frames: [], need: null });
      continue;
    }
    const frames = p.frames.map((f): Frame => {
      const memo: Record<string, Val> = {};
      for (const k of Object.keys(f.memo).sort()) memo[k] = val(f.memo[k]!);
      return {
        ...f, env: env(f.env), memo,
        defers: f.defers.map((d) => ({ ...d, v: val(d.v), args: d.args.map(val) })),
        ret: f.ret ? f.ret.map(val) : null,
        iters: { ...f.iters },
      };
    });
    out.procs.push({ ...p, id: newPid.get(p.id)!, frames, need: need(p.need) });
  }
  // A Once's function runs in one goroutine (State.onces): renumbered with it.
  out.onces = out.onces.map((v) => (v >= 2 ? (newPid.has(v - 2) ? newPid.get(v - 2)! + 2 : 1) : v));
  out.escCells = s.escCells.flatMap((id) => (ids.cell.has(id) ? [ids.cell.get(id)!] : [])).sort((a, b) => a - b);
  // A mutex whose holder is gone stays locked forever.
  for (const m of out.mus) if (m.w) m.w = newPid.has(m.w - 1) ? newPid.get(m.w - 1)! + 1 : GONE;
  for (const ch of out.chans) {
    if (!ch.armed) continue;
    const by = s.procs[ch.armed - 1];
    if (by && !by.done) ch.armed = newPid.get(ch.armed - 1)! + 1;
    else delete ch.armed;
  }
  // A mutex held by a goroutine stays held even when no variable reaches it any more.
  s.mus.forEach((m, id) => { if (m.w && m.w !== GONE && !ids.mu.has(id) && newPid.has(m.w - 1)) { ids.mu.set(id, out.mus.length); out.mus.push({ ...m }); } });
  return out;
}

/**
 * Goroutines started by the same `go` statement are interchangeable: the
 * state where copy 2 has sent and copy 3 has not is the state where 3 has
 * and 2 has not. Ordering each such set by control state (function, node,
 * what it waits on) before compacting lets the visited set see that, so N
 * identical workers cost their combinations, not their permutations.
 * `perm`, when given, is filled with each moved goroutine's new id by its old one.
 */
export function canonicalOrder(s: State, perm?: number[]): State {
  const sig = (p: Proc) => `${p.done}${p.spin}${p.unwind}|${p.need ? `${p.need.t}${p.need.site}` : ''}|${p.frames.map((f) => `${f.f}@${f.pc}${f.exiting}`).join(',')}`;
  const bySite = new Map<number, number[]>();
  s.procs.forEach((p, i) => { if (p.goSite >= 0) bySite.set(p.goSite, [...(bySite.get(p.goSite) ?? []), i]); });
  let moved = false;
  const order = s.procs.map((_, i) => i);
  for (const idx of bySite.values()) {
    if (idx.length < 2) continue;
    const sorted = [...idx].sort((a, b) => { const x = sig(s.procs[a]!); const y = sig(s.procs[b]!); return x < y ? -1 : x > y ? 1 : a - b; });
    sorted.forEach((from, k) => { if (order[idx[k]!] !== from) moved = true; order[idx[k]!] = from; });
  }
  if (!moved) return s;
  const newId = new Map<number, number>();
  order.forEach((from, to) => newId.set(from, to));
  if (perm) order.forEach((from, to) => { perm[from] = to; });
  const procs = order.map((from, to) => ({ ...s.procs[from]!, id: to }));
  const mus = s.mus.map((m) => (m.w > 0 ? { ...m, w: newId.get(m.w - 1)! + 1 } : m));
  const chans = s.chans.some((c) => c.armed) ? s.chans.map((c) => (c.armed ? { ...c, armed: newId.get(c.armed - 1)! + 1 } : c)) : s.chans;
  const onces = s.onces.map((v) => (v >= 2 ? newId.get(v - 2)! + 2 : v));
  return { ...s, procs, mus, chans, onces };
}

/**
 * The visited set's key of a state: a digest of its canonical serialisation.
 * The serialisation runs to kilobytes (every cell, frame and buffer), and a
 * group's search keeps the key of every state it expanded and of every
 * ancestor of the states waiting; 160 bits make a collision (two states taken
 * for one) a chance no run will meet.
 */
export function stateKey(s: State): string {
  return digest(behaviourJson(s));
}

/**
 * A state's canonical serialisation: names and ids are for the witness; the
 * behaviour is the rest. So is the return statement a frame left by (retAt,
 * which the witness cites), and the results of a frame whose results go
 * nowhere (a goroutine's function, a deferred call; not the root's, which
 * escape to its caller): two paths that end a goroutine by different
 * `return`s, an early one after `t.Errorf` and the closing brace, leave it
 * doing the same thing (witnessOnly, pack).
 */
export function behaviourJson(s: State): string {
  return JSON.stringify({ ...s, procs: s.procs.map(({ name: _n, id: _i, from: _f, rounds: _r, frames, ...rest }) => ({ ...rest, frames: frames.some((f, i) => witnessOnly(rest, f, i)) ? frames.map((f, i) => (witnessOnly(rest, f, i) ? { ...f, retAt: -1, ret: discardsResults(rest, f, i) ? null : f.ret } : f)) : frames })) });
}

/** Whether the frame's results go nowhere: a goroutine's function (not the root's), a deferred call. */
const discardsResults = (p: Pick<Proc, 'goSite'>, f: Frame, i: number) => f.site === '' && (i > 0 || p.goSite >= 0);
/** Whether a frame holds something the witness reads and the behaviour does not (behaviourJson). */
const witnessOnly = (p: Pick<Proc, 'goSite'>, f: Frame, i: number) => f.retAt >= 0 || (f.ret !== null && discardsResults(p, f, i));

/** stateKey of the state whose behaviourJson is `json`. */
export function digest(json: string): string {
  return createHash('sha1').update(json).digest('base64');
}

/**
 * A state waiting in the search's queue, packed: its behaviour's JSON and
 * what that leaves out (each goroutine's name and ids). A state as objects
 * takes three to four times the bytes of its JSON, and a group stopped at
 * its bound leaves most of the states it queued unexpanded.
 */
export interface Packed {
  json: string;
  procs: { id: number; name: string; from?: number; rounds?: Record<string, number>; rets?: [number, number, Val[] | null][] }[];
}

export function pack(s: State, json = behaviourJson(s)): Packed {
  return {
    json,
    procs: s.procs.map(({ id, name, from, rounds, frames, goSite }) => {
      const w: Packed['procs'][number] = { id, name };
      if (from !== undefined) w.from = from;
      if (rounds) w.rounds = rounds;
      // What behaviourJson left out of the frames: their return statements, the results nothing reads.
      frames.forEach((f, i) => { if (witnessOnly({ goSite }, f, i)) (w.rets ??= []).push([i, f.retAt, f.ret]); });
      return w;
    }),
  };
}

/**
 * The state a Packed holds. JSON has no Infinity or NaN: a channel's unknown
 * capacity (UNBOUNDED), a WaitGroup's unknown count and an Add of an
 * unknown count (NaN) come back from null, and an integer past a double's
 * range (which the key already took for null) as unknown.
 */
export function unpack(p: Packed): State {
  const s = JSON.parse(p.json) as State;
  s.procs.forEach((q, i) => {
    const w = p.procs[i]!;
    q.id = w.id;
    q.name = w.name;
    if (w.from !== undefined) q.from = w.from;
    if (w.rounds) q.rounds = w.rounds;
    for (const [i, retAt, ret] of w.rets ?? []) { const f = q.frames[i]!; f.retAt = retAt; f.ret = ret; }
    // `wg.Add(n)` by a count the model cannot name.
    if (q.need?.t === 'wgadd' && q.need.n === null) q.need.n = Number.NaN;
  });
  for (const o of s.objs) o.fields = Object.assign(fieldMap(), o.fields);
  for (const c of s.chans) if (c.cap === null) c.cap = UNBOUNDED;
  for (let i = 0; i < s.wgs.length; i++) if (s.wgs[i] === null) s.wgs[i] = Number.NaN;
  if (p.json.includes('"v":null')) unknownPastRange(s);
  return s;
}

function unknownPastRange(x: unknown): unknown {
  if (Array.isArray(x)) { for (let i = 0; i < x.length; i++) x[i] = unknownPastRange(x[i]); return x; }
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (o['k'] === 'int' && o['v'] === null) return UNK;
    for (const k in o) o[k] = unknownPastRange(o[k]);
  }
  return x;
}
