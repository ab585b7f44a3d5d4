// The import table of one file: which local name stands for which package.
// Rules ask "does this qualifier name net/http?", never "is it spelled http?":
// an aliased import (`nethttp "net/http"`) must resolve, and a local package
// that happens to be called `http` must not.
import type { Node } from './syntax.js';

export interface ImportTable {
  /** Local name → import path (aliases resolved; default name derived from the path). */
  byName: Map<string, string>;
  /** Paths imported with `.`: their exported names are in file scope. */
  dot: string[];
  /** Every imported path (including blank and dot imports). */
  paths: Set<string>;
}

/**
 * The name a package is referred to by when imported without an alias. Go
 * uses the package clause of the imported package; without type information
 * we take the last path element, dropping a major-version suffix (`/v2`) and
 * gopkg.in's `.v3`, which is what the package clause is by convention.
 */
export function defaultImportName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2]!;
  last = last.replace(/\.v\d+$/, '');
  if (last.startsWith('go-')) last = last.slice(3);
  return last.replace(/[.-]/g, '_');
}

export function readImports(root: Node): ImportTable {
  const table: ImportTable = { byName: new Map(), dot: [], paths: new Set() };
  for (const decl of root.namedChildren) {
    if (decl.type === 'package_clause' || decl.type === 'comment') continue;
    if (decl.type !== 'import_declaration') break; // imports precede every other declaration
    const specs: Node[] = [];
    for (const c of decl.namedChildren) {
      if (c.type === 'import_spec') specs.push(c);
      else if (c.type === 'import_spec_list') specs.push(...c.namedChildren.filter((s) => s.type === 'import_spec'));
    }
    for (const spec of specs) {
      const pathNode = spec.childForFieldName('path');
      if (!pathNode) continue;
      const path = pathNode.text.replace(/^["`]|["`]$/g, '');
      table.paths.add(path);
      const name = spec.childForFieldName('name');
      if (!name) table.byName.set(defaultImportName(path), path);
      else if (name.type === 'dot') table.dot.push(path);
      else if (name.type === 'blank_identifier') continue;
      else table.byName.set(name.text, path);
    }
  }
  return table;
}
