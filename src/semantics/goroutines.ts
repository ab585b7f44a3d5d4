// Goroutine facts: for each `go` statement, what it runs, how many copies a
// call of its owner starts, and where an operation on a channel executes —
// inside which goroutine, or in the owner itself (possibly deferred).
import type { Node } from './syntax.js';
import { callArgs, enclosingFunction, functionName, intLiteralValue, sameNode, selectorParts, unparen } from './syntax.js';
import type { PackageSemantics } from './package.js';
import { evalCount, isChannelExpr, literalLength, literalRole, type ChanOp, type Count } from './channels.js';
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
  const owner = enclosingFunction(stmt);
  // Only a half-typed file has a `go` outside any function (tree-sitter keeps
  // it inside an ERROR node): nothing owns it, so there is nothing to judge.
  if (!owner) return { stmt, call, owner: stmt, target: null, kind: 'unknown', count: { kind: 'const', n: 1 } };
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
  // Nested loops multiply: `for i < 100 { for j < 3 { go ... } }` starts 300.
  let count: Count | null = null;
  let cur = stmt.parent;
  while (cur && !sameNode(cur, owner)) {
    if (cur.type === 'for_statement') {
      const c = loopCount(pkg, cur);
      count = count === null ? c : mulCounts(count, c);
    }
    if (cur.type === 'func_literal') break;
    cur = cur.parent;
  }
  if (count) return count;
  // A goto-loop is still a loop: ask the graph, when the owner's text has a
  // `goto` that could make one (building a graph only to find no cycle was
  // most of the graphs built on etcd).
  const text = pkg.fileOf(owner).text;
  const gotoAt = text.indexOf('goto', owner.startIndex);
  if (gotoAt === -1 || gotoAt >= owner.endIndex) return { kind: 'const', n: 1 };
  const g = pkg.cfgOf(owner);
  const n = g.nodeOf(stmt);
  return n && g.onCycle(n) ? { kind: 'many' } : { kind: 'const', n: 1 };
}

/** Products of counts: constants multiply; a symbolic count times more than one is "many". */
export function mulCounts(a: Count, b: Count): Count {
  if (a.kind === 'const' && b.kind === 'const') return { kind: 'const', n: a.n * b.n };
  if (a.kind === 'const' && a.n === 1) return b;
  if (b.kind === 'const' && b.n === 1) return a;
  return { kind: 'many' };
}

export function loopCount(pkg: PackageSemantics, loop: Node): Count {
  const range = loop.namedChildren.find((c) => c.type === 'range_clause');
  if (range) {
    const right = range.childForFieldName('right');
    if (!right) return { kind: 'many' };
    const r = unparen(right);
    // A range over a channel runs until it is closed: not len(ch), which is what is buffered now.
    if (isChannelExpr(pkg, r)) return { kind: 'many' };
    // Go 1.22 range over an integer: `for i := range n`; a slice literal has a known length.
    const asCount = evalCount(pkg, r);
    if (asCount.kind === 'const') return asCount;
    const n = literalLength(pkg, r);
    if (n !== null) return { kind: 'const', n };
    return { kind: 'len', of: r.text };
  }
  const clause = loop.namedChildren.find((c) => c.type === 'for_clause');
  // `for n > 0 { ...; n-- }`: a countdown runs n times.
  const bare = clause ? null : loop.namedChildren.find((c) => c.type === 'binary_expression');
  if (bare) {
    const op = bare.child(1)?.type;
    const left = bare.childForFieldName('left');
    const right = bare.childForFieldName('right');
    const body = loop.childForFieldName('body');
    if ((op === '>' || op === '!=') && left?.type === 'identifier' && right && intLiteralValue(right) === 0 && body &&
      body.descendantsOfType('dec_statement').some((d) => d.namedChild(0)?.text === left.text)) {
      const c = evalCount(pkg, left);
      if (c.kind !== 'unknown') return c;
    }
  }
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
 * The most operations one run of `fn` can perform on a path, where
 * `weight(n)` is how many a graph node performs (Infinity for an unbounded
 * loop): a longest-path search that takes each cycle once, since the weight
 * already says how often its node repeats.
 */
export function maxOpsPerRun(pkg: PackageSemantics, fn: Node, weight: (n: CfgNode) => number): number {
  const g = pkg.cfgOf(fn);
  const marked = g.nodes.filter((n) => weight(n) > 0);
  if (marked.length === 0) return 0;
  if (marked.some((n) => weight(n) === Infinity)) return Infinity;
  if (marked.length === 1) return weight(marked[0]!);
  const memo = new Map<number, number>();
  const onStack = new Set<number>();
  // Iterative post-order DFS: deep graphs must not overflow the stack.
  const stack: { id: number; i: number; best: number }[] = [{ id: g.entry.id, i: 0, best: 0 }];
  onStack.add(g.entry.id);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const succ = g.nodes[top.id]!.succ;
    if (top.i < succ.length) {
      const s = succ[top.i++]!;
      const m = memo.get(s);
      if (m !== undefined) top.best = Math.max(top.best, m);
      else if (!onStack.has(s)) { onStack.add(s); stack.push({ id: s, i: 0, best: 0 }); }
      continue;
    }
    stack.pop();
    onStack.delete(top.id);
    const r = top.best + weight(g.nodes[top.id]!);
    memo.set(top.id, r);
    const parent = stack[stack.length - 1];
    if (parent) parent.best = Math.max(parent.best, r);
  }
  return memo.get(g.entry.id) ?? 0;
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
