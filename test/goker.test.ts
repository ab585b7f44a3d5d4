// The GoKer harness without the kernels (CI does not have them): the
// expectation table is well-formed and agrees with the extract script, and
// the matching works on a synthetic kernel made in a temporary directory.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CHANNEL_KINDS, OP_KINDS, cli, evaluate, isChannelSubtype, loadExpectations, matchBug,
  type BugExpectation, type KernelFinding,
} from '../scripts/goker.js';

const EXPECT = resolve(__dirname, '../scripts/goker-expect.json');
const EXTRACT = resolve(__dirname, '../scripts/extract-goker.sh');

describe('scripts/goker-expect.json', () => {
  const { bugs, source } = loadExpectations(EXPECT);

  it('has the 42 kernels of the extract script, each once', () => {
    expect(bugs).toHaveLength(42);
    expect(new Set(bugs.map((b) => b.id)).size).toBe(42);
    const listed = /^BUGS="([^"]*)"/m.exec(readFileSync(EXTRACT, 'utf8'))![1].split(/\s+/).filter(Boolean);
    expect([...listed].sort()).toEqual(bugs.map((b) => b.id).sort());
    expect(readFileSync(EXTRACT, 'utf8')).toContain(source.commit);
  });

  it('gives each kernel a subtype and its blocked operations', () => {
    const problems: string[] = [];
    for (const b of bugs) {
      if (b.id !== `${b.project}_${b.bug}` || b.file !== `${b.project}${b.bug}_test.go`) problems.push(`${b.id}: id, project, bug and file disagree`);
      if (!b.type || !b.subtype) problems.push(`${b.id}: no type or subtype`);
      if (!b.blocked.some((op) => op.role === 'root')) problems.push(`${b.id}: no root blocked operation`);
      if (isChannelSubtype(b.subtype) && !b.blocked.some((op) => op.channel && op.role === 'root')) problems.push(`${b.id}: channel subtype without a root channel operation`);
      for (const op of b.blocked) {
        const at = `${b.id}:${op.line}`;
        if (!Number.isInteger(op.line) || op.line < 1) problems.push(`${at}: bad line`);
        if (!op.op.trim() || !op.goroutine.trim()) problems.push(`${at}: empty op or goroutine`);
        if (!OP_KINDS.has(op.kind)) problems.push(`${at}: unknown kind ${op.kind}`);
        if (op.channel !== CHANNEL_KINDS.has(op.kind)) problems.push(`${at}: channel flag disagrees with kind ${op.kind}`);
        if (op.role !== 'root' && op.role !== 'also') problems.push(`${at}: role ${op.role}`);
        for (const l of op.alsoLines ?? []) if (!Number.isInteger(l) || l < 1 || l === op.line) problems.push(`${at}: bad alsoLines ${l}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has 17 kernels whose subtype names a channel', () => {
    expect(bugs.filter((b) => isChannelSubtype(b.subtype))).toHaveLength(17);
  });
});

const bug = (over: Partial<BugExpectation> = {}): BugExpectation => ({
  id: 'fake_1', project: 'fake', bug: '1', type: 'Mixed Deadlock', subtype: 'Channel & Lock', file: 'fake1_test.go',
  blocked: [
    { line: 10, op: 'ch <- v', kind: 'send', channel: true, role: 'root', goroutine: 'G1' },
    { line: 20, op: 'mu.Lock()', kind: 'lock', channel: false, role: 'root', goroutine: 'G2' },
    { line: 31, op: 'case <-done:', kind: 'recv', channel: true, role: 'also', goroutine: 'test', alsoLines: [30] },
  ],
  ...over,
});
const finding = (line: number, rule: string): KernelFinding => ({ line, column: 2, rule, message: 'm' });

describe('matchBug', () => {
  it('a channel rule on a channel operation is FOUND', () => {
    const r = matchBug(bug(), [finding(10, 'chan-send-leak')]);
    expect(r).toMatchObject({ status: 'FOUND', foundAtChannelOp: true, foundOnlyDownstream: false, others: [] });
    expect(r.hits[0].op.op).toBe('ch <- v');
  });
  it('another rule on a channel operation is not', () => {
    expect(matchBug(bug(), [finding(10, 'http-default-client')])).toMatchObject({ status: 'OTHER', hits: [] });
  });
  it('any rule on a lock operation is FOUND, but not by a channel rule on a channel operation', () => {
    expect(matchBug(bug(), [finding(20, 'lock-leak')])).toMatchObject({ status: 'FOUND', foundAtChannelOp: false });
  });
  it('the select line names its case; a downstream wait alone is flagged', () => {
    expect(matchBug(bug(), [finding(30, 'chan-recv-leak')])).toMatchObject({ status: 'FOUND', foundOnlyDownstream: true });
  });
  it('findings elsewhere are OTHER and listed; none is MISSED', () => {
    const r = matchBug(bug(), [finding(12, 'chan-send-leak'), finding(10, 'chan-send-leak')]);
    expect(r.status).toBe('FOUND');
    expect(r.others.map((f) => f.line)).toEqual([12]);
    expect(matchBug(bug(), [finding(12, 'recv-no-timeout')]).status).toBe('OTHER');
    expect(matchBug(bug(), []).status).toBe('MISSED');
    expect(matchBug(bug(), [], false).status).toBe('ABSENT');
  });
});

describe('evaluate on a synthetic kernel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // fake_1 leaks twice: the send the expectation names and a second send it does not.
  const leaky = [
    'package fake1',
    '',
    'import "testing"',
    '',
    'func compute() int { return 42 }',
    '',
    'func fetch(fail bool) (int, error) {',
    '\tresults := make(chan int)',
    '\tgo func() {',
    '\t\tresults <- compute()',
    '\t}()',
    '\tif fail {',
    '\t\treturn 0, nil',
    '\t}',
    '\treturn <-results, nil',
    '}',
    '',
    'func other(fail bool) int {',
    '\tout := make(chan int)',
    '\tgo func() { out <- compute() }()',
    '\tif fail {',
    '\t\treturn 0',
    '\t}',
    '\treturn <-out',
    '}',
    '',
    'func TestFake1(t *testing.T) { fetch(true); other(true) }',
    '',
  ];
  const lineOf = (text: string) => leaky.findIndex((l) => l.includes(text)) + 1;
  const expected = lineOf('results <- compute()');
  const unexpected = lineOf('out <- compute()');
  mkdirSync(join(dir, 'fake_1'));
  writeFileSync(join(dir, 'fake_1', 'fake1_test.go'), leaky.join('\n'));
  mkdirSync(join(dir, 'fake_2'));
  writeFileSync(join(dir, 'fake_2', 'fake2_test.go'), 'package fake2\n\nimport (\n\t"sync"\n\t"testing"\n)\n\nfunc TestFake2(t *testing.T) {\n\tvar mu sync.Mutex\n\tmu.Lock()\n\tmu.Lock()\n}\n');

  const bugs: BugExpectation[] = [
    bug({ blocked: [{ line: expected, op: 'results <- compute()', kind: 'send', channel: true, role: 'root', goroutine: 'go func in fetch' }] }),
    bug({ id: 'fake_2', bug: '2', subtype: 'Double locking', file: 'fake2_test.go',
      blocked: [{ line: 11, op: 'mu.Lock() // not this text', kind: 'lock', channel: false, role: 'root', goroutine: 'test' }] }),
    bug({ id: 'fake_3', bug: '3', file: 'fake3_test.go' }),
  ];

  it('finds, lists the false alarm, misses, and notices absent kernels and stale lines', async () => {
    const report = await evaluate(dir, bugs);
    const [one, two, three] = report.bugs;
    expect(one.status).toBe('FOUND');
    expect(one.hits.map((h) => [h.line, h.rule])).toEqual([[expected, 'chan-send-leak']]);
    expect(one.stale).toEqual([]);
    expect(one.others.map((f) => [f.line, f.rule])).toEqual([[unexpected, 'chan-send-leak']]);
    expect(two.status).toBe('MISSED');
    expect(two.stale).toHaveLength(1);
    expect(three.status).toBe('ABSENT');
    expect(report.summary).toMatchObject({
      present: 2, total: 3,
      channel: { total: 2, found: 1, foundAtChannelOp: 1 },
      other: { total: 1, found: 0 },
      falseAlarms: 1, kernelsWithFalseAlarms: 1,
    });
  });

  it('exits 2 when DIR is missing or holds no kernel', async () => {
    const quiet = () => {};
    expect(await cli([join(dir, 'nope')], quiet, quiet)).toBe(2);
    expect(await cli([dir], quiet, quiet)).toBe(2);
    expect(await cli(['--frobnicate', dir], quiet, quiet)).toBe(2);
  });
});
