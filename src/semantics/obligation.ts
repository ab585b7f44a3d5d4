// The caller's obligation, as go vet's lostcancel checks it for cancel
// funcs: a package-local constructor returns an object whose goroutine can
// leave only when one of the object's ending methods (its Close, Stop, ...)
// runs. A caller in the package that builds such an object must call one of
// them on every path, or let the object go (return it, store it, hand it to
// other code), after which it is someone else's to end. A path from the
// construction to a return that does neither leaves the goroutine waiting
// for good: that path is the evidence.
import type { Node } from './syntax.js';
import { enclosingFunction, functionName, isAncestor, parentSkippingParens, receiverTypeName, sameNode, selectorParts, unparen } from './syntax.js';
import type { PackageSemantics } from './package.js';
import type { Binding } from './scopes.js';
import type { CfgNode } from './cfg.js';
import { fieldChannelFacts, fieldChannelOf, type SharedChannel, type Wait } from './channels.js';
import type { Goroutine } from './goroutines.js';
import { callClosure, fnId, usesOf } from './callgraph.js';
import { isEndName, runsIn, type Ending } from './lifecycle.js';
import { runsOncePerProgram } from './lifetime.js';

export interface SkippedEnd {
  /** The constructor that starts the goroutine and returns the object. */
  ctor: Node;
  /** The object's ending methods, one of which the caller must call. */
  ends: Node[];
  /** The call of the constructor in the caller. */
  site: Node;
  /** The function that builds the object and leaves without ending it. */
  caller: Node;
  /** From the construction to the exit, skipping every ending call. */
  path: CfgNode[];
  /** The return the path leaves through, or null when it falls off the end. */
  exit: Node | null;
}

/**
 * The first caller (in source order) that builds the object of goroutine
 * `g`'s constructor and returns on some path without calling one of its
 * ending methods, when the wait `wait` can only be left through them.
 * `ends` (the object's ending functions) is asked only of constructors.
 */
export function skippedEnd(pkg: PackageSemantics, g: Goroutine, wait: Wait, shared: SharedChannel[], ends: () => Ending[], roots: ReadonlySet<string>): SkippedEnd | null {
  const ctor = pkg.topLevelDecl(g.stmt);
  if (!ctor || ctor.type !== 'function_declaration' || !g.target) return null;
  const type = shared[0]?.owner;
  if (!type || shared.some((s) => s.kind !== 'field' || s.owner !== type) || resultType(ctor) !== type) return null;
  const own = ends().filter((e) => receiverTypeName(e.fn) === type && isEndName(functionName(e.fn))).map((e) => e.fn);
  if (own.length === 0 || !onlyEndsRelease(pkg, g, wait, own)) return null;
  const endNames = new Set(own.map((e) => functionName(e)));
  for (const use of usesOf(pkg, ctor)) {
    if (!use.call) continue;
    const found = skippingPath(pkg, use.call, endNames);
    if (!found) continue;
    if (runsOncePerProgram(pkg, use.call, roots)) continue;
    return { ctor, ends: own, site: use.call, ...found };
  }
  return null;
}

/**
 * Whether the goroutine can leave the wait only through the ending methods:
 * every close of, and send on, a channel on which it leaves (a select's
 * exit cases; for a receive or range, any of its channels) runs in their
 * code, and there is one. Sends elsewhere on the other cases only wake it.
 */
function onlyEndsRelease(pkg: PackageSemantics, g: Goroutine, wait: Wait, ends: Node[]): boolean {
  const endCode = callClosure(pkg, ends);
  const leaving = wait.node.type === 'select_statement' ? wait.channels.filter((_, i) => wait.exits[i]) : wait.channels;
  let released = false;
  for (const ch of leaving) {
    const fc = fieldChannelOf(pkg, ch);
    if (!fc) return false;
    const facts = fieldChannelFacts(pkg, fc);
    if (!facts.madeHere || facts.filledFromElsewhere) return false;
    for (const op of facts.ops) {
      if (op.kind === 'escape') return false;
      if (op.kind !== 'close' && op.kind !== 'send') continue;
      // The goroutine's own sends and closes do not release it from outside.
      if (g.target && isAncestor(g.target, op.node)) continue;
      if (!runsIn(op, (fn) => endCode.has(fnId(pkg, fn)), () => false)) return false;
      released = true;
    }
  }
  return released;
}

