// The relevance analysis (src/checker/relevance.ts): which names can hold a
// value that decides a synchronisation, and the states the checker no longer
// tells apart by the values stored under the others.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostBuildContext } from '../src/engine/buildtags.js';
import { loadPackageOf } from '../src/cli/debug.js';
import { checkPackage } from '../src/checker/index.js';
import { Relevance } from '../src/checker/relevance.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'golint-leaks-relevance-'));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));
let n = 0;

function load(src: string) {
  const dir = join(tempRoot, `p${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'p.go'), src);
  const loaded = loadPackageOf(join(dir, 'p.go'), { tests: true, maxFileSize: 1 << 20, build: hostBuildContext() });
  if ('error' in loaded) throw new Error(loaded.error);
  return loaded.pkg;
}

const rootsOf = (r: ReturnType<typeof checkPackage>) => r.leaks.map((l) => l.op.startPosition.row + 1);

/** A tally whose label no test reads: only its count of states may differ from the same code without it. */
const TALLY = `package p

type tally struct {
	label string
	seen  int
}

func (t *tally) note(ok bool) {
	if ok {
		t.label = "passed"
	} else {
		t.label = "failed"
	}
	t.seen++
}

func Collect(items []int, check func(int) bool) {
	t := &tally{}
	results := make(chan int)
	go func() {
		for _, it := range items {
			results <- it
		}
		close(results)
	}()
	for it := range results {
		if it < 0 {
			return
		}
		t.note(check(it))
	}
}
`;
const LABEL_ARMS = `	if ok {
		t.label = "passed"
	} else {
		t.label = "failed"
	}
`;
const TALLY_PLAIN = TALLY.replace(LABEL_ARMS, '').replace('\tlabel string\n', '');

describe('relevance: the names a test can read', () => {
  it('follows a value back through assignments, calls, results, literals, pointers and channels', () => {
    const r = new Relevance(load(`package p

type conn struct {
	mode  string
	label string
	hits  int
}

func (c *conn) setMode(m string) { c.mode = m }

func kind(v string) string { return v }

func Run(in chan string, note string) {
	c := &conn{label: note}
	c.hits++
	c.setMode(kind(note))
	x := 1
	p := &x
	in <- note
	if c.mode == "async" || *p > 0 {
		return
	}
}
`));
    // Read by the test: mode, through setMode's parameter m, kind's result and its parameter v.
    for (const name of ['mode', 'm', 'kind', 'v', 'note', 'p', 'x', 'in']) expect(r.has(name), name).toBe(true);
    // Only stored: label and hits are never read by a test or a channel operation.
    for (const name of ['label', 'hits']) expect(r.has(name), name).toBe(false);
  });
});

describe('relevance: states that differ only where no test reads', () => {
  it('are one state: a label chosen per item explores as the same code without it', () => {
    expect(TALLY_PLAIN).not.toContain('label');
    const withLabel = checkPackage(load(TALLY));
    const without = checkPackage(load(TALLY_PLAIN));
    // The early return leaves the sender blocked, found either way.
    expect(rootsOf(withLabel)).toEqual([22]);
    expect(rootsOf(without)).toEqual([16]);
    // Before, each item's "passed" or "failed" made a state of its own: 82 states, against 30.
    expect(withLabel.states).toBe(without.states);
    expect(withLabel.bounded).toBe(0);
  });

  it('keeps a value that reaches a test through a setter, a pointer, a channel or a copy', () => {
    const r = checkPackage(load(`package p

type conn struct{ mode string }

func (c *conn) setMode(m string) { c.mode = m }

func viaSetter() {
	c := &conn{}
	label := "sync"
	c.setMode(label)
	ch := make(chan int)
	go func() { ch <- 1 }()
	if c.mode == "async" {
		return
	}
	<-ch
}

func viaPointer() {
	mode := "sync"
	p := &mode
	ch := make(chan int)
	go func() { ch <- 1 }()
	if *p == "async" {
		return
	}
	<-ch
}

func viaChannel() {
	modes := make(chan string, 1)
	label := "sync"
	modes <- label
	ch := make(chan int)
	go func() { ch <- 1 }()
	if <-modes == "async" {
		return
	}
	<-ch
}

func viaCopy() {
	a := conn{mode: "sync"}
	b := a
	ch := make(chan int)
	go func() { ch <- 1 }()
	if b.mode == "async" {
		return
	}
	<-ch
}

func control(label string) {
	c := &conn{}
	c.setMode(label)
	ch := make(chan int)
	go func() { ch <- 1 }()
	if c.mode == "async" {
		return
	}
	<-ch
}
`));
    // Each root returns early only if its mode is "async", and it never is: only the control,
    // whose mode is its caller's, can leave the sender blocked.
    expect(rootsOf(r)).toEqual([57]);
  });
});
