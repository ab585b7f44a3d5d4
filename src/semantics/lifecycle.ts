// The open world of a type: what the rest of the program can still do to an
// object whose goroutine waits on one of its channels.
//
// The rest of the program is any sequence of calls to the package's code
// touching the object, ended by one of its lifecycle-ending functions (a
// Stop, Close, Delete, Terminate, Shutdown, ...): after that, its users are
// done with it, and what still runs is the ending call itself (with what it
// calls) and the goroutines that are still alive. A goroutine waiting on the
// object's channels leaks when none of that can close, or send on, a channel
// it waits on. A stop signal the goroutine only polls with `default` is no
// way out: it is not among the channels of the wait.
//
// An object with no lifecycle-ending function has no end its users could
// reach: any send anywhere in the package may still come, and only a
// channel nothing sends on and nothing closes leaves its goroutine for good.
//
// Closes, escapes and channels filled from elsewhere are settled before this
// question (SharedChannel.neverClosed): a close anywhere wakes every waiter
// for good, and a channel other packages can reach stays open world.
import type { Node } from './syntax.js';
import { callArgs, contains, enclosingFunction, functionName, receiverTypeName, sameNode, selectorParts } from './syntax.js';
import type { PackageSemantics } from './package.js';
import { literalRole, polledSignals, sharedChannel, waitsIn, type ChanOp, type SharedChannel } from './channels.js';
import type { Goroutine } from './goroutines.js';
import { callClosure, calleesOf, declOf, fnId } from './callgraph.js';

/**
 * Words that name the end of an object's life, matched against the words of
 * a function's camel-case name (`Close`, `GracefulStop`, `deleteBranch`,
 * `Unsubscribe`): whole words only, so `isClosed` or `Stopped` are not ends.
 */
const END_WORDS = new Set([
  'close', 'stop', 'shutdown', 'terminate', 'cancel', 'delete', 'remove', 'unsubscribe', 'unregister',
  'release', 'detach', 'disconnect', 'destroy', 'dispose', 'teardown', 'kill', 'abort', 'quit', 'exit',
  'finish', 'drop', 'evict', 'leave', 'halt',
]);

/** Parameter types an ending method may take besides none: how long or under which context to wind down. */
const WIND_DOWN_PARAMS = /^(context\.Context|time\.Duration|error)$/;

export function isEndName(name: string): boolean {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? [];
  return words.some((w) => END_WORDS.has(w.toLowerCase()));
}

/** A function that ends the object's life, and why it counts as one. */
export interface Ending {
  fn: Node;
  /**
   * `method`: an end-named method of the object's type; `param`: an end-named
   * function taking the object; `holder`: an end-named method of a type that
   * holds such objects (a registry's `drop(name)`); `signal`: it signals a
   * channel the goroutine leaves on or polls.
   */
  why: 'method' | 'param' | 'holder' | 'signal';
}

export interface Lifecycle {
  /** The struct types whose channels the goroutine waits on. */
  types: string[];
  /** The functions that end the object's life; empty when it has none. */
  ends: Ending[];
  /** A send that can still wake the wait once the life is over (or, with no ending, at all); null: the goroutine leaks (or not asked). */
  wayOut: ChanOp | null;
}

/**
 * What the rest of the program can still do to a wait of goroutine `g`,
 * whose channels are `shared` (all shared, never closed, made here):
 * the object's ends, and (unless `opts.wayOut` is false) a way out.
 */
export function lifecycleOfWait(pkg: PackageSemantics, g: Goroutine, shared: SharedChannel[], opts: { wayOut: boolean } = { wayOut: true }): Lifecycle {
  const types = [...new Set(shared.map((s) => s.owner).filter((t): t is string => !!t))];
  const waiter = new WaiterCode(pkg, g);
  const ends = endings(pkg, g, types, waiter);
  if (!opts.wayOut) return { types, ends, wayOut: null };
  const sends = shared.flatMap((s) => s.ops.filter((o) => o.kind === 'send'));
  if (ends.length === 0) return { types, ends, wayOut: sends[0] ?? null };
  const endCode = callClosure(pkg, ends.map((e) => e.fn));
  const inEnd = sends.find((o) => runsIn(o, (fn) => endCode.has(fnId(pkg, fn)), () => false));
  if (inEnd) return { types, ends, wayOut: inEnd };
  // Goroutines other than the waiter (and the ones it starts itself) may still be running.
  const others = otherGoroutineCode(pkg, g, waiter);
  const inOther = sends.find((o) => runsIn(o, (fn) => others.has(fnId(pkg, fn)), (goStmt) => !waiter.holds(goStmt) && !waiter.sameTarget(goStmt)));
  return { types, ends, wayOut: inOther ?? null };
}

/** The waiting goroutine's own code: its function and everything it calls. */
class WaiterCode {
  readonly decls: Map<string, Node>;
  constructor(private readonly pkg: PackageSemantics, readonly g: Goroutine) {
    this.decls = g.target ? callClosure(pkg, [g.target]) : new Map();
  }

  /** Whether `n` runs as part of the waiter (in its body or a function it calls). */
  holds(n: Node): boolean {
    if (this.g.target && contains(this.g.target, n)) return true;
    const d = declOf(n);
    return !!d && this.decls.has(fnId(this.pkg, d));
  }

  /** Whether the `go` statement starts another copy of the waiter (a pool of the same worker). */
  sameTarget(goStmt: Node): boolean {
    const call = goStmt.namedChildren.find((c) => c.type === 'call_expression');
    const t = call ? this.pkg.calleeDecl(call) : null;
    return !!t && !!this.g.target && sameNode(t, this.g.target);
  }
}

