// The questions every channel rule asks, answered once:
//  - what does the owner of a channel do with it after starting a goroutine;
//  - is there a path from the `go` statement to the owner's exit on which it
//    performs fewer matching operations than the goroutine needs;
//  - does the buffer cover the sends.
// Rules decide what counts as "matching" (receives for a sender, sends or a
// close for a receiver) and word the report; the path search lives here.
import type { Node } from './syntax.js';
import { enclosingFunction, lineOf, sameNode, unparen } from './syntax.js';
import type { Binding } from './scopes.js';
import type { PackageSemantics } from './package.js';
import type { CfgNode } from './cfg.js';
import { addCounts, blocksForever, channelsMadeIn, countText, opsOnBinding, type ChanOp, type Count, type MadeChannel } from './channels.js';
import { goroutineAt, loopCount, maxOpsPerRun, mulCounts, placeOp, type Goroutine } from './goroutines.js';

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

/**
 * Goroutines started from `main` or `init` of package main live as long as
 * the program: when main returns, everything ends, and a goroutine stuck
 * beside a running main is one goroutine, not a growing leak.
 */
export function isProgramLifetime(pkg: PackageSemantics, owner: Node): boolean {
  if (pkg.name !== 'main') return false;
  const top = pkg.topLevelDecl(owner);
  return top?.type === 'function_declaration' && ['main', 'init'].includes(top.childForFieldName('name')?.text ?? '');
}

/**
 * What both channel rules start from at a `go` statement: the goroutine, and
 * the channels its owner makes; null when nothing can be concluded (it runs
 * code we cannot see, or lives as long as the program).
 */
export function goroutineAndOwnedChannels(pkg: PackageSemantics, goStmt: Node): { g: Goroutine; uses: ChannelUse[] } | null {
  const g = goroutine(pkg, goStmt);
  if (g.kind === 'unknown' || isProgramLifetime(pkg, g.owner)) return null;
  return { g, uses: channelUses(pkg, g.owner) };
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
    const cfg = pkg.cfgOf(fn);
    const weights = new Map<number, number>();
    for (const o of fnOps) {
      const at = o.via && !sameNode(enclosingFunction(o.via), g.owner) ? o.via : o.node;
      const n = cfg.nodeOf(at);
      if (!n) continue;
      // In a loop with a constant bound (and no outer loop), it runs that many times; any other loop: unbounded.
      let w = 1;
      if (cfg.onCycle(n)) {
        const loop = enclosingLoopWithin(at, fn);
        const outer = loop ? enclosingLoopWithin(loop, fn) : null;
        const bound = loop && !outer ? loopCount(pkg, loop) : null;
        w = bound?.kind === 'const' ? bound.n : Infinity;
      }
      weights.set(n.id, Math.max(weights.get(n.id) ?? 0, w));
    }
    total += maxOpsPerRun(pkg, fn, (n) => weights.get(n.id) ?? 0);
  }
  return total;
}

/**
 * How many goroutines of this `go` statement share one value of the
 * channel: a channel made in the same loop body as the `go` is a new channel
 * per goroutine.
 */
export function spawnsPerChannel(pkg: PackageSemantics, g: Goroutine, use: ChannelUse): Count {
  const make = use.channel.make;
  // Only the loops around the `go` that do not also make a fresh channel each iteration multiply.
  let count: Count = { kind: 'const', n: 1 };
  let loops = 0;
  let cur = g.stmt.parent;
  while (cur && !sameNode(cur, g.owner) && cur.type !== 'func_literal') {
    if (cur.type === 'for_statement') {
      loops++;
      const body = cur.childForFieldName('body');
      if (body && make.startIndex >= body.startIndex && make.endIndex <= body.endIndex) break;
      count = mulCounts(count, loopCount(pkg, cur));
    }
    cur = cur.parent;
  }
  // No `for` around it: the goroutine facts know (a goto loop is "many", else one).
  return loops === 0 ? g.count : count;
}

/**
 * Whether two `go` statements of one owner can have values pending on the
 * channel at the same time: not when every path from one to the other
 * passes a receive of it (the first value was taken before the second
 * goroutine starts).
 */
