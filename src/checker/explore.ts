// The search: every schedule of a group's goroutines, one synchronisation at
// a time, breadth first in a fixed order, over canonical states.
//
// A state where no goroutine can synchronise with another any more (what is
// left is only what the outside world might do: a context's Done, a timer,
// a channel that escaped) is checked for leaks: a goroutine blocked on a
// channel made in the group is leaked when no goroutine that is still alive,
// or that the outside world can still wake, holds what it waits on. The path
// to that state is the witness.
//
// The search is bounded in states and in local steps, never in time, so two
// runs print the same findings. A group that reaches the bound still reports
// the leaks it saw: each is judged in one reachable state, by what the
// goroutines in that state can still do, so a schedule the search did not
// reach cannot make it wrong. The bound only costs the leaks it did not reach.
import { writeSync } from 'node:fs';
import { Machine, COND_TYPE, type Event } from './machine.js';
import { behaviourJson, canonicalOrder, cloneState, compact, digest, emptyState, pack, setLazyField, stateKey, unpack, NIL, UNBOUNDED, UNK, type Need, type Packed, type Proc, type State, type Val } from './state.js';
import type { Node } from '../semantics/syntax.js';

/** States explored per group before stopping (with the leaks seen so far). */
export const MAX_STATES = 2_000;
/** Steps one goroutine may take between two synchronisations before it counts as running forever. */
export const MAX_LOCAL_STEPS = 1_000;
/** Local steps of one settle (all the local paths between two states). */
export const MAX_SETTLE_STEPS = 2_000;
/** Goroutines a state may hold (finished ones included until the next compaction). */
export const MAX_PROCS = 64;
/** Local steps of one settle after which its branches are deduplicated. */
const DEDUPE_AFTER = 200;
/** Cells a state holds before a settle collects its garbage (a loop declaring a variable per iteration). */
const GC_CELLS = 256;
/** Local steps per group, all goroutines together. */
export const MAX_TOTAL_STEPS = 10_000;

const TRACE = !!process.env['GOLINT_LEAKS_TRACE_GROUPS'];
/**
 * Writes a trace line to stderr at once. A worker thread's process.stderr is
 * a stream the main thread drains, and what it still holds when the run ends
 * its workers is lost: traced over several threads, whole packages' groups
 * were missing from the output.
 */
export const traceWrite = (text: string): void => { writeSync(2, text); };
/** GOLINT_LEAKS_TRACE_PATHS: per long settle, how many paths it followed and how many met again; at a bound, how the pending ones differ. */
const TRACE_PATHS = !!process.env['GOLINT_LEAKS_TRACE_PATHS'];
/** GOLINT_LEAKS_TRACE_GROUPS=states: each state too, as where every goroutine waits. */
const TRACE_STATES = process.env['GOLINT_LEAKS_TRACE_GROUPS'] === 'states';
/** Debugging aid: every interleaving, without the partial-order reduction (to compare findings). */
const FULL_INTERLEAVING = !!process.env['GOLINT_LEAKS_FULL_INTERLEAVING'];
/** A select with default may poll before a parked partner arrived: its arrival is no synchronisation. */

interface Trail { ev: Event; prev: Trail | null }

/** With tracing on: states the partial-order reduction expanded partly, and those where it fell back to every move on a cycle. */
export const porStats = { reduced: 0, cycles: 0 };
/** With tracing on: local steps per function and line, to see where a bounded group spends them. */
export const stepHistogram = new Map<string, number>();
/** With tracing on: local branches per function, line and syntax (where a settle's paths multiply). */
export const branchHistogram = new Map<string, number>();
/** Counts goroutine `pid`'s next node in `h`: function and line, and with `syntax` what the node is. */
function traceAt(h: Map<string, number>, m: Machine, st: State, pid: number, syntax = false) {
  const fr = st.procs[pid]!.frames.at(-1);
  if (!fr) return;
  const fn = m.fns[fr.f]!;
  const node = fn.cfg.nodes[fr.pc]!.ast;
  const k = `${fn.name}:${node ? `${node.startPosition.row + 1}${syntax ? `:${node.parent?.type}/${node.type}` : ''}` : '?'}`;
  h.set(k, (h.get(k) ?? 0) + 1);
}
/** A state to explore, with its visited-set key once computed (each is computed once). */
interface Pending {
  st: State;
  trail: Trail | null;
  key?: string;
  /** The state this one was reached from, and this one's key with its loop counters left out (see counterCycle). */
  up?: Ancestor;
  shape?: string;
  /** What its successors keep of it (ancestorOf). */
  anc?: Ancestor;
  /** Its key with every integer left out (see countCycle). */
  ints?: string;
  /** The moves asleep here (see successors). */
  sleep?: Sleeper[];
  /** Preemptions on the way here: moves made while a goroutine of the move before could still move (see explore). */
  pre?: number;
  /** The goroutines the move that led here ran (their ids here). */
  last?: number[];
  /** Moves on the way here. */
  depth?: number;
  /** Its behaviourJson, kept from keyOf until it is packed. */
  json?: string;
  /** The state, packed while it waits in the queue (st is then unset). */
  packed?: Packed;
}
function keyOf(n: Pending): string {
  if (n.key === undefined) {
    n.json = behaviourJson(n.st);
    n.key = digest(n.json);
  }
  return n.key;
}

/**
 * What counterCycle needs of a state on the path to a pending one: its cells
 * and its shape, and the state itself only where loop counters make the shape
 * differ from its key. The whole state of every ancestor of every state
 * waiting would otherwise stay in memory as long as they wait.
 */
interface Ancestor { cells: Val[]; key: string; st?: State; shape?: string; up?: Ancestor; ints?: string }

function ancestorOf(m: Machine, p: Pending): Ancestor {
  if (!p.anc) {
    const a: Ancestor = { cells: p.st.cells, key: keyOf(p) };
    if (p.up) a.up = p.up;
    if (p.ints !== undefined) a.ints = p.ints;
    if (p.shape !== undefined) a.shape = p.shape;
    else if (counterCells(m, p.st).length) a.st = p.st;
    p.anc = a;
  }
  return p.anc;
}

export interface Leak {
  pid: number;
  proc: string;
  root: boolean;
  goSite: number;
  need: Need;
  /** The blocked operation (site). */
  opSite: number;
  kind: 'send' | 'recv' | 'range' | 'select' | SyncKind;
  /** For a sync wait: the primitive's expression (`c.mu`, `wg`). */
  prim?: string;
  /** For a Lock or RLock: the goroutine holds the mutex itself, for writing (Go's mutexes are not reentrant). */
  self?: boolean;
  /** The channels it waits on: name, make site, capacity, and whether it waits to send on or receive from each. */
  chans: { name: string; site: number; cap: number; dir: 'send' | 'recv' }[];
  /** Everything that happened, in order, ending with the block. */
  witness: Event[];
  /** When the group's root goroutine is stuck too: the functions on its stack (Machine.fns ids), outermost first. */
  rootStuckIn?: number[];
  /** Set when the group's root goroutine has returned. */
  rootReturned?: boolean;
}

/** Waits on a sync primitive: Mutex/RWMutex Lock, RWMutex RLock, WaitGroup.Wait, Cond.Wait, Once.Do. */
export type SyncKind = 'lock' | 'rlock' | 'wgwait' | 'condwait' | 'oncewait';

/**
 * Which bound stopped a group's search: the states explored, the local steps
 * of the whole group or of one settle (the paths between two
 * synchronisations), the goroutines one state holds, or an expression nested
 * too deep to evaluate.
 */
export type BoundKind = 'states' | 'steps' | 'settle' | 'goroutines' | 'depth';

interface Budget { steps: number; max: number; bounded: boolean; bound?: BoundKind }

export interface GroupResult {
  leaks: Leak[];
  states: number;
  /** Local steps taken. */
  steps: number;
  bounded: boolean;
  /** Set when bounded. */
  bound?: BoundKind;
}

