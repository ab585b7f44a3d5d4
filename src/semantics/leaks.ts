// The questions every channel rule asks, answered once:
//  - what does the owner of a channel do with it after starting a goroutine;
//  - is there a path from the `go` statement to the owner's exit on which it
//    performs fewer matching operations than the goroutine needs;
//  - does the buffer cover the sends.
// Rules decide what counts as "matching" (receives for a sender, sends or a
// close for a receiver) and word the report; the path search lives here.
import type { Node } from './syntax.js';
import { enclosingFunction, lineOf, sameNode } from './syntax.js';
import type { PackageSemantics } from './package.js';
import type { CfgNode } from './cfg.js';
import { blocksForever, channelsMadeIn, opsOnBinding, type ChanOp, type Count, type MadeChannel } from './channels.js';
import { goroutineAt, loopCount, maxOpsPerRun, placeOp, type Goroutine } from './goroutines.js';

export interface PlacedOp {
  op: ChanOp;
  /** `owner`: in the owner's flow at `stmt`; `goroutine`: inside the goroutine of `go` statement `stmt`. */
  where: 'owner' | 'goroutine' | 'elsewhere';
  stmt: Node | null;
  deferred: boolean;
}

export interface ChannelUse {
  channel: MadeChannel;
  ops: ChanOp[];
  placed: PlacedOp[];
  /** The first escaping use, if any: then nothing may be concluded. */
  escape: ChanOp | null;
}

/** Facts for every channel made in `owner`, memoised per package. */
export function channelUses(pkg: PackageSemantics, owner: Node): ChannelUse[] {
  return memo(pkg, 'uses', owner, () => channelsMadeIn(pkg, owner).map((channel) => {
    const ops = opsOnBinding(pkg, channel.binding);
    const placed = ops.map((op): PlacedOp => {
      const p = placeOp(op, owner);
      return p.kind === 'elsewhere'
        ? { op, where: 'elsewhere', stmt: null, deferred: false }
        : { op, where: p.kind, stmt: p.stmt, deferred: p.kind === 'owner' && p.deferred };
    });
    const escape = ops.find((o) => o.kind === 'escape' || o.kind === 'assign') ?? placed.find((p) => p.where === 'elsewhere' && p.op.kind !== 'close' && p.op.kind !== 'len')?.op ?? null;
    return { channel, ops, placed, escape };
  }));
}

const memos = new WeakMap<PackageSemantics, Map<string, unknown>>();
function memo<T>(pkg: PackageSemantics, kind: string, n: Node, f: () => T): T {
  let m = memos.get(pkg);
  if (!m) { m = new Map(); memos.set(pkg, m); }
  const k = `${kind}:${pkg.files.indexOf(pkg.fileOf(n))}:${n.startIndex}:${n.endIndex}`;
  if (!m.has(k)) m.set(k, f());
  return m.get(k) as T;
}

/** Goroutine facts for a `go` statement, memoised. */
export function goroutine(pkg: PackageSemantics, stmt: Node): Goroutine {
  return memo(pkg, 'go', stmt, () => goroutineAt(pkg, stmt));
}

/** Operations of one channel performed by the goroutine of `goStmt`. */
export function opsInGoroutine(use: ChannelUse, goStmt: Node, kinds: ChanOp['kind'][]): ChanOp[] {
  return use.placed.filter((p) => p.where === 'goroutine' && sameNode(p.stmt, goStmt) && kinds.includes(p.op.kind)).map((p) => p.op);
}

/** Operations of one channel performed by goroutines other than `goStmt`. */
export function opsInOtherGoroutines(use: ChannelUse, goStmt: Node, kinds: ChanOp['kind'][]): PlacedOp[] {
  return use.placed.filter((p) => p.where === 'goroutine' && !sameNode(p.stmt, goStmt) && kinds.includes(p.op.kind));
}

/** Blocking operations among `ops` (not in a select that can take another case). */
export function blocking(ops: ChanOp[]): ChanOp[] {
  return ops.filter(blocksForever);
}

/**
 * How many of `ops` one run of the goroutine performs at most (Infinity when
 * one sits in a loop), summed over the functions that hold them.
 */