/** The named type a function's first result is (`T` or `*T`), or null. */
function resultType(fn: Node): string | null {
  let r = fn.childForFieldName('result');
  if (r?.type === 'parameter_list') r = r.namedChildren.find((c) => c.type === 'parameter_declaration')?.childForFieldName('type') ?? null;
  while (r && (r.type === 'pointer_type' || r.type === 'parenthesized_type')) r = r.namedChild(0);
  return r?.type === 'type_identifier' ? r.text : null;
}

/**
 * Whether a caller ends, on every path, the object a constructor call
 * returns: it binds it to a local and no path from there to an exit skips
 * both a call of one of the type's ending methods (named like Close or
 * Stop, isEndName; a deferred one counts where the defer stands) and handing
 * the object on (skippingPath). The leak checker leaves such callers out of
 * the groups it roots for the object; one that stores it elsewhere
 * (`w.fp = newFilePipeline()`) or may leave without ending it keeps its group.
 */
export function endsOnEveryPath(pkg: PackageSemantics, call: Node, ctor: Node): boolean {
  const type = resultType(ctor);
  if (!type || !boundObject(pkg, call)) return false;
  const endNames = new Set<string>();
  for (const key of pkg.methods.keys()) {
    const name = key.slice(type.length + 1);
    if (key.startsWith(`${type}.`) && isEndName(name)) endNames.add(name);
  }
  // A test's t.Fatal ends its goroutine and leaves the object's goroutines behind: an abort counts as a way out.
  return endNames.size > 0 && !skippingPath(pkg, call, endNames, true);
}

