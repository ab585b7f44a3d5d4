// Questions about net/http values that both HTTP rules ask: is this
// expression http.DefaultClient, is a duration zero, is a Timeout assigned
// to this client anywhere, and where does a client value go once built.
import type { Node } from './syntax.js';
import { callArgs, intLiteralValue, parentSkippingParens, selectorParts, unparen } from './syntax.js';
import type { Binding } from './scopes.js';
import type { PackageSemantics } from './package.js';

export const NET_HTTP = 'net/http';

/** `http.DefaultClient` itself (through imports: aliases, dot import; a local `http` does not count). */
export function isDefaultClientExpr(pkg: PackageSemantics, e: Node): boolean {
  const q = pkg.qualifiedName(e, NET_HTTP);
  return !!q && q.path === NET_HTTP && q.name === 'DefaultClient';
}

/**
 * `http.DefaultClient`, or a local variable initialised with it and never
 * reassigned (`c := http.DefaultClient`): what a call on `e` sends through.
 */
export function holdsDefaultClient(pkg: PackageSemantics, e: Node): boolean {
  return isDefaultClientExpr(pkg, e) || !!defaultClientLocal(pkg, e);
}

/** The binding of a local variable initialised with http.DefaultClient and never reassigned, when `e` names one. */
export function defaultClientLocal(pkg: PackageSemantics, e: Node): Binding | null {
  const x = unparen(e);
  if (x.type !== 'identifier') return null;
  const b = pkg.resolve(x);
  if (!b || !b.fn || !b.value || b.assigns.length) return null;
  return isDefaultClientExpr(pkg, b.value) ? b : null;
}

/** `0`, `time.Duration(0)`, `0 * time.Second`. */
export function isZeroDuration(pkg: PackageSemantics, e: Node): boolean {
  const x = unparen(e);
  if (intLiteralValue(x) === 0) return true;
  if (x.type === 'call_expression' || x.type === 'type_conversion_expression') {
    const args = x.type === 'call_expression' ? callArgs(x) : [x.childForFieldName('operand')!].filter(Boolean);
    return args.length === 1 && isZeroDuration(pkg, args[0]!);
  }
  if (x.type === 'binary_expression' && x.child(1)?.type === '*') {
    const l = x.childForFieldName('left');
    const r = x.childForFieldName('right');
    return (!!l && intLiteralValue(l) === 0) || (!!r && intLiteralValue(r) === 0);
  }
  return false;
}

/**
 * The binding every use of a package-level name resolves to. A package-level
 * `var c http.Client` resolves, at its declaration, to a binding of the
 * declaration's own scope (kept for function literals in initialisers), while
 * uses inside functions resolve to the package's: compare through this.
 */
export function canonicalBinding(pkg: PackageSemantics, b: Binding): Binding {
  return b.fn === null && (b.kind === 'var' || b.kind === 'const') ? pkg.globals.get(b.name) ?? b : b;
}

/**
 * Non-zero `X.Timeout = d` assignments anywhere in the package whose `X`
 * satisfies `operand`. Order is not checked: an init or a constructor that
 * sets it counts for every use, which we cannot order against it.
 */
export function timeoutAssignedWhere(pkg: PackageSemantics, operand: (x: Node) => boolean): boolean {
  for (const sel of pkg.selectorsNamed('Timeout')) {
    const { parent: list } = parentSkippingParens(sel);
    const stmt = list?.parent;
    if (list?.type !== 'expression_list' || stmt?.type !== 'assignment_statement' || stmt.childForFieldName('left')?.startIndex !== list.startIndex) continue;
    if (stmt.child(1)?.type !== '=') continue;
    const parts = selectorParts(sel);
    if (!parts || parts.field !== 'Timeout' || !operand(parts.operand)) continue;
    const left = list.namedChildren;
    const right = stmt.childForFieldName('right')?.namedChildren ?? [];
    const i = left.findIndex((c) => c.startIndex === sel.startIndex);
    const v = right.length === left.length ? right[i] : undefined;
    if (v && !isZeroDuration(pkg, v)) return true;
  }
  return false;
}

/** A non-zero Timeout assigned anywhere in the package to the variable `b` (`c.Timeout = d`). */
export function timeoutAssignedTo(pkg: PackageSemantics, b: Binding): boolean {
  const want = canonicalBinding(pkg, b);
  return timeoutAssignedWhere(pkg, (x) => x.type === 'identifier' && (() => {
    const r = pkg.resolve(x);
    return !!r && canonicalBinding(pkg, r) === want;
  })());
}

/** A non-zero Timeout assigned to `http.DefaultClient.Timeout` in the package: the global then has one. */
export function defaultClientTimeoutSet(pkg: PackageSemantics): boolean {
  return timeoutAssignedWhere(pkg, (x) => isDefaultClientExpr(pkg, x));
}

/** A non-zero Timeout assigned to some `X.field.Timeout` in the package (`c.httpCli.Timeout = d`). */
export function timeoutAssignedToField(pkg: PackageSemantics, field: string): boolean {
  return timeoutAssignedWhere(pkg, (x) => selectorParts(x)?.field === field);
}

