// Small, allocation-light helpers over tree-sitter-go nodes. Everything that
// knows the shape of the grammar lives here or in the other semantics modules;
// rules never look at node types of their own beyond their visitor keys.
import type Parser from 'tree-sitter';

export type Node = Parser.SyntaxNode;

/** Function-like nodes: each one gets its own scope and control-flow graph. */
export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export function isFunction(n: Node): boolean {
  return FUNCTION_TYPES.has(n.type);
}

/** Strips redundant parentheses: `(ch)` and `ch` are the same operand. */
export function unparen(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1) cur = cur.namedChild(0)!;
  return cur;
}

/** The nearest enclosing function (declaration, method or literal), or null at package level. */
export function enclosingFunction(n: Node): Node | null {
  let cur = n.parent;
  while (cur && !FUNCTION_TYPES.has(cur.type)) cur = cur.parent;
  return cur;
}

/** The parent, skipping parentheses. */
export function parentSkippingParens(n: Node): { parent: Node | null; child: Node } {
  let child = n;
  let parent = n.parent;
  while (parent && parent.type === 'parenthesized_expression') {
    child = parent;
    parent = parent.parent;
  }
  return { parent, child };
}

/** Same node (tree-sitter hands out fresh wrapper objects for the same node). */
export function sameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** A stable key for a node inside one file. */
export function nodeKey(n: Node): number {
  // Distinct nodes can share a start offset (an expression statement and its call);
  // the type disambiguates at the granularity the semantics layer keys on.
  return n.startIndex * 64 + (n.typeId % 64);
}

export function isAncestor(anc: Node, n: Node): boolean {
  return anc.startIndex <= n.startIndex && n.endIndex <= anc.endIndex && !sameNode(anc, n);
}

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Arguments of a call, without the parentheses. */
export function callArgs(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return args ? args.namedChildren.filter((c) => c.type !== 'comment') : [];
}

/** `pkg.Name` / `x.f`: operand and field text, or null. */
export function selectorParts(n: Node): { operand: Node; field: string } | null {
  const e = unparen(n);
  if (e.type !== 'selector_expression') return null;
  const operand = e.childForFieldName('operand');
  const field = e.childForFieldName('field');
  if (!operand || !field) return null;
  return { operand: unparen(operand), field: field.text };
}

/** Line (1-based) of a node's start. */
export function lineOf(n: Node): number {
  return n.startPosition.row + 1;
}

/** Named statements of a block (`{ ... }`), skipping comments. */
export function blockStatements(block: Node | null): Node[] {
  if (!block) return [];
  const list = block.type === 'block' ? block.namedChildren.find((c) => c.type === 'statement_list') : block;
  if (!list) return [];
  if (list.type !== 'statement_list') return list.namedChildren.filter((c) => c.type !== 'comment');
  return list.namedChildren.filter((c) => c.type !== 'comment');
}

/** Body of a function-like node. */
export function functionBody(fn: Node): Node | null {
  return fn.childForFieldName('body');
}

/** The name a function or method declaration declares (`(*T).m` for methods is not built here). */
export function functionName(fn: Node): string {
  if (fn.type === 'func_literal') return 'func literal';
  return fn.childForFieldName('name')?.text ?? '?';
}

/** Receiver type name of a method declaration (`T` for both `(t T)` and `(t *T)`), or null. */
export function receiverTypeName(fn: Node): string | null {
  if (fn.type !== 'method_declaration') return null;
  const recv = fn.childForFieldName('receiver');
  const decl = recv?.namedChildren.find((c) => c.type === 'parameter_declaration');
  let t = decl?.childForFieldName('type') ?? null;
  while (t && (t.type === 'pointer_type' || t.type === 'parenthesized_type')) t = t.namedChild(0);
  if (t?.type === 'generic_type') t = t.childForFieldName('type');
  return t && t.type === 'type_identifier' ? t.text : null;
}

/** Receiver variable name of a method, or null. */
export function receiverName(fn: Node): string | null {
  if (fn.type !== 'method_declaration') return null;
  const recv = fn.childForFieldName('receiver');
  const decl = recv?.namedChildren.find((c) => c.type === 'parameter_declaration');
  return decl?.childForFieldName('name')?.text ?? null;
}

/** The statement that contains `n` directly inside a statement list / block (or n itself). */
export function enclosingStatement(n: Node): Node {
  let cur: Node = n;
  while (cur.parent && cur.parent.type !== 'statement_list' && cur.parent.type !== 'block' &&
    cur.parent.type !== 'source_file' && !FUNCTION_TYPES.has(cur.parent.type)) {
    cur = cur.parent;
  }
  return cur;
}

/** Int literal value (decimal, hex, octal, binary, underscores), or null. */
export function intLiteralValue(n: Node): number | null {
  const e = unparen(n);
  if (e.type !== 'int_literal') return null;
  const t = e.text.replace(/_/g, '');
  const v = /^0[0-7]+$/.test(t) ? parseInt(t.slice(1), 8) : Number(t.replace(/^0o/i, '0o'));
  return Number.isFinite(v) ? v : null;
}

/**
 * The value of a constant declared with iota (`Sync Mode = iota`, and `Async` after it, which
 * repeats the expression with the next iota): the expression of its spec, or of the last spec
 * before it that has one, with iota as the spec's index in its block, folded by
 * foldIntConstant; null for anything else (another constant's name among them).
 */