/** One way a goroutine's wait can complete. */
interface Alt {
  dir: 'send' | 'recv' | 'other';
  ch: Val;
  v: Val;
  range: boolean;
  complete: (s: State, result: Val) => void;
  text: (m: Machine, s: State) => string;
  site: number;
}

interface Trans {
  env: boolean;
  /** The goroutine that acts, and for a handover on an unbuffered channel its partner. */
  by?: number;
  with?: number;
  apply: (s: State) => { run: number[]; events: Event[] } | null;
  /** With by and with, which move of theirs this is: the operation's site and what the move does there. */
  site: number;
  tag: string;
  /** What the move touches: the channels, mutexes, WaitGroups and Conds (reach's names), and the goroutines it changes. */
  objs: string[];
  who?: number[];
  /** Set once its settle is known to have touched what every goroutine shares (a sync.Once's first run). */
  shared?: boolean;
}

/** A move asleep in a state (see explore): who makes it, where, and how. */
interface Sleeper { by: number; with?: number; site: number; tag: string }

/** Explores the group rooted at `root`, within `maxSteps` local steps (all goroutines together). */
export function explore(m: Machine, root: number, maxSteps = MAX_TOTAL_STEPS): GroupResult {
  const init = emptyState();
  // The root's parameters are unknowns, each one value: a length or count chosen where the root
  // or a function it passes the value to reads it holds everywhere (one unknown, one value).
  const params = m.fns[root]!.params;
  const args: Val[] = [];
  for (let i = 0; i < params.length && !params[i]!.variadic; i++) args.push({ k: 'unk', s: i + 1 });
  m.spawn(init, { k: 'fn', f: root, env: null, recv: UNK }, args, -1, m.fns[root]!.name);
  const leaks = new Map<number, Leak>();
  const budget: Budget = { steps: 0, max: maxSteps, bounded: false };
  // Compaction leaves out the fields that hold what a first read of them gives (Machine.lazyField).
  setLazyField((o, f) => m.lazyField(o, f));
  let states: number;
  try {
    states = search(m, init, leaks, budget);
  } finally {
    setLazyField(null);
  }
  return { leaks: [...leaks.values()], states, steps: budget.steps, bounded: budget.bounded, ...(budget.bound ? { bound: budget.bound } : {}) };
}

/** The share of a group's step budget searched breadth first (explore). */
const BREADTH_SHARE = 0.4;

/**
 * Searches the schedules from `init`; returns the states expanded. Breadth
 * first for a share of the budget: a shallow schedule, whatever its
 * preemptions, comes before a deeper one, and each witness is a shortest one.
 * Most groups end there. Past it, the states waiting are taken fewest
 * preemptions first (breadth first among those with as many): a move that
 * interrupts a goroutine which could go on costs one; one made by a goroutine
 * the last move ran, or when none of them can move, costs none. Most
 * blocking bugs need a preemption or two (CHESS's finding), and one deep in a
 * run where each goroutine goes on until it blocks (the sixth write, the
 * second failed flush) is past what breadth first reaches within the bound.
 * Only the order changes: the search is the same, every state is still
 * reached in time, and a group it explores whole is not bounded.
 */
function search(m: Machine, init: State, leaks: Map<number, Leak>, budget: Budget): number {
  const queue = new RankQueue((n) => n.depth ?? 0);
  let reorderAt = Math.floor(budget.max * BREADTH_SHARE);
  for (const n of settle(m, init, [0], null, budget)) queue.push(n);
  // Each visited state, with the moves that were asleep in it when it was expanded.
  const visited = new Map<string, Sleeper[]>();
  let states = 0;
  for (let pending = queue.shift(); pending && !budget.bounded; pending = queue.shift()) {
    if (reorderAt >= 0 && budget.steps >= reorderAt) { queue.reorder((n) => n.pre ?? 0); reorderAt = -1; }
    const { st, trail } = pending;
    let key = keyOf(pending);
    let seen = visited.get(key);
    if (!seen && counterCycle(m, pending)) {
      key = pending.key = stateKey(st);
      seen = visited.get(key);
    }
    const sleep = pending.sleep ?? [];
    if (seen) {
      // Reached again with fewer moves asleep: those it slept through the first time, and sleeps
      // through no longer, are made now (with nothing asleep after them).
      const woken = seen.filter((u) => !sleep.some((z) => sameMove(z, u)));
      if (!woken.length) continue;
      visited.set(key, seen.filter((u) => sleep.some((z) => sameMove(z, u))));
      const all = transitions(m, st);
      const trans = all.filter((t) => woken.some((u) => isMove(t, u)));
      for (const n of successors(m, pending, trans, [], budget, lastCanMove(pending, all))) queue.push(n);
      continue;
    }
    visited.set(key, sleep);
    if (++states > MAX_STATES) { if (TRACE) traceWrite('  bound: states\n'); budget.bounded = true; budget.bound = 'states'; break; }
    if (TRACE && states % 500 === 0) traceWrite(`  ${states} states, ${budget.steps} steps\n`);
    // A goroutine about to send on or close a closed channel panics, and the panic ends the
    // program: nothing waits forever on this path, and nothing runs after it.
    if (st.procs.some((p) => !p.done && panics(st, p))) continue;
    const all = transitions(m, st);
    const twins = FULL_INTERLEAVING ? null : twinsOf(m, st);
    const trans = twins ? all.filter((t) => movesFor(t, twins)) : all;
    if (TRACE_STATES) traceWrite(`  state ${states}: ${st.procs.map((p) => `${p.name}${p.done ? ' done' : p.spin ? ' spins' : ''}@${p.need ? m.sites[p.need.site]!.startPosition.row + 1 : '-'}`).join(' ')}; ${trans.length} moves\n`);
    // A path that assumed a value for a package setting the model cannot compute proves nothing.
    if (!trans.some((t) => !t.env) && !st.assumed) {
      const before = leaks.size;
      checkLeaks(m, st, trail, leaks);
      if (TRACE && leaks.size > before) traceWrite(`  leak found at step ${budget.steps}, state ${states}\n`);
    }
    const asleep = FULL_INTERLEAVING ? [] : all.filter((t) => sleep.some((u) => isMove(t, u)));
    const going = lastCanMove(pending, all);
    const awake = (ts: Trans[]) => ts.filter((t) => !asleep.includes(t));
    // The reduction to one goroutine's moves holds when every one of them is made here: with
    // one asleep, the cycle check below would miss the state it leads back to.
    const private_ = FULL_INTERLEAVING ? null : privateMoves(st, trans);
    const mine = private_?.some((t) => asleep.includes(t)) ? null : private_;
    let next: Pending[];
    if (mine) {
      porStats.reduced++;
      next = successors(m, pending, awake(mine), asleep, budget, going);
      // A reduced step that comes back to a state already explored may be the same goroutine
      // going round a loop forever while the others wait for their turn: there, every
      // goroutine moves (so every cycle of the reduced search has a state that expands fully).
      if (next.some((n) => visited.has(keyOf(n)))) porStats.cycles++, next.push(...successors(m, pending, awake(trans.filter((t) => !mine.includes(t))), [...asleep, ...mine], budget, going));
    } else {
      next = successors(m, pending, awake(trans), asleep, budget, going);
    }
    for (const n of next) queue.push(n);
  }
  if (TRACE && budget.bounded) traceWrite(`  ${queue.size()} states waiting at the bound\n`);
  return states;
}

/** Whether a goroutine the move into `from` ran can move again there (so that another one moving preempts it). */
function lastCanMove(from: Pending, all: Trans[]): boolean {
  const last = from.last;
  return !!last?.length && all.some((t) => t.who!.some((p) => last.includes(p)));
}

/** States to expand: lowest rank first (a depth, a count of preemptions), first come first within a rank. */
class RankQueue {
  private readonly buckets: Pending[][] = [];
  private readonly heads: number[] = [];
  private low = 0;

  constructor(private rank: (n: Pending) => number) {}

  /** Ranks the states waiting, and those pushed from now on, by `rank`. */
  reorder(rank: (n: Pending) => number): void {
    const waiting: Pending[] = [];
    this.buckets.forEach((b, k) => { for (let i = this.heads[k]!; i < b.length; i++) waiting.push(b[i]!); });
    this.buckets.length = 0;
    this.heads.length = 0;
    this.low = 0;
    this.rank = rank;
    for (const n of waiting) this.place(n);
  }

