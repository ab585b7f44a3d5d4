// External test packages read with the package they test.
//
// `foo_test` beside `foo` is compiled into one test binary with `foo` (and
// foo's own _test.go files, `export_test.go` and its kind), and its tests
// drive foo through its exported API: `l := foo.NewLocker(); go func() {
// l.Lock(); ... }()`. Read alone, every such call is code outside the
// package, which may do anything at any time: a lock that returns at once, a
// Close that never closes. Read with foo, the calls are package code like
// any other. The package linted is then foo_test's files with foo's beside
// them, foo's read for their declarations only: nothing is reported in them
// (foo's own lint does that) and no analysis starts from them.
//
// The join is made in the text: every `foo.` qualifier in foo_test's files
// is blanked (same length, so every offset and column stays), which turns
// `foo.NewLocker()` into a call of the package-level `NewLocker` and
// `*foo.Locker` into the package type. The tree keeps the original text for
// what it shows.
import { basename } from 'node:path';
import type Parser from 'tree-sitter';
import type { PackageUnit } from './load.js';
import { parseGo } from './parser.js';
import { defaultImportName, readImports } from '../semantics/imports.js';
import type { SourceFile } from '../semantics/package.js';
import { packageLevelNames, type Node } from '../semantics/syntax.js';

/** The file's name for the package under test: its qualifier, or '.' when dot-imported; null when it does not import it or the import is ambiguous. */
export function testedQualifier(root: Node, dir: string, testedName: string): string | null {
  const base = basename(dir);
  const found: string[] = [];
  for (const decl of root.namedChildren) {
    if (decl.type === 'package_clause' || decl.type === 'comment') continue;
    if (decl.type !== 'import_declaration') break;
    for (const c of decl.namedChildren) {
      for (const spec of c.type === 'import_spec_list' ? c.namedChildren : [c]) {
        if (spec.type !== 'import_spec') continue;
        const path = spec.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '') ?? '';
        // The directory's name ends its import path, or (the module's root, whose directory is
        // named as the checkout is) the path's last element names the package.
        if (path.split('/').pop() !== base && defaultImportName(path) !== testedName) continue;
        // The standard library's own tests (sync_test, io_test) stay as they are: the model knows
        // sync, time, context and kin by what they do, not by their implementation.
        if (isStandardLibrary(path)) return null;
        const name = spec.childForFieldName('name');
        // Without an alias, the qualifier is the imported package's own name (`clientv3` for `.../client/v3`).
        found.push(!name ? testedName : name.type === 'dot' ? '.' : name.text);
      }
    }
  }
  return found.length === 1 && found[0] !== '_' ? found[0]! : null;
}

/** Top-level directories of Go's standard library: an import path starting with one of them (and no dot) is the library's. */
const STD_ROOTS = new Set([
  'archive', 'bufio', 'builtin', 'bytes', 'cmp', 'compress', 'container', 'context', 'crypto', 'database', 'debug', 'embed',
  'encoding', 'errors', 'expvar', 'flag', 'fmt', 'go', 'hash', 'html', 'image', 'index', 'internal', 'io', 'iter', 'log',
  'maps', 'math', 'mime', 'net', 'os', 'path', 'plugin', 'reflect', 'regexp', 'runtime', 'slices', 'sort', 'strconv',
  'strings', 'structs', 'sync', 'syscall', 'testing', 'text', 'time', 'unicode', 'unique', 'unsafe', 'vendor', 'weak',
]);

function isStandardLibrary(path: string): boolean {
  return STD_ROOTS.has(path.split('/')[0]!);
}

/**
 * The text with every `qualifier.` before a name blanked: selectors whose
 * operand is the qualifier, and qualified types. A local variable of the
 * qualifier's name would shadow it; Go code that does so is rare enough
 * that the file is taken as written.
 */
export function withoutQualifier(text: string, root: Node, qualifier: string): string {
  const cuts: [number, number][] = [];
  for (const n of root.descendantsOfType(['selector_expression', 'qualified_type'])) {
    const head = n.type === 'selector_expression' ? n.childForFieldName('operand') : n.childForFieldName('package');
    const tail = n.type === 'selector_expression' ? n.childForFieldName('field') : n.childForFieldName('name');
    if (!head || !tail || head.text !== qualifier || (head.type !== 'identifier' && head.type !== 'package_identifier')) continue;
    cuts.push([head.startIndex, tail.startIndex]);
  }
  if (!cuts.length) return text;
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of cuts) {
    if (s < at) continue;
    // Newlines stay where they are, so lines do too.
    out += text.slice(at, s) + text.slice(s, e).replace(/[^\n]/g, ' ');
    at = e;
  }
  return out + text.slice(at);
}

/** A tree of `joined` (the text with its qualifiers blanked) whose nodes read their text from `original`. */
export function parseJoined(original: string, joined: string): Parser.Tree {
  const tree = parseGo(joined);
  const t = tree as unknown as { input: unknown };
  // Same length, same offsets: what a node shows is what the file says.
  t.input = typeof t.input === 'string' ? original : (index: number) => (index < original.length ? original.slice(index, index + 65536) : null);
  return tree;
}

/**
 * Which of foo's files to read with foo_test's: all of them, unless one
 * declares a package-level name a foo_test file declares too (the two are
 * separate packages in Go; one package here). A _test.go file of foo that
 * clashes is left out (foo_test rarely needs what it declares; a call of it
 * is then outside code, as before); a clash with foo's other files leaves
 * the join out altogether (null).
 */
export function joinable(testRoots: Node[], tested: { root: Node; isTest: boolean }[]): boolean[] | null {
  const mine = new Set(testRoots.flatMap((r) => packageLevelNames(r)));
  const keep = tested.map((t) => !packageLevelNames(t.root).some((n) => mine.has(n)));
  return tested.some((t, i) => !keep[i] && !t.isTest) ? null : keep;
}

/**
 * An external test package's files with those of the package it tests
 * (undertest.ts): each `foo.` qualifier blanked, foo's files beside them.
 * Unchanged when no file imports foo, or the two declare the same name.
 */
export function withTested(unit: PackageUnit, files: SourceFile[]): SourceFile[] {
  const testedName = unit.name.slice(0, -'_test'.length);
  const qualifiers = files.map((f) => testedQualifier(f.root, unit.dir, testedName));
  if (qualifiers.every((q) => q === null)) return files;
  const tested: SourceFile[] = [];
  for (const f of unit.tested!) {
    let tree: Parser.Tree;
    try {
      tree = parseGo(f.text);
    } catch {
      continue; // foo's own lint says why
    }
    tested.push({ path: f.path, text: f.text, tree, root: tree.rootNode, imports: readImports(tree.rootNode), generated: f.generated, isTest: f.isTest, underTest: true });
  }
  const keep = joinable(files.map((f) => f.root), tested);
  if (!keep) return files;
  const joined = files.map((f, i) => {
    const q = qualifiers[i];
    if (!q || q === '.') return f;
    const text = withoutQualifier(f.text, f.root, q);
    if (text === f.text) return f;
    const tree = parseJoined(f.text, text);
    return { ...f, tree, root: tree.rootNode };
  });
  return [...joined, ...tested.filter((_, i) => keep[i])];
}
