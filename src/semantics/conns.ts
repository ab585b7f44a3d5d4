// Which expressions name one connection, and whether a blocking call on it is
// bounded: "is a deadline set on the conn handed to the SSH handshake on
// every path before it, and not cleared or replaced since?".
//
// A conn is named by a local or parameter (`conn`) or by a field path of one
// (`c.conn`, `s.t.conn`). Plain copies join names into one class: after
// `conn := c.conn` a deadline set through `conn` is on the conn `c.conn`
// holds, and after `c.conn = conn` one set through `conn` is too. A deadline
// belongs to the conn object, not to the name: assigning another conn to a
// name of the class (`c.conn, err = dial()`) starts over, like a clear,
// while wrapping the old one (`c.conn = &timeoutConn{c.conn}`) keeps it,
// since the wrapper reads through the conn that has the deadline.
//
// What bounds the call, as for a local before: a non-zero SetDeadline or
// SetReadDeadline on every path (directly, through a package-local helper or
// method that always sets it, or a configured function of another package),
// or a Close that runs concurrently: in a `go` literal, a callback handed to
// other code (`time.AfterFunc`), or a timer or done case of a `select` while
// the handshake runs in a goroutine.
import type { Node } from './syntax.js';
import { callArgs, contains, enclosingFunction, parentSkippingParens, sameNode, selectorParts, unparen } from './syntax.js';
import type { Binding } from './scopes.js';
import type { PackageSemantics } from './package.js';
import { literalRole, parameterAt } from './channels.js';
import { alwaysCallsOnParam } from './flow.js';
import { caseReceiveOperand, wakesByItself } from './timers.js';

/** A name of a conn: a local, parameter or receiver, or a field path of one. */
export interface ConnName {
  base: Binding;
  /** Selected fields from the base outwards; empty for the variable itself. */
  fields: readonly string[];
}

/** What bounds a blocking call on a conn, and what undoes a bound. */
export interface DeadlineOptions {
  /** Methods that set the deadline a read sees (`SetDeadline`, `SetReadDeadline`). */
  methods: ReadonlySet<string>;
  /** Functions of other packages, `path.Name`, that set a deadline on the conn they are given. */
  external: ReadonlySet<string>;
}

/** Members of a class, at most: a fixpoint over copies stays small in real code. */
const MAX_NAMES = 16;
/** Parameter hops to callers and helper-method levels followed. */
const MAX_DEPTH = 3;

/**
 * The conn an expression names, or null: calls, index expressions,
 * package-level variables (any code may set them) and other packages' names.
 */
export function connNameOf(pkg: PackageSemantics, expr: Node): ConnName | null {
  const fields: string[] = [];
  let e = unparen(expr);
  while (e.type === 'selector_expression') {
    const parts = selectorParts(e);
    if (!parts) return null;
    fields.unshift(parts.field);
    e = parts.operand;
  }
  if (e.type !== 'identifier') return null;
  if (fields.length && pkg.importPathOf(e)) return null;
  const base = pkg.resolve(e);
  if (!base || !base.fn || base.kind === 'func' || base.kind === 'type' || base.kind === 'const') return null;
  return { base, fields };
}

/** The source form of a name (`c.conn`), for messages. */
export function connNameText(name: ConnName): string {
  return [name.base.name, ...name.fields].join('.');
}

function sameName(a: ConnName, b: ConnName): boolean {
  return a.base === b.base && a.fields.length === b.fields.length && a.fields.every((f, i) => f === b.fields[i]);
}

/** Every expression naming `name`: the base's references, extended by its fields. */
function usesOf(name: ConnName): Node[] {
  const out: Node[] = [];
  outer: for (const ref of name.base.refs) {
    let cur = ref;
    for (const field of name.fields) {
      const { parent, child } = parentSkippingParens(cur);
      if (parent?.type !== 'selector_expression' || parent.childForFieldName('field')?.text !== field) continue outer;
      if (!sameNode(parent.childForFieldName('operand'), child)) continue outer;
      cur = parent;
    }
    out.push(cur);
  }
  return out;
}

