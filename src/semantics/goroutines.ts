// Goroutine facts: for each `go` statement, what it runs, how many copies a
// call of its owner starts, and where an operation on a channel executes —
// inside which goroutine, or in the owner itself (possibly deferred).
import type { Node } from './syntax.js';
import { callArgs, enclosingFunction, functionName, sameNode, selectorParts, unparen } from './syntax.js';
import type { PackageSemantics } from './package.js';
import { evalCount, literalRole, type ChanOp, type Count } from './channels.js';
import type { CfgNode } from './cfg.js';

export interface Goroutine {
  stmt: Node;
  call: Node;
  /** The function containing the `go` statement. */
  owner: Node;
  /** What it runs: a literal, or a package-local function or method declaration. */
  target: Node | null;
  kind: 'literal' | 'func' | 'unknown';
  /** How many goroutines one run of the owner starts here. */
  count: Count;
}

export function goroutineAt(pkg: PackageSemantics, stmt: Node): Goroutine {
  const call = unparen(stmt.namedChildren.find((c) => c.type !== 'comment') ?? stmt);
  const owner = enclosingFunction(stmt)!;
  const fnExpr = call.type === 'call_expression' ? unparen(call.childForFieldName('function')!) : call;
  let target: Node | null = null;
  let kind: Goroutine['kind'] = 'unknown';
  if (fnExpr.type === 'func_literal') { target = fnExpr; kind = 'literal'; }
  else if (call.type === 'call_expression') {
    target = pkg.calleeDecl(call);
    if (target) kind = 'func';
  }
  return { stmt, call, owner, target, kind, count: spawnCount(pkg, stmt, owner) };
}

/** Every `go` statement whose owner is `fn` (not those inside nested literals). */
export function goroutinesIn(pkg: PackageSemantics, fn: Node): Goroutine[] {
  const file = pkg.fileOf(fn);
  return pkg.nodesOfType(file, 'go_statement')
    .filter((g) => g.startIndex >= fn.startIndex && g.endIndex <= fn.endIndex && sameNode(enclosingFunction(g), fn))
    .map((g) => goroutineAt(pkg, g));
}

/**
 * How many goroutines one run of the owner starts at `stmt`: one, or one per
 * iteration of the innermost enclosing loop, whose bound we read when we can
 * (`range xs` → len(xs); `i < len(xs)`, `i < n`, `i < 3`).
 */
export function spawnCount(pkg: PackageSemantics, stmt: Node, owner: Node): Count {
  let cur = stmt.parent;
  while (cur && !sameNode(cur, owner)) {
    if (cur.type === 'for_statement') return loopCount(pkg, cur);
    if (cur.type === 'func_literal') break;
    cur = cur.parent;
  }
  // A goto-loop is still a loop: ask the graph.
  const g = pkg.cfgOf(owner);
  const n = g.nodeOf(stmt);
  return n && g.onCycle(n) ? { kind: 'many' } : { kind: 'const', n: 1 };
}

export function loopCount(pkg: PackageSemantics, loop: Node): Count {
  const range = loop.namedChildren.find((c) => c.type === 'range_clause');
  if (range) {
    const right = range.childForFieldName('right');
    if (!right) return { kind: 'many' };
    const r = unparen(right);
    // Go 1.22 range over an integer: `for i := range n`.
    const asCount = evalCount(pkg, r);
    if (asCount.kind === 'const') return asCount;
    return { kind: 'len', of: r.text };
  }
  const clause = loop.namedChildren.find((c) => c.type === 'for_clause');
  const cond = clause?.childForFieldName('condition');
  if (cond?.type === 'binary_expression') {
    const op = cond.child(1)?.type;
    const right = cond.childForFieldName('right');
    if ((op === '<' || op === '!=') && right) {
      const c = evalCount(pkg, right);
      if (c.kind !== 'unknown') return c;
    }
    if (op === '<=' && right) {
      const c = evalCount(pkg, right);
      if (c.kind === 'const') return { kind: 'const', n: c.n + 1 };
    }
  }
  return { kind: 'many' };
}

