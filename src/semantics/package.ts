// The semantic model of one Go package (a directory plus its package clause):
// every file's imports, package-level declarations, lazily built function
// scopes and control-flow graphs, and an index of the syntax nodes that rules
// and channel facts look at, gathered by one C-side traversal per file.
//
// Read-only to rules. Everything is computed on first use and memoised, so a
// package where no rule asks anything costs only its parse.
import type Parser from 'tree-sitter';
import type { Node } from './syntax.js';
import { FUNCTION_TYPES, nodeKey, receiverTypeName, selectorParts, unparen } from './syntax.js';
import { readImports, type ImportTable } from './imports.js';
import { FunctionScopes, type Binding } from './scopes.js';
import { Cfg, NO_RETURN_FUNCS, TESTING_NO_RETURN_METHODS } from './cfg.js';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  text: string;
  tree: Parser.Tree;
  root: Node;
  imports: ImportTable;
  /** `// Code generated ... DO NOT EDIT.`: facts count, findings are not reported. */
  generated: boolean;
  isTest: boolean;
  /**
   * A file of the package an external test package tests, read with it for
   * its declarations (engine/undertest.ts): nothing is reported in it and no
   * analysis starts from it.
   */
  underTest?: true;
}

/** Node types gathered per file in one traversal; rules' visitor keys must be among them. */
export const INDEXED_TYPES = [
  'go_statement', 'defer_statement', 'send_statement', 'unary_expression', 'call_expression',
  'range_clause', 'composite_literal', 'var_spec', 'selector_expression', 'func_literal',
  'function_declaration', 'method_declaration', 'assignment_statement', 'short_var_declaration',
] as const;
export type IndexedType = (typeof INDEXED_TYPES)[number];

export class PackageSemantics {
  readonly files: SourceFile[];
  readonly name: string;
  /** Top-level functions by name. */
  readonly funcs = new Map<string, Node>();
  /** Methods by `Type.name`. */
  readonly methods = new Map<string, Node>();
  /** Methods by name only, for calls whose receiver type we cannot name. */
  readonly methodsByName = new Map<string, Node[]>();
  /** Package-level bindings (vars, consts, funcs, types). */
  readonly globals = new Map<string, Binding>();
  /** Struct types declared here → their fields' type nodes. */
  readonly structFields = new Map<string, Map<string, Node>>();
  private readonly scopesByDecl = new Map<string, FunctionScopes>();
  private readonly cfgs = new Map<string, Cfg>();
  private readonly fileByTree = new Map<Parser.Tree, SourceFile>();
  private readonly index = new Map<SourceFile, Map<string, Node[]>>();

  constructor(files: SourceFile[], name: string) {
    this.files = files;
    this.name = name;
    for (const f of files) {
      this.fileByTree.set(f.tree, f);
      this.collectDecls(f);
    }
  }

  // ---------------------------------------------------------------- files

  fileOf(n: Node): SourceFile {
    const byTree = this.fileByTree.get(n.tree);
    if (byTree) return byTree;
    for (const f of this.files) if (f.root.tree === n.tree) return f;
    return this.files[0]!;
  }

  /**
   * Syntax nodes of one indexed type in a file, in source order, gathered
   * for every indexed type by one C-side walk on the first question about
   * the file. The walk, not the JS objects, is the cost (etcd, 5 MB: 155 ms
   * to find its 293 go statements, 255 ms for all 177,000 indexed nodes), so
   * a file is walked once or not at all.
   */
  nodesOfType(file: SourceFile, type: IndexedType): Node[] {
    let buckets = this.index.get(file);
    if (!buckets) {
      buckets = new Map(INDEXED_TYPES.map((t) => [t, []]));
      for (const n of file.root.descendantsOfType(INDEXED_TYPES as unknown as string[])) buckets.get(n.type)!.push(n);
      this.index.set(file, buckets);
    }
    return buckets.get(type)!;
  }

  /** Same, across the package. */
  allNodesOfType(type: IndexedType): { file: SourceFile; node: Node }[] {
    const out: { file: SourceFile; node: Node }[] = [];
    for (const f of this.files) for (const n of this.nodesOfType(f, type)) out.push({ file: f, node: n });
    return out;
  }

  private selectorIndex: Map<string, Node[]> | null = null;