/**
 * Where an expression stands in an assignment or declaration: the statement,
 * the side, and the expression on the other side at the same position
 * (null when one call gives several values).
 */
function assignmentSlot(use: Node): { stmt: Node; side: 'left' | 'right'; other: Node | null; rhs: Node[] } | null {
  const { parent: list, child } = parentSkippingParens(use);
  if (list?.type !== 'expression_list') return null;
  const stmt = list.parent;
  if (!stmt) return null;
  let left: Node | null = null;
  let right: Node | null = null;
  if (stmt.type === 'assignment_statement') {
    // `x += y` and friends do not copy a conn.
    if (!stmt.children.some((c) => c.type === '=')) return null;
    left = stmt.childForFieldName('left');
    right = stmt.childForFieldName('right');
  } else if (stmt.type === 'short_var_declaration') {
    left = stmt.childForFieldName('left');
    right = stmt.childForFieldName('right');
  } else if (stmt.type === 'var_spec') {
    right = stmt.childForFieldName('value');
  } else return null;
  const rhs = right?.namedChildren ?? [];
  const lhs = stmt.type === 'var_spec' ? stmt.childrenForFieldName('name') : left?.namedChildren ?? [];
  const side = left && sameNode(left, list) ? 'left' : right && sameNode(right, list) ? 'right' : null;
  if (!side) return null;
  const i = list.namedChildren.findIndex((c) => sameNode(c, child));
  const other = lhs.length === rhs.length ? (side === 'left' ? rhs[i] : lhs[i]) ?? null : null;
  return { stmt, side, other, rhs };
}

/** `&T{f: v}` or `T{f: v}`: the value given to field `key`, or undefined when the literal has none. */
function literalFieldValue(expr: Node, key: string): Node | undefined {
  let e = unparen(expr);
  if (e.type === 'unary_expression' && e.child(0)?.type === '&') e = unparen(e.childForFieldName('operand') ?? e);
  if (e.type !== 'composite_literal') return undefined;
  for (const kv of e.childForFieldName('body')?.namedChildren ?? []) {
    if (kv.type !== 'keyed_element') continue;
    const [k, v] = kv.namedChildren.map((c) => (c.type === 'literal_element' ? c.namedChild(0) ?? c : c));
    if (k?.type === 'identifier' && k.text === key && v) return v;
  }
  return undefined;
}

function isStructLiteral(expr: Node): boolean {
  let e = unparen(expr);
  if (e.type === 'unary_expression' && e.child(0)?.type === '&') e = unparen(e.childForFieldName('operand') ?? e);
  return e.type === 'composite_literal';
}

/**
 * `s := &session{conn: conn}`: for a use that is a field value of a struct
 * literal assigned to a name, that name's field.
 */
function literalFieldTarget(use: Node): { lhs: Node; key: string } | null {
  let { parent, child } = parentSkippingParens(use);
  if (parent?.type === 'literal_element') ({ parent, child } = parentSkippingParens(parent));
  if (parent?.type !== 'keyed_element' || !sameNode(parent.namedChildren[1], child)) return null;
  const k = parent.namedChildren[0];
  const key = k?.type === 'literal_element' ? k.namedChild(0) : k;
  let lit = parent.parent?.parent;
  if (key?.type !== 'identifier' || lit?.type !== 'composite_literal') return null;
  if (lit.parent?.type === 'unary_expression') lit = lit.parent;
  const other = assignmentSlot(lit)?.other;
  return other ? { lhs: other, key: key.text } : null;
}

/**
 * The names that hold the same conn as `start` in its function: `start`
 * and every name joined to it by a plain copy, either way, including a
 * field given in a struct literal (`s := &session{conn: conn}`).
 */
