// Channel facts: where a channel is made and with what capacity, every send,
// receive, range, close and length read on it, and every way it escapes.
//
// Operations are found through the resolver's bindings (never by spelling),
// followed through aliases (`c2 := c`), closures (a `go`/`defer` literal, or
// one called in place), and package-local callees via their summaries.
// Anything we cannot follow (a call into another package, a store into a
// field, a closure handed to unknown code) is an escape: precision first, a
// channel that someone else may drain is not reported.
import type { Node } from './syntax.js';
import { callArgs, enclosingFunction, isFunction, nodeKey, parentSkippingParens, sameNode, selectorParts, unparen } from './syntax.js';
import type { Binding } from './scopes.js';
import type { PackageSemantics } from './package.js';
import { constIntValue } from './constants.js';

/** A number of values or goroutines, as far as syntax tells. */
export type Count =
  | { kind: 'const'; n: number }
  /** `len(xs)` or one per element of a range over `xs`. */
  | { kind: 'len'; of: string }
  /** Bounded by a variable: `make(chan T, n)`, `for i := 0; i < n; i++`. */
  | { kind: 'var'; name: string }
  /** A sum of symbolic terms and a constant: `len(keys)+1`. */
  | { kind: 'sum'; terms: string[]; n: number }
  /** More than one, bound unknown (a loop over something else). */
  | { kind: 'many' }
  /** An expression we cannot evaluate. */
  | { kind: 'unknown' };

export function countText(c: Count): string {
  switch (c.kind) {
    case 'const': return String(c.n);
    case 'len': return `len(${c.of})`;
    case 'var': return c.name;
    case 'sum': return [...c.terms, ...(c.n ? [String(c.n)] : [])].join('+');
    case 'many': return 'many';
    default: return 'unknown';
  }
}

export type OpKind = 'send' | 'recv' | 'range' | 'close' | 'len' | 'escape' | 'assign';

export interface SelectInfo {
  select: Node;
  /** The communication of this case. */
  comm: Node;
  hasDefault: boolean;
  /** The other cases' communications. */
  others: Node[];
}

export interface ChanOp {
  kind: OpKind;
  /** The operation: send_statement, unary `<-` expression, range_clause, close call, or the escaping use. */
  node: Node;
  /** The function (declaration or literal) whose body executes the operation. */
  fn: Node;
  /** Set when the operation happens inside a select case. */
  select?: SelectInfo;
  /** For escapes: what made it escape. */
  reason?: string;
  /** The call (in the function being analysed) through which a callee performs it. */
  via?: Node;
  /** The close/send happens in a closure handed to code we do not see (once.Do, AfterFunc, t.Cleanup). */
  deferredUnknown?: boolean;
}

export interface MadeChannel {
  binding: Binding;
  make: Node;
  capacity: Count;
  /** The function that makes it. */
  owner: Node;
  elemType: string;
}

/** Capacity of `make(chan T, cap)`: constants, named constants, `len(x)`, variables. */
export function evalCount(pkg: PackageSemantics, e: Node | null | undefined): Count {
  if (!e) return { kind: 'const', n: 0 };
  const x = unparen(e);
  const folded = constIntValue(pkg, x);
  if (folded !== null) return { kind: 'const', n: folded };
  if (x.type === 'call_expression' && pkg.isBuiltinCall(x, 'len')) {
    const arg = callArgs(x)[0];
    if (arg) {
      // `len(xs)` of a slice literal never appended to is a constant.
      const n = literalLength(pkg, arg);
      return n !== null ? { kind: 'const', n } : { kind: 'len', of: unparen(arg).text };
    }
  }
  if (x.type === 'binary_expression' && x.child(1)?.type === '+') {
    const l = evalCount(pkg, x.childForFieldName('left'));
    const r = evalCount(pkg, x.childForFieldName('right'));
    return addCounts(l, r);
  }
  // `tc.n`, `cfg.Workers`: a bound read from a field; equal only to the same text.
  if (x.type === 'selector_expression' && /^[A-Za-z_][\w.]*$/.test(x.text) && !pkg.importPathOf(x.childForFieldName('operand')!)) {
    return { kind: 'var', name: x.text };
  }
  if (x.type === 'identifier') {
    const b = pkg.resolve(x);
    if (b?.kind === 'const' && b.value) return evalCount(pkg, b.value);
    if (b && (b.kind === 'var' || b.kind === 'param')) {
      // `n := len(xs)` is as good as len(xs).
      if (b.kind === 'var' && b.value && b.assigns.length === 0) {
        const inner = evalCount(pkg, b.value);
        if (inner.kind === 'len' || inner.kind === 'const') return inner;
      }
      return { kind: 'var', name: x.text };
    }
  }
  return { kind: 'unknown' };
}