  /**
   * Selector expressions across the package (`x.f`, in file and source
   * order) whose selected name is `name`. Indexed on first use by one pass
   * that reads each name from the source behind the node's end (the field
   * is a selector's last token, preceded by `.`, a space or a comment's
   * ASCII end), instead of asking tree-sitter for the field node and its
   * text for every selector and every field asked about (etcd: 79,526 such
   * lookups for 31 field channels).
   */
  selectorsNamed(name: string): readonly Node[] {
    if (!this.selectorIndex) {
      const index = new Map<string, Node[]>();
      for (const f of this.files) {
        for (const node of this.nodesOfType(f, 'selector_expression')) {
          const end = node.endIndex;
          let start = end;
          while (start > 0 && isIdentUnit(f.text.charCodeAt(start - 1))) start--;
          const field = f.text.slice(start, end);
          let list = index.get(field);
          if (!list) { list = []; index.set(field, list); }
          list.push(node);
        }
      }
      this.selectorIndex = index;
    }
    return this.selectorIndex.get(name) ?? [];
  }

  // ---------------------------------------------------------------- declarations

  private collectDecls(f: SourceFile): void {
    for (const d of f.root.namedChildren) {
      switch (d.type) {
        case 'function_declaration': {
          const name = d.childForFieldName('name');
          if (!name) break;
          // `init` may repeat; keep the first, it is never called by name.
          if (!this.funcs.has(name.text)) this.funcs.set(name.text, d);
          this.globals.set(name.text, this.globalBinding(name, 'func', d, null, null));
          break;
        }
        case 'method_declaration': {
          const name = d.childForFieldName('name')?.text;
          const recv = receiverTypeName(d);
          if (!name) break;
          if (recv) this.methods.set(`${recv}.${name}`, d);
          const list = this.methodsByName.get(name) ?? [];
          list.push(d);
          this.methodsByName.set(name, list);
          break;
        }
        case 'var_declaration':
        case 'const_declaration': {
          const specs = d.namedChildren.flatMap((c) => (c.type.endsWith('_spec_list') ? c.namedChildren : [c])).filter((c) => c.type === 'var_spec' || c.type === 'const_spec');
          for (const spec of specs) {
            const names = spec.childrenForFieldName('name').filter((c) => c.type === 'identifier');
            const values = spec.childForFieldName('value')?.namedChildren ?? [];
            names.forEach((id, i) => {
              if (id.text === '_') return;
              const v = values.length === names.length ? values[i]! : values[0] ?? null;
              this.globals.set(id.text, this.globalBinding(id, d.type === 'var_declaration' ? 'var' : 'const', spec, v, spec.childForFieldName('type')));
            });
          }
          break;
        }
        case 'type_declaration': {
          for (const spec of d.namedChildren.filter((c) => c.type === 'type_spec' || c.type === 'type_alias')) {
            const name = spec.childForFieldName('name');
            const t = spec.childForFieldName('type');
            if (!name) continue;
            this.globals.set(name.text, this.globalBinding(name, 'type', spec, null, t));
            if (t?.type === 'struct_type') {
              const fields = new Map<string, Node>();
              for (const fd of t.descendantsOfType('field_declaration')) {
                if (fd.parent?.parent?.startIndex !== t.startIndex) continue; // nested anonymous structs are not this type's fields
                const ft = fd.childForFieldName('type');
                for (const n of fd.childrenForFieldName('name')) if (ft) fields.set(n.text, ft);
              }
              this.structFields.set(name.text, fields);
            }
          }
          break;
        }
      }
    }
  }

  private globalBinding(ident: Node, kind: Binding['kind'], decl: Node, value: Node | null, type: Node | null): Binding {
    return { name: ident.text, kind, ident, decl, value, valueIndex: 0, type, fn: null, refs: [], assigns: [] };
  }

  // ---------------------------------------------------------------- names

  private readonly declRanges = new Map<SourceFile, { start: number; end: number; node: Node }[]>();