export function connAliases(pkg: PackageSemantics, start: ConnName): ConnName[] {
  const names: ConnName[] = [start];
  const home = pkg.topLevelDecl(start.base.ident);
  const add = (expr: Node | null) => {
    if (!expr || names.length >= MAX_NAMES) return;
    const n = connNameOf(pkg, expr);
    if (!n || names.some((m) => sameName(m, n))) return;
    if (!home || !sameNode(pkg.topLevelDecl(n.base.ident), home)) return;
    names.push(n);
  };
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    for (const use of usesOf(name)) {
      const other = assignmentSlot(use)?.other ?? null;
      if (other && (unparen(other).type === 'identifier' || unparen(other).type === 'selector_expression')) add(other);
      const field = literalFieldTarget(use);
      const holder = field ? connNameOf(pkg, field.lhs) : null;
      if (holder && field && names.length < MAX_NAMES && !names.some((m) => sameName(m, { base: holder.base, fields: [...holder.fields, field.key] }))) {
        names.push({ base: holder.base, fields: [...holder.fields, field.key] });
      }
    }
    // `conn := c.conn`: the declaration is no use of the declared name.
    const v = name.base.value ? unparen(name.base.value) : null;
    if (name.fields.length === 0 && v && (v.type === 'identifier' || v.type === 'selector_expression')) add(v);
    if (name.fields.length === 1 && name.base.value) {
      const v = literalFieldValue(name.base.value, name.fields[0]!);
      if (v) add(v);
    }
  }
  return names;
}

interface ConnEvents {
  /** Statements that set a deadline on the conn. */
  sets: Node[];
  /** Statements after which the conn has none: a zero-time clear, or another conn assigned to a name. */
  kills: Node[];
  /** Close calls that run concurrently with `call`. */
  closers: Node[];
}

/** Calls `x.M(...)` where x is one of `uses`, for M in `methods`. */
function methodCallsOnUses(uses: Node[], methods: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  for (const use of uses) {
    const { parent, child } = parentSkippingParens(use);
    if (parent?.type !== 'selector_expression' || !sameNode(parent.childForFieldName('operand'), child)) continue;
    const field = parent.childForFieldName('field')?.text;
    if (!field || !methods.has(field)) continue;
    const call = parent.parent;
    if (call?.type === 'call_expression' && sameNode(call.childForFieldName('function'), parent)) out.push(call);
  }
  return out;
}

/** `time.Time{}`: the zero time, which removes a deadline. */
export function isZeroTime(pkg: PackageSemantics, arg: Node | undefined): boolean {
  const e = arg ? unparen(arg) : null;
  if (!e || e.type !== 'composite_literal') return false;
  const q = pkg.qualifiedName(e.childForFieldName('type') ?? e);
  return !!q && q.path === 'time' && q.name === 'Time' && (e.childForFieldName('body')?.namedChildCount ?? 0) === 0;
}

