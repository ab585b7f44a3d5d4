// The leak checker (src/checker): the channel fixtures with the rules' engine
// set to "checker" must give exactly the `// want` findings (as the path
// engine does in fixtures.test.ts), with every finding carrying a schedule;
// and the search itself on small packages: witness order, escape, bound.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { hostBuildContext } from '../src/engine/buildtags.js';
import { KNOWN_FP, goFiles, lintRuleOver } from './helpers/fixtures.js';
import { parseFixture } from '../scripts/oracle.js';
import { loadPackageOf } from '../src/cli/debug.js';
import { checkPackage, groupRoots, scheduleText, wantSyncLeaks } from '../src/checker/index.js';
import { signalledFields } from '../src/checker/machine.js';
import { parseGo } from '../src/engine/parser.js';
import { testedQualifier } from '../src/engine/undertest.js';

const FIXTURES = resolve(__dirname, '../fixtures');
describe('leak checker over the channel fixtures', () => {
  for (const ruleId of ['chan-send-leak', 'chan-recv-leak']) {
    it(ruleId, async () => {
      const dir = join(FIXTURES, ruleId);
      const result = await lintRuleOver(ruleId, dir, { engine: 'checker' });
      const byLine = new Map<string, string[]>();
      for (const f of result.findings) {
        const key = `${relative(FIXTURES, f.location.file)}:${f.location.line}`;
        byLine.set(key, [...(byLine.get(key) ?? []), f.message]);
        // Every finding is a schedule: numbered steps, each taken by a goroutine.
        expect(f.steps.length).toBeGreaterThan(1);
        expect(f.steps.every((s) => s.thread)).toBe(true);
      }
      const problems: string[] = [];
      const wanted = new Set<string>();
      const knownFp = new Set<string>();
      for (const file of goFiles(dir)) {
        const text = readFileSync(file, 'utf8');
        if (KNOWN_FP.test(text)) knownFp.add(relative(FIXTURES, file));
        for (const w of parseFixture(text).wants) {
          const key = `${relative(FIXTURES, file)}:${w.line}`;
          wanted.add(key);
          for (const p of w.patterns) if (!(byLine.get(key) ?? []).some((m) => new RegExp(p).test(m))) problems.push(`${key}: missing ${p}`);
        }
      }
      for (const [key, msgs] of byLine) {
        if (wanted.has(key) || knownFp.has(key.replace(/:\d+$/, ''))) continue;
        problems.push(`${key}: unexpected ${msgs.join('; ')}`);
      }
      for (const n of result.notices) if (n.message.startsWith('internal error')) problems.push(n.message);
      expect(problems).toEqual([]);
    });
  }
});

/** One directory for every small package of this file, removed when its tests end. */
const tempRoot = mkdtempSync(join(tmpdir(), 'golint-leaks-checker-'));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));
let tempPackages = 0;

function tempPackage(src: string, file = 'p.go'): string {
  const dir = join(tempRoot, `p${tempPackages++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, file), src);
  return join(dir, file);
}

/** The lines of the blocked operations (leak reports hold tree-sitter nodes, which vitest cannot diff). */
function lines(leaks: { op: { startPosition: { row: number } } }[]): number[] {
  return leaks.map((l) => l.op.startPosition.row + 1);
}

function check(src: string, opts: { sync?: boolean; file?: string } = {}) {
  const loaded = loadPackageOf(tempPackage(src, opts.file), { tests: true, maxFileSize: 1 << 20, build: hostBuildContext() });
  if ('error' in loaded) throw new Error(loaded.error);
  // sync-leak's groups: those that only lock or wait, besides those that make channels.
  if (opts.sync) wantSyncLeaks(loaded.pkg);
  return checkPackage(loaded.pkg);
}

describe('leak checker: the search', () => {
  it('proves the timeout leak with the schedule that leads to it', () => {
    const r = check(`package p

import "time"

func lookup() int {
	ch := make(chan int)
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}
`);
    expect(r.leaks).toHaveLength(1);
    const text = scheduleText(r.leaks[0]!.steps);
    expect(text).toMatch(/^1\. lookup: makes ch \(6\) {2}2\. lookup: starts func \(7\) {2}3\. lookup: select: receives from time.After\(time.Second\) \(11\) {2}4\. lookup: lookup returns \(12\) {2}5\. func: blocks sending on ch \(7\)$/);
  });

  it('is silent with a buffer of one, and when the channel escapes', () => {
    const buffered = check(`package p

import "time"

func lookup() int {
	ch := make(chan int, 1)
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}
`);
    expect(lines(buffered.leaks)).toEqual([]);
    const escaped = check(`package p

func gen() <-chan int {
	ch := make(chan int)
	go func() { ch <- 1 }()
	return ch
}
`);
    expect(lines(escaped.leaks)).toEqual([]);
  });

  it('follows a channel through a struct field and a method, and a mutex held across the wait', () => {
    const r = check(`package p

import "sync"

type box struct {
	mu   sync.Mutex
	done chan struct{}
}

func (b *box) wait() {
	b.mu.Lock()
	defer b.mu.Unlock()
	<-b.done
}

func run() {
	b := &box{done: make(chan struct{})}
	go b.wait()
	b.mu.Lock()
	close(b.done)
	b.mu.Unlock()
}
`);
    // If wait takes the lock first, it holds it while it waits, and run can never lock to close:
    // the etcd#6873 shape. The witness shows that order; run is then stuck on the lock (sync-leak's).
    expect(r.leaks.map((l) => [l.kind, l.op.startPosition.row + 1])).toEqual([['lock', 19], ['recv', 13]]);
    expect(scheduleText(r.leaks[1]!.steps)).toMatch(/starts \(\*box\)\.wait .*\(\*box\)\.wait: locks b\.mu .*\(\*box\)\.wait: blocks receiving from done \(13\)$/);
    expect(scheduleText(r.leaks[0]!.steps)).toMatch(/run: blocks locking b\.mu \(19\)$/);
    expect(r.groups).toBe(1);
  });

  it('roots a caller that ends what it builds when the end waits, and reports only what hangs in that end', () => {
    const closeHoldsLock = check(`package p

import "sync"

type log struct {
	mu     sync.Mutex
	n      int
	in     chan string
	exited chan struct{}
}

func newLog() *log {
	l := &log{in: make(chan string), exited: make(chan struct{})}
	go l.writer()
	return l
}

func (l *log) writer() {
	defer close(l.exited)
	k := 0
	for range l.in {
		k++
	}
	l.mu.Lock()
	l.n = k
	l.mu.Unlock()
}

func (l *log) Close() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.in)
	<-l.exited
	return l.n
}

func once(s string) int {
	l := newLog()
	l.in <- s
	return l.Close()
}
`, { sync: true });
    expect(closeHoldsLock.leaks.map((l) => [l.kind, l.op.startPosition.row + 1])).toEqual([['recv', 33], ['lock', 24]]);
    // The caller reads a channel its constructor leaves nil on failure: a hang outside the end,
    // which this group, rooted for the end, does not report.
    const failedBuild = check(`package p

import (
	"errors"
	"sync"
)

type reader struct {
	q    chan int
	stop chan struct{}
	wg   sync.WaitGroup
}

func newReader(ok bool) (*reader, error) {
	r := &reader{stop: make(chan struct{})}
	if !ok {
		return r, errors.New("bad")
	}
	r.q = make(chan int, 1)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		select {
		case r.q <- 1:
		case <-r.stop:
		}
	}()
	return r, nil
}

func (r *reader) Read() int { return <-r.q }

func (r *reader) Close() { close(r.stop); r.wg.Wait() }

func use(ok bool) int {
	r, _ := newReader(ok)
	defer r.Close()
	return r.Read()
}
`, { sync: true });
    expect(lines(failedBuild.leaks)).toEqual([]);
  });

  it("shows, before the reported wait, the Add that keeps the counter up and where the other goroutines are stuck", () => {
    const r = check(`package p

import "sync"

func sizes(urls []string) int {
	var wg sync.WaitGroup
	results := make(chan int)
	for _, u := range urls {
		go func(u string) {
			wg.Add(1)
			defer wg.Done()
			results <- len(u)
		}(u)
	}
	wg.Wait()
	n := 0
	for {
		select {
		case v := <-results:
			n += v
		default:
			return n
		}
	}
}
`, { sync: true });
    const wait = r.leaks.find((l) => l.kind === 'wgwait')!;
    // Without the worker's two steps the Wait reads as stuck on a counter nothing raised.
    expect(scheduleText(wait.steps)).toMatch(/func: wg\.Add\(1\) \(10\) {2}\d+\. func: blocks sending on results \(12\) {2}\d+\. sizes: blocks in wg\.Wait\(\) \(15\)$/);
  });

  it('counts a group that exhausts the bound (and reports only leaks it reached)', () => {
    const r = check(`package p

func spin(n int) {
	ch := make(chan int)
	for i := 0; ; i++ {
		go func(i int) { ch <- i }(i)
	}
}
`);
    expect(r.bounded).toBe(1);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('knows that t.Context() is cancelled only when the test returns', () => {
    const r = check(`package p

import (
	"context"
	"testing"
)

func run(ctx context.Context, ch chan<- int) {
	select {
	case ch <- 1:
	case <-ctx.Done():
		return
	}
}

func TestRun(t *testing.T) {
	ch := make(chan int)
	go run(t.Context(), ch)
	<-ch
}
`);
    // With a context that may fire at any time, run could leave first and TestRun would wait forever.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('takes a (value, error) result without an error to carry a value', () => {
    const r = check(`package p

import "os"

func load() ([]byte, error) { return os.ReadFile("x") }

func get() []byte {
	ch := make(chan []byte, 1)
	go func() {
		b, err := load()
		if err != nil {
			return
		}
		ch <- b
	}()
	b := <-ch
	if b == nil {
		<-ch
	}
	return b
}
`);
    expect(r.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([16]);
  });

  it('lets a channel go with a goroutine it cannot follow, and reads local boolean constants', () => {
    const handed = check(`package p

import "reflect"

func drain() {
	ch := make(chan int)
	go func() { reflect.ValueOf(ch).Close() }()
	for range ch {
	}
}
`);
    expect(lines(handed.leaks)).toEqual([]);
    const constant = check(`package p

func pick(block bool, ch chan int) {
	if block {
		<-ch
	}
}

func run() {
	const block = false
	ch := make(chan int)
	go pick(block, ch)
}
`);
    expect(lines(constant.leaks)).toEqual([]);
  });

  it('takes <-make(chan T) as a deliberate block, like select {}', () => {
    const r = check(`package p

func freeze() {
	go func() { <-make(chan struct{}) }()
}

func run() {
	ch := make(chan int)
	go func() { <-ch }()
}
`);
    expect(r.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([9]);
  });
  it('closes a WithCancel context only when its cancel runs, and lets an escaped cancel fire at any time', () => {
    const src = (cancelUse: string) => `package p

import "context"

func run(ctx context.Context, ch chan<- int) {
	select {
	case ch <- 1:
	case <-ctx.Done():
	}
}

func use(ctx context.Context, f func()) {}

func Lookup() int {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan int)
	go run(ctx, ch)
	${cancelUse}
	v := <-ch
	cancel()
	return v
}
`;
    // Done cannot fire before cancel(), so run sends and Lookup receives.
    expect(lines(check(src('')).leaks)).toEqual([]);
    // Handed to code we cannot see, cancel may run first: run leaves and Lookup waits forever.
    expect(check(src('use(ctx, cancel)')).leaks.map((l) => [l.op.startPosition.row + 1, l.proc])).toEqual([[19, 'Lookup']]);
    // A deferred cancel runs after the receive: the goroutine still cannot leave early.
    expect(lines(check(src('defer cancel()')).leaks)).toEqual([]);
  });
  it('hands a channel sent to the outside over to it', () => {
    const r = check(`package p

import "fmt"

type W struct{ stopc chan chan struct{} }

func (w *W) run() {
	donec := <-w.stopc
	close(donec)
}

func Close() {
	w := &W{stopc: make(chan chan struct{})}
	go w.run()
	fmt.Println(w)
	donec := make(chan struct{})
	w.stopc <- donec
	<-donec
}
`);
    // w escaped, so the outside may take donec from w.stopc instead of run, and may close it.
    expect(r.leaks.filter((l) => l.proc === 'Close').map((l) => l.op.startPosition.row + 1)).toEqual([]);
  });
  it('reads and writes sync/atomic values like any other variable', () => {
    const src = (closed: string) => `package p

import "sync/atomic"

type M struct {
	closed int32
	n      atomic.Int32
	ch     chan int
}

func (m *M) isClosed() bool { return atomic.LoadInt32(&m.closed) == 1 }