export function opsPerGoroutineRun(pkg: PackageSemantics, g: Goroutine, ops: ChanOp[]): number {
  const byFn = new Map<string, { fn: Node; ops: ChanOp[] }>();
  for (const op of ops) {
    // An operation reached through a callee counts at the call made by the goroutine's body.
    const holder = op.via && g.target && !sameNode(enclosingFunction(op.via), g.owner) ? enclosingFunction(op.via)! : op.fn;
    const k = `${holder.startIndex}:${holder.endIndex}`;
    const e = byFn.get(k) ?? { fn: holder, ops: [] };
    e.ops.push(op);
    byFn.set(k, e);
  }
  let total = 0;
  for (const { fn, ops: fnOps } of byFn.values()) {
    const g2 = pkg.cfgOf(fn);
    const nodes = new Set(fnOps.map((o) => g2.nodeOf(o.via && !sameNode(enclosingFunction(o.via), g.owner) ? o.via : o.node)?.id).filter((x): x is number => x !== undefined));
    total += maxOpsPerRun(pkg, fn, (n) => nodes.has(n.id) || (n.kind === 'range' && fnOps.some((o) => o.kind === 'range' && o.node.startIndex === n.ast?.startIndex)));
  }
  return total;
}

/** Multiplies a per-goroutine count by the number of goroutines. */
export function times(count: Count, perRun: number): Count {
  if (perRun === Infinity) return { kind: 'many' };
  if (perRun === 0) return { kind: 'const', n: 0 };
  if (count.kind === 'const') return { kind: 'const', n: count.n * perRun };
  if (perRun === 1) return count;
  return { kind: 'many' };
}

/** Adds two counts: constants add up, anything else is "many". */
export function plus(a: Count, b: Count): Count {
  if (a.kind === 'const' && b.kind === 'const') return { kind: 'const', n: a.n + b.n };
  if (a.kind === 'const' && a.n === 0) return b;
  if (b.kind === 'const' && b.n === 0) return a;
  return { kind: 'many' };
}

/** The `go` statements whose goroutines send on the channel. */
export function senders(use: ChannelUse): Node[] {
  const out: Node[] = [];
  for (const p of use.placed) if (p.where === 'goroutine' && p.op.kind === 'send' && p.stmt && !out.some((s) => sameNode(s, p.stmt))) out.push(p.stmt);
  return out;
}

export function sameCount(a: Count, b: Count): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'const' && b.kind === 'const') return a.n === b.n;
  if (a.kind === 'len' && b.kind === 'len') return a.of === b.of;
  if (a.kind === 'var' && b.kind === 'var') return a.name === b.name;
  return false;
}

/**
 * Values the owner must still take (or provide) beyond the buffer: 0 when
 * the capacity provably covers `total`, Infinity when the total is unbounded,
 * null when the capacity is an expression we cannot compare (stay silent).
 */
export function uncovered(capacity: Count, total: Count): number | null {
  if (capacity.kind === 'unknown') return null;
  if (capacity.kind === 'const') {
    if (total.kind === 'const') return Math.max(0, total.n - capacity.n);
    return capacity.n === 0 ? Infinity : Infinity;
  }
  // len(xs) or n against the same bound covers one value per goroutine.
  if (sameCount(capacity, total)) return 0;
  if (total.kind === 'const' && total.n <= 1 && (capacity.kind === 'len' || capacity.kind === 'var')) return null; // len(xs) may be 0; cannot tell
  return null;
}

export interface OwnerShortfall {
  /** Nodes from the `go` statement to the exit. */
  path: CfgNode[];
  /** Matching operations the owner performs on that path. */
  performed: number;
  /** The statement at which the owner leaves (a return), or null when it falls off the end. */
  exitStmt: Node | null;
}

/**
 * Is there a path from the `go` statement to the owner's normal exit on which
 * the owner performs fewer than `needed` of the operations in `matching`? A
 * matching operation inside a loop that runs once per goroutine (`countLoop`)
 * and completes normally covers all of them, as does `for range c` ending.
 * Deferred matching operations registered before the `go` cover every exit.
 */