/**
 * Adds counts symbolically: constants add, `len(xs)` and variables become
 * terms of a sum (so `len(keys)` goroutines plus one more match a loop to
 * `len(keys)+1`); anything unbounded stays unbounded.
 */
export function addCounts(a: Count, b: Count): Count {
  if (a.kind === 'unknown' || b.kind === 'unknown') return { kind: 'unknown' };
  if (a.kind === 'many' || b.kind === 'many') return { kind: 'many' };
  const parts = (c: Count): { terms: string[]; n: number } =>
    c.kind === 'const' ? { terms: [], n: c.n } : c.kind === 'sum' ? { terms: c.terms, n: c.n } : { terms: [countText(c)], n: 0 };
  const pa = parts(a);
  const pb = parts(b);
  const terms = [...pa.terms, ...pb.terms].sort();
  const n = pa.n + pb.n;
  if (terms.length === 0) return { kind: 'const', n };
  if (terms.length === 1 && n === 0) return a.kind !== 'const' ? (a.kind === 'sum' ? { kind: 'sum', terms, n } : a) : b;
  return { kind: 'sum', terms, n };
}

/** Element count of a variable holding a slice or array literal that is never reassigned, or null. */
export function literalLength(pkg: PackageSemantics, e: Node): number | null {
  const x = unparen(e);
  if (x.type !== 'identifier') return null;
  const b = pkg.resolve(x);
  const v = b && b.assigns.length === 0 && b.value ? unparen(b.value) : null;
  if (!v || v.type !== 'composite_literal') return null;
  const t = v.childForFieldName('type');
  if (!t || (t.type !== 'slice_type' && t.type !== 'array_type' && t.type !== 'implicit_length_array_type')) return null;
  return v.childForFieldName('body')?.namedChildren.filter((c) => c.type !== 'comment').length ?? null;
}

/** Whether a function declaration returns a channel (`func gen() <-chan T`, `(chan T, error)`). */
export function returnsChannel(decl: Node): boolean {
  const r = decl.childForFieldName('result');
  if (!r) return false;
  if (r.type === 'channel_type') return true;
  return r.type === 'parameter_list' && r.namedChildren.some((p) => p.childForFieldName('type')?.type === 'channel_type');
}

/**
 * Whether a declaration returns a struct of the package (or a pointer to
 * one) with a channel field: `func NewWorker() *Worker` whose goroutines the
 * caller then talks to through `w.jobs`.
 */
export function returnsChannelHolder(pkg: PackageSemantics, decl: Node): boolean {
  const r = decl.childForFieldName('result');
  if (!r) return false;
  const types = r.type === 'parameter_list' ? r.namedChildren.map((p) => p.childForFieldName('type')) : [r];
  return types.some((t) => {
    let x = t;
    while (x && (x.type === 'pointer_type' || x.type === 'parenthesized_type')) x = x.namedChild(0);
    const fields = x?.type === 'type_identifier' ? pkg.structFields.get(x.text) : undefined;
    return !!fields && [...fields.values()].some((f) => f.type === 'channel_type');
  });
}