func (m *M) Notify() {
	if m.isClosed() || m.n.Load() != 1 {
		return
	}
	m.ch <- 1
}

func Run() {
	m := &M{ch: make(chan int, 1)}
	${closed}
	m.n.Add(1)
	go m.Notify()
	<-m.ch
}
`;
    // Nothing stored 1 in closed, and n was added to once: Notify sends.
    expect(check(src('')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
    // Closed first, Notify returns early and Run waits forever.
    expect(check(src('atomic.StoreInt32(&m.closed, 1)')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([25]);
  });
  it('skips a call handed only a context: it can wait on the context but wake no one', () => {
    // poll is handed nothing but ctx: it can wait on Done but wake no one, so the search skips it
    // (running it would spend the bound on its loop and leave the group silent).
    const skipped = check(`package p

import (
	"context"
	"time"
)

func poll(ctx context.Context) {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for i := 0; i < 100000; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func Lookup() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := make(chan int)
	go func() { ch <- 1 }()
	poll(ctx)
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}
`);
    expect(skipped.bounded).toBe(0);
    expect(skipped.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([24]);
  });
  it('takes the value of a single-valued type assertion as non-nil', () => {
    const r = check(`package p

import "sync"

var pool sync.Pool

type node struct{ next *node }

type queue struct {
	head  *node
	ready chan struct{}
}

func (q *queue) push() { q.head = pool.Get().(*node) }

func (q *queue) wait() {
	if q.head == nil {
		<-q.ready
	}
}

func Run() {
	q := &queue{ready: make(chan struct{})}
	q.push()
	go func() {}()
	q.wait()
}
`);
    // x.(*node) panics on a nil interface, so head is set and wait does not block.
    expect(r.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
  });
  it('takes a capacity it cannot compute as large enough for every send, and still sees an empty buffer', () => {
    const src = (capacity: string) => `package p

import "sync"

func fetch(name string) error { return nil }

func FetchAll(images []string, n int, refs map[string]string) error {
	var wg sync.WaitGroup
	errs := make(chan error, ${capacity})
	for _, ref := range refs {
		wg.Add(1)
		go func(ref string) {
			defer wg.Done()
			if err := fetch(ref); err != nil {
				errs <- err
			}
		}(ref)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func Drain(n int) {
	ch := make(chan int, n)
	go func() { <-ch }()
}
`;
    // len(images) need not be small, nor a parameter: no send on errs blocks. Drain's
    // goroutine, receiving from a buffer nothing sent into, still blocks, whatever its size.
    expect(check(src('len(images)')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([26]);
    expect(check(src('n')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([26]);
    // A constant capacity is known: the second send blocks while Wait waits.
    expect(check(src('1')).leaks.map((l) => l.op.startPosition.row + 1)).toContain(15);
  });
  it('runs a deferred call to its end when t.Fatal unwinds the test', () => {
    const r = check(`package p

import (
	"os"
	"testing"
)

type closer struct{ done chan struct{} }

func (c *closer) Close() { close(c.done) }

type pair struct{ a, b *closer }

func (p *pair) Close() {
	p.a.Close()
	p.b.Close()
}

func TestPair(t *testing.T) {
	p := &pair{a: &closer{make(chan struct{})}, b: &closer{make(chan struct{})}}
	defer p.Close()
	go func() { <-p.b.done }()
	if os.Getenv("FAIL") != "" {
		t.Fatal("failed")
	}
}
`);
    // Goexit skips the rest of TestPair, not the rest of the deferred Close: b is closed too.
    expect(r.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
  });
  it('calls through an interface as outside code, not as the one implementation the package has', () => {
    const src = (field: string) => `package p

type noop struct{}

func (noop) Stop(ch chan struct{}) {}

type runner struct{ s ${field} }

func Run(r *runner) {
	ch := make(chan struct{})
	go func() { <-ch }()
	r.s.Stop(ch)
}
`;
    // Any Stop may be the dynamic one, and one from another package may close ch.
    expect(check(src('interface{ Stop(chan struct{}) }')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
    // Declared noop, the field holds a noop: its Stop keeps ch, and the goroutine waits forever.
    expect(check(src('noop')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([11]);
  });
  it('runs the one method of the package behind an interface whose method is unexported (no other package can implement it)', () => {
    const src = (method: string) => `package p

import "context"

type source interface{ ${method}(ctx context.Context) <-chan int }

type store struct{}

func (s *store) ${method}(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		select {
		case ch <- 1:
		case <-ctx.Done():
		}
	}()
	return ch
}

func consume(ctx context.Context, src source) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := range src.${method}(ctx) {
			_ = v
		}
	}()
	<-done
}
`;
    // watch is this package's: the sender leaves on ctx.Done() without closing ch, and the range waits forever.
    expect(check(src('watch')).leaks.map((l) => l.op.startPosition.row + 1).sort()).toEqual([24, 28]);
    // Watch may be implemented anywhere: the channel comes from outside code.
    expect(lines(check(src('Watch')).leaks)).toEqual([]);
  });
  it('takes an error errors.New or fmt.Errorf makes as new: not nil, not equal to a sentinel', () => {
    const src = (arg: string) => `package p

import (
	"errors"
	"fmt"
)

var errRetry = errors.New("retry")

func classify(err error, stop chan struct{}) {
	switch err {
	case nil, errRetry:
		return
	}
	close(stop)
}

func compare(err error, stop chan struct{}) {
	if err == nil || err == errRetry {
		return
	}
	close(stop)
}

func Run() {
	stop := make(chan struct{})
	go func() { <-stop }()
	classify(${arg}, stop)
	again := make(chan struct{})
	go func() { <-again }()
	compare(${arg}, again)
}
`;
    // A new error is neither nil nor the sentinel: both functions close their channel.
    expect(check(src('errors.New("fatal")')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
    expect(check(src('fmt.Errorf("fatal: %d", 1)')).leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
    // The sentinel itself is: both receivers wait forever.
    expect(check(src('errRetry')).leaks.map((l) => l.op.startPosition.row + 1).sort()).toEqual([27, 30]);
    // A skipped call's unknown result may be the new error it was handed (here it is: stop
    // stays open), not a value known to differ from it.
    const passed = check(`package p

import "errors"

func same(err error) error { return err }

func Run() {
	stop := make(chan struct{})
	go func() { <-stop }()
	err := errors.New("fatal")
	if same(err) != err {
		close(stop)
	}
}
`);
    expect(passed.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([9]);
  });
  it('reads a package setting as its constant, or as the program\'s unknown value, never as a bound it may pick', () => {
    const src = (decl: string) => `package p

import "strconv"

${decl}

func parse(s string) int { n, _ := strconv.Atoi(s); return n }

type queue struct {
	wake chan struct{}
	n    int
}

func (q *queue) push() {
	q.n++
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *queue) pop() {
	for q.n == 0 {
		<-q.wake
	}
	q.n--
}

func Fill() {
	q := &queue{wake: make(chan struct{}, 1)}
	for i := 0; i < depth; i++ {
		q.push()
	}
	ready := make(chan struct{})
	go func() { close(ready) }()
	<-ready
	q.pop()
}
`;
    const lines = (decl: string) => check(src(decl)).leaks.map((l) => l.op.startPosition.row + 1);
    // A constant the package never changes: the loop pushes 4 times, pop never waits.
    expect(lines('var depth = 4')).toEqual([]);
    // Set from code the model cannot follow: some value, the program's; a block that needs
    // the loop to run zero times is not shown.
    expect(lines('var depth = parse("4")')).toEqual([]);
    // Written by the package (runtime state): zero is a value it really takes.
    expect(lines('var depth = 4\n\nfunc shrink() { depth = 0 }')).toEqual([26]);
  });
  it('runs a (T, error) lookup handed the group\'s objects: its error is what they hold, not any value', () => {
    const r = check(`package p

import (
	"context"
	"errors"
	"strings"
)

type store interface {
	Load()
	Get() (*strings.Builder, error)
}

type memStore struct{ b *strings.Builder }

func (m *memStore) Load() { m.b = &strings.Builder{} }

func (m *memStore) Get() (*strings.Builder, error) {
	if m.b == nil {
		return nil, errors.New("not loaded")
	}
	return m.b, nil
}

type waiter struct {
	s     store
	ready func()
}

func (w *waiter) Wait(ctx context.Context) error {
	if _, err := w.s.Get(); err != nil {
		return err
	}
	w.ready()
	<-ctx.Done()
	return ctx.Err()
}

func Run() {
	ctx := context.Background()
	m := &memStore{}
	m.Load()
	ready, signal := context.WithCancel(ctx)
	defer signal()
	w := &waiter{s: m, ready: signal}
	errc := make(chan error, 1)
	go func() { errc <- w.Wait(ctx) }()
	<-ready.Done()
}
`);
    // Loaded, Get finds the builder: Wait signals before it waits, and Run's receive returns.
    expect(r.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
  });
  it('takes a pkg/errors wrap of a non-nil error as non-nil: the early return is a failure, not a success that did nothing', () => {
    const r = check(`package p

import (
	"context"
	"strconv"

	"github.com/pkg/errors"
)

type conf struct{ n int }

type svc struct {
	c     *conf
	ready func()
}

func (s *svc) Prepare(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return errors.Wrapf(err, "parse %q", v)
	}
	s.c = &conf{n: n}
	return nil
}

func (s *svc) Wait(ctx context.Context) error {
	if s.c == nil {
		return errors.New("not prepared")
	}
	if s.ready != nil {
		s.ready()
	}
	<-ctx.Done()
	return ctx.Err()
}

func Run() error {
	s := &svc{}
	if err := s.Prepare("3"); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready, signal := context.WithCancel(ctx)
	defer signal()
	s.ready = signal
	errc := make(chan error, 1)
	go func() { errc <- s.Wait(ctx) }()
	<-ready.Done()
	return nil
}
`);
    // Prepare fails only with an error; when it returns nil, s.c is set and Wait signals ready.
    expect(r.leaks.map((l) => l.op.startPosition.row + 1)).toEqual([]);
  });
  it('calls a func field of a struct that embeds a Mutex (only the Mutex\'s own methods are promoted through it)', () => {
    const r = check(`package p

import "sync"

type C struct {
	sync.Mutex
	release func()
	done    chan struct{}
}

func New() {
	c := &C{done: make(chan struct{})}
	c.release = func() { c.Unlock() }
	go func() {
		c.Lock()
		c.release()
		c.Lock()
		close(c.done)
	}()
	<-c.done
}
`);
    // release unlocks: the second Lock succeeds, done is closed and New returns.
    expect(lines(r.leaks)).toEqual([]);
  });
  it('takes wg.Add(n) with the n the loop that starts the goroutines reads, and an unknown count as unknown', () => {
    const src = (add: string) => `package p

import "sync"

func count() int { return 3 }

func Run(n int) {
	var wg sync.WaitGroup
	${add}
	for i := 0; i < n; i++ {
		go func() { defer wg.Done() }()
	}
	wg.Wait()
}
`;
    expect(lines(check(src('wg.Add(n)'), { sync: true }).leaks)).toEqual([]);
    expect(lines(check(src('wg.Add(count())'), { sync: true }).leaks)).toEqual([]);
    // One for n goroutines: with n = 0, Wait never returns.
    expect(check(src('wg.Add(1)'), { sync: true }).leaks.map((l) => [l.kind, l.op.startPosition.row + 1])).toEqual([['wgwait', 13]]);
  });
  it('runs wg.Go(f) as Add(1) and a goroutine that calls Done when f returns', () => {
    const r = check(`package p

import "sync"

func Serve(addrs []string, serve func(string) error) {
	var started sync.WaitGroup
	var all sync.WaitGroup
	started.Add(len(addrs))
	for _, a := range addrs {
		all.Go(func() {
			started.Done()
			_ = serve(a)
		})
	}
	started.Wait()
	done := make(chan struct{})
	go func() {
		all.Wait()
		close(done)
	}()
	<-done
}
`, { sync: true });
    expect(lines(r.leaks)).toEqual([]);
  });
  it('takes a package-level mutex to be one mutex for every goroutine of the group, in either order', () => {
    const src = (extra: string) => `package p

import "sync"

var mu sync.Mutex

func Start() {
	done := make(chan bool)
	go func() {
		mu.Lock()
		done <- true
		mu.Unlock()
	}()
	mu.Lock()
	<-done
	mu.Unlock()
}
${extra}`;
    // The goroutine first (it sends while holding mu, Start waits for mu) or Start first (the
    // goroutine waits for mu, Start for done): both moves touch the one mutex, so both orders run.
    expect(lines(check(src(''), { sync: true }).leaks).sort((a, b) => a - b)).toEqual([10, 11, 14, 15]);
    // One the package assigns may be a new mutex at any time: not one value, not tracked.
    expect(lines(check(src('func reset() { mu = sync.Mutex{} }\n'), { sync: true }).leaks)).toEqual([]);
  });

  it('lets the package locks go when it skips a call, or hands out a closure, that may release them', () => {
    // unlockAll is handed nothing of the group's, so the search skips it; it releases mu.
    const r = check(`package p