export function concurrentSenders(pkg: PackageSemantics, owner: Node, a: Node, b: Node, receives: PlacedOp[]): boolean {
  const g = pkg.cfgOf(owner);
  const na = g.nodeOf(a);
  const nb = g.nodeOf(b);
  if (!na || !nb) return true;
  const recv = new Set(receives.filter((r) => r.where === 'owner' && r.stmt && !r.deferred).map((r) => g.nodeOf(r.stmt!)?.id).filter((x): x is number => x !== undefined));
  const reachAB = g.pathTo(na, nb, () => false);
  const reachBA = g.pathTo(nb, na, () => false);
  // On exclusive branches (if/else), only one of them runs.
  if (!reachAB && !reachBA) return false;
  if (g.onCycle(na) || g.onCycle(nb)) return true;
  // One runs strictly after the other with a receive in between.
  if (reachAB && !g.pathTo(na, nb, (n) => recv.has(n.id))) return false;
  if (reachBA && !g.pathTo(nb, na, (n) => recv.has(n.id))) return false;
  return true;
}

/** Multiplies a per-goroutine count by the number of goroutines. */
export function times(count: Count, perRun: number): Count {
  if (perRun === Infinity) return { kind: 'many' };
  if (perRun === 0) return { kind: 'const', n: 0 };
  if (count.kind === 'const') return { kind: 'const', n: count.n * perRun };
  if (perRun === 1) return count;
  return { kind: 'many' };
}

/** Adds two counts (symbolically, see addCounts); an unknown part makes the sum "many". */
export function plus(a: Count, b: Count): Count {
  const s = addCounts(a, b);
  return s.kind === 'unknown' ? { kind: 'many' } : s;
}

/** The `go` statements whose goroutines send on the channel. */
export function senders(use: ChannelUse): Node[] {
  const out: Node[] = [];
  for (const p of use.placed) if (p.where === 'goroutine' && p.op.kind === 'send' && p.stmt && !out.some((s) => sameNode(s, p.stmt))) out.push(p.stmt);
  return out;
}