  /**
   * The top-level declaration holding `n` (function, method, or package-level
   * var with literals): a binary search over the file's declarations instead
   * of a walk up the parents, which is the hot path of every resolve.
   */
  topLevelDecl(n: Node): Node | null {
    const file = this.fileOf(n);
    let ranges = this.declRanges.get(file);
    if (!ranges) {
      ranges = file.root.namedChildren.map((d) => ({ start: d.startIndex, end: d.endIndex, node: d }));
      this.declRanges.set(file, ranges);
    }
    let lo = 0;
    let hi = ranges.length - 1;
    const at = n.startIndex;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid]!;
      if (at < r.start) hi = mid - 1;
      else if (at >= r.end) lo = mid + 1;
      else return r.node;
    }
    return null;
  }

  scopesFor(decl: Node): FunctionScopes {
    const k = `${this.files.indexOf(this.fileOf(decl))}:${nodeKey(decl)}`;
    let s = this.scopesByDecl.get(k);
    if (!s) {
      s = new FunctionScopes(decl, (name) => this.globals.get(name) ?? null);
      this.scopesByDecl.set(k, s);
    }
    return s;
  }

  /** What an identifier (use or declaration) is bound to: a local, a parameter, or a package-level name. */
  resolve(ident: Node): Binding | null {
    if (ident.type !== 'identifier') return null;
    const decl = this.topLevelDecl(ident);
    if (decl && (FUNCTION_TYPES.has(decl.type) || decl.type === 'var_declaration' || decl.type === 'const_declaration')) {
      const b = this.scopesFor(decl).lookup(ident);
      if (b) return b;
    }
    return this.globals.get(ident.text) ?? null;
  }

  /**
   * The import path a qualifier names (`http` in `http.Get`), or null when the
   * identifier is not an import in this file or is shadowed by a local.
   */
  importPathOf(qualifier: Node, expected?: string): string | null {
    const q = unparen(qualifier);
    if (q.type !== 'identifier' && q.type !== 'package_identifier') return null;
    const file = this.fileOf(q);
    const path = file.imports.byName.get(q.text);
    // Checking the path first keeps shadowing resolution (which builds scopes) off the common path.
    if (!path || (expected !== undefined && path !== expected)) return null;
    if (q.type === 'identifier' && this.resolve(q)) return null; // a local or package-level name shadows the import
    return path;
  }

  /** `pkg.Name` where pkg resolves to `path`: the Name, or null. */
  qualifiedName(expr: Node, expected?: string): { path: string; name: string } | null {
    const sel = selectorParts(expr);
    if (sel) {
      const path = this.importPathOf(sel.operand, expected);
      return path ? { path, name: sel.field } : null;
    }
    const e = unparen(expr);
    if (e.type === 'qualified_type') {
      const pkg = e.childForFieldName('package');
      const name = e.childForFieldName('name');
      if (!pkg || !name) return null;
      const path = this.importPathOf(pkg, expected);
      return path ? { path, name: name.text } : null;
    }
    if ((e.type === 'identifier' || e.type === 'type_identifier') && this.fileOf(e).imports.dot.length) {
      // A dot import brings names into file scope; without type information we
      // cannot tell which imported package owns the name, so only a single dot import resolves.
      const dots = this.fileOf(e).imports.dot;
      if (dots.length === 1 && !this.resolve(e) && /^[A-Z]/.test(e.text)) return { path: dots[0]!, name: e.text };
    }
    return null;
  }

  /** Whether a call is `pkg.Name(...)` for the given import path and one of the names. */
  isCallTo(call: Node, path: string, names: Set<string> | string): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const sel = selectorParts(fn);
    if (sel && !(typeof names === 'string' ? sel.field === names : names.has(sel.field))) return false;
    const q = this.qualifiedName(fn, path);
    if (!q || q.path !== path) return false;
    return typeof names === 'string' ? q.name === names : names.has(q.name);
  }

  /** A built-in (`close`, `len`, `make`, `new`, `panic`) not shadowed by a declaration. */
  isBuiltinCall(call: Node, name: string): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const f = unparen(fn);
    return f.type === 'identifier' && f.text === name && !this.resolve(f);
  }

  /** The package-local function or method a call invokes, when we can name it. */
  calleeDecl(call: Node): Node | null {
    const fn = call.childForFieldName('function');
    if (!fn) return null;
    const f = unparen(fn);
    if (f.type === 'identifier') {
      const b = this.resolve(f);
      return b && b.kind === 'func' ? b.decl : null;
    }
    const sel = selectorParts(f);
    if (sel) {
      if (this.importPathOf(sel.operand)) return null;
      const recvType = this.typeNameOf(sel.operand);
      if (recvType) return this.methods.get(`${recvType}.${sel.field}`) ?? null;
      const candidates = this.methodsByName.get(sel.field);
      // Without the receiver's type, one method of that name in the package is still unambiguous.
      return candidates && candidates.length === 1 ? candidates[0]! : null;
    }
    return null;
  }

  /**
   * The package-local named type of an expression, where syntax tells: a
   * receiver or parameter declared `T`/`*T`, a variable initialised with
   * `T{}`/`&T{}`/`new(T)`/`NewT(...)` returning `*T`.
   */
  typeNameOf(expr: Node): string | null {
    const e = unparen(expr);
    if (e.type !== 'identifier') return null;
    const b = this.resolve(e);
    if (!b) return null;
    const named = (t: Node | null): string | null => {
      let cur = t;
      while (cur && (cur.type === 'pointer_type' || cur.type === 'parenthesized_type')) cur = cur.namedChild(0);
      if (cur?.type === 'generic_type') cur = cur.childForFieldName('type');
      return cur && cur.type === 'type_identifier' ? cur.text : null;
    };
    if (b.type) return named(b.type);
    let v = b.value ? unparen(b.value) : null;
    if (v?.type === 'unary_expression') v = v.childForFieldName('operand');
    if (v?.type === 'composite_literal') return named(v.childForFieldName('type'));
    // `b := r.branches[name]` with `branches map[string]*Branch`: the element's type.
    if (v?.type === 'index_expression' && b.valueIndex === 0) {
      const operand = v.childForFieldName('operand');
      const sel = operand ? selectorParts(operand) : null;
      const owner = sel ? this.typeNameOf(sel.operand) : null;
      let container: Node | null | undefined = sel && owner ? this.structFields.get(owner)?.get(sel.field) : null;
      if (!sel && operand?.type === 'identifier') container = this.resolve(operand)?.type;
      if (container?.type === 'map_type') return named(container.childForFieldName('value'));
      if (container?.type === 'slice_type' || container?.type === 'array_type') return named(container.childForFieldName('element'));
    }
    if (v?.type === 'call_expression') {
      if (this.isBuiltinCall(v, 'new')) return named(v.childForFieldName('arguments')?.namedChild(0) ?? null);
      const callee = this.calleeDecl(v);
      const result = callee?.childForFieldName('result');
      if (result && result.type !== 'parameter_list') return named(result);
      const first = result?.namedChildren.find((c) => c.type === 'parameter_declaration');
      if (first) return named(first.childForFieldName('type'));
    }
    return null;
  }

  // ---------------------------------------------------------------- control flow

  private readonly noReturnMemo = new Map<string, boolean>();

  isNoReturnCall(call: Node): boolean {
    if (this.isBuiltinCall(call, 'panic')) return true;
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    // A package-local function none of whose paths returns (a test helper that always
    // calls t.FailNow, a fatal logger): ctrlflow's noReturn fact, computed once per function.
    const f = unparen(fn);
    if (f.type === 'identifier' || f.type === 'selector_expression') {
      const callee = f.type === 'identifier' || !this.fileOf(f).imports.byName.has(selectorParts(f)?.operand.text ?? '') ? this.calleeDecl(call) : null;
      if (callee) {
        const k = `${this.files.indexOf(this.fileOf(callee))}:${callee.startIndex}`;
        let v = this.noReturnMemo.get(k);
        if (v === undefined) {
          this.noReturnMemo.set(k, false); // recursion: assume it returns
          const g = this.cfgOf(callee);
          v = g.exit.pred.length === 0 && g.abort.pred.length > 0;
          this.noReturnMemo.set(k, v);
        }
        if (v) return true;
      }
    }
    const sel = selectorParts(fn);
    if (sel) {
      const path = this.fileOf(fn).imports.byName.get(sel.operand.text);
      if (path && NO_RETURN_FUNCS[path]?.has(sel.field)) return this.importPathOf(sel.operand, path) === path;
      if (path) return false;
    }
    if (sel && TESTING_NO_RETURN_METHODS.has(sel.field)) {
      // `t.Fatal`, or `st.t.Fatalf` through a field of type *testing.T (a test helper's struct).
      const inner = sel.operand.type === 'selector_expression' ? selectorParts(sel.operand) : null;
      const owner = inner ? this.typeNameOf(inner.operand) : null;
      const t = inner ? (owner ? this.structFields.get(owner)?.get(inner.field) : undefined) : this.resolve(sel.operand)?.type;
      const tt = t?.type === 'pointer_type' ? t.namedChild(0) : t;
      if (tt?.type === 'qualified_type') {
        const pkg = tt.childForFieldName('package');
        return !!pkg && this.importPathOf(pkg) === 'testing';
      }
    }
    return false;
  }

  /** The control-flow graph of a function declaration, method or literal (memoised). */
  cfgOf(fn: Node): Cfg {
    const k = `${this.files.indexOf(this.fileOf(fn))}:${nodeKey(fn)}`;
    let g = this.cfgs.get(k);
    if (!g) {
      g = new Cfg(fn, this);
      this.cfgs.set(k, g);
    }
    return g;
  }

  /** How many graphs were built (for `--stats` and the benchmark). */
  get cfgCount(): number {
    return this.cfgs.size;
  }
}

/** A UTF-16 unit that can be part of a Go identifier: ASCII letters, digits and `_`, and anything non-ASCII (letters; see selectorsNamed). */
function isIdentUnit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 0x80;
}