import "sync"

var mu sync.Mutex

func unlockAll() { mu.Unlock() }

func Start() {
	done := make(chan bool)
	mu.Lock()
	go func() {
		mu.Lock()
		mu.Unlock()
		close(done)
	}()
	unlockAll()
	<-done
}
`, { sync: true });
    expect(lines(r.leaks)).toEqual([]);
    // So does a closure handed to outside code, which may run it at any time.
    const handed = check(`package p

import (
	"net/http"
	"sync"
)

var mu sync.Mutex

func Start(srv *http.Server) {
	done := make(chan bool)
	mu.Lock()
	srv.RegisterOnShutdown(func() { mu.Unlock() })
	go func() {
		mu.Lock()
		mu.Unlock()
		close(done)
	}()
	<-done
}
`, { sync: true });
    expect(lines(handed.leaks)).toEqual([]);
  });

  it('makes a package variable holding a lock from its literal once per group', () => {
    const r = check(`package p

import "sync"

type registry struct {
	sync.Mutex
	sizes map[string]int
}

var plugins = &registry{sizes: make(map[string]int)}

func Load(names []string) {
	plugins.Lock()
	defer plugins.Unlock()
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			plugins.Lock()
			plugins.sizes[name] = len(name)
			plugins.Unlock()
		}(name)
	}
	wg.Wait()
}
`, { sync: true });
    expect(r.leaks.map((l) => [l.kind, l.op.startPosition.row + 1])).toEqual([['wgwait', 25], ['lock', 20]]);
  });

  it('sets named results on return before the deferred calls read them', () => {
    const r = check(`package p

import (
	"errors"
	"sync"
)

type W struct{ mu sync.Mutex }

func open(fail bool) error {
	if fail {
		return errors.New("x")
	}
	return nil
}

// rotate keeps the lock for the goroutine it starts, and releases it itself when it fails.
func (w *W) rotate(fail bool) (retErr error) {
	w.mu.Lock()
	defer func() {
		if retErr != nil {
			w.mu.Unlock()
		}
	}()
	if err := open(fail); err != nil {
		return err
	}
	go func() {
		defer w.mu.Unlock()
	}()
	return nil
}

func Run(fail bool) {
	w := &W{}
	go func() {}()
	_ = w.rotate(fail)
	_ = w.rotate(fail)
}
`, { sync: true });
    expect(lines(r.leaks)).toEqual([]);
  });
  it('gives up a group whose expressions nest thousands deep, as one past the bound (no stack overflow)', () => {
    const deep = `${'f('.repeat(3000)}1${')'.repeat(3000)}`;
    const r = check(`package p

func f(x int) int { return x }

func Run() int {
	ch := make(chan int)
	go func() { ch <- 1 }()
	v := ${deep}
	return v + <-ch
}
`);
    expect(r.bounded).toBe(1);
    expect(lines(r.leaks)).toEqual([]);
  });
  it('stops a second RLock behind a writer waiting for the first (RWMutex writer preference)', () => {
    const r = check(`package p

import "sync"

func Run() {
	var mu sync.RWMutex
	ready := make(chan struct{})
	go func() {
		mu.RLock()
		close(ready)
		mu.RLock()
		mu.RUnlock()
		mu.RUnlock()
	}()
	<-ready
	mu.Lock()
	mu.Unlock()
}
`);
    // Run's Lock waits for the first read lock; the reader's second RLock waits for Run.
    expect(r.leaks.map((l) => [l.kind, l.op.startPosition.row + 1]).sort()).toEqual([['lock', 16], ['rlock', 11]]);
  });
  it('lets a WaitGroup go with a callback stored where outside code calls it', () => {
    const src = (store: string) => `package p

import (
	"net/http"
	"sync"
)

func Serve(srv *http.Server) {
	var accepted sync.WaitGroup
	accepted.Add(1)
	done := func() { accepted.Done() }
	${store}
	go func() {}()
	accepted.Wait()
}
`;
    // The server calls what RegisterOnShutdown is handed: Done may come from there.
    expect(lines(check(src('srv.RegisterOnShutdown(done)'), { sync: true }).leaks)).toEqual([]);
    // Kept to itself, nothing calls done: Wait blocks forever.
    expect(lines(check(src('_ = done'), { sync: true }).leaks)).toEqual([14]);
  });
  it('gives a number read from outside one small value when it is ordered against an integer', () => {
    const r = check(`package p

import (
	"flag"
	"sync"
)

func Run() {
	n := flag.NFlag()
	ids := make(chan int, n)
	for i := 0; i < n; i++ {
		ids <- i
	}
	if n > 1 {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ids
		}()
		wg.Wait()
	}
}
`, { sync: true });
    // n > 1 and the loop that filled ids read the same n: the worker always finds a value.
    expect(lines(r.leaks)).toEqual([]);
  });
  it('takes runtime.NumCPU and GOMAXPROCS as at least one', () => {
    const r = check(`package p

import "runtime"

func Run(n int) {
	workers := n
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	work := make(chan int)
	for i := 0; i < workers; i++ {
		go func() {
			for range work {
			}
		}()
	}
	work <- 1
	close(work)
}
`);
    // Whatever n is, at least one worker receives.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('leaves a test body waiting forever to go test -timeout, and reports what the test started or called', () => {
    const src = `package p

import "testing"

func produce(fail bool) int {
	if fail {
		return 0
	}
	return 1
}

func await(ch chan int) int { return <-ch }

func TestWaits(t *testing.T) {
	msgs := make(chan int)
	go func() {
		if produce(t.Failed()) == 0 {
			return
		}
		msgs <- 1
	}()
	<-msgs
}

func TestHelperWaits(t *testing.T) {
	msgs := make(chan int)
	go func() {
		if produce(t.Failed()) == 0 {
			return
		}
		msgs <- 1
	}()
	await(msgs)
}

func TestStarted(t *testing.T) {
	msgs := make(chan int)
	go func() { msgs <- produce(t.Failed()) }()
	if t.Failed() {
		t.Fatal("stop")
	}
	<-msgs
}
`;
    // In a _test.go file: the body of TestWaits hangs (no report); the helper it calls and
    // the goroutine TestStarted leaves behind on its t.Fatal path are reported.
    expect(lines(check(src, { file: 'p_test.go' }).leaks).sort((a, b) => a - b)).toEqual([12, 38]);
    // The same functions outside a test file are ordinary code: all three block.
    expect(lines(check(src).leaks).sort((a, b) => a - b)).toEqual([12, 22, 38]);
  });

  it('takes a channel or closure passed for a parameter the callee may hand to outside code as handed out at the call', () => {
    const r = check(`package p

import (
	"sort"
	"sync"
)

func evalOutside(n int, cb func()) {
	if n > 0 {
		sort.Slice([]int{1, 2}, func(i, j int) bool { cb(); return false })
	}
}

func evalLocal(n int, cb func()) {
	if n > 0 {
		cb()
	}
}

func logLen(n int, ch chan struct{}) {
	if n > 0 {
		println(len(ch))
	}
}

func RunOutside(n int) {
	started := make(chan struct{})
	go func() { <-started }()
	evalOutside(n, func() { close(started) })
}

func RunLocal(n int) {
	started := make(chan struct{})
	go func() { <-started }()
	evalLocal(n, func() { close(started) })
}

func RunLogged(n int) {
	started := make(chan struct{})
	go func() { <-started }()
	logLen(n, started)
}

func evalOnce(o *sync.Once, n int, cb func()) {
	if n > 0 {
		o.Do(cb)
	}
}

func RunOnce(n int) {
	var o sync.Once
	started := make(chan struct{})
	go func() { <-started }()
	evalOnce(&o, n, func() { close(started) })
}
`);
    // sort.Slice may call the closure that closes started: open world. evalLocal calls it only
    // when n > 0, logLen hands nothing out, and Once.Do runs its function in the model: all
    // three leak when n <= 0.
    expect(lines(r.leaks).sort((a, b) => a - b)).toEqual([34, 40, 53]);
  });

  it('takes select {} as a deliberate block, and a select on nil channels alone as a value it guessed', () => {
    const r = check(`package p

func Serve(keep bool) {
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
	if keep {
		select {}
	}
}

func Wait(a, b chan int) {
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
	if a == nil && b == nil {
		select {
		case <-a:
		case <-b:
		}
	}
}
`);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('compares string constants: a literal, a const, their concatenation', () => {
    const r = check(`package p

const streamKind = "stream"

func serve(kind string, res chan int) {
	switch kind {
	case "datagram":
		return
	}
	if kind == "unixgram" {
		return
	}
	res <- 1
}

func Stream() int {
	res := make(chan int)
	go serve("stream", res)
	return <-res
}

func StreamConst() int {
	res := make(chan int)
	go serve(streamKind, res)
	return <-res
}

func Datagram() int {
	res := make(chan int)
	go serve("data"+"gram", res)
	return <-res
}

func Escaped() int {
	res := make(chan int)
	go serve("unix\\x67ram", res)
	return <-res
}
`);
    // A datagram server never answers; "unix\x67ram" is unixgram spelt with an escape, which the
    // model leaves as some string: both ways of the test on it stay open.
    expect(lines(r.leaks).sort((a, b) => a - b)).toEqual([31, 37]);
  });

  it('ends a goroutine stopped by t.Fatal at the t.Fatal, not at the closing brace', () => {
    const r = check(`package p

import "testing"

func get() error { return nil }

func TestGet(t *testing.T) {
	res := make(chan error)
	go func() { res <- get() }()
	if t.Failed() {
		t.Fatal("stopped")
	}
	<-res
}
`, { file: 'p_test.go' });
    expect(lines(r.leaks)).toEqual([9]);
    expect(scheduleText(r.leaks[0]!.steps)).toMatch(/TestGet: TestGet returns \(11\)/);
  });

  it('hands out a value stored, after the closure went out, in a variable the closure reads', () => {
    const r = check(`package p

func Later(register func(func())) {
	res := make(chan int, 1)
	var finish func()
	register(func() { finish() })
	finish = func() { res <- 1 }
	go func() { <-res }()
}

func Before(register func(func())) {
	res := make(chan int, 1)
	var finish func()
	finish = func() {}
	register(func() { finish() })
	go func() { <-res }()
}
`);
    // Outside code holding the first closure calls what finish holds when it runs: res goes out.
    // In Before, finish never reaches res: nobody can send on it.
    expect(lines(r.leaks)).toEqual([16]);
  });

  it('moves a goroutine that touches only what no other goroutine holds on its own (partial-order reduction)', () => {
    const loop = (name: string) => `	go func() {
		for i := 0; i < 12; i++ {
			<-${name}
		}
		done <- struct{}{}
	}()
`;
    const r = check(`package p

func Drain(a, b, c, d <-chan int) {
	done := make(chan struct{})
${loop('a')}${loop('b')}${loop('c')}${loop('d')}	for i := 0; i < 3; i++ {
		<-done
	}
}
`);
    // Each worker's receives from outside commute with the others' moves: one order of them is
    // enough to reach every state where the workers wait on done (13^4 interleavings otherwise,
    // past the bound). The root takes three of the four: any worker may be the one left sending.
    expect(r.bounded).toBe(0);
    expect(r.states).toBeLessThan(200);
    expect(lines(r.leaks).sort((x, y) => x - y)).toEqual([9, 15, 21, 27]);
  });

  it('makes each pair of independent handovers in one order only (sleep sets), and still reaches every state', () => {
    const pair = (c: string) => `	${c} := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			${c} <- i
		}
	}()
	go func() {
		for i := 0; i < 3; i++ {
			<-${c}
		}
		done <- struct{}{}
	}()
`;
    const r = check(`package p

func Relay() {
	done := make(chan struct{})
${pair('a')}${pair('b')}${pair('c')}	<-done
	<-done
}
`);
    // Three pairs hand over on their own channels: their moves commute, so a state reached by
    // one pair moving and then another is not settled again by the other order. Every state is
    // still reached, so the third pair's receiver is found left sending on done whichever it is.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks).sort((x, y) => x - y)).toEqual([15, 27, 39]);
    // Every interleaving reaches the same 124 states in 2,601 steps.
    expect(r.states).toBe(124);
    expect(r.steps).toBeLessThan(1500);

  });

  it('settles workers started together as their combinations, not every product of their paths', () => {
    const r = check(`package p

import "os"

