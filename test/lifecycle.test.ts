// Unit tests of the per-object questions recv-no-timeout asks the semantics
// layer: program lifetime from the call graph (lifetime.ts), the open world
// of a type (lifecycle.ts) and the caller's obligation (obligation.ts).
import { describe, expect, it } from 'vitest';
import { parseGo } from '../src/engine/parser.js';
import { readImports } from '../src/semantics/imports.js';
import { PackageSemantics, type SourceFile } from '../src/semantics/package.js';
import type { Node } from '../src/semantics/syntax.js';
import { functionName } from '../src/semantics/syntax.js';
import { goroutine } from '../src/semantics/leaks.js';
import { sharedChannel, waitsIn, type SharedChannel } from '../src/semantics/channels.js';
import { isEndName, lifecycleOfWait } from '../src/semantics/lifecycle.js';
import { isProgramLifetimeGo } from '../src/semantics/lifetime.js';
import { skippedEnd } from '../src/semantics/obligation.js';
import { usesOf } from '../src/semantics/callgraph.js';

function pkgOf(name: string, ...sources: string[]): PackageSemantics {
  const files: SourceFile[] = sources.map((text, i) => {
    const tree = parseGo(text);
    return { path: `/virtual/f${i}.go`, text, tree, root: tree.rootNode, imports: readImports(tree.rootNode), generated: false, isTest: false };
  });
  return new PackageSemantics(files, name);
}

function goStmts(pkg: PackageSemantics): Node[] {
  return pkg.allNodesOfType('go_statement').map((x) => x.node);
}

const ROOTS = new Set(['main', 'init']);

const POOL = `
type pool struct{ jobs chan func() }
func newPool() *pool { p := &pool{jobs: make(chan func())}; go p.work(); return p }
func (p *pool) work() { for j := range p.jobs { j() } }
`;

describe('program lifetime from the call graph', () => {
  const lifetime = (pkgName: string, src: string, roots = ROOTS) => {
    const pkg = pkgOf(pkgName, `package ${pkgName}\n\nimport "sync"\n\nvar _ sync.Once\n${POOL}\n${src}`);
    return isProgramLifetimeGo(pkg, goStmts(pkg)[0]!, roots);
  };

  it('every path from main or init, or a package-level initialiser: program lifetime', () => {
    expect(lifetime('main', 'func main() { setup() }\nfunc setup() { newPool() }')).toBe(true);
    expect(lifetime('p', 'func init() { newPool() }')).toBe(true);
    expect(lifetime('p', 'var shared = newPool()')).toBe(true);
  });

  it('a package-level sync.Once, sync.OnceValue in a package-level variable: once per program', () => {
    expect(lifetime('p', 'var once sync.Once\nvar thePool *pool\nfunc get() *pool { once.Do(func() { thePool = newPool() }); return thePool }\nfunc Get() *pool { return get() }')).toBe(true);
    expect(lifetime('p', 'var get = sync.OnceValue(newPool)')).toBe(true);
    expect(lifetime('p', 'var get = sync.OnceValue(func() *pool { return newPool() })')).toBe(true);
  });

  it('a Once per object, an exported caller, a value handed on, no caller: not program lifetime', () => {
    expect(lifetime('p', 'type srv struct{ once sync.Once; p *pool }\nfunc (s *srv) Pool() *pool { s.once.Do(func() { s.p = newPool() }); return s.p }')).toBe(false);
    expect(lifetime('p', 'func NewThing() { newPool() }')).toBe(false);
    expect(lifetime('p', 'func init() { newPool() }\nfunc handler() { newPool() }\nfunc Serve() { handler() }')).toBe(false);
    expect(lifetime('p', 'func register(f func() *pool) {}\nfunc init() { register(newPool) }')).toBe(false);
    expect(lifetime('p', '')).toBe(false);
  });

  it('lifetimeFuncs overrides the roots by name', () => {
    expect(lifetime('p', 'type ctl struct{}\nfunc (c *ctl) Start() { newPool() }')).toBe(false);
    expect(lifetime('p', 'type ctl struct{}\nfunc (c *ctl) Start() { newPool() }', new Set(['main', 'init', 'Start']))).toBe(true);
  });

  it('a goroutine running a method of a package-level value is the program\'s', () => {
    const pkg = pkgOf('p', 'package p\n\ntype hub struct{ in chan int }\nvar h = hub{in: make(chan int)}\nfunc (x *hub) run() { for range x.in {} }\nfunc Initialize() { go h.run() }\n');
    expect(isProgramLifetimeGo(pkg, goStmts(pkg)[0]!, ROOTS)).toBe(true);
  });

  it('uses of a method: calls through its type or an unknown operand, not another type\'s method of that name', () => {
    const pkg = pkgOf('p', 'package p\n\ntype a struct{}\ntype b struct{}\nfunc (x *a) run() {}\nfunc (x *b) run() {}\nfunc f(x *a, y *b, z interface{ run() }) { x.run(); y.run(); z.run() }\n');
    const decl = pkg.methods.get('a.run')!;
    expect(usesOf(pkg, decl).map((u) => u.node.text)).toEqual(['x.run', 'z.run']);
  });
});

