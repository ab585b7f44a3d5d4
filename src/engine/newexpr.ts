// Go 1.26 lets `new` take an expression: `new(x.GetTerm())`, `new(0)`,
// `new(uint64(m.ID))` allocate a variable holding that value. tree-sitter-go
// 0.25.0 predates it: its `new`/`make` calls take a special argument list that
// must start with a type, so such a call becomes an ERROR node, and with it
// whatever error recovery swallows around it (a composite literal, a return,
// sometimes the rest of the function). etcd at HEAD has 30 such files.
//
// The grammar cannot be regenerated here, so the text tree-sitter reads is
// changed instead, for parsing only: in a file that failed to parse, each
// `new` the tree did not accept as a clean call is spelled `nEw`, an ordinary
// identifier of the same length, so the call parses through the general rule
// (`function: identifier`, `arguments: argument_list` holding the expression):
// the same node types an accepted `new(T)` has, at the same byte offsets,
// rows and columns. The tree's text is then pointed back at the original, so
// `node.text` reads `new` and `isBuiltinCall(call, 'new')` holds; the
// rewritten string never leaves parseGo, and `--fix` edits the original text.
//
// Only calls the grammar rejects are touched, and a rewrite is kept only where
// it yields a clean call: `new(T)` and `new([]int)` stay type arguments (an
// argument list would reject `[]int`), a `func new(...)` declaration or a
// `new` inside a real syntax error stays as it was. A file that parses costs
// one `hasError` check; one with errors costs one or two more parses.

import type Parser from 'tree-sitter';

/** Comments, string, raw string and rune literals (skipped), or a `new` followed by `(` on its line. */
const NEW_TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|(?<![\p{L}\p{N}_.])new(?=[ \t]*\()/gu;

/** The string offsets (UTF-16 code units, as node.startIndex) of every `new` spelled as a call, outside comments and literals. */
export function newCallOffsets(text: string): number[] {
  if (!text.includes('new')) return [];
  const out: number[] = [];
  NEW_TOKEN.lastIndex = 0;
  for (let m = NEW_TOKEN.exec(text); m; m = NEW_TOKEN.exec(text)) if (m[0] === 'new') out.push(m.index);
  return out;
}

/** Whether the identifier at `offset` is the function of a call_expression with no error inside. */
export function isCleanCallAt(root: Parser.SyntaxNode, offset: number): boolean {
  const id = root.descendantForIndex(offset, offset + 3);
  if (id.startIndex !== offset || id.endIndex !== offset + 3) return false;
  const call = id.parent;
  if (!call || call.type !== 'call_expression' || call.hasError) return false;
  const fn = call.childForFieldName('function');
  return !!fn && fn.startIndex === offset && fn.endIndex === offset + 3;
}

/** The text with `new` at each offset spelled `nEw`: same length, same offsets. */
export function maskNew(text: string, offsets: readonly number[]): string {
  let out = '';
  let at = 0;
  for (const o of offsets) {
    out += text.slice(at, o) + 'nEw';
    at = o + 3;
  }
  return out + text.slice(at);
}

/**
 * A tree for `text` in which the `new(expr)` calls the grammar rejects are
 * parsed as calls, or the first tree when there are none (or none that a
 * rewrite makes whole). `parse` parses a string; its tree's text is the
 * string given, and is pointed back at `text` by the caller's `retext`.
 */
export function parseAcceptingNewExpr(text: string, first: Parser.Tree, parse: (src: string) => Parser.Tree, retext: (tree: Parser.Tree) => void): Parser.Tree {
  const firstRoot = first.rootNode;
  if (!firstRoot.hasError) return first;
  const rejected = newCallOffsets(text).filter((o) => !isCleanCallAt(firstRoot, o));
  if (rejected.length === 0) return first;
  let tree = parse(maskNew(text, rejected));
  // Keep only the rewrites that became clean calls: a `new` in a real syntax
  // error, or one taking a type the argument list cannot hold, goes back.
  const kept = rejected.filter((o) => isCleanCallAt(tree.rootNode, o));
  if (kept.length === 0) return first;
  if (kept.length < rejected.length) tree = parse(maskNew(text, kept));
  retext(tree);
  return tree;
}
