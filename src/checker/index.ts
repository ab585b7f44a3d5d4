// The leak checker as the channel rules see it: every group of goroutines of
// a package explored once (memoised per package), and each blocked channel
// operation with the schedule that leads to it.
//
// A group is rooted at a function that starts goroutines: it runs with its
// parameters and receiver unknown, inlining the package-local functions and
// methods it and its goroutines call, so channels are followed through
// arguments, results, closures and struct fields of the objects it makes.
import { collectIfGrown } from '../engine/heap.js';
import type { Node } from '../semantics/syntax.js';
import { functionName, lineOf, selectorParts, unparen } from '../semantics/syntax.js';
import type { PackageSemantics } from '../semantics/package.js';
import { isProgramLifetime } from '../semantics/leaks.js';
import { returnsChannel, returnsChannelHolder } from '../semantics/channels.js';
import { endMayWait, endsOnEveryPath } from '../semantics/obligation.js';
import { isEndName } from '../semantics/lifecycle.js';
import { CHANNEL_MADE, DO_CALL, ExprTooDeep, LOCK_CALL, Machine, SYNC_WAIT } from './machine.js';
import { channelOperand, explore, porStats, traceWrite, stepHistogram, branchHistogram, MAX_TOTAL_STEPS, type BoundKind, type Leak } from './explore.js';

export interface WitnessStep {
  /** The goroutine that acts (its threadFlow). */
  thread: string;
  node: Node;
  message: string;
}

export interface LeakReport extends Leak {
  /** The function the group was explored from. */
  rootFn: Node;
  op: Node;
  goStmt: Node | null;
  makeNodes: Node[];
  steps: WitnessStep[];
}

export interface CheckerResult {
  leaks: LeakReport[];
  /** Groups explored, and how many reached a bound (their schedules past it are not explored). */
  groups: number;
  bounded: number;
  /** The bounded groups by the bound each reached. */
  boundedBy: Record<BoundKind, number>;
  states: number;
  /** Local steps taken, all groups together (the work the bounds count). */
  steps: number;
  /** Each group explored, in order: what `debug check` lists, to tell which functions the search covered whole. */
  runs: GroupRun[];
}

/** One group's search: its root function, the states and local steps it took, and the bound that stopped it, if one did. */
export interface GroupRun {
  root: Node;
  states: number;
  steps: number;
  bound?: BoundKind;
}

const results = new WeakMap<PackageSemantics, CheckerResult>();
/** Packages whose goroutines waiting on locks, WaitGroups and Conds a rule asked about (sync-leak). */
const syncWanted = new WeakSet<PackageSemantics>();

/**
 * Asks the checker to explore, besides the groups that make channels, those
 * that only lock, wait on a WaitGroup or on a Cond: sync-leak calls it when
 * it is created for a package's file, before any rule's visitor asks for the
 * result, so one exploration serves every rule.
 */
export function wantSyncLeaks(pkg: PackageSemantics): void {
  if (syncWanted.has(pkg)) return;
  syncWanted.add(pkg);
  results.delete(pkg);
}

export function checkPackage(pkg: PackageSemantics): CheckerResult {
  let r = results.get(pkg);
  if (!r) {
    r = run(pkg);
    results.set(pkg, r);
  }
  return r;
}

/** Stats of a package's checker run, if a rule asked for it. */
export function checkerStats(pkg: PackageSemantics): CheckerResult | undefined {
  return results.get(pkg);
}

/** Functions that start goroutines, in source order; goroutines of `main`/`init` live for the program. */
export function groupRoots(pkg: PackageSemantics): Node[] {
  return findRoots(pkg).roots;
}

/**
 * The group roots; the callers rooted for sync-leak alone; the functions that
 * reach a `go` statement through package-local calls (by declKey).
 */