/** Whether an expression is a channel: a local made by make(chan), a chan-typed variable or parameter. */
export function isChannelExpr(pkg: PackageSemantics, e: Node): boolean {
  const x = unparen(e);
  if (x.type === 'call_expression') return !!madeChanType(pkg, x);
  if (x.type !== 'identifier') return !!fieldChannelOf(pkg, x);
  const b = pkg.resolve(x);
  if (!b) return false;
  if (b.type?.type === 'channel_type') return true;
  const v = b.value ? unparen(b.value) : null;
  return !!v && v.type === 'call_expression' && !!madeChanType(pkg, v);
}

/** Whether a `make(...)` call makes a channel; returns its type node. */
export function madeChanType(pkg: PackageSemantics, call: Node): Node | null {
  if (call.type !== 'call_expression') return null;
  const first = call.childForFieldName('arguments')?.namedChild(0);
  // The cheap syntactic test first: resolving `make` builds the function's scopes.
  if (!first || first.type !== 'channel_type') return null;
  return pkg.isBuiltinCall(call, 'make') ? first : null;
}

/**
 * Channels made inside `fn` (not in nested literals' own scopes is not
 * required: a literal's channel is owned by the literal) and bound to a local
 * variable: `c := make(chan T)`, `var c = make(chan T, n)`, `c = make(...)`.
 */
const makesByFile = new WeakMap<PackageSemantics, Map<string, { call: Node; type: Node }[]>>();

/** Every `make(chan ...)` call of a file, found once. */
function chanMakes(pkg: PackageSemantics, file: ReturnType<PackageSemantics['fileOf']>): { call: Node; type: Node }[] {
  let byFile = makesByFile.get(pkg);
  if (!byFile) { byFile = new Map(); makesByFile.set(pkg, byFile); }
  let list = byFile.get(file.path);
  if (!list) {
    list = [];
    for (const call of pkg.nodesOfType(file, 'call_expression')) {
      // A call of the identifier `make` starts with it: the source says no to
      // nearly every call without asking tree-sitter for its function node.
      if (!file.text.startsWith('make', call.startIndex)) continue;
      const fnName = call.childForFieldName('function');
      if (fnName?.type !== 'identifier' || fnName.text !== 'make') continue;
      const type = madeChanType(pkg, call);
      if (type) list.push({ call, type });
    }
    byFile.set(file.path, list);
  }
  return list;
}

export function channelsMadeIn(pkg: PackageSemantics, fn: Node): MadeChannel[] {
  const out: MadeChannel[] = [];
  const file = pkg.fileOf(fn);
  for (const { call, type } of chanMakes(pkg, file)) {
    if (call.startIndex < fn.startIndex || call.endIndex > fn.endIndex) continue;
    const owner = enclosingFunction(call);
    if (!owner || !sameNode(owner, fn)) continue;
    const { parent, child } = parentSkippingParens(call);
    if (parent?.type !== 'expression_list') continue;
    const stmt = parent.parent;
    if (!stmt) continue;
    const idx = parent.namedChildren.findIndex((c) => c.startIndex === child.startIndex);
    let target: Node | null | undefined = null;
    if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
      if (stmt.childForFieldName('right')?.startIndex !== parent.startIndex) continue;
      target = stmt.childForFieldName('left')?.namedChildren[idx];
    } else if (stmt.type === 'var_spec') {
      target = stmt.childrenForFieldName('name')[idx];
    }
    if (!target || target.type !== 'identifier') continue;
    const binding = pkg.resolve(target);
    if (!binding || binding.kind === 'param' || binding.fn === null || !sameNode(binding.fn, fn)) continue;
    // A channel variable assigned twice (`c = make(...)` in a loop) is not one value; skip it.
    if (binding.assigns.length > (stmt.type === 'assignment_statement' ? 1 : 0)) continue;
    const value = type.childForFieldName('value');
    out.push({ binding, make: call, capacity: evalCount(pkg, callArgs(call)[1]), owner: fn, elemType: value?.text ?? '?' });
  }
  return out;
}