/**
 * Where the value of an expression goes, read from its syntactic parent
 * (parentheses skipped):
 * - `field`: the right of `x.f = v` (field `f`), `m[k] = v` or `*p = v` (field null);
 * - `element`: an element of a composite literal, `T{f: v}` (field `f`) or
 *   `[]T{v}`, `map[K]V{k: v}` (field null);
 * - `variable`: bound to a variable by `var x = v`, `x := v` or `x = v`;
 * - `argument`, `return`, or `other` (an operand: `v.M()`, `v == w`, `*v`, `&v`).
 * A composite literal under `&` goes where the `&T{...}` goes.
 */
export type Destination =
  | { kind: 'field'; stmt: Node; target: Node; field: string | null }
  | { kind: 'element'; literal: Node; field: string | null }
  | { kind: 'variable'; binding: Binding; stmt: Node; declared: boolean }
  | { kind: 'argument'; call: Node; index: number }
  | { kind: 'return'; stmt: Node }
  | { kind: 'other' };

export function destinationOf(pkg: PackageSemantics, expr: Node): Destination {
  let { parent, child } = parentSkippingParens(expr);
  // `&T{...}` is stored wherever the literal would be: the pointer is the only reference to it.
  if (parent?.type === 'unary_expression' && parent.child(0)?.type === '&' && unparen(expr).type === 'composite_literal') {
    ({ parent, child } = parentSkippingParens(parent));
  }
  if (!parent) return { kind: 'other' };
  const same = (a: Node) => a.startIndex === child.startIndex && a.endIndex === child.endIndex;
  switch (parent.type) {
    case 'literal_element':
    case 'keyed_element': {
      // tree-sitter-go wraps each element (and each key) in a literal_element.
      const elem = parent.type === 'literal_element' ? parent : null;
      const keyed = elem ? elem.parent : parent;
      if (keyed?.type === 'keyed_element') {
        const value = keyed.childForFieldName('value');
        if (!value || !(elem ? value.startIndex === elem.startIndex : same(value))) return { kind: 'other' };
        const literal = enclosingLiteral(keyed);
        if (!literal) return { kind: 'other' };
        const key = keyed.childForFieldName('key');
        const keyIdent = key?.type === 'literal_element' ? key.namedChild(0) : key;
        const field = isStructLiteral(literal) && (keyIdent?.type === 'identifier' || keyIdent?.type === 'field_identifier') ? keyIdent.text : null;
        return { kind: 'element', literal, field };
      }
      const literal = elem?.parent?.type === 'literal_value' ? enclosingLiteral(elem) : null;
      return literal ? { kind: 'element', literal, field: null } : { kind: 'other' };
    }
    case 'argument_list': {
      const call = parent.parent;
      if (call?.type !== 'call_expression') return { kind: 'other' };
      return { kind: 'argument', call, index: callArgs(call).findIndex(same) };
    }
    case 'return_statement':
      return { kind: 'return', stmt: parent };
    case 'expression_list': {
      const stmt = parent.parent;
      if (stmt?.type === 'return_statement') return { kind: 'return', stmt };
      const i = parent.namedChildren.findIndex(same);
      let target: Node | undefined;
      if ((stmt?.type === 'assignment_statement' || stmt?.type === 'short_var_declaration') && stmt.childForFieldName('right')?.startIndex === parent.startIndex) {
        if (stmt.type === 'assignment_statement' && stmt.child(1)?.type !== '=') return { kind: 'other' };
        const left = stmt.childForFieldName('left')?.namedChildren ?? [];
        if (left.length !== parent.namedChildCount) return { kind: 'other' };
        target = left[i];
      } else if (stmt?.type === 'var_spec') {
        const names = stmt.childrenForFieldName('name');
        if (names.length !== parent.namedChildCount) return { kind: 'other' };
        target = names[i];
      }
      if (!target || !stmt) return { kind: 'other' };
      const t = unparen(target);
      if (t.type === 'identifier') {
        const b = pkg.resolve(t);
        if (!b) return { kind: 'other' };
        return { kind: 'variable', binding: b, stmt, declared: stmt.type !== 'assignment_statement' && b.ident.startIndex === t.startIndex };
      }
      if (t.type === 'selector_expression') return { kind: 'field', stmt, target: t, field: selectorParts(t)?.field ?? null };
      if (t.type === 'index_expression' || (t.type === 'unary_expression' && t.child(0)?.type === '*')) return { kind: 'field', stmt, target: t, field: null };
      return { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/** The composite literal whose literal_value holds an element (for nested `{...}` elements, the innermost). */
function enclosingLiteral(elem: Node): Node | null {
  const body = elem.parent;
  if (body?.type !== 'literal_value') return null;
  const lit = body.parent;
  if (lit?.type === 'composite_literal') return lit;
  // An element literal with its type elided (`[]T{{f: v}}`): the literal_value is itself the element.
  return lit?.type === 'literal_element' ? body : null;
}

function isStructLiteral(literal: Node): boolean {
  if (literal.type !== 'composite_literal') return true; // elided type inside a slice or map of structs
  const t = literal.childForFieldName('type');
  return !!t && t.type !== 'map_type' && t.type !== 'slice_type' && t.type !== 'array_type' && t.type !== 'implicit_length_array_type';
}