  push(n: Pending): void {
    // Waiting, a state is its JSON (RankQueue.shift unpacks it): most of a bounded group's never leave.
    n.packed = pack(n.st, n.json ?? behaviourJson(n.st));
    n.key ??= digest(n.packed.json);
    n.json = undefined;
    (n as { st?: State }).st = undefined;
    this.place(n);
  }

  private place(n: Pending): void {
    const k = this.rank(n);
    while (this.buckets.length <= k) { this.buckets.push([]); this.heads.push(0); }
    this.buckets[k]!.push(n);
    if (k < this.low) this.low = k;
  }

  /** States waiting. */
  size(): number {
    let n = 0;
    this.buckets.forEach((b, k) => { n += b.length - this.heads[k]!; });
    return n;
  }

  shift(): Pending | undefined {
    for (; this.low < this.buckets.length; this.low++) {
      const b = this.buckets[this.low]!;
      const h = this.heads[this.low]!;
      if (h < b.length) {
        const n = b[h]!;
        // Expanded states are let go (the queue would otherwise hold every state of the group).
        (b as (Pending | undefined)[])[h] = undefined;
        this.heads[this.low] = h + 1;
        n.st = unpack(n.packed!);
        n.packed = undefined;
        return n;
      }
    }
    return undefined;
  }
}

/**
 * The states the moves `ts` lead to from `from`, each settled. Sleep sets
 * (Godefroid): a move independent of the one just made (another goroutine's,
 * on other channels, mutexes and WaitGroups) leads from the new state where
 * making it first and then this one led already, so it sleeps there, and in
 * the states after it until a move it depends on wakes it. `before` are the
 * moves already made from `from` (or asleep in it); a move sleeps after those
 * after it in `ts` too. On their own they reach every state (the settles
 * that only reached one again by another order of two independent moves are
 * not run); with privateMoves, every state where nothing inside the group can
 * move, the states checked for leaks (a few states on the way may be left out).
 * That rests on what privateMoves rests on: between two synchronisations a
 * goroutine touches nothing another one uses without synchronising. A move
 * whose settle ran a sync.Once (whose first caller wins) or that the outside
 * makes depends on every move.
 */
function successors(m: Machine, from: Pending, ts: Trans[], before: Trans[], budget: Budget, going = false): Pending[] {
  const next: Pending[] = [];
  const made = [...before];
  for (const t of ts) {
    const s2 = cloneState(from.st);
    for (const p of s2.procs) p.from = p.id;
    const onces = m.onceRuns;
    const r = t.apply(s2);
    if (!r) continue;
    // Whoever waited (any move but a select's default) has let time pass: its deadlines may come.
    if (t.tag !== 'dflt') for (const ch of s2.chans) if (ch.armed && t.who!.includes(ch.armed - 1)) delete ch.armed;
    let tr = from.trail;
    for (const e of r.events) tr = { ev: e, prev: tr };
    const settled = settle(m, s2, r.run, tr, budget);
    if (m.onceRuns !== onces) t.shared = true;
    const sleeps = FULL_INTERLEAVING ? [] : made.filter((u) => independent(u, t));
    // Moving another goroutine while one the last move ran could go on preempts it.
    const pre = (from.pre ?? 0) + (going && !t.who!.some((p) => from.last!.includes(p)) ? 1 : 0);
    const ran = new Set([...r.run, ...t.who!]);
    for (const n of settled) {
      n.up = ancestorOf(m, from);
      n.pre = pre;
      n.depth = (from.depth ?? 0) + 1;
      n.last = n.st.procs.filter((p) => p.from !== undefined && ran.has(p.from)).map((p) => p.id);
      if (sleeps.length) n.sleep = carried(sleeps, n.st);
      next.push(n);
    }
    made.push(t);
    if (budget.bounded) break;
  }
  return next;
}

/** Whether two moves commute and neither can take the other away: different goroutines, different primitives, neither the outside's. */
function independent(u: Trans, t: Trans): boolean {
  if (u.env || t.env || u.shared || t.shared) return false;
  if (u.who!.some((p) => t.who!.includes(p))) return false;
  return !u.objs.some((o) => t.objs.includes(o));
}

/** The moves `ts` (numbered in the state they were made from) as they stand in `st`, which numbers its goroutines anew. */
function carried(ts: Trans[], st: State): Sleeper[] {
  const id = new Map<number, number>();
  for (const p of st.procs) if (p.from !== undefined) id.set(p.from, p.id);
  const out: Sleeper[] = [];
  for (const t of ts) {
    const by = id.get(t.by!);
    const w = t.with === undefined ? undefined : id.get(t.with);
    if (by === undefined || (t.with !== undefined && w === undefined)) continue;
    out.push(w === undefined ? { by, site: t.site, tag: t.tag } : { by, with: w, site: t.site, tag: t.tag });
  }
  return out;
}

const sameMove = (a: Sleeper, b: Sleeper) => a.by === b.by && a.with === b.with && a.site === b.site && a.tag === b.tag;
const isMove = (t: Trans, u: Sleeper) => !t.env && sameMove({ by: t.by!, with: t.with, site: t.site, tag: t.tag }, u);

/**
 * Symmetry. Goroutines started by the same `go` statement that stand at the
 * same place with the same values in every variable their code reads (N
 * workers ranging over one channel; `go func(id int) { ... }(i)` whose body
 * never reads id) are interchangeable: whatever one of them does next,
 * another doing it leads to the same state up to which copy is which, and
 * canonicalOrder makes those one state. Only the first of each such set moves
 * (a move between two of them is kept). Returns each other copy's first, or
 * null when no two goroutines are alike.
 */
function twinsOf(m: Machine, st: State): Map<number, number> | null {
  const first = new Map<string, number>();
  let out: Map<number, number> | null = null;
  for (const p of st.procs) {
    if (p.done || p.goSite < 0) continue;
    const key = `${p.goSite}|${m.localKey(st, p)}`;
    const f = first.get(key);
    if (f === undefined) first.set(key, p.id);
    else (out ??= new Map()).set(p.id, f);
  }
  return out;
}

/** Whether a move stays under twinsOf: made by the first of its set, or between two of one set. */
function movesFor(t: Trans, twins: Map<number, number>): boolean {
  if (t.by === undefined) return true;
  const set = (pid: number) => twins.get(pid) ?? pid;
  if (t.with !== undefined && set(t.with) === set(t.by)) return true;
  return !twins.has(t.by) && (t.with === undefined || !twins.has(t.with));
}

/**
 * Partial-order reduction. A goroutine whose every way forward touches only
 * what no other goroutine reaches (a channel, mutex or WaitGroup that only it
 * holds, or a channel from outside) moves independently of the others: its
 * moves and theirs commute, and none of theirs can enable or disable one of
 * its own. Exploring only its moves from this state reaches every state where
 * nothing inside the group can move any more (the states checked for leaks)
 * that exploring all moves reaches, up to the order of independent steps:
 * N goroutines each looping on their own channel cost the sum of their
 * steps, not every interleaving. The argument rests on what the model already
 * assumes of a step: between two synchronisations a goroutine touches no
 * memory another goroutine uses without synchronising (a program free of
 * data races). Returns null when no goroutine qualifies.
 */
function privateMoves(st: State, trans: Trans[]): Trans[] | null {
  const reaches = new Map<number, Set<string>>();
  for (const p of st.procs) {
    if (p.done || p.spin || !p.need) continue;
    const mine = trans.filter((t) => t.by === p.id || t.with === p.id);
    if (!mine.length || mine.some((t) => t.with !== undefined)) continue;
    const objs = waitsOn(p);
    let shared = false;
    for (const q of st.procs) {
      if (q.id === p.id || q.done) continue;
      let r = reaches.get(q.id);
      if (!r) { r = reach(st, q); reaches.set(q.id, r); }
      if (objs.some((x) => r.has(x))) { shared = true; break; }
    }
    if (!shared) return mine;
  }
  return null;
}

