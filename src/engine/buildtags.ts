// Build constraints: whether a file belongs to the build for the target
// platform, as the go tool decides it. Files for other platforms (foo_windows.go,
// `//go:build ignore`) must not merge into one package's facts.

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

/**
 * Evaluates the constraint lines of a file header (before the package
 * clause): `//go:build expr` wins; otherwise every `// +build` line must hold.
 */
export function headerMatches(header: string, ctx: BuildContext): boolean {
  const goBuild = /^\/\/go:build\s+(.+)$/m.exec(header);
  if (goBuild) {
    try {
      return new ExprParser(goBuild[1]!.trim(), ctx).parse();
    } catch {
      return true; // a malformed constraint: go vet would complain; we lint the file
    }
  }
  const plus = [...header.matchAll(/^\/\/\s*\+build\s+(.+)$/gm)];
  return plus.every((m) => m[1]!.trim().split(/\s+/).some((alt) => alt.split(',').every((t) => (t.startsWith('!') ? !satisfied(t.slice(1), ctx) : satisfied(t, ctx)))));
}

class ExprParser {
  private readonly toks: string[];
  private i = 0;
  constructor(src: string, private readonly ctx: BuildContext) {
    this.toks = src.match(/\|\||&&|!|\(|\)|[A-Za-z0-9_.]+/g) ?? [];
  }
  parse(): boolean {
    const v = this.or();
    if (this.i !== this.toks.length) throw new Error('trailing tokens');
    return v;
  }
  private or(): boolean {
    let v = this.and();
    while (this.toks[this.i] === '||') { this.i++; const r = this.and(); v = v || r; }
    return v;
  }
  private and(): boolean {
    let v = this.not();
    while (this.toks[this.i] === '&&') { this.i++; const r = this.not(); v = v && r; }
    return v;
  }
  private not(): boolean {
    if (this.toks[this.i] === '!') { this.i++; return !this.not(); }
    if (this.toks[this.i] === '(') {
      this.i++;
      const v = this.or();
      if (this.toks[this.i++] !== ')') throw new Error('unbalanced');
      return v;
    }
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end');
    return satisfied(t, this.ctx);
  }
}