/** Select facts for an operation node that is a case's communication (or inside one). */
export function selectInfoOf(op: Node): SelectInfo | undefined {
  let comm: Node | null = op;
  // A receive `v := <-c` is a receive_statement; the unary expression sits inside it.
  while (comm && comm.parent && comm.parent.type !== 'communication_case') {
    if (comm.type === 'block' || comm.type === 'statement_list' || isFunction(comm)) return undefined;
    comm = comm.parent;
  }
  if (!comm?.parent || comm.parent.type !== 'communication_case') return undefined;
  const caseNode = comm.parent;
  if (caseNode.childForFieldName('communication')?.startIndex !== comm.startIndex) return undefined;
  const select = caseNode.parent!;
  const others: Node[] = [];
  let hasDefault = false;
  for (const c of select.namedChildren) {
    if (c.type === 'default_case') hasDefault = true;
    else if (c.type === 'communication_case' && c.startIndex !== caseNode.startIndex) {
      const cm = c.childForFieldName('communication');
      if (cm) others.push(cm);
    }
  }
  return { select, comm, hasDefault, others };
}

/** A send or receive that can wait forever: not in a select that can take another case. */
export function blocksForever(op: ChanOp): boolean {
  if (op.kind !== 'send' && op.kind !== 'recv' && op.kind !== 'range') return false;
  if (!op.select) return true;
  return !op.select.hasDefault && op.select.others.length === 0;
}

/** Where a function literal runs relative to the function that contains it. */
export type LiteralRole =
  | { kind: 'go'; stmt: Node }
  | { kind: 'defer'; stmt: Node }
  | { kind: 'called'; call: Node }
  | { kind: 'escapes'; via: Node };

export function literalRole(lit: Node): LiteralRole {
  const { parent, child } = parentSkippingParens(lit);
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.startIndex === child.startIndex) {
    const gp = parent.parent;
    if (gp?.type === 'go_statement') return { kind: 'go', stmt: gp };
    if (gp?.type === 'defer_statement') return { kind: 'defer', stmt: gp };
    return { kind: 'called', call: parent };
  }
  return { kind: 'escapes', via: parent ?? lit };
}

/** Built-ins and standard calls that take a closure and run it later, once, in unknown code. */
function isDeferredRunner(pkg: PackageSemantics, call: Node): boolean {
  const sel = selectorParts(call.childForFieldName('function') ?? call);
  if (pkg.isCallTo(call, 'time', 'AfterFunc') || pkg.isCallTo(call, 'context', 'AfterFunc')) return true;
  return !!sel && (sel.field === 'Do' || sel.field === 'Cleanup');
}

/**
 * Every operation on the channel held by `binding`, as seen from the function
 * `scope` (its declaring function, or a callee when summarising a parameter).
 * `seen` guards alias and summary cycles.
 */
export function opsOnBinding(pkg: PackageSemantics, binding: Binding, seen: Set<Binding> = new Set()): ChanOp[] {
  if (seen.has(binding)) return [];
  seen.add(binding);
  const ops: ChanOp[] = [];
  for (const ref of binding.refs) ops.push(...opsAtRef(pkg, ref, seen));
  return ops;
}

/** Operations at one use of a channel-valued expression (an identifier or a field selector). */
export function opsAtExpr(pkg: PackageSemantics, expr: Node): ChanOp[] {
  return opsAtRef(pkg, expr, new Set());
}