export function sameCount(a: Count, b: Count): boolean {
  if (a.kind === 'many' || a.kind === 'unknown' || b.kind === 'many' || b.kind === 'unknown') return false;
  return countText(a) === countText(b);
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
 * the owner performs fewer than `needed` of the operations in `matching`?
 *
 * A matching operation inside a loop counts once per pass through the body,
 * and the loop completing normally (its `loopDone`, not a `break`) counts its
 * full bound: a constant, or every value when the bound is the same as the
 * number sent (`range xs` against one goroutine per element). `for range c`
 * ending drains everything. Deferred matching operations registered before
 * the `go` cover every exit. With `creditBefore` (a receiver's view), sends
 * or closes that happen on every path before the `go` count too: they sit in
 * the buffer, or closed the channel, before the goroutine looks.
 */
export function ownerShortfall(
  pkg: PackageSemantics, owner: Node, goStmt: Node, matching: PlacedOp[], needed: number, total: Count,
  drainsAll: (op: ChanOp) => boolean, creditBefore = false,
): OwnerShortfall | null {
  if (needed <= 0) return null;
  const g = pkg.cfgOf(owner);
  const start = g.nodeOf(goStmt);
  if (!start) return null;
  const deferredIds = new Set<number>();
  const weight = new Map<number, number>();
  const add = (id: number, w: number) => weight.set(id, Math.max(weight.get(id) ?? 0, w));
  for (const m of matching) {
    if (m.where !== 'owner' || !m.stmt) continue;
    const node = g.nodeOf(m.stmt);
    if (!node) continue;
    if (m.deferred) { deferredIds.add(node.id); add(node.id, Infinity); continue; }
    if (drainsAll(m.op)) { add(node.id, Infinity); continue; }
    add(node.id, 1);
    const loop = m.op.kind === 'range' ? m.op.node.parent : enclosingLoopWithin(m.stmt, owner);
    if (!loop || loop.type !== 'for_statement') continue;
    const done = g.nodes.find((n) => n.kind === 'loopDone' && n.loop && sameNode(n.loop, loop));
    if (!done) continue;
    if (m.op.kind === 'range') { add(done.id, Infinity); continue; }
    const bound = loopCount(pkg, loop);
    if (bound.kind === 'const') add(done.id, bound.n);
    else if (sameCount(bound, total)) add(done.id, Infinity);
  }
  // A deferred drain registered on every path to the `go` statement covers every exit.
  if (deferredIds.size && g.pathTo(g.entry, start, (n) => deferredIds.has(n.id)) === null) return null;
  let before = 0;
  if (creditBefore) {
    const goLoop = enclosingLoopWithin(goStmt, owner);
    for (const [id, w] of weight) {
      if (id === start.id || deferredIds.has(id)) continue;
      if (g.pathTo(g.entry, start, (n) => n.id === id) !== null) continue;
      // On every path to the `go`, and in the same loop iteration: it precedes every goroutine started there.
      const ast = g.nodes[id]!.ast;
      const sameIteration = !!ast && sameNode(enclosingLoopWithin(ast, owner), goLoop);
      before += sameIteration ? Infinity : w;
    }
    if (before >= needed) return null;
  }
  const best = g.cheapestPathToExit(start, (n) => weight.get(n.id) ?? 0);
  if (!best || before + best.cost >= needed) return null;
  if (requiresObservedClose(pkg, best.path, matching)) return null;
  const beforeExit = best.path[best.path.length - 2];
  const exitStmt = beforeExit?.ast && beforeExit.ast.type === 'return_statement' ? beforeExit.ast : null;
  return { path: best.path, performed: before + best.cost, exitStmt };
}

/**
 * Whether the path leaves through the true branch of a condition that can
 * only hold once a comma-ok receive on the channel has seen it closed:
 * `if !ok`, or `if doneA && doneB` where doneA was set to `!ok`. A sender
 * closes after its last send, so such a path cannot run while it is still
 * blocked (the drain-until-closed protocol). Only conjunctions count: with
 * `||` the exit could be taken without the close.
 */
function requiresObservedClose(pkg: PackageSemantics, path: CfgNode[], matching: PlacedOp[]): boolean {
  const closedMeans = new Set<Binding>(); // true when the channel is closed
  const openMeans = new Set<Binding>(); // the comma-ok `ok` itself: false when closed
  for (const m of matching) {
    const ok = commaOkBinding(pkg, m.op.node);
    if (!ok) continue;
    openMeans.add(ok);
    for (const ref of ok.refs) {
      const neg = ref.parent?.type === 'unary_expression' && ref.parent.child(0)?.type === '!' ? ref.parent : null;
      const list = neg?.parent;
      const stmt = list?.parent;
      if (list?.type !== 'expression_list' || (stmt?.type !== 'assignment_statement' && stmt?.type !== 'short_var_declaration')) continue;
      const i = list.namedChildren.findIndex((c) => c.startIndex === neg!.startIndex);
      const target = stmt.childForFieldName('left')?.namedChildren[i];
      const flag = target?.type === 'identifier' ? pkg.resolve(target) : null;
      if (flag && [flag.value, ...flag.assigns.map((a) => a.value)].every((v) => !v || v.text === 'false' || v.text === `!${ok.name}`)) closedMeans.add(flag);
    }
  }
  if (closedMeans.size === 0 && openMeans.size === 0) return false;
  const impliesClosed = (e: Node): boolean => {
    const x = unparen(e);
    if (x.type === 'binary_expression' && x.child(1)?.type === '&&') return impliesClosed(x.childForFieldName('left')!) || impliesClosed(x.childForFieldName('right')!);
    if (x.type === 'identifier') { const b = pkg.resolve(x); return !!b && closedMeans.has(b); }
    if (x.type === 'unary_expression' && x.child(0)?.type === '!') {
      const o = unparen(x.childForFieldName('operand')!);
      const b = o.type === 'identifier' ? pkg.resolve(o) : null;
      return !!b && openMeans.has(b);
    }
    return false;
  };
  for (let i = 0; i + 1 < path.length; i++) {
    const c = path[i]!;
    if (c.kind !== 'cond' || !c.ast || c.ast.parent?.type !== 'if_statement') continue;
    const consequence = c.ast.parent.childForFieldName('consequence');
    const next = path[i + 1]!.ast;
    const tookTrue = !!consequence && !!next && next.startIndex >= consequence.startIndex && next.endIndex <= consequence.endIndex;
    if (tookTrue && impliesClosed(c.ast)) return true;
  }
  return false;
}

/** The `ok` binding of `v, ok := <-c` / `case v, ok := <-c:` for the receive expression, or null. */
function commaOkBinding(pkg: PackageSemantics, recv: Node): Binding | null {
  if (recv.type !== 'unary_expression') return null;
  let list = recv.parent;
  let stmt: Node | null = null;
  if (list?.type === 'receive_statement') { stmt = list; list = stmt.childForFieldName('left'); }
  else if (list?.type === 'expression_list') { stmt = list.parent; list = stmt?.childForFieldName('left') ?? null; }
  if (!stmt || !list || list.namedChildCount !== 2) return null;
  const ok = list.namedChild(1);
  return ok?.type === 'identifier' ? pkg.resolve(ok) : null;
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

/** Where an owner leaves along a shortfall path: the return, or the closing brace when it falls off the end. */
export function exitNode(owner: Node, s: OwnerShortfall): Node {
  if (s.exitStmt) return s.exitStmt;
  const body = owner.childForFieldName('body');
  return body?.lastChild ?? owner;
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