func Barrier() {
	donec := make(chan struct{})
	for i := 0; i < 9; i++ {
		go func() {
			f, err := os.Open("a")
			if err != nil {
				return
			}
			defer f.Close()
			if _, err := f.Stat(); err != nil {
				return
			}
			<-donec
		}()
	}
	close(donec)
}
`);
    // Each worker returns on one of two errors or waits on donec: 3^9 paths through the settle
    // that starts them, past its bound, but ten ways for nine workers to stand when it ends.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('holds a parameter to one value wherever it was passed (one unknown, one value)', () => {
    const r = check(`package p

func Run(qs []int) {
	errc := make(chan error)
	start(qs, errc)
	for range qs {
		<-errc
	}
}

func start(qs []int, errc chan error) {
	for range qs {
		go func() { errc <- nil }()
	}
}
`);
    // start runs one goroutine per element and Run receives once per element: the length the
    // search picks for start's qs is the length of Run's. Picked apart, two senders would meet
    // one receive (the previous build reported both ends).
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('ends a test at st.t.Fatalf, a *testing.T held in a helper struct', () => {
    const r = check(`package p

import (
	"errors"
	"testing"
	"time"
)

type tester struct {
	t   *testing.T
	frc chan int
}

func (st *tester) read() (int, error) {
	go func() {
		st.frc <- 1
	}()
	select {
	case v := <-st.frc:
		return v, nil
	case <-time.After(time.Second):
		return 0, errors.New("timeout")
	}
}

func (st *tester) want() int {
	v, err := st.read()
	if err != nil {
		st.t.Fatalf("read: %v", err)
	}
	return v
}

func TestTwice(t *testing.T) {
	st := &tester{t: t, frc: make(chan int, 1)}
	st.want()
	st.want()
}
`, { file: 'p_test.go' });
    // The first read that times out ends the test; its goroutine's value fits the buffer. The
    // previous build let the test go on to a second read, whose goroutine then found it full.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('steps over a loop that cannot synchronise, to each of its ways out', () => {
    const r = check(`package p

import "errors"

type reader interface {
	Next() bool
	Record() []byte
	Err() error
}

func decode(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, errors.New("empty")
	}
	return int(b[0]), nil
}

func Replay(r reader) ([]int, error) {
	errc := make(chan error)
	go func() { errc <- r.Err() }()
	var vals []int
	var errs []error
	for r.Next() {
		v, err := decode(r.Record())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch {
		case v > 200:
			return nil, errors.New("record too large")
		case v > 100:
			vals = append(vals, v, v)
		case v > 10:
			vals = append(vals, v)
		}
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	return vals, errors.Join(errs...)
}
`);
    // Each record is one of four cases: unrolled, every count of records is a path of its own
    // (the previous build spent its 2,000 steps between two synchronisations on them and found
    // nothing). Stepped over, the loop ends or returns at line 31, leaving the sender at line 20.
    expect(r.bounded).toBe(0);
    expect(r.steps).toBeLessThan(100);
    expect(lines(r.leaks)).toEqual([20]);
  });

  it('runs the first round of a range over a large count, then as many more as an unknown count', () => {
    const r = check(`package p

func Resize(resize func(int)) {
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		<-started
		close(done)
	}()
	for i := range 100 {
		resize(i)
		if i == 0 {
			close(started)
		}
	}
	<-done
}
`);
    // Round by round, the loop cost a hundred rounds of steps; as an unknown count from the
    // start, it could end before the round that closes started (prometheus exemplar_test.go).
    expect(r.bounded).toBe(0);
    expect(r.steps).toBeLessThan(150);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('ranges twice over one unknown without a written type the same number of times', () => {
    const r = check(`package p

type Client struct{ eps []string }

func (c *Client) Endpoints() []string { return append([]string(nil), c.eps...) }

func status(string) error { return nil }

func (c *Client) checkVersion() error {
	eps := c.Endpoints()
	errc := make(chan error, len(eps))
	for _, ep := range eps {
		go func(e string) { errc <- status(e) }(ep)
	}
	for range eps {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}
`);
    // eps holds one length: the receive loop runs as often as the loop that started the senders
    // (etcd client.go checkVersion; counted apart, no sender and one receive).
    expect(lines(r.leaks)).toEqual([]);
    expect(r.bounded).toBe(0);
  });

  it('takes a small count of rounds for a loop over what the model cannot count', () => {
    const r = check(`package p

import "strings"

func run(string) {}

func apply(names string) int {
	done := make(chan struct{})
	n := 0
	for _, name := range strings.Fields(names) {
		n++
		go func() { run(name); done <- struct{}{} }()
	}
	for i := 0; i < n; i++ {
		<-done
	}
	return n
}
`);
    // Every round starts a goroutine, so no two rounds meet in one state: unrolled until the
    // goroutine bound before (prometheus discovery registerProviders).
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('lets a deadline armed by a goroutine come only after it has waited on something', () => {
    const src = (between: string) => `package p

import (
	"context"
	"sync"
	"time"
)

type M struct {
	mu      sync.Mutex
	writers int
}

func (m *M) try() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.writers == 0
}

func (m *M) lockLoop(timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	${between}
	for {
		select {
		case <-ctx.Done():
			return false
		default:
			if m.try() {
				return true
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func Readers() {
	m := &M{}
	locked := make(chan bool)
	go func() {
		if m.lockLoop(time.Second) {
			locked <- true
		}
	}()
	<-locked
}
`;
    // Polled at once, the second-long deadline has not come: the lock is free, the reader sends
    // (minio lsync's parallel readers).
    expect(lines(check(src('')).leaks)).toEqual([]);
    // Having waited on a mutex first, the reader may find the deadline passed and never send.
    expect(lines(check(src('m.mu.Lock(); m.mu.Unlock()')).leaks)).toEqual([45]);
  });

  it('goes on once with the paths that come out of a call alike', () => {
    const r = check(`package p

import (
	"errors"
	"os"
)

var errFull = errors.New("full")

type Server struct {
	ready, failed bool
	a, b, c, d    int
}

func reg(c int) error {
	if c > 100 {
		return errFull
	}
	return nil
}

func (s *Server) registerAll() error {
	for _, c := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20} {
		if err := reg(c * len(os.Args)); err != nil {
			s.failed = true
			return err
		}
	}
	s.ready = true
	return nil
}

func (s *Server) shuffle() {
	s.a, s.b, s.c, s.d = s.b, s.c, s.d, s.a
	s.a, s.b, s.c, s.d = s.b, s.c, s.d, s.a
	s.a, s.b, s.c, s.d = s.b, s.c, s.d, s.a
	s.a, s.b, s.c, s.d = s.b, s.c, s.d, s.a
}

func Start() bool {
	done := make(chan bool)
	s := &Server{}
	go func() {
		s.registerAll()
		s.shuffle()
		s.shuffle()
		s.shuffle()
		done <- s.ready
	}()
	return <-done
}
`);
    // Twenty early returns on an error leave registerAll alike: each ran the three shuffles
    // after it before (797 steps).
    expect(r.bounded).toBe(0);
    expect(r.steps).toBeLessThan(300);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('holds a number to one value through a sum in two loop conditions', () => {
    const r = check(`package p

func Workers(waiters int) {
	done := make(chan bool)
	for w := 0; w < waiters+1; w++ {
		go func() { done <- true }()
	}
	for w := 0; w < waiters+1; w++ {
		<-done
	}
}
`);
    // waiters+1 is one number in both conditions (Go's sync benchmarkCond); undecided, each loop
    // took its own count of rounds.
    expect(lines(r.leaks)).toEqual([]);
    expect(r.bounded).toBe(0);
  });

  it('takes the length of an unexported package slice that nothing writes from its literal', () => {
    const r = check(`package p

var slots = []int{5, 3, 6, 6, 6, 1, 1, 2, 7, 9, 4, 8, 0}

func Queue() []int {
	result := make(chan int, len(slots))
	for _, slot := range slots {
		go func(s int) { result <- s }(slot)
	}
	var order []int
	for range slots {
		order = append(order, <-result)
	}
	return order
}
`);
    // Thirteen senders, thirteen receives (Go's time testAfterQueuing).
    expect(lines(r.leaks)).toEqual([]);
    expect(r.bounded).toBe(0);
  });

  it('takes a sync method value as handed to whoever calls it', () => {
    const src = (arg: string) => `package p

import "sync"

type Conn interface{ Request(done func()) }

func Send(conn Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done() }()
	conn.Request(${arg})
	wg.Wait()
}
`;
    // wg.Done handed to a Conn the model cannot see (istio loadbalancersim): the outside calls it.
    expect(lines(check(src('wg.Done'), { sync: true }).leaks)).toEqual([]);
    // Handed nothing of the WaitGroup's, the outside cannot bring the counter down.
    expect(check(src('func() {}'), { sync: true }).leaks.map((l) => [l.kind, l.op.startPosition.row + 1])).toEqual([['wgwait', 12]]);
  });

  it('takes a worker count another package names as the program\'s setting', () => {
    const src = (count: string) => `package p

import (
	"net/http"
	"sync"
)

func Convert(items []int, n int) []int {
	var wg sync.WaitGroup
	tasks := make(chan int)
	out := make([]int, len(items))
	for i := 0; i < ${count}; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range tasks {
				out[t] = t
			}
		}()
	}
	for i := range items {
		tasks <- i
	}
	close(tasks)
	wg.Wait()
	_ = n
	return out
}
`;
    // istio's concurrentConvertToSidecarScope: no worker only if the configuration says none.
    expect(lines(check(src('http.DefaultMaxIdleConnsPerHost')).leaks)).toEqual([]);
    // A count the caller passes may be zero: the send waits forever then.
    expect(lines(check(src('n')).leaks)).toEqual([22]);
  });

  it('takes a t.Fatalf inside a stepped-over loop as a way the test ends', () => {
    const r = check(`package p

import (
	"os"
	"strconv"
	"testing"
)

func TestArgs(t *testing.T) {
	results := make(chan int)
	go func() { results <- 1 }()
	for i := 0; i < len(os.Args); i++ {
		if _, err := strconv.Atoi(os.Args[i]); err != nil {
			t.Fatalf("arg %d: %v", i, err)
		}
	}
	<-results
}
`, { file: 'p_test.go' });
    // The loop is stepped over to its end or to the Fatalf, which ends the test with the sender
    // still waiting.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([11]);
    expect(scheduleText(r.leaks[0]!.steps)).toMatch(/TestArgs: TestArgs returns \(14\)/);
  });

  it('steps over an if whose arms leave the state as they found it, without splitting on what it tested', () => {
    const names = 'abcdefghijkl'.split('');
    const r = check(`package p

import "log"

func Watch(get func(string) *int) {
	done := make(chan struct{})
	go func() {
${names.map((n) => `		${n} := get("${n}")\n		if ${n} == nil {\n			log.Print("no ${n}")\n		}\n`).join('')}		log.Print(${names.join(', ')})
		<-done
	}()
}
`);
    // Splitting on each nil test would make 2^12 paths to the last Print, each keeping what it
    // learnt about the twelve live variables; stepping over the logging arms keeps one.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([57]);
  });

  it('reads runtime.GOOS as the platform the files were selected for', () => {
    const r = check(`package p

import "runtime"

func OnPlan9() {
	ch := make(chan int)
	go func() {
		if runtime.GOOS == "plan9" {
			ch <- 1
		}
	}()
}

func Elsewhere() {
	ch := make(chan int)
	go func() {
		if runtime.GOOS != "plan9" {
			ch <- 1
		}
	}()
}
`);
    expect(lines(r.leaks)).toEqual([18]);
  });

  it('takes the Locker of RWMutex.RLocker as the read lock', () => {
    const r = check(`package p

import "sync"

func Read(rw *sync.RWMutex) {
	var mu sync.RWMutex
	rl := mu.RLocker()
	got := make(chan bool)
	rl.Lock()
	go func() {
		mu.Lock()
		got <- true
	}()
	select {
	case <-got:
	default:
		return
	}
}
`);
    // The writer waits for the read lock, which is never released: it never sends. Were rl's Lock
    // some outside code's, the writer would send at once, and after the default it would block.
    expect(r.leaks.map((l) => l.kind)).toEqual(['lock']);
  });

  it('counts what copy moves and what a slice expression keeps', () => {
    const src = (size: number) => `package p

func Transfer() {
	data := make(chan []byte)
	took := make(chan int)
	go func() {
		buf := make([]byte, ${size})
		bw := <-data
		took <- copy(buf, bw)
	}()
	b := make([]byte, 40)
	for len(b) > 0 {
		data <- b
		b = b[<-took:]
	}
}
`;
    // A 64-byte buffer takes all 40 bytes in one read: the loop ends.
    expect(lines(check(src(64)).leaks)).toEqual([]);
    // A 16-byte one leaves 24 for a second send that nobody receives.
    expect(lines(check(src(16)).leaks)).toEqual([13]);
  });

  it('follows the paths of a loop that meet again once, from its first iteration', () => {
    const r = check(`package p