export function ownerShortfall(
  pkg: PackageSemantics, owner: Node, goStmt: Node, matching: PlacedOp[], needed: number, goroutineCount: Count,
  drainsAll: (op: ChanOp) => boolean,
): OwnerShortfall | null {
  if (needed <= 0) return null;
  const g = pkg.cfgOf(owner);
  const start = g.nodeOf(goStmt);
  if (!start) return null;
  const deferredIds = new Set<number>();
  const weight = new Map<number, number>();
  for (const m of matching) {
    if (m.where !== 'owner' || !m.stmt) continue;
    const node = g.nodeOf(m.stmt);
    if (!node) continue;
    if (m.deferred) { deferredIds.add(node.id); weight.set(node.id, Infinity); continue; }
    let w = drainsAll(m.op) ? Infinity : 1;
    if (w === 1) {
      // A receive (send) inside a loop bounded like the spawn loop completes them all when the loop ends normally.
      const loop = enclosingLoopWithin(m.stmt, owner);
      if (loop && goroutineCount.kind !== 'const' && sameCount(loopCount(pkg, loop), goroutineCount)) {
        const done = g.nodes.find((n) => n.kind === 'loopDone' && n.loop && sameNode(n.loop, loop));
        if (done) weight.set(done.id, Infinity);
      }
    }
    if (m.op.kind === 'range') {
      const done = g.nodes.find((n) => n.kind === 'loopDone' && n.loop && sameNode(n.loop, m.stmt!.type === 'for_statement' ? m.stmt : m.op.node.parent));
      if (done) weight.set(done.id, Infinity);
      w = 1;
    }
    weight.set(node.id, Math.max(weight.get(node.id) ?? 0, w));
  }
  // A deferred drain registered on every path to the `go` statement covers every exit.
  if (deferredIds.size && g.pathTo(g.entry, start, (n) => deferredIds.has(n.id)) === null) return null;
  const best = g.cheapestPathToExit(start, (n) => weight.get(n.id) ?? 0);
  if (!best || best.cost >= needed) return null;
  const beforeExit = best.path[best.path.length - 2];
  const exitStmt = beforeExit?.ast && beforeExit.ast.type === 'return_statement' ? beforeExit.ast : null;
  return { path: best.path, performed: best.cost, exitStmt };
}


function enclosingLoopWithin(n: Node, owner: Node): Node | null {
  let cur = n.parent;
  while (cur && !sameNode(cur, owner)) {
    if (cur.type === 'for_statement') return cur;
    if (cur.type === 'func_literal') return null;
    cur = cur.parent;
  }
  return null;
}

/** The line at which an owner leaves along a shortfall path: the return, or the closing brace. */
export function exitLine(owner: Node, s: OwnerShortfall): number {
  if (s.exitStmt) return lineOf(s.exitStmt);
  return owner.endPosition.row + 1;
}

/**
 * Whether a send is the last channel operation its goroutine's function can
 * perform: buffering it then changes nothing the goroutine waits for after.
 * A send used as a handshake (followed by a receive) must stay unbuffered.
 */
export function isLastChannelOp(pkg: PackageSemantics, fn: Node, opNode: Node): boolean {
  const g = pkg.cfgOf(fn);
  const n = g.nodeOf(opNode);
  if (!n) return false;
  const file = pkg.fileOf(fn);
  const chanOps = [
    ...pkg.nodesOfType(file, 'send_statement'),
    ...pkg.nodesOfType(file, 'unary_expression').filter((u) => u.child(0)?.type === '<-'),
  ].filter((o) => o.startIndex >= fn.startIndex && o.endIndex <= fn.endIndex);
  for (const id of g.reachableFrom(n)) {
    if (id === n.id) return false; // the send repeats
    const m = g.nodes[id]!;
    if (m.kind === 'range' || m.kind === 'select') return false;
    const ast = m.ast;
    if (ast && chanOps.some((o) => o.startIndex >= ast.startIndex && o.endIndex <= ast.endIndex)) return false;
  }
  return true;
}

export { channelsMadeIn, opsOnBinding };