/** Where an operation runs, seen from `owner`. */
export type Placement =
  /** In the owner's own flow, at `stmt` (a statement of the owner's graph). */
  | { kind: 'owner'; stmt: Node; deferred: boolean }
  /** Inside the goroutine started by `go` statement `stmt` of the owner. */
  | { kind: 'goroutine'; stmt: Node }
  /** Somewhere we do not relate to the owner (another function, or an escaping closure). */
  | { kind: 'elsewhere' };

export function placeOp(op: ChanOp, owner: Node): Placement {
  let loc: Node = op.via ?? op.node;
  let fn: Node | null = enclosingFunction(loc);
  let deferred = false;
  while (fn && !sameNode(fn, owner)) {
    if (fn.type !== 'func_literal') return { kind: 'elsewhere' };
    const role = literalRole(fn);
    if (role.kind === 'go') return { kind: 'goroutine', stmt: role.stmt };
    if (role.kind === 'escapes') return { kind: 'elsewhere' };
    if (role.kind === 'defer') deferred = true;
    loc = role.kind === 'defer' ? role.stmt : role.call;
    fn = enclosingFunction(loc);
  }
  if (!fn) return { kind: 'elsewhere' };
  // A call `go f(c)` performs the callee's operations in a new goroutine.
  if (op.via && sameNode(loc, op.via) && loc.parent?.type === 'go_statement') return { kind: 'goroutine', stmt: loc.parent };
  // `defer close(c)`, `defer drain(c)`: the call itself is deferred.
  if (loc.parent?.type === 'defer_statement') return { kind: 'owner', stmt: loc.parent, deferred: true };
  return { kind: 'owner', stmt: loc, deferred };
}

/**
 * The most operations (matching `isOp`) one run of `fn` can perform on a
 * path, or Infinity when one of them sits on a loop.
 */
export function maxOpsPerRun(pkg: PackageSemantics, fn: Node, isOp: (n: CfgNode) => boolean): number {
  const g = pkg.cfgOf(fn);
  const marked = g.nodes.filter(isOp);
  if (marked.some((n) => g.onCycle(n))) return Infinity;
  if (marked.length <= 1) return marked.length;
  // Longest path in marked nodes; no marked node is on a cycle, so cycles add nothing.
  const memo = new Map<number, number>();
  const onStack = new Set<number>();
  const best = (id: number): number => {
    const m = memo.get(id);
    if (m !== undefined) return m;
    if (onStack.has(id)) return 0;
    onStack.add(id);
    let v = 0;
    for (const s of g.nodes[id]!.succ) v = Math.max(v, best(s));
    onStack.delete(id);
    const r = v + (isOp(g.nodes[id]!) ? 1 : 0);
    memo.set(id, r);
    return r;
  };
  return best(g.entry.id);
}

/** Readable name of a function for messages: `fetchAll`, `(*Server).run`, `func literal`. */
export function displayName(fn: Node): string {
  if (fn.type === 'method_declaration') {
    const recv = fn.childForFieldName('receiver')?.text ?? '';
    const ptr = recv.includes('*') ? '*' : '';
    const t = recv.replace(/[()*]/g, ' ').trim().split(/\s+/).pop() ?? '';
    return `(${ptr}${t}).${functionName(fn)}`;
  }
  return functionName(fn);
}

/** Text of the function a goroutine runs, for messages. */
export function goroutineLabel(g: Goroutine): string {
  if (g.kind === 'literal') return 'func literal';
  const f = g.call.childForFieldName('function');
  const sel = f ? selectorParts(f) : null;
  return sel ? `${sel.operand.text}.${sel.field}` : f?.text ?? 'goroutine';
}

/** Arguments of the go call (for mapping a named worker's parameters). */
export function goArgs(g: Goroutine): Node[] {
  return g.call.type === 'call_expression' ? callArgs(g.call) : [];
}
