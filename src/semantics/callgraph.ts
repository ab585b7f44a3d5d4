// The package's call graph, asked one function at a time: where a function
// or method is used (called, or taken as a value), and which package-local
// functions a body calls. Uses are found by name (the identifier for a
// function, the selector for a method) and then confirmed by resolution, so
// a question costs a text search, not a walk of every call in the package.
import type { Node } from './syntax.js';
import { enclosingFunction, functionName, parentSkippingParens, receiverTypeName, sameNode, selectorParts } from './syntax.js';
import type { PackageSemantics } from './package.js';

export interface Use {
  /** The identifier or selector naming the function. */
  node: Node;
  /** The call whose function this use is; null when the function is taken as a value. */
  call: Node | null;
}

/** Whether a declared name is visible outside its package (Go's rule: an upper-case first letter). */
export function isExported(name: string): boolean {
  return /^\p{Lu}/u.test(name);
}

/**
 * Every use of a package-level function or method in the package. A method
 * used through an operand whose type syntax cannot name (an interface, a
 * field of a field) counts as a use when the name matches: for the questions
 * asked here (does every caller run once?), a use too many errs on the side
 * of reporting, never of silence.
 */
export function usesOf(pkg: PackageSemantics, decl: Node): Use[] {
  const name = functionName(decl);
  const out: Use[] = [];
  const asUse = (node: Node): Use => {
    const { parent, child } = parentSkippingParens(node);
    const call = parent?.type === 'call_expression' && sameNode(parent.childForFieldName('function'), child) ? parent : null;
    return { node, call };
  };
  if (decl.type === 'method_declaration') {
    const recv = receiverTypeName(decl);
    for (const sel of pkg.selectorsNamed(name)) {
      const parts = selectorParts(sel);
      if (!parts || pkg.importPathOf(parts.operand)) continue;
      const t = pkg.typeNameOf(parts.operand);
      // Another struct of this package with its own method of this name: not ours.
      if (t && t !== recv && pkg.methods.has(`${t}.${name}`)) continue;
      out.push(asUse(sel));
    }
    return out;
  }
  if (decl.type !== 'function_declaration') return out;
  const re = new RegExp(`(?<![\\w.])${name.replace(/[$]/g, '\\$&')}(?!\\w)`, 'gu');
  for (const f of pkg.files) {
    for (const m of f.text.matchAll(re)) {
      const at = m.index!;
      const id = f.root.descendantForIndex(at, at + name.length);
      if (id.type !== 'identifier' || id.startIndex !== at) continue;
      if (sameNode(id, decl.childForFieldName('name'))) continue;
      const b = pkg.resolve(id);
      if (!b || b.kind !== 'func' || !sameNode(b.decl, decl)) continue;
      out.push(asUse(id));
    }
  }
  return out;
}

const calleeMemo = new WeakMap<PackageSemantics, Map<string, Node[]>>();

/** The package-local functions and methods a function's body calls, its nested literals included. */
export function calleesOf(pkg: PackageSemantics, fn: Node): Node[] {
  let memo = calleeMemo.get(pkg);
  if (!memo) { memo = new Map(); calleeMemo.set(pkg, memo); }
  const k = fnId(pkg, fn);
  let out = memo.get(k);
  if (!out) { out = computeCallees(pkg, fn); memo.set(k, out); }
  return out;
}

function computeCallees(pkg: PackageSemantics, fn: Node): Node[] {
  const out: Node[] = [];
  const file = pkg.fileOf(fn);
  for (const call of pkg.nodesOfType(file, 'call_expression')) {
    if (call.startIndex < fn.startIndex || call.endIndex > fn.endIndex) continue;
    const callee = pkg.calleeDecl(call);
    if (callee && !out.some((c) => sameNode(c, callee))) out.push(callee);
  }
  return out;
}

/** A key for a function node that is unique across the package's files. */
export function fnId(pkg: PackageSemantics, fn: Node): string {
  return `${pkg.files.indexOf(pkg.fileOf(fn))}:${fn.startIndex}:${fn.endIndex}`;
}

/**
 * The functions reachable from `roots` through package-local calls
 * (roots included), keyed by fnId. `limit` bounds the walk on packages
 * with huge call graphs; what it leaves out is simply not in the set.
 */
export function callClosure(pkg: PackageSemantics, roots: Node[], limit = 400): Map<string, Node> {
  const seen = new Map<string, Node>();
  const work = [...roots];
  while (work.length && seen.size < limit) {
    const f = work.pop()!;
    const k = fnId(pkg, f);
    if (seen.has(k)) continue;
    seen.set(k, f);
    for (const c of calleesOf(pkg, f)) if (!seen.has(fnId(pkg, c))) work.push(c);
  }
  return seen;
}

/** The top-level function or method declaration whose body holds `n` (through any literals), or null. */
export function declOf(n: Node): Node | null {
  let f = enclosingFunction(n);
  while (f && f.type === 'func_literal') f = enclosingFunction(f);
  return f;
}