type Metrics interface{ Register() error }
type Config interface {
	Name() string
	NewMetrics() Metrics
}

var configs = map[string]Config{}

// RegisterConfig is called from the init functions of the packages that provide a Config.
func RegisterConfig(c Config) { configs[c.Name()] = c }

func registerMetrics() (map[string]Metrics, error) {
	metrics := make(map[string]Metrics)
	for _, c := range configs {
		m := c.NewMetrics()
		if err := m.Register(); err != nil {
			return nil, err
		}
		metrics[c.Name()] = m
	}
	return metrics, nil
}

func Start() {
	for i := 0; i < 6; i++ {
		if _, err := registerMetrics(); err != nil {
			panic(err)
		}
	}
	ch := make(chan int)
	go func() { ch <- 1 }()
}
`);
    // Any iteration of a range over a map from outside may be the last, and the paths that go
    // round once more come back to the loop's head in a state already seen: followed once from
    // the first iteration, six calls cost 269 steps; deduplicated only past 200 steps, 1,187.
    expect(r.bounded).toBe(0);
    expect(r.steps).toBeLessThan(400);
    expect(lines(r.leaks)).toEqual([33]);
  });

  it('takes a send on a closed channel as a panic that ends the program, not a goroutine blocked forever', () => {
    const r = check(`package p

func Replay(next func() (int, bool)) {
	records := make(chan int, 4)
	done := make(chan struct{})
	go func() {
		for range records {
		}
		close(done)
	}()
	closed := false
	for {
		kind, more := next()
		if !more {
			break
		}
		if kind == 0 {
			close(records)
			closed = true
			<-done
			continue
		}
		records <- kind
	}
	if !closed {
		close(records)
		<-done
	}
}
`);
    // A record of kind 0 closes records; one more record after it sends on the closed
    // channel, which panics: Replay does not wait there forever (the last build said it did).
    expect(lines(r.leaks)).toEqual([]);
  });

  it('hands what a goroutine sends on a channel from outside to the outside', () => {
    const r = check(`package p

type conn struct {
	send  chan []byte
	write func([]byte) error
}

func (c *conn) writer() {
	for m := range c.send {
		if c.write(m) != nil {
			break
		}
	}
}

func Serve(register chan<- *conn, read func() bool, write func([]byte) error) {
	c := &conn{send: make(chan []byte, 1), write: write}
	register <- c
	go c.writer()
	for read() {
		c.send <- []byte("hello")
	}
}
`);
    // Once the writer has gone, whoever received c from register (a hub) holds c.send: it
    // may drain it, or close it; the reader is not proven stuck (the last build said it was).
    expect(lines(r.leaks)).toEqual([]);
  });

  it('goes on past an if whose arms assign, holding unknown what one arm left unknown', () => {
    const r = check(`package p

type VM struct {
	Tags                          map[string]*string
	OS, Name, Size, Zone, Account *string
}

type machine struct{ os, name, size, zone, account string }

func mapVM(vm VM) machine {
	var os, name, size, zone, account string
	if vm.OS != nil {
		os = *vm.OS
	}
	if vm.Name != nil {
		name = *vm.Name
	}
	if vm.Size != nil {
		size = *vm.Size
	}
	if vm.Zone != nil {
		zone = *vm.Zone
	}
	if vm.Account != nil {
		account = *vm.Account
	}
	return machine{os, name, size, zone, account}
}

func Refresh(list func() ([]VM, error), cancel <-chan struct{}) []machine {
	ch := make(chan []machine)
	go func() {
		var out []machine
		for i := 0; i < 3; i++ {
			vms, err := list()
			if err != nil {
				return
			}
			for _, vm := range vms {
				out = append(out, mapVM(vm))
			}
		}
		ch <- out
	}()
	select {
	case out := <-ch:
		return out
	case <-cancel:
		return nil
	}
}
`);
    // mapVM's five ifs make 32 machines that differ only in which fields are "" and which are
    // unknown: every loop iteration multiplied them, and the settle before the first
    // synchronisation reached its bound (the last build found nothing here). An unknown string
    // covers "", so each if goes on once.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([43]);
  });

  it('explores from the caller that makes the channel a goroutine of its callee uses, not from the top of the chain', () => {
    const r = check(`package p

func start(ch chan int) {
	go func() { ch <- 1 }()
}

func run() {
	ch := make(chan int)
	start(ch)
}

func Serve() {
	run()
}
`);
    // Serve, the top of the chain, hands run nothing: the call would be stepped over. run,
    // which makes ch, is the group that holds both the goroutine and its partner.
    expect(lines(r.leaks)).toEqual([4]);
  });

  it('keeps a map keyed by string constants: its entries, a lookup, a range over it', () => {
    const r = check(`package p

func Start() {
	chans := map[string]chan int{}
	chans["a"] = make(chan int)
	chans["b"] = make(chan int)
	for name, ch := range chans {
		go func() { ch <- len(name) }()
	}
	<-chans["a"]
}
`);
    // Start receives from "a" only: the goroutine sending on "b" waits forever (a map open to
    // any key made both channels unknown, and nothing was proven).
    expect(lines(r.leaks)).toEqual([8]);
  });

  it('explores a function that starts no goroutine but takes a lock again through an interface it handed itself to', () => {
    const src = `package p

import "sync"

type doer interface{ Do() }

type client struct {
	sync.RWMutex
}

type api struct{ c doer }

func (a *api) ask() { a.c.Do() }

func (c *client) Do() {
	c.RLock()
	c.RUnlock()
}

func (c *client) Sync(leader bool) {
	c.Lock()
	defer c.Unlock()
	if leader {
		a := &api{c: c}
		a.ask()
	}
}

func (c *client) Fine() {
	c.Lock()
	c.Unlock()
	c.Do()
}
`;
    const r = check(src, { sync: true });
    expect(lines(r.leaks)).toEqual([16]);
    expect(r.leaks[0]!.self).toBe(true);
    expect(scheduleText(r.leaks[0]!.steps)).toMatch(/^1\. \(\*client\)\.Sync: locks c \(21\) {2}2\. \(\*client\)\.Sync: blocks read-locking c, which it holds \(16\)$/);
    // Without sync-leak the channel rules have nothing to explore here.
    expect(lines(check(src).leaks)).toEqual([]);
  });

  it('explores for sync-leak a function whose goroutines lock only through an interface', () => {
    // get holds the read lock, set waits for the write lock, and get's second RLock (in peek)
    // waits behind the writer: both stuck. Whether Race waits on a lock at all is read through
    // st's methods, any of the package's by those names.
    const r = check(`package p

import "sync"

type store struct{ sync.RWMutex }

func (s *store) get() {
	s.RLock()
	defer s.RUnlock()
	s.peek()
}

func (s *store) peek() {
	s.RLock()
	s.RUnlock()
}

func (s *store) set() {
	s.Lock()
	s.Unlock()
}

type state interface {
	get()
	set()
}

func read(st state) { st.get() }

func Race() {
	var st state = &store{}
	go read(st)
	go st.set()
}
`, { sync: true });
    expect(lines(r.leaks)).toEqual([14, 19]);
  });

  it('reports a goroutine on a channel nothing ever made (nil), not one the search took for nil or Background().Done()', () => {
    const r = check(`package p

import "context"

type server struct {
	quit chan struct{}
	jobs chan int
}

func newServer() *server { return &server{jobs: make(chan int)} }

func (s *server) loop() {
	for {
		select {
		case <-s.quit:
			return
		case <-s.jobs:
		}
	}
}

func Start() {
	s := newServer()
	go s.loop()
	s.jobs <- 1
}

func Declared() {
	var ch chan int
	go func() { ch <- 1 }()
}

func Checked(ch chan int) {
	go func() {
		if ch == nil {
			return
		}
		<-ch
	}()
}

func Forever() {
	ctx := context.Background()
	go func() { <-ctx.Done() }()
}
`);
    // loop's select waits on s.jobs (made) and s.quit (never made): once Start has sent its one
    // job and returned, nothing can send on jobs, and quit is nil. Declared sends on a nil channel.
    expect(lines(r.leaks)).toEqual([14, 30]);
    expect(scheduleText(r.leaks[1]!.steps)).toMatch(/func: blocks sending on a nil channel \(30\)$/);
  });

  it('keeps entries stored under keys it cannot compute: a range reaches them, a lookup hands them out', () => {
    const r = check(`package p

type hub struct {
	subs map[string]chan int
}

func (h *hub) add(id string) chan int {
	ch := make(chan int)
	h.subs[id] = ch
	return ch
}

func (h *hub) closeAll() {
	for _, ch := range h.subs {
		close(ch)
	}
}

func Run(a, b string) {
	h := &hub{subs: map[string]chan int{}}
	c1 := h.add(a)
	c2 := h.add(b)
	go func() { <-c1 }()
	go func() { <-c2 }()
	h.closeAll()
}

func Leak(a, b string) {
	h := &hub{subs: map[string]chan int{}}
	c1 := h.add(a)
	go func() { <-c1 }()
}

func Lookup(a string) {
	h := &hub{subs: map[string]chan int{}}
	h.add(a)
	go func() { <-h.subs[a] }()
	close(h.subs[a])
}
`);
    // Run's closeAll ranges over both subscribers and closes them; Leak's subscriber is left
    // waiting; Lookup's lookup by an unknown key may be any entry, so the entries go outside.
    expect(lines(r.leaks)).toEqual([31]);
  });

  it('locks through a mutex embedded in an anonymous struct field', () => {
    const r = check(`package p

import "sync"

type store struct {
	mu struct {
		sync.RWMutex
		n int
	}
}

func (s *store) read() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.peek()
}

func (s *store) peek() {
	s.mu.RLock()
	s.mu.RUnlock()
}

func (s *store) write() {
	s.mu.Lock()
	s.mu.n++
	s.mu.Unlock()
}

func Race() {
	s := &store{}
	go s.read()
	go s.write()
}
`, { sync: true });
    // read holds the read lock, write waits for the write lock, and peek's RLock waits behind it.
    expect(lines(r.leaks)).toEqual([19, 24]);
  });

  it('takes printing and testing reports as keeping nothing they are handed', () => {
    const r = check(`package p

import (
	"fmt"
	"log"
	"testing"
)

type job struct{ done chan struct{} }

func Run(t *testing.T) {
	j := &job{done: make(chan struct{})}
	fmt.Println(j)
	log.Printf("%v", j.done)
	t.Logf("%v", j)
	go func() { <-j.done }()
}
`, { file: 'p_test.go' });
    // Printed, j and its channel are still the group's alone: the goroutine waits forever.
    expect(lines(r.leaks)).toEqual([16]);
  });

  it('goes round a loop whose counter nothing else reads once, then takes the count as unknown', () => {
    const r = check(`package p

import "sync"

type svc struct{ mu sync.Mutex }

func (s *svc) churn() {
	for i := 0; i < 100000; i++ {
		s.mu.Lock()
		s.mu.Unlock()
	}
}

func Run() {
	s := &svc{}
	done := make(chan struct{})
	go func() {
		s.churn()
		done <- struct{}{}
	}()
}

func Counted() {
	ch := make(chan int, 3)
	go func() {
		for i := 0; i < 3; i++ {
			ch <- i
		}
	}()
	for i := 0; i < 3; i++ {
		<-ch
	}
}
`);
    // The send after churn's 100,000 lock rounds is reached (each round comes back to the state
    // before it); Counted's loops read their counters and keep their exact counts: silent.
    expect(lines(r.leaks)).toEqual([19]);
    expect(r.bounded).toBe(0);
  });

  it('roots a group at a function that starts its goroutines with wg.Go alone', () => {
    const r = check(`package p

import "sync"

func First() int {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Go(func() { out <- 1 })
	wg.Go(func() { out <- 2 })
	return <-out
}
`);
    // One receive for two senders: one of them waits forever.
    expect(lines(r.leaks).sort((a, b) => a - b)).toEqual([8, 9]);
  });

  it('takes a writer handed to fmt.Fprintf, and a function handed to strings, as handed out', () => {
    const r = check(`package p

import (
	"fmt"
	"strings"
)

type chanWriter struct{ ch chan string }

func (w *chanWriter) Write(p []byte) (int, error) {
	w.ch <- string(p)
	return len(p), nil
}

func Pipe() {
	w := &chanWriter{ch: make(chan string)}
	go func() { <-w.ch }()
	fmt.Fprintf(w, "x")
}