function opsAtRef(pkg: PackageSemantics, ref: Node, seen: Set<Binding>): ChanOp[] {
  const fn = enclosingFunction(ref)!;
  const escapeOp = (node: Node, reason: string): ChanOp[] => [{ kind: 'escape', node, fn, reason }];
  const { parent, child } = parentSkippingParens(ref);
  if (!parent) return escapeOp(ref, 'unknown use');
  const mark = (op: ChanOp): ChanOp[] => {
    const ops = [op];
    return withClosureContext(pkg, ops);
  };
  switch (parent.type) {
    case 'send_statement':
      if (parent.childForFieldName('channel')?.startIndex === child.startIndex)
        return mark({ kind: 'send', node: parent, fn, select: selectInfoOf(parent) });
      return escapeOp(parent, 'sent on another channel');
    case 'unary_expression':
      if (parent.child(0)?.type === '<-') return mark({ kind: 'recv', node: parent, fn, select: selectInfoOf(parent) });
      if (parent.child(0)?.type === '&') return escapeOp(parent, 'address taken');
      return [];
    case 'range_clause':
      if (parent.childForFieldName('right')?.startIndex === child.startIndex) return mark({ kind: 'range', node: parent, fn });
      return escapeOp(parent, 'assigned by range');
    case 'binary_expression':
      return []; // `c == nil`, `c != other`: no effect on the channel
    case 'argument_list': {
      const call = parent.parent!;
      if (pkg.isBuiltinCall(call, 'close')) return mark({ kind: 'close', node: call, fn });
      if (pkg.isBuiltinCall(call, 'len') || pkg.isBuiltinCall(call, 'cap')) return [{ kind: 'len', node: call, fn }];
      const idx = callArgs(call).findIndex((a) => a.startIndex === child.startIndex);
      return withClosureContext(pkg, opsThroughCall(pkg, call, idx, fn, seen));
    }
    case 'expression_list': {
      const stmt = parent.parent;
      const idx = parent.namedChildren.findIndex((c) => c.startIndex === child.startIndex);
      if (stmt?.type === 'return_statement') return escapeOp(stmt, 'returned');
      if ((stmt?.type === 'short_var_declaration' || stmt?.type === 'assignment_statement') && stmt.childForFieldName('left')?.startIndex === parent.startIndex) {
        return [{ kind: 'assign', node: stmt, fn }];
      }
      if ((stmt?.type === 'short_var_declaration' || stmt?.type === 'assignment_statement') && stmt.childForFieldName('right')?.startIndex === parent.startIndex) {
        const left = stmt.childForFieldName('left')?.namedChildren ?? [];
        const target = left.length === parent.namedChildCount ? left[idx] : undefined;
        if (target?.type === 'identifier') {
          if (target.text === '_') return [];
          const alias = pkg.resolve(target);
          // Aliasing into a package-level variable publishes the channel.
          if (alias && alias.fn) return opsOnBinding(pkg, alias, seen);
        }
        return escapeOp(stmt, 'stored');
      }
      if (stmt?.type === 'var_spec') {
        const target = stmt.childrenForFieldName('name')[idx];
        const alias = target ? pkg.resolve(target) : null;
        if (alias && alias.fn) return opsOnBinding(pkg, alias, seen);
        return escapeOp(stmt, 'stored');
      }
      if (stmt?.type === 'send_statement') return escapeOp(stmt, 'sent on another channel');
      return escapeOp(parent, 'stored');
    }
    case 'literal_element':
    case 'keyed_element':
    case 'literal_value':
      return escapeOp(parent, 'stored in a composite literal');
    case 'selector_expression':
      return []; // methods on channels do not exist; a field of the same name is another value
    default:
      return escapeOp(parent, 'used as a value');
  }
}

/**
 * Operations a callee performs on argument `idx`. Package-local functions and
 * methods are followed through their summaries; anything else is an escape.
 */
function opsThroughCall(pkg: PackageSemantics, call: Node, idx: number, fn: Node, seen: Set<Binding>): ChanOp[] {
  const callee = pkg.calleeDecl(call);
  const param = callee ? parameterAt(pkg, callee, idx) : null;
  if (!callee || !param) {
    return [{ kind: 'escape', node: call, fn, reason: 'passed to code outside the package' }];
  }
  const inner = opsOnBinding(pkg, param, seen);
  return inner.map((op) => ({ ...op, via: op.via ?? call }));
}