function findRoots(pkg: PackageSemantics): { roots: Node[]; syncRoots: Node[]; starts: Set<string>; holderOnly: Set<string>; endingOnly: Set<string> } {
  const roots: Node[] = [];
  const seen = new Set<string>();
  const starting = goStarts(pkg);
  for (const node of starting) {
    const top = pkg.topLevelDecl(node);
    if (!top || (top.type !== 'function_declaration' && top.type !== 'method_declaration')) continue;
    const k = declKey(pkg, top);
    if (seen.has(k)) continue;
    seen.add(k);
    if (isProgramLifetime(pkg, top)) continue;
    roots.push(top);
  }
  const callers = callerRoots(pkg, roots, starting);
  return { roots: [...roots, ...callers.roots], syncRoots: callers.syncRoots, starts: callers.starts, holderOnly: callers.holderOnly, endingOnly: callers.endingOnly };
}

/**
 * Functions that start goroutines only through package-local calls
 * (`TestX` calling `s.Start()` which has the `go`) and make a channel
 * there, or call a function that starts none and makes one.
 */
function callerRoots(pkg: PackageSemantics, direct: Node[], starting: Node[]): { roots: Node[]; syncRoots: Node[]; starts: Set<string>; holderOnly: Set<string>; endingOnly: Set<string> } {
  const key = (n: Node) => declKey(pkg, n);
  const decls = [...pkg.allNodesOfType('function_declaration'), ...pkg.allNodesOfType('method_declaration')].map((x) => x.node);
  const declName = (d: Node) => d.childForFieldName('name')?.text ?? '';
  // Resolving a call is what costs (etcd: 3.4 of 21 s when every call was): a call can only
  // invoke a declaration of the name it calls, so only calls of the names asked about are.
  const callsByName = new Map<string, { call: Node; from: Node }[]>();
  for (const { node: call } of pkg.allNodesOfType('call_expression')) {
    const from = pkg.topLevelDecl(call);
    if (!from || (from.type !== 'function_declaration' && from.type !== 'method_declaration')) continue;
    const fn = call.childForFieldName('function');
    const f = fn ? unparen(fn) : null;
    const name = f?.type === 'identifier' ? f.text : f?.type === 'selector_expression' ? f.childForFieldName('field')?.text ?? '' : '*';
    let list = callsByName.get(name);
    if (!list) callsByName.set(name, (list = []));
    list.push({ call, from });
  }
  const resolved = new Map<Node, Node | null>();
  const callee = (call: Node) => { let c = resolved.get(call); if (c === undefined) { c = pkg.calleeDecl(call); resolved.set(call, c); } return c; };
  /** The package-local callers of the declarations named in `names` that call them: [caller, callee]. */
  const callersOf = (names: Set<string>) => {
    const out: [Node, Node][] = [];
    for (const name of [...names, '*']) {
      for (const { call, from } of callsByName.get(name) ?? []) {
        const c = callee(call);
        if (c) out.push([from, c]);
      }
    }
    return out;
  };
  const starts = new Set(direct.map(key));
  for (const node of starting) { const t = pkg.topLevelDecl(node); if (t) starts.add(key(t)); }
  const byKey = new Map(decls.map((d) => [key(d), d]));
  // Functions that reach a `go` through package-local calls: to a fixpoint, asking at each
  // round only about the calls of the names that joined.
  let names = new Set([...starts].map((k) => byKey.get(k)).filter((d): d is Node => !!d).map(declName));
  while (names.size) {
    const next = new Set<string>();
    for (const [from, c] of callersOf(names)) {
      if (!starts.has(key(c))) continue;
      // Its name is asked about again: another declaration of that name may have joined.
      if (!starts.has(key(from))) { starts.add(key(from)); next.add(declName(from)); }
    }
    names = next;
  }
  // A caller is worth its own group only when a channel comes from above the goroutines: it, or a
  // function it calls that starts none, makes one. Otherwise the starting function's own group
  // already holds every channel (and a caller would cost a second exploration of it). It is
  // the caller that makes the channel, not the top of its chain: a call handed nothing of a
  // group is stepped over, so a test that calls a helper without arguments would explore
  // nothing. (Counting a lock taken above as well, for sync-leak, found one more GoKer kernel
  // but tripled minio's groups.)
  const fromAbove = (n: Node) => CHANNEL_MADE.test(n.text);
  const have = new Set(direct.map(key));
  const makers = new Set(decls.filter((d) => !starts.has(key(d)) && fromAbove(d)).map(declName));
  const above = new Set(callersOf(makers).filter(([, c]) => !starts.has(key(c)) && fromAbove(c)).map(([from]) => key(from)));
  const callers = decls.filter((d) => starts.has(key(d)) && !have.has(key(d)) && !isProgramLifetime(pkg, d));
  // A caller handed a channel by a function that starts its goroutines (a generator,
  // `for v := range gen()`) holds the other end: it may leave before the senders do.
  const generators = new Set(decls.filter((d) => starts.has(key(d)) && returnsChannel(d)).map(declName));
  const consumers = new Set(callersOf(generators).filter(([, c]) => starts.has(key(c)) && returnsChannel(c)).map(([from]) => key(from)));
  // So does a caller handed an object whose goroutines wait on its channel fields
  // (`w, err := openWAL(dir); if err != nil { return err }`): it may leave without the
  // Close that ends them. Every test of such a type is one, so these get a smaller budget.
  // A caller that ends each object it builds on every path (`w := newWAL(); defer w.Close()`)
  // has met that obligation, as go vet's lostcancel takes `defer cancel()` (endsOnEveryPath).
  // Its end may still hang when it waits (endMayWait): on the goroutine it stops, which needs a
  // lock the end holds to get there. Such a caller is rooted for that end alone (endingOnly).
  // A builder that registers the end itself (`t.Cleanup(func() { db.Close() })`) hands none.
  const holds = (d: Node) => starts.has(key(d)) && returnsChannelHolder(pkg, d) && !/\.Cleanup\(/.test(d.text);
  const builders = new Set(decls.filter(holds).map(declName));
  const holders = new Set<string>();
  const endingOnly = new Set<string>();
  const endWaits = new Map<string, boolean>();
  const mayWait = (c: Node) => { let w = endWaits.get(key(c)); if (w === undefined) endWaits.set(key(c), (w = endMayWait(pkg, c))); return w; };
  for (const name of builders) {
    for (const { call, from } of callsByName.get(name) ?? []) {
      const c = callee(call);
      if (!c || !holds(c)) continue;
      if (!endsOnEveryPath(pkg, call, c)) { holders.add(key(from)); endingOnly.delete(key(from)); }
      else if (mayWait(c) && !holders.has(key(from))) { holders.add(key(from)); endingOnly.add(key(from)); }
    }
  }
  const roots = callers.filter((d) => fromAbove(d) || above.has(key(d)) || consumers.has(key(d)) || holders.has(key(d)));
  const holderOnly = new Set(roots.filter((d) => !fromAbove(d) && !above.has(key(d)) && !consumers.has(key(d))).map(key));
  // For sync-leak, the same for a condition variable or WaitGroup made above the goroutines that
  // wait on it or count on it (`p := &Plugin{cond: sync.NewCond(&mu)}; testActive(p)`): both are
  // rarer than locks, which a caller taking one would make every caller of a locking method.
  const chosen = new Set(roots);
  const syncRoots = callers.filter((d) => !chosen.has(d) && /\bsync\.(?:NewCond\(|WaitGroup\b)/.test(d.text));
  // A caller rooted for nothing but an end that may wait (and not also for a channel of its own).
  return { roots, syncRoots, starts, holderOnly, endingOnly: new Set([...endingOnly].filter((k) => holderOnly.has(k))) };
}

/**
 * What starts a goroutine: a `go` statement, and a call of a `Go` method
 * handed a function (`wg.Go(f)` of Go 1.25's WaitGroup; read from the text,
 * so an errgroup's `g.Go` roots a group too, where the model takes it as
 * outside code: its Wait returns the goroutines' first error, which the model
 * does not follow).
 */
function goStarts(pkg: PackageSemantics): Node[] {
  const out = pkg.allNodesOfType('go_statement').map((x) => x.node);
  for (const { node } of pkg.allNodesOfType('call_expression')) {
    const f = unparen(node.childForFieldName('function')!);
    if (f.type === 'selector_expression' && f.childForFieldName('field')?.text === 'Go' && (node.childForFieldName('arguments')?.namedChildCount ?? 0) === 1) out.push(node);
  }
  return out;
}

/** Where a declaration is, as the root sets key it: file index and offset. */
function declKey(pkg: PackageSemantics, n: Node): string {
  return `${pkg.files.indexOf(pkg.fileOf(n))}:${n.startIndex}`;
}

/**
 * Functions that start no goroutine, take a lock, and further on may take it
 * again: lock the same mutex, or call a package-local function that locks
 * (through an interface: any method of the package by that name) on the
 * object that holds it (`c.mu.Lock(); c.bump()`, `le.cp(ctx)`, `notify(c)`;
 * any call, for a package-level mutex). Go's mutexes are not reentrant: a
 * goroutine that locks a mutex it holds waits forever, whoever called it, so
 * such a function is explored on its own, its receiver and parameters from
 * outside. So is a function that takes the lock again through two calls
 * (locksAgainThroughCalls), whether or not its calls start goroutines. The
 * text only chooses where to look; the search decides.
 *
 * So is a function that calls Do with a function that calls, through
 * package code, Do again (`s.once.Do(func() { s.lookup(k) })`, and lookup
 * loads through the same Once): Do waits for its function to return, so a
 * goroutine that reaches the same Once's Do from inside it waits forever.
 */
function relockRoots(pkg: PackageSemantics, m: Machine, skip: Set<string>, roots: Set<string>): Node[] {
  // fmt and log call an operand's String or Error method (see Machine.formatOperands).
  const stringLocks = ['String', 'Error'].some((n) => (pkg.methodsByName.get(n) ?? []).some((d) => m.locks(m.fnOf(d))));
  const locking = (call: Node) => {
    const callee = pkg.calleeDecl(call);
    if (callee) return m.locks(m.fnOf(callee));
    const sel = selectorParts(unparen(call.childForFieldName('function')!));
    const path = sel ? pkg.importPathOf(sel.operand) : null;
    if (path === 'fmt' || path === 'log') return stringLocks;
    return m.anyMethod(call, (g) => m.locks(g));
  };
  const out: Node[] = [];
  const returnsLocked = new Map<Node, boolean>();
  const decls = [...pkg.allNodesOfType('function_declaration'), ...pkg.allNodesOfType('method_declaration')].map((x) => x.node);
  // Only a call of a name some function that locks has can return holding a lock: the others are not resolved.
  const lockingNames = new Set(decls.filter((d) => LOCK_CALL.test(d.childForFieldName('body')?.text ?? '')).map((d) => d.childForFieldName('name')?.text ?? ''));
  for (const d of decls) {
    const body = d.childForFieldName('body');
    if (!body || roots.has(declKey(pkg, d)) || isProgramLifetime(pkg, d)) continue;
    if (DO_CALL.test(body.text) && doesAgain(pkg, m, body)) { out.push(d); continue; }
    if (!LOCK_CALL.test(body.text) || skip.has(declKey(pkg, d))) {
      if (locksAgainThroughCalls(pkg, body, lockingNames, returnsLocked)) out.push(d);
      continue;
    }
    const calls = body.descendantsOfType('call_expression');
    const assigns = body.descendantsOfType(['short_var_declaration', 'assignment_statement']);
    const again = calls.some((lock) => {
      if (!isLockCall(lock)) return false;
      const holder = rootIdent(unparen(lock.childForFieldName('function')!).childForFieldName('operand')!);
      if (!holder) return false;
      const global = pkg.resolve(holder)?.fn === null;
      // The holder under other names: variables assigned from expressions that mention it (`a := &api{c: c}`).
      const names = new Set([holder.text]);
      for (const a of assigns) {
        if (a.startIndex < lock.endIndex) continue;
        if (a.childForFieldName('right')?.descendantsOfType('identifier').some((i) => names.has(i.text))) {
          for (const l of a.childForFieldName('left')?.namedChildren ?? []) { const r = rootIdent(l); if (r) names.add(r.text); }
        }
      }
      return calls.some((call) => {
        if (call.startIndex < lock.endIndex) return false;
        const touches = global || [call.childForFieldName('function')!, ...(call.childForFieldName('arguments')?.namedChildren ?? [])].some((x) => names.has(rootIdent(x)?.text ?? ''));
        return touches && (isLockCall(call) || locking(call));
      });
    });
    if (again) out.push(d);
  }
  return out;
}

/** A call `x.Do(f)` in `body` whose function `f` (a literal, or a package function) calls package code that calls Do. */
function doesAgain(pkg: PackageSemantics, m: Machine, body: Node): boolean {
  return body.descendantsOfType('call_expression').some((call) => {
    const f = unparen(call.childForFieldName('function')!);
    if (f.type !== 'selector_expression' || f.childForFieldName('field')?.text !== 'Do') return false;
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.length !== 1) return false;
    const fn = unparen(args[0]!);
    // A method value (`once.Do(s.load)`): any method of the package by that name.
    if (fn.type === 'selector_expression') return (pkg.methodsByName.get(fn.childForFieldName('field')?.text ?? '') ?? []).some((d) => m.callsDo(m.fnOf(d)));
    if (fn.type !== 'func_literal') return false;
    return fn.descendantsOfType('call_expression').some((c) => { const callee = pkg.calleeDecl(c); return callee ? m.callsDo(m.fnOf(callee)) : m.anyMethod(c, (g) => m.callsDo(g)); });
  });
}

/**
 * A function whose body takes no lock itself but calls, on one variable,
 * package code that may return holding a lock (mayReturnLocked) and then
 * code that locks, or the same call again in a loop (`for i := 0; i < 3;
 * i++ { te.srv.GracefulStop() }`): the second call may wait on the lock the
 * first left held. Such a function may start goroutines through its calls;
 * it is explored as a group of its own all the same.
 */
function locksAgainThroughCalls(pkg: PackageSemantics, body: Node, lockingNames: Set<string>, memo: Map<Node, boolean>): boolean {
  const calls = body.descendantsOfType('call_expression').filter((call) => {
    const f = unparen(call.childForFieldName('function')!);
    return lockingNames.has(f.type === 'selector_expression' ? f.childForFieldName('field')?.text ?? '' : f.text);
  });
  const holderOf = (call: Node): string | null => {
    const f = unparen(call.childForFieldName('function')!);
    const r = f.type === 'selector_expression' ? rootIdent(f.childForFieldName('operand')!) : null;
    return r?.text ?? null;
  };
  return calls.some((first) => {
    const g = pkg.calleeDecl(first);
    if (!g) return false;
    let locked = memo.get(g);
    if (locked === undefined) { locked = mayReturnLocked(pkg, g); memo.set(g, locked); }
    const holder = locked ? holderOf(first) : null;
    if (!holder) return false;
    if (insideLoop(first, body)) return true;
    return calls.some((second) => second.startIndex > first.endIndex && holderOf(second) === holder && !!pkg.calleeDecl(second) && LOCK_CALL.test(pkg.calleeDecl(second)!.text));
  });
}

/**
 * Whether a function can return holding a lock it took: from a statement
 * that locks a holder (`s.mu.Lock()`) its control-flow graph reaches the
 * return on a path through no statement that unlocks it, and no unlock of it
 * is deferred. A lock helper does so by design, and a method that forgets an
 * unlock on one path by mistake; the search of its caller tells them apart.
 */
function mayReturnLocked(pkg: PackageSemantics, d: Node): boolean {
  const body = d.childForFieldName('body');
  if (!body || !LOCK_CALL.test(body.text)) return false;
  const g = pkg.cfgOf(d);
  return g.nodes.some((n) => {
    const call = n.kind === 'stmt' && n.ast?.type === 'expression_statement' ? unparen(n.ast.namedChild(0)!) : null;
    if (!call || call.type !== 'call_expression' || !isLockCall(call)) return false;
    const f = unparen(call.childForFieldName('function')!);
    const holder = f.childForFieldName('operand')!.text;
    const unlock = `${holder}.${f.childForFieldName('field')!.text === 'RLock' ? 'RUnlock' : 'Unlock'}(`;
    if (body.text.includes(`defer ${unlock}`)) return false;
    return !!g.pathToExit(n, (m) => !!m.ast?.text.includes(unlock));
  });
}

/** Whether a node lies in a loop of the function body `body` (not in a closure within it). */
function insideLoop(n: Node, body: Node): boolean {
  for (let p = n.parent; p && p.startIndex >= body.startIndex && p !== body; p = p.parent) {
    if (p.type === 'func_literal') return false;
    if (p.type === 'for_statement') return true;
  }
  return false;
}

/** The variable an expression starts from: `c` of `c.mu`, `c.sub.f()`, `&c.x`, `(*c).y`. */
function rootIdent(n: Node): Node | null {
  let x: Node | null = unparen(n);
  while (x && x.type !== 'identifier') {
    if (x.type === 'selector_expression') x = x.childForFieldName('operand');
    else if (x.type === 'call_expression') x = x.childForFieldName('function');
    else if (x.type === 'index_expression') x = x.childForFieldName('operand');
    else if (x.type === 'unary_expression') x = x.childForFieldName('operand');
    else if (x.type === 'parenthesized_expression') x = x.namedChild(0);
    else return null;
    if (x) x = unparen(x);
  }
  return x;
}

/** `x.Lock()`, `x.mu.RLock()`. */
function isLockCall(call: Node): boolean {
  const f = unparen(call.childForFieldName('function')!);
  if (f.type !== 'selector_expression') return false;
  const name = f.childForFieldName('field')?.text;
  return (name === 'Lock' || name === 'RLock') && (call.childForFieldName('arguments')?.namedChildCount ?? 0) === 0;
}

/** What sync-leak reports: a goroutine stuck on a lock, a WaitGroup or a Cond. */
const SYNC_KINDS = new Set<Leak['kind']>(['lock', 'rlock', 'wgwait', 'condwait', 'oncewait']);

function run(pkg: PackageSemantics): CheckerResult {
  const out: CheckerResult = { leaks: [], groups: 0, bounded: 0, boundedBy: { states: 0, steps: 0, settle: 0, goroutines: 0, depth: 0 }, states: 0, steps: 0, runs: [] };
  // Only channels made in the group (and, when asked, its locks, WaitGroups and Conds) can be proven stuck.
  const sync = syncWanted.has(pkg);
  if (!pkg.files.some((f) => /\bchan\b/.test(f.text) || (sync && SYNC_WAIT.test(f.text)))) return out;
  const m = new Machine(pkg);
  const bySite = new Set<number>();
  const trace = process.env['GOLINT_LEAKS_TRACE_GROUPS'];
  const { roots, syncRoots, starts, holderOnly, endingOnly } = findRoots(pkg);
  // Asked for locks: the callers that make a Cond or WaitGroup for the goroutines below, and a
  // function that starts no goroutine and takes a lock it may already hold, are groups of their own.
  const rootKeys = new Set(roots.map((r) => declKey(pkg, r)));
  const relock = new Set(sync ? relockRoots(pkg, m, new Set([...starts, ...rootKeys]), rootKeys) : []);
  const syncOnly = new Set([...(sync ? syncRoots : []), ...relock]);
  for (const root of [...roots, ...syncOnly]) {
    // The package an external test package tests is analysed from its own lint.
    if (pkg.fileOf(root).underTest) continue;
    const f = m.fnOf(root);
    const channels = m.makesChannel(f);
    if (!channels && !(sync && m.waitsOnSync(f))) continue;
    // A group explored for its locks alone follows the calls that may take them; one with channels
    // explores as the channel rules always have, so turning sync-leak on changes none of theirs
    // (and a group rooted for sync-leak reports only what sync-leak reports).
    m.trackLocks = !channels || syncOnly.has(root);
    const t0 = trace ? Date.now() : 0;
    let r;
    try {
      // A relock root is mostly one goroutine, with paths but few interleavings: a fifth of the
      // budget. So is a caller rooted only for the object a constructor handed it.
      r = explore(m, f, relock.has(root) || holderOnly.has(declKey(pkg, root)) ? MAX_TOTAL_STEPS / 5 : MAX_TOTAL_STEPS);
    } catch (e) {
      // Code nested thousands deep (generated, or fuzzed) is given up, as a group past the bound is.
      if (!(e instanceof ExprTooDeep)) throw e;
      r = { leaks: [], states: 0, steps: 0, bounded: true, bound: 'depth' as const };
    }
    if (trace) {
      traceWrite(`group ${m.fns[m.fnOf(root)]!.name}: ${r.states} states, ${r.steps} steps${r.bounded ? ' (bounded)' : ''}, ${Date.now() - t0} ms, reduced ${porStats.reduced} (cycles ${porStats.cycles})\n`);
      porStats.reduced = 0; porStats.cycles = 0;
      if (r.bounded) {
        const top = [...stepHistogram].sort((a, b) => b[1] - a[1]).slice(0, 6);
        traceWrite(`  steps at ${top.map(([k, n]) => `${k} ×${n}`).join(', ')}\n`);
        const br = [...branchHistogram].sort((a, b) => b[1] - a[1]).slice(0, 6);
        traceWrite(`  branches at ${br.map(([k, n]) => `${k} ×${n}`).join(', ')}\n`);
      }
      stepHistogram.clear();
      branchHistogram.clear();
    }
    // A search stopped at its bound leaves its states (often a hundred megabytes) as garbage.
    if (r.bounded) collectIfGrown();
    out.groups++;
    out.states += r.states;
    out.steps += r.steps;
    if (r.bounded) out.bounded++;
    if (r.bound) out.boundedBy[r.bound]++;
    out.runs.push(r.bound ? { root, states: r.states, steps: r.steps, bound: r.bound } : { root, states: r.states, steps: r.steps });
    for (const leak of r.leaks) {
      if (bySite.has(leak.opSite)) continue;
      if (syncOnly.has(root) && !SYNC_KINDS.has(leak.kind)) continue;
      // Rooted for the end it calls: only a hang inside that end (Close holds the lock the
      // goroutine it waits for needs), or one the end left behind once the caller has returned
      // (Close did not wake the goroutine it should stop). A hang elsewhere in the caller's code
      // (a read on a channel its constructor left nil on failure) is not the end's.
      if (endingOnly.has(declKey(pkg, root)) && !leak.rootReturned && !leak.rootStuckIn?.some((f) => isEndName(functionName(m.fns[f]!.node)))) continue;
      // `<-make(chan struct{})` blocks forever on purpose, as `select {}` does: nobody else can hold the channel.
      if (leak.chans.length === 1 && within(m.sites[leak.chans[0]!.site]!, m.sites[leak.opSite]!)) continue;
      bySite.add(leak.opSite);
      out.leaks.push({
        ...leak,
        rootFn: root,
        op: m.sites[leak.opSite]!,
        goStmt: leak.goSite >= 0 ? m.sites[leak.goSite]! : null,
        makeNodes: leak.chans.map((c) => m.sites[c.site]!),
        steps: leak.witness.map((e) => ({ thread: e.name, node: m.sites[e.site]!, message: `${e.name}: ${e.text}` })),
      });
    }
  }
  return out;
}

/** `1. lookup: makes ch (12)  2. ...`: a witness as one line, for tests and debugging. */
export function scheduleText(steps: WitnessStep[]): string {
  return steps.map((s, i) => `${i + 1}. ${s.message} (${lineOf(s.node)})`).join('  ');
}

/**
 * How the witness leaves the blocked goroutine alone, for messages: the
 * root's return (line and how many matching operations it did on the
 * channel before), or null when the root itself is blocked or still alive.
 */
export function partnerExit(leak: LeakReport): { owner: string; line: number; node: Node; matched: number } | null {
  if (leak.root) return null;
  const rootExit = leak.witness.findIndex((e) => e.root && / returns$/.test(e.text));
  if (rootExit < 0) return null;
  const names = new Set(leak.chans.map((c) => c.name));
  const verb = leak.kind === 'send' ? 'receives from ' : 'sends on ';
  let matched = 0;
  for (const e of leak.witness.slice(0, rootExit)) {
    if (!e.root) continue;
    const text = e.text.replace(/^select: /, '');
    if (text.startsWith(verb) && names.has(text.slice(verb.length))) matched++;
  }
  const step = leak.steps[rootExit]!;
  return { owner: leak.witness[rootExit]!.name, line: lineOf(step.node), node: step.node, matched };
}

/** Where a finding points: the blocked send or receive; for a select on several channels, the select. */
export function reportedNode(leak: LeakReport): Node {
  const n = leak.need;
  if (n.t === 'select' && n.cases.length === 1) {
    const comm = leak.op.namedChildren.find((c) => c.type === 'communication_case')?.childForFieldName('communication');
    if (comm) return comm.type === 'receive_statement' ? comm.childForFieldName('right') ?? comm : comm;
  }
  return leak.op;
}

/** What both channel rules report for a leak: who is stuck, on what, the schedule and the related places. */
export function leakEvidence(leak: LeakReport): {
  who: string; ch: string; exit: ReturnType<typeof partnerExit>;
  /** The goroutine waits on a nil channel (declared, never made): nothing can ever make it ready. */
  nil: boolean;
  steps: { node: Node; message: string; thread: string }[]; related: { node: Node; message: string }[];
} {
  const nil = leak.chans.length === 0 && !SYNC_KINDS.has(leak.kind);
  // On a nil channel no one is its partner: the goroutine is stuck whoever returns.
  const exit = nil ? null : partnerExit(leak);
  return {
    who: leak.goStmt ? `goroutine started at line ${lineOf(leak.goStmt)}` : leak.proc,
    ch: nil ? channelText(leak.op) : leak.chans.map((c) => c.name).join(' or '),
    exit,
    nil,
    steps: leak.steps.map((s) => ({ node: s.node, message: s.message, thread: s.thread })),
    related: [
      ...leak.makeNodes.map((n, i) => ({ node: n, message: `${leak.chans[i]!.name} is made here` })),
      ...(leak.goStmt ? [{ node: leak.goStmt, message: 'goroutine started here' }] : []),
      ...(exit ? [{ node: exit.node, message: `${exit.owner} returns here` }] : []),
    ],
  };
}

/** The channel expression of a send, receive or range (`ch` of `<-ch`), or the select for a select. */
function channelText(op: Node): string {
  const n = channelOperand(op);
  return n ? n.text.split('\n')[0]!.slice(0, 60) : 'every channel of the select';
}

function within(inner: Node, outer: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}
