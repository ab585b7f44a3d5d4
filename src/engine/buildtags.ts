// Build constraints: whether a file belongs to the build for the target
// platform, as the go tool decides it. Files for other platforms (foo_windows.go,
// `//go:build ignore`) must not merge into one package's facts. A file left
// out only by custom tags (`//go:build e2e`) is another matter: tagsToInclude
// names the tags that would include it, and load.ts's admitTagged lints it
// unless it is an alternative to a file already in the build.

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos']);
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);
const UNIX = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'solaris']);

export interface BuildContext {
  goos: string;
  goarch: string;
  tags: Set<string>;
}

export function hostBuildContext(extraTags: string[] = []): BuildContext {
  const goos = process.env['GOOS'] || ({ win32: 'windows', darwin: 'darwin', linux: 'linux', freebsd: 'freebsd', openbsd: 'openbsd', aix: 'aix', sunos: 'solaris' } as Record<string, string>)[process.platform] || 'linux';
  const goarch = process.env['GOARCH'] || ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[process.arch] || 'amd64';
  return { goos, goarch, tags: new Set(extraTags) };
}

function satisfied(tag: string, ctx: BuildContext): boolean {
  if (tag === ctx.goos || tag === ctx.goarch || ctx.tags.has(tag)) return true;
  if (tag === 'unix') return UNIX.has(ctx.goos);
  if (tag === 'gc' || tag === 'cgo') return tag === 'gc';
  if (/^go1\.\d+$/.test(tag)) return true; // every release tag: we lint for the newest toolchain
  if (ctx.goos === 'android' && tag === 'linux') return true;
  if ((ctx.goos === 'illumos' && tag === 'solaris') || (ctx.goos === 'ios' && tag === 'darwin')) return true;
  return false;
}

/** `foo_linux.go`, `foo_amd64.go`, `foo_linux_amd64_test.go`. */
export function fileNameMatches(name: string, ctx: BuildContext): boolean {
  let stem = name.replace(/\.go$/, '');
  if (stem.endsWith('_test')) stem = stem.slice(0, -5);
  const parts = stem.split('_');
  if (parts.length < 2) return true;
  const last = parts[parts.length - 1]!;
  const prev = parts.length >= 3 ? parts[parts.length - 2]! : '';
  if (KNOWN_ARCH.has(last)) {
    if (KNOWN_OS.has(prev)) return satisfied(prev, ctx) && last === ctx.goarch;
    return last === ctx.goarch;
  }
  if (KNOWN_OS.has(last)) return satisfied(last, ctx);
  return true;
}

type Constraint = { tag: string } | { not: Constraint } | { and: [Constraint, Constraint] } | { or: [Constraint, Constraint] };

/**
 * The constraint of a file header (the lines before the package clause):
 * `//go:build expr` wins; otherwise every `// +build` line must hold. Null
 * when there is none, or when `//go:build` is malformed (go vet would
 * complain; we lint the file).
 */
function constraintOf(header: string): Constraint | null {
  const goBuild = /^\/\/go:build\s+(.+)$/m.exec(header);
  if (goBuild) {
    try {
      return new ExprParser(goBuild[1]!.trim()).parse();
    } catch {
      return null;
    }
  }
  let all: Constraint | null = null;
  for (const m of header.matchAll(/^\/\/\s*\+build\s+(.+)$/gm)) {
    let line: Constraint | null = null;
    for (const alt of m[1]!.trim().split(/\s+/)) {
      let conj: Constraint | null = null;
      for (const t of alt.split(',')) {
        const term: Constraint = t.startsWith('!') ? { not: { tag: t.slice(1) } } : { tag: t };
        conj = conj ? { and: [conj, term] } : term;
      }
      if (conj) line = line ? { or: [line, conj] } : conj;
    }
    if (line) all = all ? { and: [all, line] } : line;
  }
  return all;
}