/** The binding of the idx-th parameter of a function or method declaration. */
export function parameterAt(pkg: PackageSemantics, decl: Node, idx: number): Binding | null {
  const list = decl.childForFieldName('parameters');
  if (!list || idx < 0) return null;
  let i = 0;
  for (const p of list.namedChildren) {
    if (p.type === 'variadic_parameter_declaration') return null; // a slice of channels; not followed
    if (p.type !== 'parameter_declaration') continue;
    const names = p.namedChildren.filter((c) => c.type === 'identifier');
    if (names.length === 0) { if (i === idx) return null; i++; continue; }
    for (const n of names) {
      if (i === idx) return pkg.resolve(n);
      i++;
    }
  }
  return null;
}

/**
 * Operations that sit inside function literals: a literal that is `go`- or
 * `defer`-called or called in place keeps them (the caller sees where they run
 * through `fn`); a literal handed to other code makes sends and receives
 * escapes, while its close still counts, at an unknown time.
 */
function withClosureContext(pkg: PackageSemantics, ops: ChanOp[]): ChanOp[] {
  return ops.map((op) => {
    let lit: Node | null = op.via ? enclosingFunction(op.via) : op.fn;
    while (lit && lit.type === 'func_literal') {
      const role = literalRole(lit);
      if (role.kind === 'escapes') {
        const runner = role.via.type === 'argument_list' ? role.via.parent : null;
        if (op.kind === 'close' && runner && isDeferredRunner(pkg, runner)) return { ...op, deferredUnknown: true };
        if (op.kind === 'close' || op.kind === 'len') return { ...op, deferredUnknown: true };
        return { kind: 'escape', node: op.node, fn: op.fn, reason: 'used in a closure handed to other code' };
      }
      lit = enclosingFunction(lit);
    }
    return op;
  });
}

/** Key for a function-like node, for grouping operations by the function that runs them. */
export function fnKey(fn: Node): number {
  return nodeKey(fn);
}

/** A struct field of channel type declared in this package, as in `b.commits`. */
export interface FieldChannel {
  /** The struct type, when the operand's type is known; null when only the field name matched. */
  typeName: string | null;
  field: string;
}

function isChanType(t: Node | undefined): boolean {
  return !!t && t.type === 'channel_type';
}

/**
 * The field channel an expression reads, or null. Without the operand's type
 * we accept the field name only when exactly one struct of this package
 * declares a channel field of that name; a field of another package's type is
 * not ours to judge.
 */
export function fieldChannelOf(pkg: PackageSemantics, expr: Node): FieldChannel | null {
  const sel = selectorParts(expr);
  if (!sel || pkg.importPathOf(sel.operand)) return null;
  const t = pkg.typeNameOf(sel.operand);
  if (t) return isChanType(pkg.structFields.get(t)?.get(sel.field)) ? { typeName: t, field: sel.field } : null;
  const owners = [...pkg.structFields.entries()].filter(([, fields]) => isChanType(fields.get(sel.field)));
  return owners.length === 1 ? { typeName: owners[0]![0], field: sel.field } : null;
}

export interface FieldChannelFacts {
  ops: ChanOp[];
  /** Some code in the package makes the channel stored in this field. */
  madeHere: boolean;
  /** The field is also filled from somewhere we cannot see into (a call, a parameter). */
  filledFromElsewhere: boolean;
}

/**
 * Every use of a field channel across the package (all files, all methods).
 * Uses through an operand of unknown type count when the field name matches:
 * for closes that errs towards silence, which is what precision asks.
 */
const fieldFactsMemo = new WeakMap<PackageSemantics, Map<string, FieldChannelFacts>>();

export function fieldChannelFacts(pkg: PackageSemantics, fc: FieldChannel): FieldChannelFacts {
  let memo = fieldFactsMemo.get(pkg);
  if (!memo) { memo = new Map(); fieldFactsMemo.set(pkg, memo); }
  const key = `${fc.typeName ?? ''}.${fc.field}`;
  let facts = memo.get(key);
  if (!facts) { facts = computeFieldChannelFacts(pkg, fc); memo.set(key, facts); }
  return facts;
}