/**
 * Whether an operation runs in code accepted by `inFn` (a declaration), or
 * in a goroutine whose `go` statement `goOk` accepts. Literals called in
 * place or deferred run in their enclosing function; a closure handed to
 * unknown code runs whenever that code likes, after the end too.
 */
export function runsIn(op: ChanOp, inFn: (decl: Node) => boolean, goOk: (goStmt: Node) => boolean): boolean {
  let loc: Node = op.via ?? op.node;
  for (;;) {
    const fn = enclosingFunction(loc);
    if (!fn) return false;
    if (fn.type !== 'func_literal') return inFn(fn);
    const role = literalRole(fn);
    if (role.kind === 'go') { if (goOk(role.stmt)) return true; loc = role.stmt; }
    else if (role.kind === 'called') loc = role.call;
    else if (role.kind === 'defer') loc = role.stmt;
    else return true;
  }
}

/**
 * The functions that end the life of an object of `types`: its end-named
 * methods that take nothing but a context or a duration (a `Delete(key)` on
 * a cache removes an entry, it does not end the cache), end-named functions
 * that take the object (`unsubscribe(s *sub)`), end-named methods of the
 * types that hold such objects in a field (a registry's `drop(name)` ends
 * the queue it drops, a server's `Close` the sessions it keeps), and any function that
 * signals a channel on which the goroutine leaves or which it polls (the
 * registry's `deleteBranch` that sends on `b.deleted`), whatever its name.
 * The waiter's own code is not its end.
 */
function endings(pkg: PackageSemantics, g: Goroutine, types: string[], waiter: WaiterCode): Ending[] {
  const out: Ending[] = [];
  const add = (fn: Node | null, why: Ending['why']) => {
    if (fn && !out.some((e) => sameNode(e.fn, fn)) && !waiter.holds(fn)) out.push({ fn, why });
  };
  const typeSet = new Set(types);
  for (const [key, m] of pkg.methods) {
    const [t, name] = key.split('.') as [string, string];
    if (typeSet.has(t) && isEndName(name) && paramTypes(m).every((p) => WIND_DOWN_PARAMS.test(p))) add(m, 'method');
  }
  if (typeSet.size) {
    const holders = holdersOf(pkg, typeSet);
    for (const d of [...pkg.funcs.values(), ...pkg.methods.values()]) {
      const recv = receiverTypeName(d);
      if (!isEndName(functionName(d)) || (recv && typeSet.has(recv))) continue;
      if (paramTypes(d).some((p) => typeSet.has(p.replace(/^\*/, '')))) add(d, 'param');
      else if (recv && holders.has(recv)) add(d, 'holder');
    }
  }
  if (g.target) {
    const signals = [...polledSignals(pkg, g.target), ...waitsIn(pkg, g.target).flatMap((w) => w.channels.filter((_, i) => w.exits[i]))];
    for (const s of signals) {
      const sc = sharedChannel(pkg, s);
      const signalling = (sc?.ops ?? []).filter((op) => op.kind === 'send' || op.kind === 'close');
      // A field matched by name only (`b := r.branches[name]; b.deleted <- x`, b's type unknown) may be
      // another type's field of that name: when some signaller is known to hold our type, trust those.
      const typed = signalling.filter((op) => sc!.owner !== null && operandType(pkg, op) === sc!.owner);
      for (const op of typed.length ? typed : signalling) add(declOf(op.via ?? op.node), 'signal');
    }
  }
  return out;
}

/** Struct types of the package with a field that holds one of `types` (`*T`, `[]*T`, `map[string]*T`), not a channel of them. */
function holdersOf(pkg: PackageSemantics, types: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const [u, fields] of pkg.structFields) {
    if (types.has(u)) continue;
    for (const t of fields.values()) {
      if (t.type === 'channel_type') continue;
      if ([...types].some((name) => new RegExp(`(?<![\\w.])${name}(?!\\w)`).test(t.text))) { out.add(u); break; }
    }
  }
  return out;
}

/** The type of the value whose field a send or close names (`b` in `b.deleted <- x`), when syntax tells. */
function operandType(pkg: PackageSemantics, op: ChanOp): string | null {
  if (op.via) return null;
  const ch = op.kind === 'send' ? op.node.childForFieldName('channel') : op.kind === 'close' ? callArgs(op.node)[0] : null;
  const sel = ch ? selectorParts(ch) : null;
  return sel ? pkg.typeNameOf(sel.operand) : null;
}

/** Parameter type texts of a function declaration, one per parameter name. */
function paramTypes(fn: Node): string[] {
  const out: string[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const t = p.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '?';
    const names = p.namedChildren.filter((c) => c.type === 'identifier').length;
    for (let i = 0; i < Math.max(1, names); i++) out.push(t);
  }
  return out;
}

/**
 * Code run by goroutines other than the waiter: the functions started by
 * `go` statements outside the waiter's own code (a goroutine the waiter
 * starts itself only feeds it while the waiter still runs), and what they
 * call. A literal's body is judged where it is; its callees are here.
 */
function otherGoroutineCode(pkg: PackageSemantics, g: Goroutine, waiter: WaiterCode): Map<string, Node> {
  const roots: Node[] = [];
  for (const { node: stmt } of pkg.allNodesOfType('go_statement')) {
    if (sameNode(stmt, g.stmt) || waiter.holds(stmt) || waiter.sameTarget(stmt)) continue;
    const call = stmt.namedChildren.find((c) => c.type === 'call_expression');
    const fnExpr = call?.childForFieldName('function');
    if (fnExpr?.type === 'func_literal') roots.push(...calleesOf(pkg, fnExpr));
    else if (call) { const t = pkg.calleeDecl(call); if (t) roots.push(t); }
  }
  return callClosure(pkg, roots);
}
