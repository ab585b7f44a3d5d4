// Program lifetime from the call graph: a goroutine lives as long as the
// program when every path that reaches its `go` statement starts in `main`,
// `init` or a package-level initialiser, or runs once per program through a
// package-level sync.Once. Such a goroutine is one goroutine, not one per
// request or per object, so it cannot pile up however long it waits.
//
// Paths are followed backwards through the package's own calls. Anything we
// cannot see closes the question with "not program lifetime": an exported
// function (callable from other packages, in a package other than main), a
// function taken as a value and handed to unknown code, a function nothing
// in the package calls.
import type { Node } from './syntax.js';
import { enclosingFunction, functionName, selectorParts, unparen } from './syntax.js';
import type { PackageSemantics } from './package.js';
import { literalRole } from './channels.js';
import { fnId, isExported, usesOf } from './callgraph.js';

/** sync functions that run their argument at most once per value they return. */
const ONCE_WRAPPERS = new Set(['OnceFunc', 'OnceValue', 'OnceValues']);
/** How many callers deep a path is followed; deeper is "not program lifetime". */
const MAX_DEPTH = 12;

/**
 * Whether the goroutine started by `goStmt` lives for the program. `roots`
 * names the functions that run once per program (default `main` and `init`;
 * the rule's `lifetimeFuncs` option overrides it).
 */
export function isProgramLifetimeGo(pkg: PackageSemantics, goStmt: Node, roots: ReadonlySet<string>): boolean {
  // `go hub.run()` on a package-level value: there is one hub for the program and it is never
  // dropped, so its loop is the program's (livereload's `go wsHub.run()`).
  const call = goStmt.namedChildren.find((c) => c.type === 'call_expression');
  const sel = call ? selectorParts(call.childForFieldName('function') ?? call) : null;
  if (sel && isPackageVar(pkg, sel.operand)) return true;
  return new Walk(pkg, roots).context(goStmt, 0);
}

/** Whether the code at `at` runs only on paths from a program-lifetime root (see isProgramLifetimeGo). */
export function runsOncePerProgram(pkg: PackageSemantics, at: Node, roots: ReadonlySet<string>): boolean {
  return new Walk(pkg, roots).context(at, 0);
}

class Walk {
  private readonly visiting = new Set<string>();
  constructor(private readonly pkg: PackageSemantics, private readonly roots: ReadonlySet<string>) {}

  /** Whether the code at `at` runs only on paths from a program-lifetime root. */
  context(at: Node, depth: number): boolean {
    let cur = at;
    for (;;) {
      const fn = enclosingFunction(cur);
      // Package level: a `var x = newHub()` initialiser runs once, before main.
      if (!fn) return this.pkg.topLevelDecl(cur)?.type === 'var_declaration';
      if (fn.type !== 'func_literal') return this.decl(fn, depth);
      const role = literalRole(fn);
      if (role.kind === 'called') cur = role.call;
      else if (role.kind === 'go' || role.kind === 'defer') cur = role.stmt;
      else {
        const runner = role.via.type === 'argument_list' ? role.via.parent : null;
        const once = runner ? this.onceRunner(runner) : 'no';
        if (once === 'program') return true;
        if (once === 'no') return false;
        cur = runner!;
      }
    }
  }

  /** Whether every use of a function or method comes from a program-lifetime context. */
  private decl(decl: Node, depth: number): boolean {
    const name = functionName(decl);
    if (this.roots.has(name)) return true;
    // Callable from other packages: a path we cannot see.
    if (isExported(name) && this.pkg.name !== 'main') return false;
    if (depth >= MAX_DEPTH) return false;
    const k = fnId(this.pkg, decl);
    // A cycle adds no way in; the other uses decide.
    if (this.visiting.has(k)) return true;
    this.visiting.add(k);
    try {
      const uses = usesOf(this.pkg, decl);
      if (uses.length === 0) return false;
      for (const u of uses) {
        if (u.call) { if (!this.context(u.call, depth + 1)) return false; continue; }
        // Taken as a value: only a once-wrapper (`sync.OnceFunc(f)`, `once.Do(s.init)`) keeps the count at one.
        const args = u.node.parent;
        const runner = args?.type === 'argument_list' ? args.parent : null;
        const once = runner ? this.onceRunner(runner) : 'no';
        if (once === 'no') return false;
        if (once === 'value' && !this.context(runner!, depth + 1)) return false;
      }
      return true;
    } finally {
      this.visiting.delete(k);
    }
  }

  /**
   * A call that runs its function argument at most once: `program` for
   * `once.Do(f)` on a package-level sync.Once, `value` when once per
   * evaluation of the call itself (sync.OnceFunc/OnceValue/OnceValues, or
   * Do on a Once kept in a struct: once per object), `no` otherwise.
   */
  private onceRunner(call: Node): 'program' | 'value' | 'no' {
    if (this.pkg.isCallTo(call, 'sync', ONCE_WRAPPERS)) return 'value';
    const sel = selectorParts(call.childForFieldName('function') ?? call);
    if (!sel || sel.field !== 'Do' || !this.isSyncOnce(sel.operand)) return 'no';
    return isPackageVar(this.pkg, sel.operand) ? 'program' : 'value';
  }

  private isSyncOnce(e: Node): boolean {
    const x = unparen(e);
    let type: Node | null | undefined = null;
    if (x.type === 'identifier') type = this.pkg.resolve(x)?.type;
    else {
      const sel = selectorParts(x);
      const owner = sel ? this.pkg.typeNameOf(sel.operand) : null;
      if (sel && owner) type = this.pkg.structFields.get(owner)?.get(sel.field);
      else if (sel) {
        const fields = [...this.pkg.structFields.values()].map((f) => f.get(sel.field)).filter((t) => t);
        type = fields.length === 1 ? fields[0] : null;
      }
    }
    while (type && (type.type === 'pointer_type' || type.type === 'parenthesized_type')) type = type.namedChild(0);
    return !!type && this.pkg.qualifiedName(type, 'sync')?.name === 'Once';
  }
}

/** A package-level variable (not a local, parameter or function). */
function isPackageVar(pkg: PackageSemantics, e: Node): boolean {
  const x = unparen(e);
  if (x.type !== 'identifier') return false;
  const b = pkg.resolve(x);
  return !!b && b.fn === null && b.kind === 'var';
}