export function iotaConstValue(ident: Node): number | null {
  const spec = ident.parent;
  const block = spec?.parent;
  if (spec?.type !== 'const_spec' || block?.type !== 'const_declaration') return null;
  const specs = block.namedChildren.filter((x) => x.type === 'const_spec');
  const index = specs.findIndex((x) => x.startIndex === spec.startIndex);
  // (The name field lists the commas between names too.)
  const position = spec.childrenForFieldName('name').filter((x) => x.type === 'identifier').findIndex((x) => x.startIndex === ident.startIndex);
  for (let i = index; i >= 0; i--) {
    const list = specs[i]!.childForFieldName('value');
    if (!list) continue;
    const e = list.namedChildren[position];
    return e && e.text.includes('iota') ? evalIota(e, index) : null;
  }
  return null;
}

function evalIota(e: Node, iota: number): number | null {
  return foldIntConstant(e, (x) => (x.type === 'iota' || (x.type === 'identifier' && x.text === 'iota') ? iota : null));
}

/**
 * An integer constant expression folded as the compiler folds it: literals,
 * parentheses, unary `- + ^` and binary `+ - * / % << >> & | ^ &^`, with
 * every other operand (iota, a constant's name, a conversion) asked of
 * `leaf`. Null where an operand is unknown, and for a value past what a
 * double holds exactly.
 */
export function foldIntConstant(e: Node, leaf: (x: Node) => number | null): number | null {
  const x = unparen(e);
  const lit = intLiteralValue(x);
  if (lit !== null) return safeInt(lit);
  switch (x.type) {
    case 'unary_expression': {
      const operand = x.childForFieldName('operand')!;
      const v = foldIntConstant(operand, leaf);
      if (v === null) return null;
      switch (x.childForFieldName('operator')?.type ?? x.child(0)?.type) {
        case '-': return safeInt(-v);
        case '+': return v;
        // ^x is -x-1 for an untyped constant (a literal); for a typed one it depends on the type
        // (`^uint(0)` is its largest value), which is not followed here.
        case '^': return intLiteralValue(unparen(operand)) !== null ? safeInt(-v - 1) : null;
        default: return null;
      }
    }
    case 'binary_expression': {
      const l = foldIntConstant(x.childForFieldName('left')!, leaf);
      if (l === null) return null;
      const r = foldIntConstant(x.childForFieldName('right')!, leaf);
      if (r === null) return null;
      switch (x.childForFieldName('operator')?.type ?? x.child(1)?.type) {
        case '+': return safeInt(l + r);
        case '-': return safeInt(l - r);
        case '*': return safeInt(l * r);
        // Integer constants divide toward zero, as Go's do.
        case '/': return r === 0 ? null : safeInt(Math.trunc(l / r));
        case '%': return r === 0 ? null : safeInt(l % r);
        case '<<': return r >= 0 && r < 64 ? safeInt(l * 2 ** r) : null;
        case '>>': return r >= 0 ? safeInt(Math.floor(l / 2 ** Math.min(r, 1100))) : null;
        // Bitwise operators on values that fit 32 bits (flags, masks); wider ones are left unknown.
        case '&': return bits32(l, r) ? l & r : null;
        case '|': return bits32(l, r) ? l | r : null;
        case '^': return bits32(l, r) ? l ^ r : null;
        case '&^': return bits32(l, r) ? l & ~r : null;
        default: return null;
      }
    }
    default: {
      const v = leaf(x);
      return v === null ? null : safeInt(v);
    }
  }
}

function safeInt(v: number): number | null {
  return Number.isSafeInteger(v) ? v : null;
}

function bits32(l: number, r: number): boolean {
  return l >= 0 && r >= 0 && l <= 0x7fffffff && r <= 0x7fffffff;
}

/** An expression on the left of `=`, `op=` or `:=`: written, not read. */
export function isAssignmentTarget(n: Node): boolean {
  const { parent } = parentSkippingParens(n);
  const stmt = parent?.parent;
  return parent?.type === 'expression_list' && !!stmt && (stmt.type === 'assignment_statement' || stmt.type === 'short_var_declaration') &&
    stmt.childForFieldName('left')?.startIndex === parent.startIndex;
}

/**
 * The names a file declares at package level: functions, types, variables
 * and constants by name, methods as `Type.Method`; `init` and `_` may repeat
 * in Go and are left out. Two files of one package declaring the same name
 * cannot be in one build.
 */
export function packageLevelNames(root: Node): string[] {
  const out: string[] = [];
  const add = (n: Node | null | undefined) => { const t = n?.text; if (t && t !== '_') out.push(t); };
  const specs = (decl: Node, spec: string, list: string) => {
    for (const c of decl.namedChildren) {
      for (const s of c.type === list ? c.namedChildren : [c]) if (s.type === spec) for (const n of s.childrenForFieldName('name')) add(n);
    }
  };
  for (const d of root.namedChildren) {
    if (d.type === 'function_declaration') { if (d.childForFieldName('name')?.text !== 'init') add(d.childForFieldName('name')); }
    else if (d.type === 'method_declaration') { const t = receiverTypeName(d); const m = d.childForFieldName('name')?.text; if (t && m && m !== '_') out.push(`${t}.${m}`); }
    else if (d.type === 'type_declaration') { for (const s of d.namedChildren) if (s.type === 'type_spec' || s.type === 'type_alias') add(s.childForFieldName('name')); }
    else if (d.type === 'var_declaration') specs(d, 'var_spec', 'var_spec_list');
    else if (d.type === 'const_declaration') specs(d, 'const_spec', 'const_spec_list');
  }
  return out;
}
