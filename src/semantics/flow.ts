// Flow questions about one variable, shared by the HTTP and SSH rules:
// "is the client's Timeout set on every path before it is used?", "does this
// helper always call SetDeadline on its parameter?" (conns.ts asks the SSH
// rule's whole question). They read bindings from the resolver and paths
// from the function's control-flow graph.
import type { Node } from './syntax.js';
import { callArgs, contains, enclosingFunction, parentSkippingParens, sameNode, selectorParts, unparen } from './syntax.js';
import type { Binding } from './scopes.js';
import type { PackageSemantics } from './package.js';
import type { CfgNode } from './cfg.js';
import { parameterAt } from './channels.js';

/** Calls `x.M(...)` on a binding, for M in `methods`. */
export function methodCallsOn(binding: Binding, methods: Set<string>): Node[] {
  const out: Node[] = [];
  for (const ref of binding.refs) {
    const { parent } = parentSkippingParens(ref);
    if (parent?.type !== 'selector_expression') continue;
    const field = parent.childForFieldName('field')?.text;
    if (!field || !methods.has(field)) continue;
    const call = parent.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.startIndex === parent.startIndex) out.push(call);
  }
  return out;
}

/** The method name M when `use` is the receiver of a call `use.M(...)`, else null. */
export function calledMethod(use: Node): string | null {
  const { parent } = parentSkippingParens(use);
  if (parent?.type !== 'selector_expression') return null;
  const call = parent.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.startIndex !== parent.startIndex) return null;
  return parent.childForFieldName('field')?.text ?? null;
}

/** Assignments `x.F = v` to a field of a binding. */
export function fieldAssignmentsOn(binding: Binding, field: string): { stmt: Node; value: Node | null }[] {
  const out: { stmt: Node; value: Node | null }[] = [];
  for (const ref of binding.refs) {
    const { parent } = parentSkippingParens(ref);
    if (parent?.type !== 'selector_expression' || parent.childForFieldName('field')?.text !== field) continue;
    const list = parent.parent;
    const stmt = list?.parent;
    if (list?.type !== 'expression_list' || stmt?.type !== 'assignment_statement' || stmt.childForFieldName('left')?.startIndex !== list.startIndex) continue;
    const i = list.namedChildren.findIndex((c) => c.startIndex === parent.startIndex);
    const right = stmt.childForFieldName('right')?.namedChildren ?? [];
    out.push({ stmt, value: right.length === list.namedChildCount ? right[i]! : null });
  }
  return out;
}

/**
 * A path inside `fn` from `from` (null: the entry) to the statement holding
 * `to` that passes none of the statements holding `guards`, or null when
 * every path is guarded.
 */
export function unguardedPath(pkg: PackageSemantics, fn: Node, from: Node | null, to: Node, guards: Node[]): CfgNode[] | null {
  const g = pkg.cfgOf(fn);
  const start = from ? g.nodeOf(from) : g.entry;
  const target = g.nodeOf(to);
  if (!start || !target) return null;
  const guarded = new Set(guards.map((n) => g.nodeOf(n)?.id).filter((x): x is number => x !== undefined));
  if (guarded.has(start.id) && from) return null;
  if (guarded.has(target.id)) {
    // Same statement: `conn.SetDeadline(...); ssh.NewClientConn(conn, ...)` cannot share one; treat as guarded.
    return null;
  }
  return g.pathTo(start, target, (n) => guarded.has(n.id));
}

/**
 * Whether a package-local function calls one of `methods` on its idx-th
 * parameter on every path to its normal exit (a helper that always sets a
 * deadline). Memoised per declaration; recursion is treated as "no".
 */
export function alwaysCallsOnParam(pkg: PackageSemantics, decl: Node, idx: number, methods: Set<string>, seen = new Set<number>()): boolean {
  if (seen.has(decl.startIndex)) return false;
  seen.add(decl.startIndex);
  const p = parameterAt(pkg, decl, idx);
  if (!p) return false;
  const calls = [...methodCallsOn(p, methods).filter((c) => sameNode(enclosingFunction(c), decl))];
  for (const ref of p.refs) {
    const { parent, child } = parentSkippingParens(ref);
    if (parent?.type !== 'argument_list') continue;
    const call = parent.parent!;
    const callee = pkg.calleeDecl(call);
    const i = parent.namedChildren.findIndex((a) => a.startIndex === child.startIndex);
    if (callee && alwaysCallsOnParam(pkg, callee, i, methods, seen)) calls.push(call);
  }
  if (calls.length === 0) return false;
  const g = pkg.cfgOf(decl);
  const ids = new Set(calls.map((c) => g.nodeOf(c)?.id).filter((x): x is number => x !== undefined));
  return g.mustPass(g.entry, (n) => ids.has(n.id));
}

