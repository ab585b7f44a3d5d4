// `golint-leaks debug cfg|facts|check`: readable output on fixtures, and no crash
// on any file of a real tree (Debian's Go sources, present wherever Go is).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { debugCfg, debugCheck, debugFacts } from '../src/cli/debug.js';
import { hostBuildContext } from '../src/engine/buildtags.js';

const opts = { tests: true, maxFileSize: 64 * 1048576, build: hostBuildContext() };
const fixture = resolve(__dirname, '../fixtures/chan-send-leak/early_return.go');

describe('debug', () => {
  it('cfg prints a function graph as text and as Graphviz', () => {
    const text = debugCfg(`${fixture}:FetchWithEarlyReturn`, false, opts);
    expect(text.error).toBeUndefined();
    expect(text.out).toMatch(/^# FetchWithEarlyReturn/);
    expect(text.out).toMatch(/stmt@\d+ go func/);
    expect(text.out).toMatch(/-> 1\b/); // something reaches the exit node
    const dot = debugCfg(`${fixture}:FetchWithEarlyReturn`, true, opts);
    expect(dot.out).toMatch(/^digraph "FetchWithEarlyReturn" \{/);
    expect(debugCfg(`${fixture}:NoSuchFunc`, false, opts).error).toMatch(/no function NoSuchFunc/);
  });

  it('facts lists the channel, its capacity, and where each operation runs', () => {
    const r = debugFacts(fixture, opts);
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/chan results: make at line \d+, elem \w+, capacity 0/);
    expect(r.out).toMatch(/send at line \d+ \[goroutine@\d+\]/);
    expect(r.out).toMatch(/go at line \d+: runs a func literal, count 1/);
  });

  it('check lists every group by its root, and which ones reached the bound', () => {
    const r = debugCheck(fixture, opts);
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/^early_return\.go:\d+: group FetchWithEarlyReturn: \d+ states, \d+ steps$/m);
    expect(r.out).toMatch(/^early_return\.go:\d+: \S+ send blocked \(root FetchWithEarlyReturn\)$/m);
    // A goroutine per round of a loop that never ends: the search stops at a bound, and says so.
    const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-debug-'));
    try {
      writeFileSync(join(dir, 'spin.go'), 'package p\n\nfunc spin() {\n\tch := make(chan int)\n\tfor i := 0; ; i++ {\n\t\tgo func(i int) { ch <- i }(i)\n\t}\n}\n');
      const spin = debugCheck(join(dir, 'spin.go'), opts);
      expect(spin.out).toMatch(/^groups: 1, states: \d+, bounded: 1$/m);
      expect(spin.out).toMatch(/^spin\.go:3: group spin: \d+ states?, \d+ steps; reached the bound \((goroutines|group steps|states)\)$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const goSrc = '/usr/share/go-1.19/src';
  it.skipIf(!existsSync(goSrc))('works on every file of a slice of a real tree without crashing', async () => {
    const dirs = ['context', 'os/signal', 'sync', 'net/http/httptest', 'io', 'os/exec'].map((d) => join(goSrc, d));
    let n = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.go'))) {
        const file = join(dir, name);
        const facts = debugFacts(file, opts);
        expect(facts.error, file).toBeUndefined();
        const cfg = debugCfg(file, false, opts);
        expect(cfg.error, file).toBeUndefined();
        n++;
        // Each call parses a whole package synchronously: let the worker answer vitest between files.
        await new Promise((r) => setImmediate(r));
      }
    }
    expect(n).toBeGreaterThan(40);
  });
});