/** A path a settle follows; `heads`: the state at each loop head it came through (widenLoop). */
interface SettleWork {
  st: State; run: number[]; trail: Trail | null; steps: number; heads?: Map<string, { shape?: string; cells?: Val[] }>;
  /** Per goroutine, the depths of the frames this path branched in since it was last compared, shallowest first (see settle). */
  forked?: Record<number, number[]>;
}

/**
 * counterCycle's argument within one run between synchronisations: a loop
 * that comes back to its head in the state it left it in, but for integers
 * (`for i := 1; i < len(b); i++ { sum = sum*31 + int(b[i]) }`, a field
 * counted up), can go round any number of times: the integers that changed
 * are held unknown from there, and the next round meets a state already
 * seen, instead of the loop being unrolled until the local bound marks the
 * goroutine as spinning (alive, never proven stuck, and every step spent).
 * A loop run round by round (a small constant bound, exactLoop) keeps its
 * values. `heads` is copied on write, so the paths a branch makes each keep
 * their own.
 */
function widenLoop(m: Machine, w: SettleWork, pid: number): void {
  const p = w.st.procs[pid]!;
  const fr = top(p);
  const depth = p.frames.length;
  if (m.exactLoop(fr.f, fr.pc)) {
    // Each round starts the loops inside it, and in what it calls, afresh: a round's counter
    // is no integer for them to widen.
    const inside = (k: string) => { const [q, d] = k.split(':'); return Number(q) === pid && Number(d) >= depth; };
    if (w.heads && [...w.heads.keys()].some(inside)) w.heads = new Map([...w.heads].filter(([k]) => !inside(k)));
    return;
  }
  const at = `${pid}:${depth}:${fr.pc}`;
  const before = w.heads?.get(at);
  // Most loop heads are passed once between two synchronisations: the state is compared from
  // the second visit on, so those cost no compaction.
  if (!before) { w.heads = new Map(w.heads ?? []).set(at, {}); return; }
  // Compacted, the cells of two visits line up (no cell id is held outside the state between steps).
  w.st = compact(w.st, false);
  const cells = w.st.cells;
  const shape = stateKey({ ...w.st, cells: cells.map((v) => (v.k === 'int' || v.k === 'unk' ? UNK : v)) });
  if (before.shape === shape) {
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i]!;
      if (v.k === 'int' && JSON.stringify(before.cells![i]) !== JSON.stringify(v)) cells[i] = UNK;
    }
    return;
  }
  w.heads = new Map(w.heads ?? []).set(at, { shape, cells: [...cells] });
}

/** With TRACE_PATHS, at a settle's bound: the pending paths, the control points they stand at, and what tells two at the commonest one apart. */
function tracePaths(m: Machine, work: SettleWork[]) {
  const ctl = (st: State) => st.procs.map((p) => `${p.done ? 'd' : ''}${p.frames.map((f) => `${m.fns[f.f]!.name}@${f.pc}`).join('>')}`).join('|');
  const groups = new Map<string, State[]>();
  for (const w of work) { const k = ctl(w.st); groups.set(k, [...(groups.get(k) ?? []), compact(w.st, false)]); }
  const keys = new Set(work.map((w) => stateKey(compact(w.st, false))));
  traceWrite(`  paths: ${work.length}, control points ${groups.size}, distinct ${keys.size}\n`);
  const big = [...groups].sort((a, b) => b[1].length - a[1].length)[0]!;
  const [a, b] = big[1];
  if (!a || !b) return;
  const diffs: string[] = [];
  const n = Math.max(a.cells.length, b.cells.length);
  for (let i = 0; i < n && diffs.length < 6; i++) { const x = JSON.stringify(a.cells[i]); const y = JSON.stringify(b.cells[i]); if (x !== y) diffs.push(`cell ${i}: ${x} / ${y}`); }
  if (a.cells.length !== b.cells.length) diffs.push(`cells ${a.cells.length} / ${b.cells.length}`);
  if (JSON.stringify(a.procs.map((p) => p.frames.map((f) => f.env))) !== JSON.stringify(b.procs.map((p) => p.frames.map((f) => f.env)))) diffs.push('envs differ');
  if (JSON.stringify(a.procs.map((p) => p.frames.map((f) => f.memo))) !== JSON.stringify(b.procs.map((p) => p.frames.map((f) => f.memo)))) diffs.push('memos differ');
  if (JSON.stringify(a.objs) !== JSON.stringify(b.objs)) diffs.push('objs differ');
  traceWrite(`  largest: ${big[1].length} at ${big[0].slice(0, 160)}: ${diffs.join('; ').slice(0, 600)}\n`);
}

/** Runs the goroutines in `run` (and any they start) to their next synchronisation, following every local branch. */
function settle(m: Machine, st: State, run: number[], trail: Trail | null, budget: Budget): Pending[] {
  const out: Pending[] = [];
  const work: SettleWork[] = [{ st, run: [...run], trail, steps: 0 }];
  // Cells a state may hold before its garbage is collected: twice what survived the last collection.
  let gcAt = GC_CELLS;
  const seen = new Set<string>();
  let steps = 0;
  let paths = 1, hits = 0;
  while (work.length) {
    const w = work.pop()!;
    let next = false;
    while (w.run.length) {
      const p = w.st.procs[w.run[0]!]!;
      if (p.done || p.need || p.spin) { w.run.shift(); w.steps = 0; next = true; continue; }
      break;
    }
    if (!w.run.length) { out.push({ st: compact(canonicalOrder(w.st)), trail: w.trail }); continue; }
    if (next && steps > DEDUPE_AFTER && work.length) {
      // Between two goroutines of one settle (workers a loop started): paths on which the ones
      // run so far ended the same way, in whatever order of the copies, go on as one. Without
      // this, nine workers that each may fail cost 3^9 paths instead of their 55 combinations.
      // (Past a few hundred steps, as below, and while other paths are pending: most settles
      // are short, and a key costs a compaction.)
      const perm: number[] = [];
      const canon = compact(canonicalOrder(w.st, perm), false);
      const run = w.run.map((id) => perm[id] ?? id);
      const key = `${run.join(',')}|${stateKey(canon)}`;
      if (seen.has(key)) { hits++; continue; }
      seen.add(key);
      w.st = canon;
      w.run = run;
      w.heads = undefined;
    }
    if (++budget.steps > budget.max || ++steps > MAX_SETTLE_STEPS || w.st.procs.length > MAX_PROCS) {
      budget.bound = budget.steps > budget.max ? 'steps' : steps > MAX_SETTLE_STEPS ? 'settle' : 'goroutines';
      if (TRACE) traceWrite(`  bound: ${budget.bound} (settle: ${steps} steps, ${work.length} paths pending, ${out.length} ended)\n`);
      if (TRACE_PATHS && work.length > 1) tracePaths(m, work);
      budget.bounded = true;
      return out;
    }
    // Between steps no cell id is held outside the state: drop what a long loop left behind.
    if (w.st.cells.length > gcAt) {
      w.st = compact(w.st, false);
      gcAt = Math.max(GC_CELLS, 2 * w.st.cells.length);
    }
    const pid = w.run[0]!;
    if (TRACE) traceAt(stepHistogram, m, w.st, pid);
    const events: Event[] = [];
    m.spawned = [];
    const depth = w.st.procs[pid]!.frames.length;
    const r = m.step(w.st, pid, events);
    let tr = w.trail;
    for (const e of events) tr = { ev: e, prev: tr };
    if (m.spawned.length) w.run.push(...m.spawned);
    w.steps++;
    if (w.steps > MAX_LOCAL_STEPS) { w.st.procs[pid]!.spin = 1; }
    switch (r.k) {
      case 'cont': case 'park': case 'end': {
        if (r.k === 'cont' && w.st.procs[pid]!.frames.length && m.atLoopHead(w.st, pid)) widenLoop(m, w, pid);
        let forked = w.forked;
        const fork = forked?.[pid];
        const frames = w.st.procs[pid]!.frames.length;
        if (fork && frames < fork.at(-1)!) {
          // A frame this path branched in has returned, and with it the locals and loop counts the
          // branches set apart: paths that come out of it alike (`if err := reg.Register(c); err !=
          // nil { return err }` in a loop over forty collectors returns forty times the same way)
          // go on as one. Each such frame is compared when it returns, not only the outermost:
          // a test that branched on its own first `if` still has the constructors it calls after
          // it come out of their branches as one.
          const perm: number[] = [];
          const canon = compact(canonicalOrder(w.st, perm), false);
          const key = `${w.run.map((id) => perm[id] ?? id).join(',')}|${stateKey(canon)}`;
          if (seen.has(key)) { hits++; break; }
          seen.add(key);
          const outer = fork.filter((d) => d <= frames);
          forked = { ...forked };
          if (outer.length) forked[pid] = outer;
          else delete forked[pid];
        }
        work.push({ st: w.st, run: w.run, trail: tr, steps: w.steps, heads: w.heads, forked });
        break;
      }
      case 'discard':
        break;
      case 'branch': {
        if (TRACE) traceAt(branchHistogram, m, w.st, pid, true);
        // A loop that branches on something unknown comes back to states it has seen: at
        // the head of a loop whose count is unknown (a `range` over an outside map) from the
        // first step, elsewhere past a few hundred steps, paths that meet again are followed once.
        const dedupe = steps > DEDUPE_AFTER || m.atLoopHead(w.st, pid);
        for (let i = r.alts.length - 1; i >= 0; i--) {
          let s2 = i === 0 ? w.st : cloneState(w.st, w.run);
          let tr2 = tr;
          for (const e of r.alts[i]!(s2) ?? []) tr2 = { ev: e, prev: tr2 };
          if (dedupe) {
            s2 = compact(s2, false);
            const key = `${w.run.join(',')}|${stateKey(s2)}`;
            if (seen.has(key)) { hits++; continue; }
            seen.add(key);
          }
          paths++;
          const had = w.forked?.[pid] ?? [];
          const forked = had.at(-1) === depth ? w.forked! : { ...w.forked, [pid]: [...had.filter((d) => d < depth), depth] };
          work.push({ st: s2, run: i === 0 ? w.run : [...w.run], trail: tr2, steps: w.steps, heads: w.heads, forked });
        }
        break;
      }
    }
  }
  if (TRACE_PATHS && steps > 500) {
    const keys = new Set(out.map((n) => stateKey(n.st)));
    traceWrite(`  settle: ${steps} steps, ${paths} paths, ${hits} met again, ${out.length} ended (${keys.size} distinct)\n`);
  }
  return out;
}