/** `sel` is `x.F` where x resolves to `binding`. */
export function isFieldOf(pkg: PackageSemantics, sel: Node, binding: Binding, field: string): boolean {
  const parts = selectorParts(sel);
  if (!parts || parts.field !== field || parts.operand.type !== 'identifier') return false;
  return pkg.resolve(parts.operand) === binding;
}

/**
 * Whether an HTTP request is bounded by a deadline the function itself sets:
 * built with `http.NewRequestWithContext(ctx, ...)` or rebound with
 * `req = req.WithContext(ctx)`, where ctx comes from `context.WithTimeout` or
 * `context.WithDeadline`. A ctx parameter of unknown origin does not count.
 */
export function requestHasDeadline(pkg: PackageSemantics, req: Node | undefined): boolean {
  if (!req || unparen(req).type !== 'identifier') return false;
  const rb = pkg.resolve(unparen(req));
  if (!rb) return false;
  const values = [rb.value, ...rb.assigns.map((a) => a.value)].filter((v): v is Node => !!v).map(unparen);
  const ctxArgs: Node[] = [];
  for (const v of values) {
    if (v.type !== 'call_expression') continue;
    if (pkg.isCallTo(v, 'net/http', 'NewRequestWithContext')) { const a = callArgs(v)[0]; if (a) ctxArgs.push(a); continue; }
    const sel = selectorParts(v.childForFieldName('function') ?? v);
    if (sel?.field === 'WithContext' && sel.operand.type === 'identifier' && pkg.resolve(sel.operand) === rb) {
      const a = callArgs(v)[0];
      if (a) ctxArgs.push(a);
    }
  }
  return ctxArgs.some((a) => {
    if (unparen(a).type !== 'identifier') return false;
    const cb = pkg.resolve(unparen(a));
    const cv = cb?.value ? unparen(cb.value) : null;
    return !!cv && cv.type === 'call_expression' && cb!.valueIndex === 0 && cb!.assigns.length === 0 && pkg.isCallTo(cv, 'context', new Set(['WithTimeout', 'WithDeadline']));
  });
}

/**
 * Whether a value stored by the statement `from` in `fn` is replaced before
 * anything can see it: every path from `from` to each of `uses` (and, when
 * `toExit`, to the function's exit: a field outlives the call) passes one of
 * the statements `overwrites` first. False when there is no overwrite.
 */
export function overwrittenBeforeUse(pkg: PackageSemantics, fn: Node, from: Node, uses: Node[], allOverwrites: Node[], toExit: boolean): boolean {
  // An overwrite inside a closure runs when the closure does, if ever: only fn's own count.
  const overwrites = allOverwrites.filter((o) => sameNode(enclosingFunction(o), fn));
  if (overwrites.length === 0) return false;
  // A use outside fn (the store is in a closure, the use in its caller) is not on fn's paths: unknown order.
  if (uses.some((u) => !contains(fn, u))) return false;
  for (const u of uses) if (unguardedPath(pkg, fn, from, u, overwrites)) return false;
  if (!toExit) return true;
  const g = pkg.cfgOf(fn);
  const start = g.nodeOf(from);
  if (!start) return false;
  const ids = new Set(overwrites.map((n) => g.nodeOf(n)?.id).filter((x): x is number => x !== undefined));
  return g.pathToExit(start, (n) => ids.has(n.id)) === null;
}

/** `c.Do(req)` on the use `c` of a client, where req carries a context with a deadline made in this function. */
export function isBoundedDo(pkg: PackageSemantics, use: Node): boolean {
  if (calledMethod(use) !== 'Do') return false;
  const call = parentSkippingParens(use).parent!.parent!;
  return requestHasDeadline(pkg, callArgs(call)[0]);
}