func Mapped() {
	ch := make(chan rune)
	go func() { <-ch }()
	strings.Map(func(r rune) rune { ch <- r; return r }, "x")
}
`);
    // Fprintf calls w.Write, and strings.Map calls its function: both goroutines may be woken.
    expect(lines(r.leaks)).toEqual([]);
  });
});

describe('leak checker: conversions and timeouts', () => {
  it('runs the methods of the type a conversion views an object as, and its own after converting back', () => {
    const r = check(`package p

type T struct{ ch chan int }

func (t *T) Send() { t.ch <- 1 }

type quiet T

func (q *quiet) Send() {}

func View() {
	t := &T{ch: make(chan int)}
	go func() { <-t.ch }()
	q := (*quiet)(t)
	q.Send()
}

func Back() {
	t := &T{ch: make(chan int)}
	go func() { <-t.ch }()
	q := (*quiet)(t)
	(*T)(q).Send()
}
`);
    // quiet's Send sends nothing: View's receiver waits forever. Back converts back and sends.
    expect(lines(r.leaks)).toEqual([13]);
  });

  it('takes a timeout of math.MaxInt64 as none, and an hour as one that fires', () => {
    // The same wait under three timeouts: the sender leaks only if the timeout can run out first.
    const wait = (name: string, timeout: string) => `
func ${name}() {
	ctx, cancel := context.WithTimeout(context.Background(), ${timeout})
	defer cancel()
	ch := make(chan int)
	go func() { ch <- 1 }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}
`;
    const r = check(`package p

import (
	"context"
	"math"
	"time"
)
${wait('Never', 'math.MaxInt64')}${wait('Shifted', 'time.Duration(1<<63-1)')}${wait('Hour', 'time.Hour')}`);
    expect(r.leaks.map((l) => l.rootFn.childForFieldName('name')?.text)).toEqual(['Hour']);
  });
});

describe('leak checker: an external test package read with the package it tests', () => {
  const lockSrc = `package lock

import "sync"

// Gate lets one holder in at a time; Enter blocks while another holds it.
type Gate struct{ mu sync.Mutex }

func New() *Gate { return &Gate{} }

func (g *Gate) Enter() { g.mu.Lock() }

func (g *Gate) Leave() { g.mu.Unlock() }
`;
  const testSrc = `package lock_test

import (
	"testing"

	lk "example.com/lock"
)

func TestGate(t *testing.T) {
	g := lk.New()
	in := make(chan bool)
	g.Enter()
	go func() {
		g.Enter()
		in <- true
		in <- true
	}()
	select {
	case <-in:
		t.Fatal("two holders")
	default:
	}
	g.Leave()
	<-in
	<-in
}
`;
  function checkPair(files: Record<string, string>) {
    const dir = join(tempRoot, `p${tempPackages++}`, 'lock');
    mkdirSync(dir, { recursive: true });
    for (const [name, src] of Object.entries(files)) writeFileSync(join(dir, name), src);
    const loaded = loadPackageOf(join(dir, 'lock_test.go'), { tests: true, maxFileSize: 1 << 20, build: hostBuildContext() });
    if ('error' in loaded) throw new Error(loaded.error);
    return checkPackage(loaded.pkg);
  }

  it('runs the tested package\'s methods: a second Enter waits for Leave', () => {
    // Read alone, lk's Enter is outside code that may return at once: the goroutine sends
    // before the select, the test stops at t.Fatal, and the second send waits forever.
    // Read with package lock, Enter waits for the test's Leave, and both sends are received.
    const alone = checkPair({ 'lock_test.go': testSrc });
    const joined = checkPair({ 'lock_test.go': testSrc, 'lock.go': lockSrc });
    expect(lines(alone.leaks)).toEqual([16]);
    expect(lines(joined.leaks)).toEqual([]);
  });

  it('leaves the standard library\'s own tests as they are: the model knows sync by what it does', () => {
    const src = (path: string) => parseGo(`package sync_test\n\nimport (\n\t. "${path}"\n\t"testing"\n)\n`).rootNode;
    expect(testedQualifier(src('sync'), '/go/src/sync', 'sync')).toBeNull();
    expect(testedQualifier(src('example.com/sync'), '/src/sync', 'sync')).toBe('.');
  });

  it('keeps to its own files when the tested package declares one of its names', () => {
    const clash = checkPair({ 'lock_test.go': testSrc + '\nfunc New() {}\n', 'lock.go': lockSrc });
    expect(lines(clash.leaks)).toEqual([16]);
  });
});

describe('leak checker: loops between two synchronisations', () => {
  it('goes round a local loop whose counter nothing else reads once, then takes the count as unknown', () => {
    const r = check(`package p

type Source interface{ Next() error }

func Drain(src Source) {
	ch := make(chan int)
	go func() { ch <- 1 }()
	for i := 0; ; i++ {
		if err := src.Next(); err != nil {
			break
		}
	}
}
`);
    // Unrolled, the loop runs until the local bound and Drain is taken as spinning: the
    // witness would be a Drain that never ends. Its count unknown, the loop ends.
    expect(lines(r.leaks)).toEqual([7]);
    expect(scheduleText(r.leaks[0]!.steps)).toMatch(/Drain: Drain returns \(13\)/);
  });

  it('holds the integers a round changed unknown once a loop comes back to its head in the same state', () => {
    const r = check(`package p

func Sum(more func() bool, skip bool) int {
	c := make(chan int)
	go func() {
		sum := 0
		for i := 0; more(); i++ {
			sum = sum*31 + i
		}
		c <- sum
	}()
	if skip {
		return -1
	}
	return <-c
}
`);
    // i and sum change every round: unrolled, the loop ran until the settle bound and the group
    // found nothing. Held unknown from the second round, the loop ends, and the send after it
    // waits forever once Sum has returned early.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([10]);
  });
});

describe('leak checker: interchangeable goroutines', () => {
  it('moves one of the goroutines a go statement started that stand alike, not each of them', () => {
    const r = check(`package p

import "sync"

func First() int {
	ch := make(chan int)
	var mu sync.Mutex
	n := 0
	for i := 0; i < 50; i++ {
		go func(id int) {
			mu.Lock()
			n++
			mu.Unlock()
			ch <- 1
		}(i)
	}
	return <-ch
}
`);
    // Fifty workers that never read their id: each state moves one of those that stand at
    // the same place, and the group ends well within the bound with the 49 stuck senders.
    expect(lines(r.leaks)).toEqual([14]);
    expect(r.bounded).toBe(0);
  });
});

describe('leak checker: calls it steps over', () => {
  it('steps over a call that returns a struct of plain fields and may panic', () => {
    const r = check(`package p

type key struct {
	rev
	tomb bool
}

type rev struct{ main, sub int64 }

type scanner struct {
	c    chan key
	seed int64
}

func (s *scanner) parse(b []byte) key {
	if len(b) != 17 {
		panic("bad key")
	}
	sub := s.seed
	for i := 1; i < len(b); i++ {
		sub = sub*31 + int64(b[i])
	}
	return key{rev: rev{main: int64(b[0]), sub: sub}}
}

func First(keys [][]byte) key {
	s := &scanner{c: make(chan key)}
	go func() {
		for _, k := range keys {
			s.c <- s.parse(k)
		}
		close(s.c)
	}()
	for k := range s.c {
		return k
	}
	return key{}
}
`);
    // parse is stepped over: its result holds nothing of the group, and its panic ends the
    // program. Run, its loop over an unknown length once lost every path that returns, and
    // with them the second send that First leaves waiting.
    expect(lines(r.leaks)).toEqual([30]);
  });

  it('takes what a skipped constructor returns as not nil when every return makes it', () => {
    const r = check(`package p

import "strings"

func newBuilder() *strings.Builder { return &strings.Builder{} }

func lookup(ok bool) *strings.Builder {
	if ok {
		return new(strings.Builder)
	}
	return nil
}

func Made() {
	b := newBuilder()
	in := make(chan bool)
	go func() { in <- b != nil }()
	if b == nil {
		return
	}
	<-in
}

func Maybe(ok bool) {
	b := lookup(ok)
	in := make(chan bool)
	go func() { in <- b != nil }()
	if b == nil {
		return
	}
	<-in
}
`);
    // Both calls are stepped over (they return another package's type); newBuilder never
    // returns nil, so Made always receives; lookup may, and Maybe's sender then leaks.
    expect(lines(r.leaks)).toEqual([27]);
  });
});

describe('leak checker: loop counters', () => {
  it('runs a loop with a small constant bound round by round, so it sends no more than it says', () => {
    // Three sends into a buffer of `cap`, the receiver leaving on a timeout.
    const sender = (name: string, cap: number) => `
func ${name}(d time.Duration) {
	errc := make(chan error, ${cap})
	go func() {
		for i := 0; i < 3; i++ {
			errc <- get()
		}
	}()
	timeout := time.NewTimer(d)
	for {
		select {
		case <-errc:
		case <-timeout.C:
			return
		}
	}
}
`;
    const r = check(`package p

import (
	"errors"
	"time"
)

func get() error { return errors.New("x") }
${sender('Fits', 3)}${sender('Overflows', 2)}`);
    // Three sends fit a buffer of three whenever Fits returns; a buffer of two does not hold them.
    expect(lines(r.leaks)).toEqual([31]);
  });
});

describe('leak checker: goroutines it follows', () => {
  it('follows a goroutine whose only channel operation is a range over a channel, a parameter or a generator', () => {
    const r = check(`package p

func jobs(n int) <-chan int {
	c := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			c <- i
		}
		close(c)
	}()
	return c
}

func Consume(items []string, done func()) {
	work := make(chan string)
	go func() {
		for w := range work {
			_ = w
		}
	}()
	if len(items) == 0 {
		return
	}
	close(work)
}

func Drain(in <-chan string, out chan string) {
	go func() {
		for s := range in {
			out <- s
		}
	}()
}

func First() int {
	for v := range jobs(3) {
		return v
	}
	return -1
}
`);
    // Consume leaves the range waiting when items is empty; First leaves the generator's sender
    // after its first value. Drain's channels come from outside: whoever holds them may close them.
    expect(lines(r.leaks).sort((a, b) => a - b)).toEqual([7, 17]);
  });
});

describe('leak checker: objects a constructor hands its caller', () => {
  it('roots a group at the caller of a constructor whose goroutine waits on the object\'s channels', () => {
    const r = check(`package p

import "errors"

type pipe struct {
	files chan int
	done  chan struct{}
}