// ---------------------------------------------------------------- transitions

function top(p: Proc) {
  return p.frames[p.frames.length - 1]!;
}

function completeAt(pid: number, key: string) {
  return (s: State, result: Val) => {
    const p = s.procs[pid]!;
    top(p).memo[key] = result;
    p.need = null;
  };
}

function completeCase(pid: number, succ: number, key: string) {
  return (s: State, result: Val) => {
    const p = s.procs[pid]!;
    const fr = top(p);
    fr.pc = succ;
    fr.memo = { [key]: result };
    p.need = null;
  };
}

/** The channel expression of a send, receive or range site (`ch` of `<-ch`); null for anything else (a select). */
export function channelOperand(n: Node): Node | null {
  return n.type === 'send_statement' ? n.childForFieldName('channel')
    : n.type === 'unary_expression' ? n.childForFieldName('operand')
    : n.type === 'receive_statement' ? n.childForFieldName('right')?.childForFieldName('operand') ?? null
    : n.type === 'range_clause' ? n.childForFieldName('right')
    : null;
}

function chanText(m: Machine, s: State, ch: Val, site: number): string {
  if (ch.k === 'chan') return s.chans[ch.id]!.name;
  const n = m.sites[site]!;
  return (channelOperand(n) ?? n).text.split('\n')[0]!.slice(0, 60);
}

function altsOf(m: Machine, p: Proc): Alt[] {
  const n = p.need!;
  const pid = p.id;
  switch (n.t) {
    case 'send':
      return [{ dir: 'send', ch: n.ch, v: n.v, range: false, complete: completeAt(pid, n.key), site: n.site, text: (mm, s) => `sends on ${chanText(mm, s, n.ch, n.site)}` }];
    case 'recv':
      return [{ dir: 'recv', ch: n.ch, v: UNK, range: !!n.range, complete: completeAt(pid, n.key), site: n.site, text: (mm, s) => `receives from ${chanText(mm, s, n.ch, n.site)}` }];
    case 'select':
      return n.cases.map((c): Alt => ({
        dir: c.dir, ch: c.ch, v: c.v, range: false, complete: completeCase(pid, c.succ, c.key), site: c.site,
        text: (mm, s) => `select: ${c.dir === 'send' ? 'sends on' : 'receives from'} ${chanText(mm, s, c.ch, c.site)}`,
      }));
    default:
      return [];
  }
}

