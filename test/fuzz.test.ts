// CI's slice of scripts/fuzz.ts (the full run is `npm run fuzz -- --runs
// 10000 --big --truncate-all`): a fixed-seed sample of generated and mutated
// Go, nesting deep enough to have overflowed the stack before, a sample of
// truncated fixtures, and hand-made encodings. Every input must come through
// lint and every reporter with no exception, no internal error, one-line
// notices, findings inside the file, JSON that parses and SARIF that
// validates; a few go through the built binary too.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOps, checkBinary, checkDir, deepNesting, fixtureSeeds, materialize, nested, runFuzz, tokenEnds, truncateAll } from '../scripts/fuzz.js';

describe('fuzz harness', () => {
  it('cuts at token boundaries and applies mutations as described', () => {
    const src = 'package p\n\nfunc F() { ch <- 1 }\n';
    const ends = tokenEnds(src);
    expect(ends.map((e, i) => src.slice(i ? ends[i - 1] : 0, e).trim())).toEqual(['package', 'p', 'func', 'F', '(', ')', '{', 'ch', '<-', '1', '}']);
    expect(applyOps(Buffer.from('a\nb\nc\n'), [{ k: 'delLine', at: 1 }]).toString()).toBe('a\nc\n');
    expect(applyOps(Buffer.from('a\nb\n'), [{ k: 'dupLine', at: 0 }]).toString()).toBe('a\na\nb\n');
    expect([...applyOps(Buffer.from('ab'), [{ k: 'nul', at: 1 }])]).toEqual([0x61, 0, 0x62]);
    expect(nested('blocks', 3, false)).toContain('{\n{\n{\nch <- 1\n}\n}\n}\n');
    const seeds = fixtureSeeds();
    expect(seeds.length).toBeGreaterThan(100);
    const files = materialize({ t: 'truncate', seed: 0, token: 5, bom: true, crlf: true }, seeds);
    expect([...files.get('a.go')!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

describe('fuzz sample (fixed seed)', () => {
  it('300 generated and mutated inputs survive', async () => {
    const stats = await runFuzz({ runs: 300, seed: 424242, binaryEvery: 150 });
    expect(stats.counterexample ?? '').toBe('');
    expect(stats.runs).toBe(300);
    expect(stats.binaryRuns).toBeGreaterThanOrEqual(2);
    expect(Object.keys(stats.byType).sort()).toEqual(['mutate', 'nest', 'pair', 'soup', 'truncate']);
  }, 180_000);

  it('nesting thousands deep does not overflow the stack', async () => {
    // `ifs` at 1000 overflowed the CFG builder's recursion before its limit was lowered.
    // Each shape sits in a function with a goroutine, so the CFG builder walks every level.
    const results = await deepNesting({ blocks: 1500, parens: 10_000, funcs: 300, ifs: 1000, switches: 3000, selects: 150, composite: 3000, types: 3000, calls: 3000, binary: 3000, labels: 3000, index: 2000, elseif: 2000 });
    expect(results.filter((r) => r.problems.length).map((r) => `${r.what}: ${r.problems.join('; ')}`)).toEqual([]);
  }, 180_000);

  it('truncating fixtures at every token survives (a sample of files)', async () => {
    const r = await truncateAll({ limit: 4 });
    expect(r.inputs).toBeGreaterThan(200);
    expect(r.problems).toEqual([]);
  }, 180_000);

  it('BOM, CRLF, NUL bytes and invalid UTF-8, in-process and through the binary', async () => {
    const src = fixtureSeeds().find((s) => s.name.endsWith('chan-send-leak/early_return.go'))!.text;
    const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-enc-'));
    try {
      writeFileSync(join(dir, 'bom.go'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(src.replace('package chansendleak', 'package p'))]));
      writeFileSync(join(dir, 'crlf.go'), src.replace('package chansendleak', 'package p').replace(/\n/g, '\r\n').replace(/FetchWithEarlyReturn|computeTotal|validateRequest|errInvalidRequest/g, (m) => `${m}2`));
      writeFileSync(join(dir, 'nul.go'), Buffer.concat([Buffer.from('package p\n'), Buffer.from([0]), Buffer.from('func X() {}\n')]));
      writeFileSync(join(dir, 'bad.go'), Buffer.concat([Buffer.from('package p\n// '), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('\n')]));
      writeFileSync(join(dir, 'lonecr.go'), 'package p\r\rfunc Y() {}\r');
      const names = ['bom.go', 'crlf.go', 'nul.go', 'bad.go', 'lonecr.go'];
      const r = await checkDir(dir, names);
      expect(r.problems).toEqual([]);
      // The BOM and CRLF copies are linted and report the same leak on the same line.
      expect(r.result!.findings.filter((f) => f.ruleId === 'chan-send-leak').map((f) => `${f.location.file.split('/').pop()}:${f.location.line}:${f.location.column}`)).toEqual(['bom.go:21:3', 'crlf.go:21:3']);
      expect(r.result!.notices.map((n) => `${n.file!.split('/').pop()}: ${n.message}`).sort()).toEqual([
        'bad.go: skipped: not valid UTF-8 (first bad byte on line 2)',
        // Go treats a lone CR as a space, so `package p` runs into `func`: a syntax error there too.
        'lonecr.go: syntax error at line 1; linted the parts that parsed',
        'nul.go: skipped: binary file (contains NUL bytes)',
      ]);
      expect(checkBinary(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a 100,000-line function', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-long-'));
    try {
      writeFileSync(join(dir, 'long.go'), `package p\n\nfunc F(ch chan int, x int) {\n${'\tx++\n'.repeat(70_000)}${'\tif x > 0 {\n\t\tx--\n\t}\n'.repeat(10_000)}\tgo func() { ch <- x }()\n}\n`);
      const r = await checkDir(dir, ['long.go']);
      expect(r.problems).toEqual([]);
      expect(r.ms).toBeLessThan(60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