func newPipe() *pipe {
	p := &pipe{files: make(chan int), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *pipe) run() {
	for {
		select {
		case f := <-p.files:
			_ = f
		case <-p.done:
			return
		}
	}
}

func (p *pipe) Close() { close(p.done) }

func Open(dir string) error {
	p := newPipe()
	if dir == "" {
		return errors.New("no dir")
	}
	p.files <- 1
	p.Close()
	return nil
}

func OpenClosed(dir string) error {
	p := newPipe()
	defer p.Close()
	if dir == "" {
		return errors.New("no dir")
	}
	p.files <- 1
	return nil
}
`);
    // Open leaves without Close on an empty dir: run waits at its select (line 19) forever.
    // OpenClosed closes on every path. newPipe's own group returns the object: silent.
    expect(lines(r.leaks)).toEqual([18]);
    expect(r.leaks[0]!.rootFn.childForFieldName('name')!.text).toBe('Open');
  });

  it('leaves out a caller that defers the object\'s end before it can return, and a builder that registers the end itself', () => {
    const file = tempPackage(`package p

import (
	"errors"
	"testing"
)

type pipe struct{ files chan int }

func newPipe() (*pipe, error) {
	p := &pipe{files: make(chan int)}
	go func() {
		for range p.files {
		}
	}()
	return p, nil
}

func (p *pipe) Close() { close(p.files) }

func newTestPipe(t *testing.T) *pipe {
	p, _ := newPipe()
	t.Cleanup(p.Close)
	return p
}

func Deferred(dir string) error {
	p, err := newPipe()
	if err != nil {
		return err
	}
	defer p.Close()
	if dir == "" {
		return errors.New("no dir")
	}
	p.files <- 1
	return nil
}

func Late(dir string) error {
	p, err := newPipe()
	if err != nil {
		return err
	}
	if dir == "" {
		return errors.New("no dir")
	}
	defer p.Close()
	p.files <- 1
	return nil
}

func TestPipe(t *testing.T) {
	p := newTestPipe(t)
	p.files <- 1
}

func TestClosedAfterOwnError(t *testing.T) {
	p, err := newPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.files <- 1
	p.Close()
}

func TestFatalBeforeClose(t *testing.T) {
	p, _ := newPipe()
	if testing.Short() {
		t.Fatal("short")
	}
	p.files <- 1
	p.Close()
}
`, 'p_test.go');
    const loaded = loadPackageOf(file, { tests: true, maxFileSize: 1 << 20, build: hostBuildContext() });
    if ('error' in loaded) throw new Error(loaded.error);
    const names = groupRoots(loaded.pkg).map((d) => d.childForFieldName('name')!.text);
    // Late returns on an empty dir before its defer; Deferred's only earlier return is on
    // newPipe's own error; newTestPipe ends the pipe with t.Cleanup, so TestPipe owes nothing.
    // A t.Fatal ends the test's goroutine: before Close it leaves the pipe's goroutine behind
    // (TestFatalBeforeClose), on newPipe's own error there is no pipe (TestClosedAfterOwnError).
    expect(names).toContain('Late');
    expect(names).toContain('TestFatalBeforeClose');
    expect(names).not.toContain('Deferred');
    expect(names).not.toContain('TestPipe');
    expect(names).not.toContain('TestClosedAfterOwnError');
    expect(lines(checkPackage(loaded.pkg).leaks)).toEqual([13]);
  });

  it('reads a constant it cannot compute as one value, equal to itself', () => {
    const r = check(`package p

const maxSize = int64(^uint64(0) >> 1)

func Limit() int64 {
	size := maxSize
	c := make(chan int64)
	go func() {
		if size == maxSize {
			c <- size
		}
	}()
	return <-c
}
`);
    expect(lines(r.leaks)).toEqual([]);
  });
});

describe('leak checker: sync.Once', () => {
  it('blocks a goroutine that reaches Do again from inside the function Do runs', () => {
    const r = check(`package p

import "sync"

type settings struct {
	once sync.Once
	vals map[string]string
}

func (s *settings) load() {
	s.once.Do(func() {
		s.vals = map[string]string{}
		s.vals["x"] = s.get("y")
	})
}

func (s *settings) get(k string) string {
	s.load()
	return s.vals[k]
}

func Start() {
	s := &settings{}
	go s.load()
}
`, { sync: true });
    expect(lines(r.leaks)).toEqual([11]);
    expect(r.leaks[0]!.kind).toBe('oncewait');
    expect(r.leaks[0]!.self).toBe(true);
  });

  it('lets a Do waiting for another goroutine return once that goroutine\'s function has', () => {
    const r = check(`package p

import "sync"

func Both() int {
	var once sync.Once
	v := 0
	res := make(chan int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			once.Do(func() { v = 1 })
			res <- v
		}()
	}
	return <-res + <-res
}
`, { sync: true });
    expect(lines(r.leaks)).toEqual([]);
  });

  it('keeps a Do waiting while the goroutine running the function is blocked in it', () => {
    const r = check(`package p

import "sync"

func Run() {
	var once sync.Once
	ch := make(chan int)
	started := make(chan struct{})
	go func() {
		started <- struct{}{}
		once.Do(func() { <-ch })
	}()
	<-started
	once.Do(func() {})
	ch <- 1
}
`, { sync: true });
    // Either call may win the race to Do. The goroutine's wins: it waits for ch, and the root
    // waits in Do, before its send. The root's wins: the goroutine's Do returns without running
    // its function, and nothing receives the root's send.
    expect(lines(r.leaks).sort()).toEqual([11, 14, 15]);
  });
});

describe('leak checker: a Cond that went out inside another object', () => {
  const waiter = (field: string, signal: string) => `package p

import "sync"

type plugin struct {
	active bool
	${field} *sync.Cond
}

var plugins = map[int]*plugin{}

func (p *plugin) wait() {
	p.${field}.L.Lock()
	for !p.active {
		p.${field}.Wait()
	}
	p.${field}.L.Unlock()
}

func Register(id int) {
	p := &plugin{${field}: sync.NewCond(&sync.Mutex{})}
	plugins[id] = p
	go p.wait()
}
${signal}
`;

  it('is stuck when no code of the package can signal it through the field it is in', () => {
    expect(lines(check(waiter('ready', ''), { sync: true }).leaks)).toEqual([15]);
    // Another field signalled leaves this one alone.
    expect(lines(check(waiter('ready', 'func Other(q *struct{ done *sync.Cond }) { q.done.Signal() }'), { sync: true }).leaks)).toEqual([15]);
  });

  it('may be woken when the package signals through that field, through a variable, or when other packages can name the field', () => {
    expect(lines(check(waiter('ready', 'func Activate(id int) { plugins[id].ready.Broadcast() }'), { sync: true }).leaks)).toEqual([]);
    expect(lines(check(waiter('ready', 'func Wake(c *sync.Cond) { c.Signal() }'), { sync: true }).leaks)).toEqual([]);
    expect(lines(check(waiter('Ready', ''), { sync: true }).leaks)).toEqual([]);
  });

  it('reads the fields the package signals through from the text', () => {
    expect([...signalledFields(['a.b.Signal()', 'x.y .Broadcast()', 'f().Signal()', 'c.Signal()', '// Signal wakes'])].sort()).toEqual(['*', 'b', 'y']);
  });
});

describe('leak checker: package-level values', () => {
  it('takes a sentinel error (errors.New) or a value made at start-up as not nil', () => {
    const r = check(`package p

import "errors"

var errStop = errors.New("stop")

func Collect(vals []int) error {
	var stopErr error
	c := make(chan int, 1)
	go func() {
		defer close(c)
		for _, v := range vals {
			c <- v
		}
	}()
	for v := range c {
		if v < 0 {
			stopErr = errStop
			break
		}
	}
	if stopErr != nil {
		for range c {
		}
		return stopErr
	}
	return nil
}
`);
    // Leaving the loop early always sets stopErr, and then drains c: no path leaves the sender.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('takes two names of another package as two values, one name as one', () => {
    const src = (arg: string) => `package p

import "net/http"

type S struct {
	gets  []chan int
	posts []chan int
}

func (s *S) Wait(method string) <-chan int {
	res := make(chan int, 1)
	w := make(chan int, 1)
	if method == http.MethodPost {
		s.posts = append(s.posts, w)
	} else {
		s.gets = append(s.gets, w)
	}
	go func() {
		res <- <-w
	}()
	return res
}

func (s *S) NotifyGets() {
	for _, c := range s.gets {
		c <- 1
	}
	s.gets = nil
}

func Use() int {
	s := &S{}
	c := s.Wait(${arg})
	s.NotifyGets()
	return <-c
}
`;
    // A GET waiter is notified; a POST waiter never is, and Use waits for it with its goroutine.
    expect(lines(check(src('http.MethodGet')).leaks)).toEqual([]);
    expect(lines(check(src('http.MethodPost')).leaks).sort((a, b) => a - b)).toEqual([19, 35]);
  });
});

describe('leak checker: the values a schedule rests on', () => {
  it('names in the schedule the value it took for a count or a length the code leaves open', () => {
    const r = check(`package p

func Pool(xs []int, workers int) {
	jobs := make(chan int)
	for w := 0; w < workers; w++ {
		go func() {
			for range jobs {
			}
		}()
	}
	for _, x := range xs {
		jobs <- x
	}
	close(jobs)
}
`);
    // With no worker (workers below 1) and something to send, Pool waits forever on its first send.
    expect(lines(r.leaks)).toEqual([12]);
    expect(scheduleText(r.leaks[0]!.steps)).toMatch(/Pool: takes workers = 0 \(5\) .*Pool: takes xs with [1-3] elements? \(11\) .*Pool: blocks sending on jobs \(12\)$/);
  });

  it('names the case a switch on an unknown took, or that it took none of them', () => {
    const r = check(`package p

type Mode int

const (
	Sync Mode = iota
	Async
	Batch
)

func Render(m Mode) int {
	ch := make(chan int)
	switch m {
	case Async, Batch:
		go func() { ch <- 1 }()
	}
	switch m {
	case Sync:
		return 0
	default:
		return <-ch
	}
}
`);
    // Only a mode outside the three constants (Mode(7)) starts no goroutine and still waits.
    expect(lines(r.leaks)).toEqual([21]);
    expect(scheduleText(r.leaks[0]!.steps)).toMatch(/Render: takes m other than Async, Batch \(13\) .*Render: takes m other than Sync \(17\) .*Render: blocks receiving from ch \(21\)$/);
  });
});

describe('leak checker: what a stepped-over loop leaves', () => {
  it('takes a count a stepped-over loop computed as unknown to the search, not as any small number', () => {
    const r = check(`package p

func Nested(rows [][]int) {
	ch := make(chan int)
	total := 0
	for _, r := range rows {
		total += len(r)
	}
	go func() {
		for _, r := range rows {
			for _, x := range r {
				ch <- x
			}
		}
	}()
	for i := 0; i < total; i++ {
		<-ch
	}
}
`);
    // total is as many as the goroutine sends; the model did not follow the loop that summed it,
    // so no schedule that gives it a count of its own (-1, or one fewer than rows hold) is a witness.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('ranges over a slice a stepped-over loop built with one length for every loop over it', () => {
    const r = check(`package p

func Filtered(xs []int) int {
	var keep []int
	for _, x := range xs {
		if x > 0 {
			keep = append(keep, x)
		}
	}
	ch := make(chan int)
	for _, k := range keep {
		go func(k int) { ch <- k }(k)
	}
	s := 0
	for range keep {
		s += <-ch
	}
	return s
}
`);
    // One goroutine per kept element and one receive per kept element, whatever keep's length.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('gives len of such a slice the length its ranges take, and a filled map\'s size no number of its own', () => {
    const r = check(`package p

func LenFirst(xs []int) int {
	var keep []int
	for _, x := range xs {
		if x > 0 {
			keep = append(keep, x)
		}
	}
	ch := make(chan int)
	for i := 0; i < len(keep); i++ {
		go func(k int) { ch <- k }(keep[i])
	}
	s := 0
	for range keep {
		s += <-ch
	}
	return s
}

func MapBuilt(xs []string) int {
	seen := map[string]bool{}
	for _, x := range xs {
		seen[x] = true
	}
	ch := make(chan int)
	for k := range seen {
		go func(k string) { ch <- len(k) }(k)
	}
	s := 0
	for i := 0; i < len(seen); i++ {
		s += <-ch
	}
	return s
}

func Forgot(xs []string) {
	seen := map[string]bool{}
	for _, x := range xs {
		seen[x] = true
	}
	ch := make(chan int)
	for k := range seen {
		go func(k string) { ch <- len(k) }(k)
	}
}
`);
    // Forgot starts a goroutine per entry and receives nothing: that needs no count, and stays.
    expect(lines(r.leaks)).toEqual([44]);
  });
});

describe('leak checker: a stripe table filled by a loop', () => {
  it('steps over a loop that fills one field of an object whose other fields hold mutexes', () => {
    const r = check(`package p

import "sync"

type stripeLock struct {
	sync.RWMutex
	_ [40]byte
}

type seriesHashmap struct {
	unique    map[uint64]*memSeries
	conflicts map[uint64][]*memSeries
}

type memSeries struct {
	mu  sync.Mutex
	ref uint64
}

type stripeSeries struct {
	size   int
	series []map[uint64]*memSeries
	hashes []seriesHashmap
	locks  []stripeLock
}

const DefaultStripeSize = 1 << 14

func newStripeSeries(n int) *stripeSeries {
	s := &stripeSeries{size: n, series: make([]map[uint64]*memSeries, n), hashes: make([]seriesHashmap, n), locks: make([]stripeLock, n)}
	for i := range s.series {
		s.series[i] = map[uint64]*memSeries{}
	}
	for i := range s.hashes {
		s.hashes[i] = seriesHashmap{unique: map[uint64]*memSeries{}, conflicts: nil}
	}
	return s
}

func (s *stripeSeries) lookup(ref uint64) *memSeries {
	l := &s.locks[ref%uint64(s.size)]
	l.RLock()
	defer l.RUnlock()
	return s.series[ref%uint64(s.size)][ref]
}

func Open(refs []uint64) {
	s := newStripeSeries(DefaultStripeSize)
	found := make(chan *memSeries)
	go func() {
		for _, ref := range refs {
			found <- s.lookup(ref)
		}
	}()
	<-found
}
`);
    // The loops touch s.series and s.hashes, which hold no mutex by value, and never s.locks: run
    // round by round they would cost 16,384 steps each and leave the root spinning before the go
    // statement. Stepped over, the sender is found stuck once the root has taken one value, and
    // the root, when refs is empty, waiting for a value that never comes.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks).sort((x, y) => x - y)).toEqual([52, 55]);
  });
});

describe('leak checker: a buffer the outside holds', () => {
  it('does not count how full the buffer of a channel handed out is', () => {
    const r = check(`package p

type Resp struct{ More bool }