/** Every synchronisation that can happen next. */
function transitions(m: Machine, st: State): Trans[] {
  const out: Trans[] = [];
  const alts = new Map<number, Alt[]>();
  for (const p of st.procs) if (!p.done && !p.spin && p.need) alts.set(p.id, altsOf(m, p));
  const ev = (p: Proc, site: number, text: string): Event => ({ pid: p.id, name: p.name, site, text, root: p.goSite < 0 });
  for (const p of st.procs) {
    if (p.done || p.spin || !p.need) continue;
    const need = p.need;
    const pid = p.id;
    const first = out.length;
    let internalCase = false;
    for (const a of alts.get(pid)!) {
      const ch = a.ch;
      if (ch.k === 'nil') continue; // a nil channel blocks forever
      if (ch.k !== 'chan') {
        // A channel from outside: the outside world may be ready, or never; what is sent on it
        // is the outside's (a connection registered with a hub that may close its channel).
        out.push({ env: true, site: a.site, tag: 'env', objs: [], apply: (s) => { if (a.dir === 'send') m.escape(s, a.v); a.complete(s, a.dir === 'recv' ? { k: 'tup', vs: [UNK, { k: 'bool', v: true }] } : NIL); return { run: [pid], events: [ev(p, a.site, a.text(m, s))] }; } });
        if (a.dir === 'recv' && a.range) out.push({ env: true, site: a.site, tag: 'envclose', objs: [], apply: (s) => { a.complete(s, { k: 'tup', vs: [NIL, { k: 'bool', v: false }] }); return { run: [pid], events: [ev(p, a.site, `${chanText(m, s, ch, a.site)} is closed`)] }; } });
        continue;
      }
      const c = st.chans[ch.id]!;
      const objs = [`c${ch.id}`];
      if (a.dir === 'send') {
        if (c.closed) continue; // a send on a closed channel panics: the program ends
        if (c.buf.length < c.cap) {
          // A buffer of unknown size may be full: a select's default stays possible.
          if (c.cap !== UNBOUNDED) internalCase = true;
          // Into a channel the outside holds, a send is the outside's to receive (the env move
          // below), now or later: buffering it too would only tell apart states by how full a
          // buffer is that never blocks anyone (the outside can always take or give), and a
          // sender looping on a channel of capacity 1024 would spend the budget counting.
          if (!c.esc) out.push({ env: false, site: a.site, tag: 'bsend', objs, apply: (s) => { s.chans[ch.id]!.buf.push(a.v); a.complete(s, NIL); return { run: [pid], events: [ev(p, a.site, a.text(m, s))] }; } });
        } else if (c.cap === 0) {
          for (const [qid, qalts] of alts) {
            if (qid === pid) continue;
            for (const b of qalts) {
              if (b.dir !== 'recv' || b.ch.k !== 'chan' || b.ch.id !== ch.id) continue;
              const q = st.procs[qid]!;
              out.push({ env: false, by: pid, with: qid, site: a.site, tag: `hand${b.site}`, objs, apply: (s) => {
                a.complete(s, NIL);
                b.complete(s, { k: 'tup', vs: [a.v, { k: 'bool', v: true }] });
                return { run: [pid, qid], events: [ev(p, a.site, a.text(m, s)), ev(q, b.site, b.text(m, s))] };
              } });
            }
          }
        }
        if (c.esc) out.push({ env: true, site: a.site, tag: 'env', objs, apply: (s) => { m.escape(s, a.v); a.complete(s, NIL); return { run: [pid], events: [ev(p, a.site, `${a.text(m, s)} (received outside)`)] }; } });
      } else {
        if (c.buf.length > 0) {
          internalCase = true;
          out.push({ env: false, site: a.site, tag: 'brecv', objs, apply: (s) => { const v = s.chans[ch.id]!.buf.shift()!; a.complete(s, { k: 'tup', vs: [v, { k: 'bool', v: true }] }); return { run: [pid], events: [ev(p, a.site, a.text(m, s))] }; } });
        } else if (c.closed) {
          internalCase = true;
          out.push({ env: false, site: a.site, tag: 'crecv', objs, apply: (s) => { a.complete(s, { k: 'tup', vs: [NIL, { k: 'bool', v: false }] }); return { run: [pid], events: [ev(p, a.site, `${a.text(m, s)} (closed)`)] }; } });
        }
        // Pairs with blocked senders are made from the sender's side.
        if (c.esc && !(c.armed === pid + 1 && need.t === 'select' && need.dflt >= 0)) {
          out.push({ env: true, site: a.site, tag: 'env', objs, apply: (s) => { a.complete(s, { k: 'tup', vs: [UNK, { k: 'bool', v: true }] }); return { run: [pid], events: [ev(p, a.site, `${a.text(m, s)} (sent outside)`)] }; } });
          if (a.range) out.push({ env: true, site: a.site, tag: 'envclose', objs, apply: (s) => { a.complete(s, { k: 'tup', vs: [NIL, { k: 'bool', v: false }] }); return { run: [pid], events: [ev(p, a.site, `${chanText(m, s, ch, a.site)} closed outside`)] }; } });
        }
      }
    }
    if (need.t === 'select' && need.dflt >= 0 && !internalCase) {
      const succ = need.dflt;
      // Whether the default may be taken depends on every channel the select waits on.
      out.push({ env: false, site: need.site, tag: 'dflt', objs: waitsOn(p), apply: (s) => { const q = s.procs[pid]!; const fr = top(q); fr.pc = succ; fr.memo = {}; q.need = null; return { run: [pid], events: [] }; } });
    }
    const simple = (env: boolean, f: (s: State) => boolean, text: string) =>
      out.push({ env, site: need.site, tag: need.t, objs: waitsOn(p), apply: (s) => { if (!f(s)) return null; completeAt(pid, (need as { key: string }).key)(s, NIL); return { run: [pid], events: text ? [ev(p, need.site, text)] : [] }; } });
    switch (need.t) {
      case 'close': {
        const ch = need.ch;
        if (ch.k === 'nil' || (ch.k === 'chan' && st.chans[ch.id]!.closed)) break; // panics
        simple(false, (s) => { if (ch.k === 'chan') s.chans[ch.id]!.closed = true; return true; }, `closes ${chanText(m, st, ch, need.site)}`);
        break;
      }
      case 'lock': case 'rlock': {
        const mu = need.m;
        if (mu.k !== 'mu' || st.mus[mu.id]!.esc) { simple(false, () => true, ''); break; }
        const x = st.mus[mu.id]!;
        if (x.w || (need.t === 'lock' && x.r)) break;
        // A writer blocked in Lock while readers hold the lock stops new readers (RWMutex): a
        // reader that takes the lock again before releasing it waits for that writer forever.
        if (need.t === 'rlock' && x.r && st.procs.some((q) => q.id !== pid && !q.done && q.need?.t === 'lock' && q.need.m.k === 'mu' && q.need.m.id === mu.id)) break;
        simple(false, (s) => { const y = s.mus[mu.id]!; if (need.t === 'lock') y.w = pid + 1; else y.r++; return true; }, need.t === 'lock' ? `locks ${receiverText(m, need.site)}` : `read-locks ${receiverText(m, need.site)}`);
        break;
      }
      case 'unlock': case 'runlock': {
        const mu = need.m;
        simple(false, (s) => { if (mu.k === 'mu') { const y = s.mus[mu.id]!; if (need.t === 'unlock') y.w = 0; else y.r = Math.max(0, y.r - 1); } return true; }, '');
        break;
      }
      case 'wgadd': {
        const wg = need.wg;
        if (wg.k === 'wg' && st.wgs[wg.id]! + need.n < 0) break; // negative counter panics (NaN: an unknown count, never known to)
        simple(false, (s) => { if (wg.k === 'wg') s.wgs[wg.id]! += need.n; return true; }, siteText(m, need.site));
        break;
      }
      case 'condwait': {
        if (need.reg) break; // woken only by a signal transition
        const cond = st.objs[(need.cond as Val & { k: 'obj' }).id];
        const lock = cond?.fields['L'] !== undefined ? st.cells[cond.fields['L']]! : UNK;
        out.push({ env: false, site: need.site, tag: 'cwait', objs: [...waitsOn(p), ...(lock.k === 'mu' ? [`m${lock.id}`] : [])], apply: (s) => {
          const q = s.procs[pid]!;
          const w = q.need as Need & { t: 'condwait' };
          const o = w.cond.k === 'obj' ? s.objs[w.cond.id]! : null;
          const l = o?.fields['L'] !== undefined ? s.cells[o.fields['L']]! : UNK;
          if (l.k === 'mu') s.mus[l.id]!.w = 0;
          q.need = { ...w, reg: 1 };
          return { run: [pid], events: [ev(p, need.site, `waits in ${receiverText(m, need.site)}.Wait()`)] };
        } });
        break;
      }
      case 'signal': {
        const cv = need.cond;
        const waiters = cv.k === 'obj' ? st.procs.filter((q) => !q.done && q.need?.t === 'condwait' && q.need.reg && q.need.cond.k === 'obj' && q.need.cond.id === cv.id).map((q) => q.id) : [];
        const wake = (s: State, qid: number) => {
          const q = s.procs[qid]!;
          const w = q.need as Need & { t: 'condwait' };
          const o = s.objs[(w.cond as Val & { k: 'obj' }).id]!;
          const l = o.fields['L'] !== undefined ? s.cells[o.fields['L']]! : UNK;
          q.need = { t: 'lock', m: l, key: w.key, site: w.site };
        };
        const verb = need.all ? 'broadcasts' : 'signals';
        if (need.all || waiters.length === 0) { simple(false, (s) => { for (const q of waiters) wake(s, q); return true; }, `${verb} ${receiverText(m, need.site)}`); out.at(-1)!.who = [pid, ...waiters]; }
        else for (const qid of waiters) {
          out.push({ env: false, by: pid, with: qid, site: need.site, tag: 'sig', objs: waitsOn(p), apply: (s) => { wake(s, qid); completeAt(pid, need.key)(s, NIL); return { run: [pid], events: [ev(p, need.site, `${verb} ${receiverText(m, need.site)} (wakes ${st.procs[qid]!.name})`)] }; } });
        }
        break;
      }
      case 'oncewait': {
        if (need.once.k !== 'once') break;
        const run = st.onces[need.once.id]!;
        // Do returns once the function it waits for has; before any call has started, this one may
        // win the race and run its own.
        if (run === 1) simple(false, () => true, '');
        else if (run === 0) out.push({ env: false, site: need.site, tag: 'oncerun', objs: waitsOn(p), apply: (s) => { m.startOnce(s, pid); return { run: [pid], events: [ev(p, need.site, `runs the function of ${receiverText(m, need.site)}.Do()`)] }; } });
        break;
      }
      case 'wgwait': {
        const wg = need.wg;
        // A WaitGroup from outside, or one added to by a count the model cannot name, may reach zero at any time.
        if (wg.k !== 'wg' || Number.isNaN(st.wgs[wg.id])) { simple(true, () => true, `${siteText(m, need.site)} returns`); break; }
        if (st.wgs[wg.id] === 0) simple(false, () => true, `${siteText(m, need.site)} returns`);
        break;
      }
      default: break;
    }
    for (let i = first; i < out.length; i++) {
      const t = out[i]!;
      t.by ??= pid;
      t.who ??= t.with === undefined ? [pid] : [pid, t.with];
    }
  }
  return out;
}