function computeFieldChannelFacts(pkg: PackageSemantics, fc: FieldChannel): FieldChannelFacts {
  const ops: ChanOp[] = [];
  let madeHere = false;
  let filledFromElsewhere = false;
  const noteValue = (v: Node | null | undefined) => {
    if (!v) return;
    const call = unparen(v);
    if (call.type === 'call_expression' && madeChanType(pkg, call)) madeHere = true;
    else filledFromElsewhere = true;
  };
  for (const node of pkg.selectorsNamed(fc.field)) {
    const operand = node.childForFieldName('operand');
    if (!operand) continue;
    const t = pkg.typeNameOf(operand);
    if (t && fc.typeName && t !== fc.typeName) continue;
    for (const op of opsAtExpr(pkg, node)) {
      if (op.kind === 'assign') {
        const left = op.node.childForFieldName('left')?.namedChildren ?? [];
        const right = op.node.childForFieldName('right')?.namedChildren ?? [];
        const i = left.findIndex((l) => l.startIndex === node.startIndex);
        noteValue(right.length === left.length ? right[i] : null);
      }
      ops.push(op);
    }
  }
  // `&T{commits: make(chan T)}`: the key names the field.
  for (const { node } of pkg.allNodesOfType('composite_literal')) {
    const t = node.childForFieldName('type');
    if (fc.typeName && t?.text !== fc.typeName) continue;
    for (const el of node.childForFieldName('body')?.namedChildren ?? []) {
      if (el.type !== 'keyed_element') continue;
      if (el.childForFieldName('key')?.text !== fc.field) continue;
      noteValue(el.childForFieldName('value')?.namedChild(0) ?? el.childForFieldName('value'));
    }
  }
  return { ops, madeHere, filledFromElsewhere };
}

/**
 * Signals a function only polls: a `select` with a `default` whose receive
 * case leaves (returns or breaks). The goroutine notices them only between
 * blocking operations, so while it waits elsewhere they cannot wake it.
 */
export function polledSignals(pkg: PackageSemantics, fn: Node): Node[] {
  const out: Node[] = [];
  const body = fn.childForFieldName('body');
  if (!body) return out;
  for (const sel of body.descendantsOfType('select_statement')) {
    if (enclosingFunction(sel)?.startIndex !== fn.startIndex) continue;
    const cases = sel.namedChildren;
    if (!cases.some((c) => c.type === 'default_case')) continue;
    for (const c of cases) {
      if (c.type !== 'communication_case') continue;
      const comm = c.childForFieldName('communication');
      if (!comm || comm.type === 'send_statement') continue;
      const leaves = c.descendantsOfType(['return_statement', 'break_statement', 'goto_statement']).length > 0 ||
        c.descendantsOfType('call_expression').some((call) => pkg.isNoReturnCall(call));
      const recv = comm.type === 'receive_statement' ? comm.childForFieldName('right') : comm;
      const ch = recv && unparen(recv).type === 'unary_expression' ? unparen(recv).childForFieldName('operand') : null;
      if (leaves && ch) out.push(ch);
    }
  }
  return out;
}

/** What the package does with a channel shared between goroutines: a struct field or a package-level variable. */
export interface SharedChannel {
  /** How it is written in the expression that led here. */
  text: string;
  kind: 'field' | 'global';
  /** For a field, the struct type that declares it (null when only the field name matched). */
  owner: string | null;
  /** Every operation on it across the package. */
  ops: ChanOp[];
  /** Made in this package, never closed, never handed to code we cannot see. */
  neverClosed: boolean;
  sends: number;
}

/**
 * Facts for the channel an expression reads when it is shared package-wide:
 * a field channel of a struct declared here (followed across all methods and
 * files) or a package-level `var c = make(chan T)`. Null for anything else
 * (locals are the owner's, parameters and other packages' channels are not
 * ours to judge).
 */