describe('the open world of a type', () => {
  const analyse = (src: string) => {
    const pkg = pkgOf('p', `package p\n\n${src}`);
    const g = goroutine(pkg, goStmts(pkg)[0]!);
    const wait = waitsIn(pkg, g.target!)[0]!;
    const shared = wait.channels.map((c) => sharedChannel(pkg, c)) as SharedChannel[];
    return { pkg, g, wait, shared, life: lifecycleOfWait(pkg, g, shared) };
  };
  const BRANCH = `
type Branch struct{ commits chan int; deleted chan struct{} }
func NewBranch() *Branch { return &Branch{commits: make(chan int), deleted: make(chan struct{}, 1)} }
func (b *Branch) Start() { go b.watch() }
func (b *Branch) watch() {
	for {
		<-b.commits
		select {
		case <-b.deleted:
			return
		default:
		}
	}
}
func (b *Branch) Commit(c int) { b.commits <- c }
`;

  it('end names are whole words of the name', () => {
    expect(['Close', 'GracefulStop', 'deleteBranch', 'Unsubscribe', 'closeConnIfStillIdle', 'Shutdown'].every(isEndName)).toBe(true);
    expect(['isClosed', 'Stopped', 'Closer', 'Start', 'Done'].some(isEndName)).toBe(false);
  });

  it('Dotmesh: after Delete, which only signals the polled channel, nothing sends on b.commits', () => {
    const { life } = analyse(`${BRANCH}\nfunc (b *Branch) Delete() { b.deleted <- struct{}{} }`);
    expect(life.ends.map((e) => [functionName(e.fn), e.why])).toEqual([['Delete', 'method']]);
    expect(life.wayOut).toBeNull();
  });

  it('a Stop that sends on a waited channel is a way out, and so is a goroutine still running', () => {
    expect(analyse(`${BRANCH}\nfunc (b *Branch) Delete() { b.commits <- -1 }`).life.wayOut).not.toBeNull();
    const ticking = analyse(`${BRANCH}\nfunc (b *Branch) Delete() { b.deleted <- struct{}{} }\nfunc (b *Branch) Tick() { go func() { b.commits <- 0 }() }`);
    expect(ticking.life.wayOut?.node.text).toBe('b.commits <- 0');
  });

  it('a goroutine the waiter starts itself does not keep it alive after the end', () => {
    const { life } = analyse(`${BRANCH.replace('<-b.commits', 'c := <-b.commits\n\t\tb.requeue(c)')}\nfunc (b *Branch) requeue(c int) { go func() { b.commits <- c }() }\nfunc (b *Branch) Close() {}`);
    expect(life.wayOut).toBeNull();
  });

  it('with no end, any send in the package can still come', () => {
    const { life } = analyse(BRANCH);
    expect(life.ends).toEqual([]);
    expect(life.wayOut?.node.text).toBe('b.commits <- c');
  });

  it('a holder\'s end-named method ends what it holds; a Delete(key) of the type itself is not an end', () => {
    const { life } = analyse(`${BRANCH}\ntype registry struct{ branches map[string]*Branch }\nfunc (r *registry) drop(name string) { delete(r.branches, name) }\nfunc (b *Branch) Delete(key string) {}`);
    expect(life.ends.map((e) => [functionName(e.fn), e.why])).toEqual([['drop', 'holder']]);
  });
});