/** `s.mu` of `s.mu.Lock()`, `c.cond` of `c.cond.Wait()` (the site may be the statement that holds the call). */
function receiverText(m: Machine, site: number): string {
  const at = m.sites[site]!;
  const call = at.type === 'call_expression' ? at : at.descendantsOfType('call_expression').find((x) => x.childForFieldName('function')?.type === 'selector_expression');
  return (call?.childForFieldName('function')?.childForFieldName('operand') ?? at).text.split('\n')[0]!.slice(0, 60);
}

function siteText(m: Machine, site: number): string {
  return m.sites[site]!.text.split('\n')[0]!.slice(0, 60);
}

// ---------------------------------------------------------------- leaks

/** What a goroutine's frames and pending operation can still reach: channel, mutex and WaitGroup ids. */
function reach(st: State, p: Proc): Set<string> {
  const out = new Set<string>();
  const seenCells = new Set<number>();
  const seenObjs = new Set<number>();
  const visit = (v: Val | undefined): void => {
    if (!v) return;
    switch (v.k) {
      case 'chan': if (!out.has(`c${v.id}`)) { out.add(`c${v.id}`); for (const b of st.chans[v.id]!.buf) visit(b); } return;
      case 'mu': out.add(`m${v.id}`); return;
      case 'wg': out.add(`w${v.id}`); return;
      case 'once': out.add(`n${v.id}`); return;
      case 'obj': {
        if (seenObjs.has(v.id)) return;
        seenObjs.add(v.id);
        if (st.objs[v.id]!.type === COND_TYPE) out.add(`o${v.id}`);
        for (const c of Object.values(st.objs[v.id]!.fields)) cell(c);
        return;
      }
      case 'fn': if (v.env) for (const c of Object.values(v.env)) cell(c); visit(v.recv); return;
      case 'slice': v.el.forEach(visit); return;
      case 'tup': v.vs.forEach(visit); return;
      default: return;
    }
  };
  const cell = (c: number) => { if (!seenCells.has(c)) { seenCells.add(c); visit(st.cells[c]); } };
  for (const f of p.frames) {
    for (const c of Object.values(f.env)) cell(c);
    for (const v of Object.values(f.memo)) visit(v);
    for (const d of f.defers) { visit(d.v); d.args.forEach(visit); }
    f.ret?.forEach(visit);
  }
  // The package variables the group has read are every goroutine's (Machine.packageCell).
  for (const c of Object.values(st.globals)) cell(c);
  const n = p.need;
  if (n) {
    if (n.t === 'select') n.cases.forEach((c) => { visit(c.ch); visit(c.v); });
    else if ('ch' in n) visit(n.ch);
    else if ('cond' in n) visit(n.cond);
    else if ('once' in n) { visit(n.once); visit(n.fn); }
    if (n.t === 'send') visit(n.v);
  }
  // A mutex it holds is one it can release; a Once whose function it runs, one whose Do calls it can let return.
  st.mus.forEach((mu, id) => { if (mu.w === p.id + 1) out.add(`m${id}`); });
  st.onces.forEach((v, id) => { if (v === p.id + 2) out.add(`n${id}`); });
  return out;
}

/** What a blocked goroutine waits on. */
function waitsOn(p: Proc): string[] {
  const n = p.need!;
  switch (n.t) {
    case 'send': case 'recv': case 'close': return n.ch.k === 'chan' ? [`c${n.ch.id}`] : [];
    case 'select': return n.cases.flatMap((c) => (c.ch.k === 'chan' ? [`c${c.ch.id}`] : []));
    case 'lock': case 'rlock': case 'unlock': case 'runlock': return n.m.k === 'mu' ? [`m${n.m.id}`] : [];
    case 'wgadd': case 'wgwait': return n.wg.k === 'wg' ? [`w${n.wg.id}`] : [];
    case 'oncewait': return n.once.k === 'once' ? [`n${n.once.id}`] : [];
    case 'condwait': case 'signal': return n.cond.k === 'obj' ? [`o${n.cond.id}`] : [];
  }
}

function checkLeaks(m: Machine, st: State, trail: Trail | null, leaks: Map<number, Leak>): void {
  // Goroutines that can still act: the outside world can wake them, or they run on.
  const live = new Set<number>();
  const blocked: Proc[] = [];
  for (const p of st.procs) {
    if (p.done) continue;
    if (p.spin || !p.need || canBeWoken(m, st, p)) live.add(p.id); else blocked.push(p);
  }
  if (!blocked.length) return;
  const reaches = new Map<number, Set<string>>();
  const reachOf = (p: Proc) => { let r = reaches.get(p.id); if (!r) { r = reach(st, p); reaches.set(p.id, r); } return r; };
  for (let changed = true; changed;) {
    changed = false;
    for (const b of blocked) {
      if (live.has(b.id)) continue;
      const w = waitsOn(b);
      if (w.length === 0) continue; // a nil channel: nothing can wake it
      for (const lid of live) {
        const r = reachOf(st.procs[lid]!);
        if (w.some((x) => r.has(x))) { live.add(b.id); changed = true; break; }
      }
    }
  }
  const stuck = blocked.filter((b) => !live.has(b.id));
  const root = stuck.find((b) => b.goSite < 0);
  // (A goroutine that has returned is dropped from the state.)
  const rootState = root ? { rootStuckIn: root.frames.map((f) => f.f) } : st.procs.some((p) => p.goSite < 0 && !p.done) ? {} : { rootReturned: true };
  for (const b of stuck) {
    const n = b.need!;
    const site = n.site;
    if (leaks.has(site)) continue;
    // A test's own body waiting forever is a hung test, which `go test -timeout` fails
    // loudly with every goroutine's stack; the leaks are what it started, or code it
    // called that would block any caller (reported at that code), as goleak counts them.
    if (b.goSite < 0 && m.inTestBody(top(b).f)) continue;
    // `select {}` blocks forever on purpose (a server's main, a flag that says keep serving).
    if (n.t === 'select' && n.cases.length === 0) continue;
    const end = stuckStep(m, st, b);
    if (!end) continue;
    const events: Event[] = [];
    for (let t = trail; t; t = t.prev) events.push(t.ev);
    events.reverse();
    // Where the others that keep it waiting are stuck (a worker that added to the WaitGroup and
    // blocks sending), once per place: the end state is all of them at once.
    const shown = new Set<number>([site]);
    for (const o of stuck) {
      if (o === b || shown.has(o.need!.site)) continue;
      const e = stuckStep(m, st, o);
      if (e) { shown.add(o.need!.site); events.push(e.step); }
    }
    events.push(end.step);
    leaks.set(site, { pid: b.id, proc: b.name, root: b.goSite < 0, goSite: b.goSite, need: n, opSite: site, ...end.leak, witness: events, ...rootState });
  }
}