/** Sets, clears and replacements of the conn the names hold, and its concurrent closers. */
function connEvents(pkg: PackageSemantics, names: ConnName[], call: Node | null, opts: DeadlineOptions, depth: number): ConnEvents {
  const uses = names.flatMap(usesOf);
  const sets: Node[] = [];
  const kills: Node[] = [];
  for (const c of methodCallsOnUses(uses, opts.methods)) (isZeroTime(pkg, callArgs(c)[0]) ? kills : sets).push(c);
  // Helpers: the conn is an argument of a package-local function that always
  // sets a deadline on that parameter, or of a configured one.
  for (const use of uses) {
    const { parent, child } = parentSkippingParens(use);
    if (parent?.type !== 'argument_list') continue;
    const site = parent.parent!;
    const i = parent.namedChildren.findIndex((a) => sameNode(a, child));
    const callee = pkg.calleeDecl(site);
    if (callee && alwaysCallsOnParam(pkg, callee, i, opts.methods as Set<string>)) { sets.push(site); continue; }
    const q = pkg.qualifiedName(site.childForFieldName('function') ?? site);
    if (q && opts.external.has(`${q.path}.${q.name}`)) sets.push(site);
  }
  // Helper methods: `c.arm()` where arm sets a deadline on its receiver's
  // same field on every path.
  for (const name of names) {
    if (name.fields.length === 0 || depth >= MAX_DEPTH) continue;
    for (const ref of name.base.refs) {
      const sel = parentSkippingParens(ref).parent;
      const site = sel?.type === 'selector_expression' ? sel.parent : null;
      if (site?.type !== 'call_expression' || !sameNode(site.childForFieldName('function'), sel)) continue;
      const callee = pkg.calleeDecl(site);
      if (callee?.type === 'method_declaration' && methodAlwaysSets(pkg, callee, name.fields, opts, depth + 1)) sets.push(site);
    }
  }
  // Another conn assigned to a name of the class. Wrapping the old one
  // (`c.conn = &timeoutConn{c.conn}`) keeps its deadline: the wrapper reads
  // through it.
  const mentionsConn = (n: Node) => uses.some((u) => contains(n, u));
  for (const use of uses) {
    const slot = assignmentSlot(use);
    if (!slot || slot.side !== 'left') continue;
    const value = slot.other ?? (slot.rhs.length === 1 ? slot.rhs[0]! : null);
    if (!value || !mentionsConn(value)) kills.push(slot.stmt);
  }
  // A declaration starts the conn a name holds: a local's value, or the
  // field of a struct literal (`s := &session{conn: dial()}`, or none given).
  for (const name of names) {
    const b = name.base;
    if (b.kind !== 'var' && b.kind !== 'range' && b.kind !== 'typeswitch') continue;
    let value = b.value;
    if (name.fields.length) {
      if (name.fields.length > 1 || !value || !isStructLiteral(value)) continue;
      value = literalFieldValue(value, name.fields[0]!) ?? null;
    }
    if (!value || !mentionsConn(value)) kills.push(b.decl);
  }
  return { sets, kills, closers: call ? concurrentCloses(pkg, uses, call) : [] };
}

/**
 * Close calls on the conn that run while `call` blocks: in a `go` literal or
 * a callback handed to other code (`time.AfterFunc`, `context.AfterFunc`)
 * that does not itself run the call; or, when the call runs in a `go`
 * literal, in a timer or done case of a `select` of the function that
 * started it (wait for the handshake or the timer, close on the timer).
 */
function concurrentCloses(pkg: PackageSemantics, uses: Node[], call: Node): Node[] {
  const out: Node[] = [];
  const callGoLiteral = enclosingGoLiteral(call);
  for (const close of methodCallsOnUses(uses, new Set(['Close']))) {
    let lit = enclosingFunction(close);
    let found = false;
    while (lit && lit.type === 'func_literal') {
      const role = literalRole(lit).kind;
      if ((role === 'go' || role === 'escapes') && !contains(lit, call)) { found = true; break; }
      lit = enclosingFunction(lit);
    }
    if (!found && callGoLiteral && !contains(callGoLiteral, close) && inTimerCase(pkg, close)) found = true;
    if (found) out.push(close);
  }
  return out;
}

function enclosingGoLiteral(n: Node): Node | null {
  for (let lit = enclosingFunction(n); lit && lit.type === 'func_literal'; lit = enclosingFunction(lit)) {
    if (literalRole(lit).kind === 'go') return lit;
  }
  return null;
}

/**
 * Inside a `select` case on a timer or a done channel: `<-time.After(d)`,
 * `<-t.C`, `<-ctx.Done()` (any context: whoever cancels it ends the wait).
 */