type Client interface{ Get(key string) (*Resp, error) }

func SyncBase(c Client) (<-chan *Resp, chan error) {
	respc := make(chan *Resp, 1024)
	errc := make(chan error, 1)
	go func() {
		defer close(respc)
		defer close(errc)
		for {
			resp, err := c.Get("k")
			if err != nil {
				errc <- err
				return
			}
			respc <- resp
			if !resp.More {
				return
			}
		}
	}()
	return respc, errc
}
`);
    // Once SyncBase has returned them, the caller may take from or give to either channel at any
    // time: a state per fill level of respc's 1,024 slots would tell apart nothing that blocks.
    expect(r.bounded).toBe(0);
    expect(r.states).toBeLessThan(50);
    expect(lines(r.leaks)).toEqual([]);
  });
});

describe('leak checker: a range over a call', () => {
  it('calls the ranged function once, when the loop starts, and ranges over what it returned', () => {
    const r = check(`package p

func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			out <- i
		}
		close(out)
	}()
	return out
}

func Use() int {
	s := 0
	for v := range gen(3) {
		s += v
	}
	return s
}

type P struct{ k int }

func (p *P) Run(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			out <- v + p.k
		}
	}()
	return out
}

func UseP() int {
	p := &P{k: 1}
	in := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			in <- i
		}
		close(in)
	}()
	s := 0
	for v := range p.Run(in) {
		s += v
	}
	return s
}

func FirstOnly() int {
	for v := range gen(3) {
		return v
	}
	return -1
}
`);
    // Called again each round, gen would start a goroutine per round (Use ran to the goroutine bound)
    // and p.Run a second stage that takes in's values from the first (a false leak). FirstOnly leaves
    // the generator parked on its second send.
    expect(lines(r.leaks)).toEqual([7]);
    expect(r.leaks[0]!.rootFn.childForFieldName('name')?.text).toBe('FirstOnly');
    expect(r.bounded).toBe(0);
  });
});

describe('leak checker: maps keyed by what the group made', () => {
  it('hands a channel kept as a map key back to a range over the map, and deletes its entry by it', () => {
    const r = check(`package a

import "sync"

type Hub struct {
	mu   sync.Mutex
	subs map[chan int]struct{}
}

func (h *Hub) Sub() chan int {
	c := make(chan int, 1)
	h.mu.Lock()
	h.subs[c] = struct{}{}
	h.mu.Unlock()
	return c
}

func (h *Hub) Unsub(c chan int) {
	h.mu.Lock()
	delete(h.subs, c)
	h.mu.Unlock()
	close(c)
}

func (h *Hub) Drop(c chan int) {
	h.mu.Lock()
	delete(h.subs, c)
	h.mu.Unlock()
}

func (h *Hub) Pub(v int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- v:
		default:
		}
	}
}

func Listen(drop bool) int {
	h := &Hub{subs: map[chan int]struct{}{}}
	c := h.Sub()
	got := make(chan int)
	go func() {
		for v := range c {
			got <- v
		}
		close(got)
	}()
	h.Pub(1)
	v := <-got
	if drop {
		h.Drop(c)
	} else {
		h.Unsub(c)
	}
	for range got {
	}
	return v
}
`);
    // Publish reaches the subscriber through the range; Unsubscribe closes it. Drop only deletes
    // it: the subscriber's range waits forever, and so does Listen's on got.
    expect(lines(r.leaks)).toEqual([59, 47]);
    expect(scheduleText(r.leaks[1]!.steps)).toMatch(/select: sends on c .*func: receives from c .*func: blocks receiving from c/);
  });
});

describe('leak checker: counts from outside', () => {
  it('lets a loop that starts no goroutine run past the small counts, so a consumer leaving at a larger value is reached', () => {
    const r = check(`package p

func produce(out chan<- int, n int) {
	for i := 0; i < n; i++ {
		out <- i
	}
	close(out)
}

func FirstBig(n int) int {
	ch := make(chan int)
	go produce(ch, n)
	for v := range ch {
		if v > 10 {
			return v
		}
	}
	return -1
}

func Sum(n int) int {
	ch := make(chan int)
	go produce(ch, n)
	total := 0
	for v := range ch {
		total += v
	}
	return total
}
`);
    // FirstBig leaves once a value passes 10, which needs n past the small counts; Sum reads to the close.
    expect(lines(r.leaks)).toEqual([5]);
    expect(r.leaks.map((l) => l.rootFn.childForFieldName('name')?.text)).toEqual(['FirstBig']);
  });

  it('keeps two loops over one count in step, at the small counts and past them', () => {
    const r = check(`package p

func Relay(n int) {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i
		}
	}()
	for i := 0; i < n; i++ {
		<-ch
	}
}

func Acked(n int) {
	ch := make(chan bool, 1)
	ack := make(chan bool, 1)
	go func() {
		for i := 0; i < n; i++ {
			ch <- true
			ack <- true
		}
	}()
	for i := 0; i < n; i++ {
		<-ch
		<-ack
	}
}

func Short(n int) {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i
		}
	}()
	for i := 0; i < n-1; i++ {
		<-ch
	}
}
`);
    // Both counters go round together, so neither is held unknown apart from the other; past the
    // small counts, the second loop to decide on n rests on the first's count, an assumption.
    // Short receives one value fewer than it is sent, at every n from 1 on.
    expect(lines(r.leaks)).toEqual([34]);
  });

  it('keeps a count handed to another function, counted down or doubled, one number with its copies', () => {
    const r = check(`package p

func produce(ch chan<- int, n int) {
	for i := 0; i < n; i++ {
		ch <- i
	}
}

func Split(n int) {
	ch := make(chan int)
	go produce(ch, n)
	for i := 0; i < n; i++ {
		<-ch
	}
}

func Down(n int) {
	ch := make(chan int)
	go func() {
		for i := n; i > 0; i-- {
			ch <- i
		}
	}()
	for i := 0; i < n; i++ {
		<-ch
	}
}

func Twice(n int) {
	ch := make(chan int)
	go func() {
		for i := 0; i < 2*n; i++ {
			ch <- i
		}
	}()
	for i := 0; i < n; i++ {
		<-ch
		<-ch
	}
}
`);
    // Past the small counts n is one number larger than them all; a test on it, or on n-1 or
    // 2*n, other than the first loop's own, rests on counts the model does not keep.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('keeps a number unequal to what a test found it unequal to', () => {
    const r = check(`package p

func Average(xs []int, n int) int {
	sum := make(chan int)
	go func() {
		if n == 0 {
			return
		}
		s := 0
		for _, x := range xs {
			s += x
		}
		sum <- s
	}()
	if n != 0 {
		return <-sum / n
	}
	return 0
}
`);
    // Whichever side tests n first, the other finds it as it was found: not zero on the arm that
    // sends, and so on the arm that receives.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('keeps a count a test found equal to a constant so in every copy of it', () => {
    const r = check(`package p

func produce(ch chan<- int, n int) {
	if n == 0 {
		return
	}
	ch <- n
}

func F(n int) int {
	ch := make(chan int)
	go produce(ch, n)
	if n == 0 {
		return 0
	}
	return <-ch
}
`);
    // The n produce was handed is F's n: zero in both, or in neither.
    expect(lines(r.leaks)).toEqual([]);
  });

  it('keeps a string or a field of an object from outside to what a test or a switch found it', () => {
    const r = check(`package p

type Mode int

const (
	Sync Mode = iota
	Async
	Batch
)

type Opts struct {
	Mode Mode
	Name string
	N    int
}

func Str(o Opts) int {
	ch := make(chan int)
	if o.Name == "bg" {
		go func() { ch <- 1 }()
	}
	if o.Name != "bg" {
		return 0
	}
	return <-ch
}

func Neg(o *Opts) int {
	ch := make(chan int)
	if o.N > 0 {
		go func() { ch <- o.N }()
	}
	if o.N <= 0 {
		return 0
	}
	return <-ch
}

func Switch(o *Opts) int {
	ch := make(chan int)
	switch o.Mode {
	case Async, Batch:
		go func() { ch <- 1 }()
	}
	switch o.Mode {
	case Sync:
		return 0
	case Async, Batch:
		return <-ch
	}
	return -1
}
`);
    // A field of an object from outside holds what the outside set, one value however often it is
    // read; a switch's case is the value it matched, its default none of them.
    expect(lines(r.leaks)).toEqual([]);
  });
});

describe('leak checker: Go names that JavaScript objects already hold', () => {
  it('reads and writes fields named constructor, toString and __proto__ as any other field', () => {
    const r = check(`package p

type component struct {
	constructor   func() int
	toString      string
	__proto__     int
	hasOwnProperty bool
	results       chan int
}

func (c *component) run() {
	c.toString = "running"
	c.__proto__ = 1
	c.results <- c.constructor()
}

func Start(n int) int {
	c := &component{constructor: func() int { return n }, results: make(chan int)}
	go c.run()
	if c.hasOwnProperty || c.__proto__ > 2 {
		return 0
	}
	if n > 0 {
		return n
	}
	return <-c.results
}
`);
    // Before, a field named like a property of Object.prototype read that property as its cell:
    // the group failed with "Cannot read properties of undefined" and reported nothing.
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([14]);
  });
});

describe('leak checker: stores through pointers', () => {
  it('takes `*waiters = nil` to change the field whose address was passed', () => {
    // Each notify sends once on each waiter's buffered channel and clears the list through the
    // pointer. Without the store the list kept the waiter's channel, and the second notify sent
    // on its full buffer: a block no run has.
    const r = check(`package p

type state struct {
	waiters []chan int
}

func (s *state) notifyAndClear(waiters *[]chan int) {
	for _, c := range *waiters {
		c <- 1
	}
	*waiters = nil
}

func (s *state) wait(done chan struct{}) {
	c := make(chan int, 1)
	s.waiters = append(s.waiters, c)
	go func() {
		select {
		case <-c:
		case <-done:
		}
	}()
}

func Run() {
	s := &state{}
	done := make(chan struct{})
	s.wait(done)
	close(done)
	s.notifyAndClear(&s.waiters)
	s.notifyAndClear(&s.waiters)
}
`);
    expect(lines(r.leaks)).toEqual([]);
  });
});

describe('leak checker: values no path reads again', () => {
  it('meets as one state where goroutines differ only in what they assign before reading again', () => {
    // Each worker reads lat once per round and assigns it again at the top of the next: parked
    // on the send, the workers differ in nothing the rest of the run reads. Kept apart, the
    // values chosen for lat multiplied the states past the bound, and the leak went unreported.
    const r = check(`package p

import "time"

type server struct {
	latency time.Duration
}

func worker(s *server, out chan int, id int) {
	for {
		lat := s.latency
		if lat > 0 {
			time.Sleep(lat)
		}
		wait := id * 2
		if wait > 4 {
			time.Sleep(time.Duration(wait))
		}
		out <- id
	}
}

func Start(s *server, ids []int) int {
	out := make(chan int)
	for _, id := range ids {
		go worker(s, out, id)
	}
	return <-out
}
`);
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([28, 19]);
  });
});

describe('leak checker: numbers a cycle moves alone', () => {
  it('holds unknown a count that only goes up, round after round, so the search ends', () => {
    // The reader polls stopc and counts its reads; each round comes back to the state before it
    // with count one further on. Kept exact, every count was a new state and the search stopped at
    // its bound.
    const r = check(`package p

import (
	"context"
	"time"
)

func get(ctx context.Context) error { return nil }

func Run(ctx context.Context) int {
	stopc := make(chan struct{}, 1)
	donec := make(chan struct{}, 1)
	count := 0
	go func() {
		defer func() {
			donec <- struct{}{}
		}()
		for {
			select {
			case <-stopc:
				return
			default:
			}
			rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			err := get(rctx)
			cancel()
			if err != nil {
				continue
			}
			count++
		}
	}()
	time.Sleep(time.Second)
	stopc <- struct{}{}
	<-donec
	return count
}
`);
    expect(r.bounded).toBe(0);
    expect(lines(r.leaks)).toEqual([]);
  });

  it('keeps exact a count the code compares with a constant: held unknown it would send past its bound', () => {
    const sender = (name: string, cap: number) => `
func ${name}(d time.Duration) {
	errc := make(chan error, ${cap})
	go func() {
		sent := 0
		for sent < 3 {
			errc <- get()
			sent++
		}
	}()
	timeout := time.NewTimer(d)
	for {
		select {
		case <-errc:
		case <-timeout.C:
			return
		}
	}
}
`;
    const r = check(`package p

import (
	"errors"
	"time"
)

func get() error { return errors.New("x") }
${sender('Fits', 3)}${sender('Overflows', 2)}`);
    expect(lines(r.leaks)).toEqual([34]);
  });
});