describe('the caller\'s obligation', () => {
  const TAILER = `
import "errors"

type tailer struct{ lines chan string; done chan struct{} }
func newTailer() *tailer { t := &tailer{lines: make(chan string), done: make(chan struct{})}; go t.run(); return t }
func (t *tailer) run() {
	for {
		select {
		case <-t.lines:
		case <-t.done:
			return
		}
	}
}
func (t *tailer) Close() { close(t.done) }
var errEmpty = errors.New("empty")
`;
  const skipped = (caller: string) => {
    const pkg = pkgOf('p', `package p\n${TAILER}\n${caller}`);
    const g = goroutine(pkg, goStmts(pkg)[0]!);
    const wait = waitsIn(pkg, g.target!)[0]!;
    const shared = wait.channels.map((c) => sharedChannel(pkg, c)) as SharedChannel[];
    return skippedEnd(pkg, g, wait, shared, () => lifecycleOfWait(pkg, g, shared, { wayOut: false }).ends, ROOTS);
  };

  it('an early return between construction and Close is the path that skips it', () => {
    const s = skipped('func use(xs []string) error {\n\tt := newTailer()\n\tif len(xs) == 0 {\n\t\treturn errEmpty\n\t}\n\tt.Close()\n\treturn nil\n}');
    expect(s?.exit?.text).toBe('return errEmpty');
    expect(s && functionName(s.caller)).toBe('use');
  });

  it('defer Close, Close on every path, or the object handed on: no obligation left', () => {
    expect(skipped('func use(xs []string) error {\n\tt := newTailer()\n\tdefer t.Close()\n\tif len(xs) == 0 {\n\t\treturn errEmpty\n\t}\n\treturn nil\n}')).toBeNull();
    expect(skipped('func use() *tailer {\n\tt := newTailer()\n\treturn t\n}')).toBeNull();
    expect(skipped('type holder struct{ t *tailer }\nfunc (h *holder) open() {\n\tt := newTailer()\n\th.t = t\n}')).toBeNull();
    expect(skipped('func use() {\n\tt := newTailer()\n\tgo func() { t.Close() }()\n}')).toBeNull();
  });

  it('the constructor\'s own error return has no object to end; init builds one for the program', () => {
    const withErr = TAILER.replace('func newTailer() *tailer {', 'func newTailer() (*tailer, error) {').replace('go t.run(); return t }', 'go t.run(); return t, nil }');
    const pkg = pkgOf('p', `package p\n${withErr}\nfunc use(xs []string) error {\n\tt, err := newTailer()\n\tif err != nil {\n\t\treturn err\n\t}\n\tt.Close()\n\treturn nil\n}`);
    const g = goroutine(pkg, goStmts(pkg)[0]!);
    const wait = waitsIn(pkg, g.target!)[0]!;
    const shared = wait.channels.map((c) => sharedChannel(pkg, c)) as SharedChannel[];
    const ask = (p: PackageSemantics) => skippedEnd(p, g, wait, shared, () => lifecycleOfWait(p, g, shared, { wayOut: false }).ends, ROOTS);
    expect(ask(pkg)).toBeNull();
    expect(skipped('func init() {\n\tt := newTailer()\n\t_ = t.lines\n}')).toBeNull();
    // Handing on the object straight from the constructor: its caller's duty, not this one's.
    expect(skipped('func open() *tailer { return newTailer() }')).toBeNull();
  });

  it('a tailer something else can stop (a close outside its ends) puts no duty on its callers', () => {
    expect(skipped('func (t *tailer) watchdog() { close(t.done) }\nfunc use() {\n\tt := newTailer()\n\t_ = t.lines\n}')).toBeNull();
  });
});