function inTimerCase(pkg: PackageSemantics, n: Node): boolean {
  const fn = enclosingFunction(n);
  for (let cur = n.parent; cur && !sameNode(cur, fn); cur = cur.parent) {
    if (cur.type !== 'communication_case') continue;
    const operand = caseReceiveOperand(cur);
    if (!operand) return false;
    const o = unparen(operand);
    return wakesByItself(pkg, o) || (o.type === 'call_expression' && selectorParts(o.childForFieldName('function') ?? o)?.field === 'Done');
  }
  return false;
}

/** Whether a method sets a deadline on its receiver's field path on every path to its normal exit. */
function methodAlwaysSets(pkg: PackageSemantics, decl: Node, fields: readonly string[], opts: DeadlineOptions, depth: number): boolean {
  const recvIdent = decl.childForFieldName('receiver')?.namedChildren.find((c) => c.type === 'parameter_declaration')?.childForFieldName('name');
  const recv = recvIdent ? pkg.resolve(recvIdent) : null;
  if (!recv) return false;
  const { sets } = connEvents(pkg, connAliases(pkg, { base: recv, fields }), null, opts, depth);
  const g = pkg.cfgOf(decl);
  const ids = new Set(sets.filter((s) => sameNode(enclosingFunction(s), decl)).map((s) => g.nodeOf(s)?.id).filter((x): x is number => x !== undefined));
  return ids.size > 0 && g.mustPass(g.entry, (n) => ids.has(n.id));
}

/**
 * Whether the blocking call `call` can run with no deadline on the conn
 * named by `conn`. Paths are searched in the function that runs the call and,
 * when that is a literal, on into the function that starts it; from the
 * entry of the function declaring the conn's base, a path means the conn
 * came from outside it: a parameter is judged at its callers in this package
 * (with none in sight, nothing bounds it), a field by the rest of the
 * package (a deadline set on that field elsewhere, where it was dialed, is
 * trusted: the order of two methods cannot be known).
 */
export function missingDeadline(pkg: PackageSemantics, conn: ConnName, call: Node, opts: DeadlineOptions, depth = 0): boolean {
  const names = connAliases(pkg, conn);
  const ev = connEvents(pkg, names, call, opts, depth);
  if (ev.closers.length) return false;
  const home = conn.base.fn!;
  // Levels: the function running the call, then each literal's starter, up to home.
  let fn = enclosingFunction(call);
  let target = call;
  while (fn) {
    const own = (ns: Node[]) => ns.filter((n) => sameNode(enclosingFunction(n), fn));
    const sets = own(ev.sets);
    const kills = own(ev.kills);
    if (kills.some((k) => unguarded(pkg, fn!, k, target, sets))) return true;
    if (!unguarded(pkg, fn, null, target, [...sets, ...kills])) return false;
    if (sameNode(fn, home) || fn.type !== 'func_literal') break;
    target = fn;
    fn = enclosingFunction(fn);
  }
  if (!fn || !sameNode(fn, home)) return false;
  return outsideUnbounded(pkg, names, ev.kills, opts, depth);
}

/**
 * The conn reached the call from outside the function, through no
 * declaration or assignment in it: through a parameter (judged at the
 * callers), or a field of a receiver, parameter or value built elsewhere
 * (judged by the rest of the package). A local's own declaration starts its
 * conn, so a local never gets here unless its declaration is not a
 * statement of the graph: then, as for a receiver or result, nothing bounds it.
 */
function outsideUnbounded(pkg: PackageSemantics, names: ConnName[], kills: Node[], opts: DeadlineOptions, depth: number): boolean {
  const params = names.filter((n) => n.fields.length === 0 && n.base.kind === 'param');
  if (params.length) return params.some((p) => paramUnbounded(pkg, p, opts, depth));
  // A local that copies another name (`conn := c.conn`) is no source of its own.
  const copy = (n: ConnName) => n.base.kind === 'var' && !kills.some((k) => sameNode(k, n.base.decl));
  if (names.some((n) => n.fields.length === 0 && !copy(n))) return true;
  const fields = names.filter((n) => !(n.base.kind === 'var' && n.base.value && isStructLiteral(n.base.value)));
  return fields.length === 0 || !fields.some((f) => boundElsewhere(pkg, f, opts));
}