function holds(c: Constraint, tag: (t: string) => boolean): boolean {
  if ('tag' in c) return tag(c.tag);
  if ('not' in c) return !holds(c.not, tag);
  if ('and' in c) return holds(c.and[0], tag) && holds(c.and[1], tag);
  return holds(c.or[0], tag) || holds(c.or[1], tag);
}

function tagsIn(c: Constraint, out: Set<string>): Set<string> {
  if ('tag' in c) out.add(c.tag);
  else if ('not' in c) tagsIn(c.not, out);
  else for (const x of 'and' in c ? c.and : c.or) tagsIn(x, out);
  return out;
}

/** Whether the constraint lines of a file header hold for the build context. */
export function headerMatches(header: string, ctx: BuildContext): boolean {
  const c = constraintOf(header);
  return c === null || holds(c, (t) => satisfied(t, ctx));
}

/**
 * Tags the go tool sets, or never sets, by itself: the platform, `unix`, the
 * compiler and cgo, release and experiment tags, and `ignore` (by convention
 * a file no build includes, mostly generators). A file their values leave
 * out stays out, as today; every other tag is custom (`e2e`, `integration`,
 * `race`), set only by `-tags`.
 */
function isCustomTag(tag: string): boolean {
  return !(KNOWN_OS.has(tag) || KNOWN_ARCH.has(tag) || tag === 'unix' || tag === 'gc' || tag === 'gccgo' || tag === 'cgo' || tag === 'ignore' || /^go1\.\d+$/.test(tag) || tag.startsWith('goexperiment.'));
}

/**
 * For a file whose constraint does not hold: the fewest custom tags (not
 * given with --tags) that make it hold on this platform, sorted, or null when
 * none do (`windows && e2e` on linux, `ignore`, `!e2e` under --tags e2e).
 * `e2e` for `//go:build e2e`, `e2e,integration` for `e2e && integration`.
 */
export function tagsToInclude(header: string, ctx: BuildContext): string[] | null {
  const c = constraintOf(header);
  if (c === null) return null;
  const free = [...tagsIn(c, new Set())].filter((t) => isCustomTag(t) && !ctx.tags.has(t)).sort();
  if (free.length === 0 || free.length > 12) return null;
  // Subsets by size, smallest first: the first that satisfies names the tags to pass.
  const subsets: number[] = [];
  for (let m = 1; m < 1 << free.length; m++) subsets.push(m);
  subsets.sort((a, b) => popcount(a) - popcount(b) || a - b);
  for (const m of subsets) {
    const on = new Set(free.filter((_, i) => m & (1 << i)));
    if (holds(c, (t) => on.has(t) || satisfied(t, ctx))) return [...on];
  }
  return null;
}

function popcount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}

class ExprParser {
  private readonly toks: string[];
  private i = 0;
  constructor(src: string) {
    this.toks = src.match(/\|\||&&|!|\(|\)|[A-Za-z0-9_.]+/g) ?? [];
  }
  parse(): Constraint {
    const v = this.or();
    if (this.i !== this.toks.length) throw new Error('trailing tokens');
    return v;
  }
  private or(): Constraint {
    let v = this.and();
    while (this.toks[this.i] === '||') { this.i++; v = { or: [v, this.and()] }; }
    return v;
  }
  private and(): Constraint {
    let v = this.not();
    while (this.toks[this.i] === '&&') { this.i++; v = { and: [v, this.not()] }; }
    return v;
  }
  private not(): Constraint {
    if (this.toks[this.i] === '!') { this.i++; return { not: this.not() }; }
    if (this.toks[this.i] === '(') {
      this.i++;
      const v = this.or();
      if (this.toks[this.i++] !== ')') throw new Error('unbalanced');
      return v;
    }
    const t = this.toks[this.i++];
    if (!t || t === ')' || t === '||' || t === '&&') throw new Error('unexpected token');
    return { tag: t };
  }
}