export function sharedChannel(pkg: PackageSemantics, expr: Node): SharedChannel | null {
  const e = unparen(expr);
  const fc = fieldChannelOf(pkg, e);
  if (fc) {
    const facts = fieldChannelFacts(pkg, fc);
    return {
      text: e.text, kind: 'field', owner: fc.typeName, ops: facts.ops,
      neverClosed: facts.madeHere && !facts.filledFromElsewhere && !facts.ops.some((o) => o.kind === 'close' || o.kind === 'escape'),
      sends: facts.ops.filter((o) => o.kind === 'send').length,
    };
  }
  if (e.type !== 'identifier') return null;
  const b = pkg.resolve(e);
  if (!b || b.fn !== null || b.kind !== 'var') return null;
  const made = b.value && unparen(b.value).type === 'call_expression' && madeChanType(pkg, unparen(b.value));
  if (!made) return null;
  const ops: ChanOp[] = [];
  for (const f of pkg.files) {
    for (const id of f.root.descendantsOfType('identifier')) {
      if (id.text !== b.name || id.startIndex === b.ident.startIndex) continue;
      if (pkg.resolve(id) !== b) continue;
      ops.push(...opsAtExpr(pkg, id));
    }
  }
  return {
    text: e.text, kind: 'global', owner: null, ops,
    neverClosed: !ops.some((o) => o.kind === 'close' || o.kind === 'escape' || o.kind === 'assign'),
    sends: ops.filter((o) => o.kind === 'send').length,
  };
}

/** A wait in a function body: a blocking receive, a `range`, or a select with no default whose cases all receive. */
export interface Wait {
  /** Where a finding points: the receive, the range clause, or the select statement. */
  node: Node;
  /** The channel expressions it waits on. */
  channels: Node[];
  /** Per channel: whether taking that case leaves the loop or function (a select's exit case). */
  exits: boolean[];
}

/**
 * The waits a function performs itself (and literals it calls in place, not
 * goroutines it starts). A select with a default or a send case never waits
 * forever on its receives alone.
 */
export function waitsIn(pkg: PackageSemantics, fn: Node): Wait[] {
  const file = pkg.fileOf(fn);
  const own = (n: Node) => {
    if (n.startIndex < fn.startIndex || n.endIndex > fn.endIndex) return false;
    let f = enclosingFunction(n);
    while (f && !sameNode(f, fn)) {
      if (f.type !== 'func_literal' || literalRole(f).kind !== 'called') return false;
      f = enclosingFunction(f);
    }
    return !!f;
  };
  const out: Wait[] = [];
  for (const u of pkg.nodesOfType(file, 'unary_expression')) {
    if (u.child(0)?.type !== '<-' || !own(u)) continue;
    const operand = u.childForFieldName('operand');
    const sel = selectInfoOf(u);
    if (operand && (!sel || (!sel.hasDefault && sel.others.length === 0))) out.push({ node: u, channels: [unparen(operand)], exits: [false] });
  }
  for (const r of pkg.nodesOfType(file, 'range_clause')) {
    const right = r.childForFieldName('right');
    if (right && own(r)) out.push({ node: r, channels: [unparen(right)], exits: [false] });
  }
  const body = fn.childForFieldName('body');
  for (const sel of body ? body.descendantsOfType('select_statement') : []) {
    if (!own(sel)) continue;
    const cases = sel.namedChildren.filter((c) => c.type === 'communication_case' || c.type === 'default_case');
    if (cases.length < 2 || cases.some((c) => c.type === 'default_case')) continue;
    const chans: Node[] = [];
    const exits: boolean[] = [];
    for (const c of cases) {
      exits.push(c.descendantsOfType(['return_statement', 'break_statement', 'goto_statement']).length > 0);
      const comm = c.childForFieldName('communication');
      const recv = comm?.type === 'receive_statement' ? comm.childForFieldName('right') : comm?.namedChild(0);
      const x = recv ? unparen(recv) : null;
      const operand = x?.type === 'unary_expression' && x.child(0)?.type === '<-' ? x.childForFieldName('operand') : null;
      if (!operand) { chans.length = 0; break; }
      chans.push(unparen(operand));
    }
    if (chans.length) out.push({ node: sel, channels: chans, exits });
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}