/** A path in `fn` from `from` (null: entry) to the statement of `to` avoiding `guards`. */
function unguarded(pkg: PackageSemantics, fn: Node, from: Node | null, to: Node, guards: Node[]): boolean {
  const g = pkg.cfgOf(fn);
  const start = from ? g.nodeOf(from) : g.entry;
  const target = g.nodeOf(to);
  if (!start || !target) return false;
  const guarded = new Set(guards.map((n) => g.nodeOf(n)?.id).filter((x): x is number => x !== undefined));
  // Same statement (`if err := conn.SetDeadline(...); ...`, or a set and the
  // call on one line): the set comes first.
  if (guarded.has(target.id) || (from && guarded.has(start.id))) return false;
  return g.pathTo(start, target, (n) => guarded.has(n.id)) !== null;
}

/** A parameter conn reached from the function's entry: judged at each caller in the package, unbounded with none. */
function paramUnbounded(pkg: PackageSemantics, conn: ConnName, opts: DeadlineOptions, depth: number): boolean {
  const b = conn.base;
  if (depth >= MAX_DEPTH) return false;
  const decl = b.fn!;
  const idx = (decl.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((p) => p.type === 'parameter_declaration')
    .flatMap((p) => p.namedChildren.filter((c) => c.type === 'identifier'))
    .findIndex((id) => sameNode(id, b.ident));
  if (parameterAt(pkg, decl, idx) !== b) return false;
  const judgeAt = (site: Node): boolean => {
    const arg = callArgs(site)[idx];
    const n = arg ? connNameOf(pkg, arg) : null;
    return !n || missingDeadline(pkg, n, site, opts, depth + 1);
  };
  if (decl.type === 'func_literal') {
    // `go func(conn net.Conn) { ... }(conn)` in an accept loop: the argument at the call is the conn.
    const role = literalRole(decl);
    const site = role.kind === 'go' || role.kind === 'defer' ? role.stmt.namedChildren.find((c) => c.type === 'call_expression') : role.kind === 'called' ? role.call : null;
    return !!site && judgeAt(site);
  }
  let callers = 0;
  for (const { node: site } of pkg.allNodesOfType('call_expression')) {
    const callee = pkg.calleeDecl(site);
    if (!callee || !sameNode(callee, decl) || pkg.fileOf(callee) !== pkg.fileOf(decl)) continue;
    callers++;
    if (judgeAt(site)) return true;
  }
  return callers === 0;
}

/**
 * Whether another function of the package bounds the field: a deadline set
 * on (or a concurrent close of) the same field of the same type, directly
 * or through a copy. Field paths of unknown type match by name.
 */
function boundElsewhere(pkg: PackageSemantics, conn: ConnName, opts: DeadlineOptions): boolean {
  const field = conn.fields[conn.fields.length - 1]!;
  const owner = conn.fields.length === 1 ? pkg.typeNameOf(conn.base.ident) : null;
  const home = pkg.topLevelDecl(conn.base.ident);
  const seen = new Set<number>();
  for (const sel of pkg.selectorsNamed(field)) {
    const decl = pkg.topLevelDecl(sel);
    if (!decl || (home && pkg.fileOf(decl) === pkg.fileOf(home) && sameNode(decl, home))) continue;
    const operand = selectorParts(sel)?.operand;
    if (!operand) continue;
    if (owner && operand.type === 'identifier' && pkg.typeNameOf(operand) !== owner) continue;
    const name = connNameOf(pkg, sel);
    if (!name) continue;
    const key = name.base.ident.startIndex;
    if (seen.has(key)) continue;
    seen.add(key);
    const ev = connEvents(pkg, connAliases(pkg, name), sel, opts, MAX_DEPTH);
    if (ev.sets.length || ev.closers.length) return true;
  }
  return false;
}
