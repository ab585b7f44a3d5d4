// Reading Go symbol names as printed in tracebacks.
//
// A symbol is `<import path>.<rest>`, where the import path may contain dots
// only before its last slash (`golang.org/x/crypto/ssh.readVersion`), and
// `<rest>` is a function, a method `(*T).m` / `T.m`, or a closure
// `F.func1`, `(*T).m.func2.1`, `F.gowrap1`.

/** Removes generic instantiation brackets: `main.Map[...]` -> `main.Map`. */
function stripTypeArgs(func: string): string {
  let out = '';
  let depth = 0;
  for (const ch of func) {
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

/**
 * The import path of the package that defines `func`.
 *
 * Vendored copies are named after what they vendor: GOPATH-era binaries
 * print `myapp/vendor/github.com/x/y.F`, which is the code of
 * `github.com/x/y`. The standard library's own vendored packages start with
 * `vendor/` and stay as they are, so they still count as standard library.
 */
export function packagePath(func: string): string {
  const name = stripTypeArgs(func);
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  let pkg = dot < 0 ? name : name.slice(0, dot);
  const vendor = pkg.lastIndexOf('/vendor/');
  if (vendor >= 0) pkg = pkg.slice(vendor + '/vendor/'.length);
  return pkg;
}

/** The symbol without its package: `(*T).m`, `F.func1`. */
export function localName(func: string): string {
  const name = stripTypeArgs(func);
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot < 0 ? name : name.slice(dot + 1);
}

/**
 * Runtime internals: what debug=1 hides at the top of a stack, and what is
 * never the place to fix a leak. `runtime/pprof` and `runtime/trace` are
 * ordinary standard library packages.
 */
export function isRuntimeFunc(func: string): boolean {
  const pkg = packagePath(func);
  return pkg === 'runtime' || pkg.startsWith('runtime/internal/') || pkg.startsWith('internal/runtime/');
}

/**
 * Standard library: the first element of the import path has no dot
 * (`net/http`, `sync`, `internal/poll`). `main` has no dot either but is
 * the program itself. A GOPATH project with dotless import paths would be
 * misread as standard library; `--source` mapping does not depend on this.
 */
export function isStdlibFunc(func: string): boolean {
  const pkg = packagePath(func);
  if (pkg === 'main') return false;
  const first = pkg.split('/')[0] ?? pkg;
  return !first.includes('.');
}

/** User code in the brief's sense: anything that is not standard library. */
export function isUserFunc(func: string): boolean {
  return !isStdlibFunc(func);
}

/**
 * Third-party packages whose goroutines the classifier understands. Their
 * frames are library internals, so the frame the user should look at is
 * the first one outside them (the call to `ssh.NewClientConn`, not
 * `readVersion`).
 */
const MODELLED_LIBRARIES = ['golang.org/x/crypto/ssh'];

export function isModelledLibraryFunc(func: string): boolean {
  const pkg = packagePath(func);
  return MODELLED_LIBRARIES.some((lib) => pkg === lib || pkg.startsWith(lib + '/'));
}

/** Compiler-generated closure and wrapper names: `func1`, `gowrap2`, `deferwrap1`, `1`. */
function isClosureSegment(segment: string): boolean {
  return /^(?:func|gowrap|deferwrap)?\d+$/.test(segment);
}

/**
 * Whether the symbol is a method itself (not a closure inside one):
 * `pkg.(*T).run` or `pkg.T.run`. Method values (`(*T).run-fm`) count too,
 * since they run the method body.
 */
export function isMethod(func: string): boolean {
  const rest = localName(func).replace(/-fm$/, '');
  const pointer = /^\(\*[^)]+\)\.([^.]+)$/.exec(rest);
  if (pointer) return !isClosureSegment(pointer[1] ?? '');
  const value = /^[A-Za-z_][\w]*\.([^.]+)$/.exec(rest);
  return value !== null && !isClosureSegment(value[1] ?? '');
}