/** A goroutine stuck forever: its last step in a witness, and what its finding says of the wait. */
function stuckStep(m: Machine, st: State, b: Proc): { step: Event; leak: Pick<Leak, 'kind' | 'chans' | 'prim' | 'self'> } | null {
  const n = b.need!;
  const site = n.site;
  if (n.t === 'lock' || n.t === 'rlock' || n.t === 'wgwait' || n.t === 'condwait' || n.t === 'oncewait') {
    // Stuck on a primitive of the group: a Lock whose holder will never unlock, a Wait whose
    // counter no one left can bring to zero, a Cond no one left can signal, a Do whose function
    // never returns.
    const prim = receiverText(m, site);
    const self = ((n.t === 'lock' || n.t === 'rlock') && n.m.k === 'mu' && st.mus[n.m.id]!.w === b.id + 1) || (n.t === 'oncewait' && n.once.k === 'once' && st.onces[n.once.id] === b.id + 2);
    const text = n.t === 'lock' ? `blocks locking ${prim}` : n.t === 'rlock' ? `blocks read-locking ${prim}` : n.t === 'oncewait' ? `blocks in ${prim}.Do()` : `blocks in ${prim}.Wait()`;
    return {
      step: { pid: b.id, name: b.name, site, text: self ? (n.t === 'oncewait' ? `${text}, whose function it is running` : `${text}, which it holds`) : text },
      leak: { kind: n.t, prim, chans: [], ...(self ? { self } : {}) },
    };
  }
  if (n.t !== 'send' && n.t !== 'recv' && n.t !== 'select') return null;
  const waits = n.t === 'select' ? n.cases.map((c) => ({ v: c.ch, dir: c.dir })) : [{ v: n.ch, dir: n.t === 'send' ? 'send' as const : 'recv' as const }];
  const chans = waits.flatMap(({ v, dir }) => (v.k === 'chan' ? [{ ...st.chans[v.id]!, dir }] : []));
  const kind = n.t === 'select' ? 'select' : n.t === 'send' ? 'send' : n.range ? 'range' : 'recv';
  const verb = kind === 'send' ? 'blocks sending on' : kind === 'select' ? 'blocks in select on' : 'blocks receiving from';
  const names = chans.map((c) => c.name).join(', ') || 'a nil channel';
  return {
    step: { pid: b.id, name: b.name, site, text: `${verb} ${names}` },
    leak: { kind, chans: chans.map((c) => ({ name: c.name, site: c.site, cap: c.cap, dir: c.dir })) },
  };
}

/** The cells of the loop counters that only their loop's clause reads (Machine.pureCounters), in every frame. */
function counterCells(m: Machine, st: State): number[] {
  const out: number[] = [];
  for (const p of st.procs) {
    if (p.done) continue;
    for (const fr of p.frames) {
      for (const b of m.pureCounters(fr.f)) { const c = fr.env[b]; if (c !== undefined) out.push(c); }
    }
  }
  return out;
}

/**
 * A state that an earlier state on its own path equals but for loop counters
 * nothing else reads (`for i := 0; i < 100000; i++ { mu.Lock(); ...;
 * mu.Unlock() }`) closes a cycle: the moves between the two can be made again
 * and again, each time coming back to the same state with the counters
 * further on, so every count the loop's clause may still see is reachable,
 * the one that ends the loop among them. The counters are then held unknown
 * (their clause may end the loop or go on) and the search does not unroll a
 * loop whose body changes nothing else. True when it changed the state.
 */
function counterCycle(m: Machine, n: Pending): boolean {
  const cells = counterCells(m, n.st);
  if (!cells.length) return countCycle(m, n);
  const blanked = (st: State, own: number[]) => stateKey({ ...st, cells: st.cells.map((v, i) => (own.includes(i) && (v.k === 'int' || v.k === 'unk') ? UNK : v)) });
  // An ancestor without counters of its own has its key for its shape.
  const shapeOf = (a: Ancestor) => (a.shape ??= a.st ? blanked(a.st, counterCells(m, a.st)) : a.key);
  const shape = (n.shape ??= blanked(n.st, cells));
  for (let a = n.up; a; a = a.up) {
    if (a.cells.length !== n.st.cells.length || shapeOf(a) !== shape) continue;
    const changed = cells.filter((c) => { const v = n.st.cells[c]!; return v.k === 'int' && JSON.stringify(a.cells[c]) !== JSON.stringify(v); });
    // Two counters that went round together (a producer's `for i := 0; i < n; i++ { ch <- i }`
    // and its consumer's loop over the same n) keep their counts in step: held unknown apart,
    // one loop could end while the other goes on, a schedule the program never runs. Those
    // loops run round by round (to their bound, or past the small values, Machine.cond).
    if (changed.length !== 1) return false;
    n.st.cells[changed[0]!] = UNK;
    return true;
  }
  return countCycle(m, n);
}

/**
 * The key of n's state with every integer cell held unknown: its JSON (kept
 * from keyOf) with the integers in the cells array rewritten, rather than a
 * second serialisation of the whole state. behaviourJson puts the cells right
 * after the goroutines; a string value's quotes are escaped in JSON, so
 * neither bound below can be inside one.
 */
function intsMaskedKey(n: Pending): string {
  const json = n.json ?? behaviourJson(n.st);
  const from = json.indexOf(',"cells":[');
  const to = json.indexOf('],"objs":[', from);
  if (from < 0 || to < 0) return digest(behaviourJson({ ...n.st, cells: n.st.cells.map((v) => (v.k === 'int' ? UNK : v)) }));
  return digest(json.slice(0, from) + json.slice(from, to).replace(/\{"k":"int","v":-?[0-9.e+]+\}/g, '{"k":"unk"}') + json.slice(to));
}

/**
 * counterCycle for any one integer, a loop counter or not: a state that an
 * earlier state on its own path equals but for one number (a reader's
 * `count++` per line, a request id a field hands out, a counter a closure
 * shares with the test that reads it at the end) closes a cycle that can be
 * gone round again and again, each time with that number further on. The
 * number is held unknown from there, and the next round meets a state
 * already seen. One number only, as in counterCycle: two that moved together
 * may be tied by the program; and one that bounds nothing (Machine.countsFreely).
 */
function countCycle(m: Machine, n: Pending): boolean {
  const cells = n.st.cells;
  if (!cells.some((v) => v.k === 'int')) return false;
  const shape = (n.ints ??= intsMaskedKey(n));
  for (let a = n.up; a; a = a.up) {
    if (a.ints !== shape || a.cells.length !== cells.length) continue;
    let at = -1;
    for (let i = 0; i < cells.length; i++) {
      const x = a.cells[i]!, y = cells[i]!;
      if (x === y) continue;
      if (x.k !== 'int' || y.k !== 'int') { if (JSON.stringify(x) === JSON.stringify(y)) continue; return false; }
      if (x.v === y.v) continue;
      if (at >= 0) return false;
      at = i;
    }
    if (at < 0 || !m.countsFreely(n.st, at)) return false;
    cells[at] = UNK;
    return true;
  }
  return false;
}

/** Whether a goroutine's next operation panics: a send on a closed channel, a close of a closed or nil one. */
function panics(st: State, p: Proc): boolean {
  const n = p.need;
  if (!n || (n.t !== 'send' && n.t !== 'close')) return false;
  if (n.ch.k === 'chan') return st.chans[n.ch.id]!.closed;
  return n.t === 'close' && n.ch.k === 'nil';
}

function guessedNil(v: Val): boolean {
  return v.k === 'nil' && !!v.g;
}

/** Whether something outside the group (a timer, a context, a channel that escaped) may still complete the goroutine's wait. */
function canBeWoken(m: Machine, st: State, p: Proc): boolean {
  const n = p.need!;
  const open = (v: Val) => v.k === 'unk' || (v.k === 'chan' && st.chans[v.id]!.esc);
  switch (n.t) {
    // A nil channel the model refined from an unknown (`if ch == nil`) is a guess, not a proof
    // that the program blocks: the goroutine is not counted as stuck. One that is nil because
    // nothing ever made it (`var ch chan int`, a field never set) blocks forever.
    case 'send': case 'recv': return open(n.ch) || guessedNil(n.ch);
    case 'select': return n.dflt >= 0 || n.cases.some((c) => open(c.ch)) || (n.cases.length > 0 && n.cases.every((c) => c.ch.k === 'nil') && n.cases.some((c) => guessedNil(c.ch)));
    case 'lock': case 'rlock': return n.m.k !== 'mu' || !!st.mus[n.m.id]!.esc;
    case 'wgwait': return n.wg.k !== 'wg' || Number.isNaN(st.wgs[n.wg.id]);
    // Only the goroutine running the Once's function can let Do return (through reach in checkLeaks).
    case 'oncewait': return n.once.k !== 'once';
    case 'condwait': return !n.reg || n.cond.k !== 'obj' || m.mayBeSignalled(st.objs[n.cond.id]!);
    default: return true;
  }
}