/** A wait an ending method may make: a receive, a WaitGroup's or Cond's Wait, a Lock. */
const ENDING_WAIT = /<-|\.Wait\(|\.R?Lock\(/;

/**
 * Whether an ending method of the object a constructor returns (its Close,
 * Stop, ...) may wait, itself or through package-local calls: `close(l.in);
 * <-l.exited` under `l.mu`, while the goroutine it waits for needs `l.mu` to
 * leave. Such an end can hang on the goroutines it ends, so a caller that
 * ends every object it builds still runs code worth exploring.
 */
export function endMayWait(pkg: PackageSemantics, ctor: Node): boolean {
  const type = resultType(ctor);
  if (!type) return false;
  const ends = [...pkg.methods].filter(([k]) => k.startsWith(`${type}.`) && isEndName(k.slice(type.length + 1))).map(([, d]) => d);
  return [...callClosure(pkg, ends).values()].some((f) => ENDING_WAIT.test(f.text));
}

/**
 * The local a constructor call's object is bound to (`t := newTailer()`, `t,
 * err := newTailer()`), with the function that binds it and its error, or
 * null: anything else hands the object on.
 */
function boundObject(pkg: PackageSemantics, call: Node): { caller: Node; stmt: Node; obj: Binding; err: Binding | null } | null {
  const caller = enclosingFunction(call);
  if (!caller) return null;
  const { parent, child } = parentSkippingParens(call);
  if (parent?.type !== 'expression_list') return null;
  const stmt = parent.parent;
  if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) return null;
  if (!sameNode(stmt.childForFieldName('right'), parent) || parent.namedChildren.length !== 1 || !sameNode(parent.namedChild(0), child)) return null;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const obj = left[0]?.type === 'identifier' ? pkg.resolve(left[0]) : null;
  if (!obj || obj.fn === null || !sameNode(obj.fn, caller) || obj.kind !== 'var') return null;
  const err = left[1]?.type === 'identifier' && left[1].text !== '_' ? pkg.resolve(left[1]) : null;
  return { caller, stmt, obj, err };
}

/**
 * A path in the caller from the constructor call to an exit (with `aborts`,
 * also to an abort: t.Fatal, panic) that neither calls an ending method on
 * the object nor lets it go. The call must bind the object to a local
 * (boundObject). Returns (and with `aborts`, calls that never return) inside
 * `if err != nil` on the constructor's own error are its failure, with no
 * object to end.
 */
function skippingPath(pkg: PackageSemantics, call: Node, endNames: Set<string>, aborts = false): { caller: Node; path: CfgNode[]; exit: Node | null } | null {
  const bound = boundObject(pkg, call);
  if (!bound) return null;
  const { caller, stmt, obj, err } = bound;
  const cfg = pkg.cfgOf(caller);
  const start = cfg.nodeOf(stmt);
  if (!start) return null;
  const stops = new Set<number>();
  for (const ref of obj.refs) {
    if (ref.startIndex < stmt.startIndex) continue;
    if (objectUse(ref, endNames, caller) === 'field') continue;
    // An ending call, or the object handed on: from here on it is ended or someone else's.
    // (A use inside a literal stands at the statement that holds the literal.)
    const n = cfg.nodeOf(ref);
    if (n) stops.add(n.id);
  }
  const failure = err ? errorReturns(pkg, caller, err, aborts) : new Set<number>();
  const blocked = (n: CfgNode) => stops.has(n.id) || failure.has(n.id);
  const path = cfg.pathToExit(start, blocked) ?? (aborts ? cfg.pathTo(start, cfg.abort, blocked) : null);
  if (!path) return null;
  const last = path[path.length - 2];
  return { caller, path, exit: last?.ast?.type === 'return_statement' ? last.ast : null };
}

/** What a use of the object does: reads a field or calls a method on it, ends it, or hands it on. */
function objectUse(ref: Node, endNames: Set<string>, caller: Node): 'field' | 'end' | 'handed' {
  // Inside a closure the object may outlive the caller (a goroutine, a callback): someone else's now.
  const inClosure = !sameNode(enclosingFunction(ref), caller);
  const { parent } = parentSkippingParens(ref);
  if (parent?.type === 'selector_expression' && sameNode(unparen(parent.childForFieldName('operand')!), ref)) {
    const sel = selectorParts(parent)!;
    if (parent.parent?.type === 'call_expression' && endNames.has(sel.field)) return 'end';
    return inClosure ? 'handed' : 'field';
  }
  // `t != nil`, `t == nil`: a test, not a hand-off.
  if (parent?.type === 'binary_expression' && (parent.child(1)?.type === '!=' || parent.child(1)?.type === '==')) return 'field';
  return 'handed';
}

/** Return statements (with `aborts`, also calls that never return) in the true branch of `if err != nil` on the constructor's own error. */
function errorReturns(pkg: PackageSemantics, caller: Node, err: Binding, aborts = false): Set<number> {
  const cfg = pkg.cfgOf(caller);
  const out = new Set<number>();
  for (const ref of err.refs) {
    const cond = ref.parent;
    if (cond?.type !== 'binary_expression' || cond.child(1)?.type !== '!=' || cond.childForFieldName('right')?.text !== 'nil') continue;
    const ifs = cond.parent;
    if (ifs?.type !== 'if_statement' || !sameNode(ifs.childForFieldName('condition'), cond)) continue;
    const body = ifs.childForFieldName('consequence');
    for (const r of body?.descendantsOfType('return_statement') ?? []) {
      const n = cfg.nodeOf(r);
      if (n) out.add(n.id);
    }
    if (!aborts) continue;
    for (const c of body?.descendantsOfType('call_expression') ?? []) {
      const n = pkg.isNoReturnCall(c) ? cfg.nodeOf(c) : null;
      if (n) out.add(n.id);
    }
  }
  return out;
}
