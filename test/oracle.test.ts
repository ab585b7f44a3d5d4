/**
 * The oracle (scripts/oracle.ts) over the real fixtures must find no
 * disagreement between what each channel fixture claims (`// want` = leaks,
 * none = clean, `// oracle:policy` = exempt) and what goleak sees when its
 * driver runs. The self-test runs the same code over a temporary fixtures
 * tree with deliberately wrong fixtures, which must be reported.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTable, goToolchain, parseFixture, parseOracleLines, runOracle } from '../scripts/oracle.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const go = goToolchain();

describe('oracle parsers', () => {
  it('reads // want lines and the policy marker', () => {
    const src = [
      '// oracle:policy the channel escapes',
      'package p',
      '',
      'func f(ch chan int) {',
      '\tch <- 1 // want "blocks forever sending on ch"',
      '\t<-ch // want `blocks forever receiving from ch` "second"',
      '}',
    ].join('\n');
    const c = parseFixture(src);
    expect(c.policy).toBe('the channel escapes');
    expect(c.wants).toEqual([
      { line: 5, patterns: ['blocks forever sending on ch'] },
      { line: 6, patterns: ['blocks forever receiving from ch', 'second'] },
    ]);
    expect(c.blocks).toEqual([]);
    expect(parseFixture('package p\n// oracle:policy not on the first line\n').policy).toBeNull();
    expect(parseFixture('package p\n\nvar c = x // want "kept"\n\nfunc f() { c.Do() } // oracle:blocks\n').blocks).toEqual([5]);
  });

  it('reads ORACLE lines and ignores other output', () => {
    const out = [
      '=== RUN   TestX',
      'ORACLE\tchan-send-leak/a.go\tleak\tchan-send-leak.A.func1\ta.go:9,b.go:3',
      'ORACLE\tchan-send-leak/b.go\tclean\t-\t-',
      'ORACLE\tbroken',
      '--- PASS: TestX (0.45s)',
    ].join('\n');
    expect(parseOracleLines(out)).toEqual([
      { fixture: 'chan-send-leak/a.go', verdict: 'leak', func: 'chan-send-leak.A.func1', locations: ['a.go:9', 'b.go:3'] },
      { fixture: 'chan-send-leak/b.go', verdict: 'clean', func: '-', locations: [] },
    ]);
  });
});

const skipReason = go.ok ? null : go.detail;
const needsGo = skipReason !== null && process.env.CI !== 'true' ? it.skip : it;
const goTitle = (title: string): string => (skipReason !== null && process.env.CI !== 'true' ? `${title} (skipped: ${skipReason})` : title);

describe('oracle over the fixtures', () => {
  needsGo(
    goTitle('every channel fixture agrees with its driver'),
    async () => {
      if (!go.ok) throw new Error(`CI=true but ${go.detail}`);
      const report = await runOracle({ fixturesDir, linter: false });
      if (report.disagreements.length > 0) {
        throw new Error(`${report.disagreements.length} disagreement(s):\n${formatTable(report)}`);
      }
      expect(report.rows.length).toBeGreaterThan(0);
      // Each channel rule the oracle covers has fixtures of both kinds.
      for (const rule of ['chan-send-leak', 'chan-recv-leak']) {
        const rows = report.rows.filter((r) => r.fixture.startsWith(`${rule}/`));
        expect(rows.filter((r) => r.claim === 'flagged' && r.runtime === 'leak').length, rule).toBeGreaterThanOrEqual(10);
        expect(rows.filter((r) => r.claim === 'near-miss' && r.runtime === 'clean').length, rule).toBeGreaterThanOrEqual(8);
      }
    },
    300_000,
  );
});

// A temporary fixtures tree: the real oracle helper plus one package of
// deliberately right and wrong fixtures.
const selfTestFiles: Record<string, string> = {
  // Right: the want is on the send that blocks.
  'right.go': `package selftest

func Right() {
	ch := make(chan int)
	go func() {
		ch <- 1 // want "blocks forever sending on ch"
	}()
}
`,
  'right_test.go': driver('TestRight', 'Right()', 'right.go'),
  // Wrong: claims a finding, but the buffer absorbs the send.
  'want_but_clean.go': `package selftest

func WantButClean() {
	ch := make(chan int, 1)
	go func() {
		ch <- 1 // want "blocks forever sending on ch"
	}()
}
`,
  'want_but_clean_test.go': driver('TestWantButClean', 'WantButClean()', 'want_but_clean.go'),
  // Wrong: a near-miss whose driver leaks.
  'silent_but_leaks.go': `package selftest

func SilentButLeaks() {
	ch := make(chan int)
	go func() {
		<-ch
	}()
}
`,
  'silent_but_leaks_test.go': driver('TestSilentButLeaks', 'SilentButLeaks()', 'silent_but_leaks.go'),
  // Wrong: leaks, but not where the want points (the gate, not the send).
  'wrong_line.go': `package selftest

func WrongLine(gate chan struct{}) {
	ch := make(chan int)
	go func() {
		<-gate
		ch <- 1 // want "blocks forever sending on ch"
	}()
}
`,
  'wrong_line_test.go': driver('TestWrongLine', 'WrongLine(make(chan struct{}))', 'wrong_line.go'),
  // Right: reported where the channel is made, blocks on a line marked // oracle:blocks
  // (the shape of a stored http.DefaultClient: reported where stored, hangs where sent).
  'blocks_marked.go': `package selftest

func BlocksMarked() {
	ch := make(chan int) // want "made here"
	go func() {
		ch <- 1 // oracle:blocks
	}()
}
`,
  'blocks_marked_test.go': driver('TestBlocksMarked', 'BlocksMarked()', 'blocks_marked.go'),
  // Wrong: no driver.
  'no_driver.go': `package selftest

func NoDriver() {}
`,
  // Right: policy fixtures are exempt even when they leak.
  'policy.go': `// oracle:policy the channel is returned to the caller
package selftest

func Policy() <-chan int {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
	return ch
}
`,
  'policy_test.go': driver('TestPolicy', '_ = Policy()', 'policy.go'),
  // Wrong: the driver reports a file that is not a fixture.
  'stray_test.go': driver('TestStray', '', 'missing.go'),
};

function driver(name: string, call: string, fixture: string): string {
  return `package selftest

import (
	"testing"

	"golint-leaks/fixtures/internal/oracle"
)

func ${name}(t *testing.T) {
	snap := oracle.Start()
	${call}
	oracle.Report(t, "${fixture}", snap)
}
`;
}

describe('oracle self-test', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'golint-leaks-oracle-selftest-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  needsGo(
    goTitle('reports deliberately wrong fixtures as disagreements'),
    async () => {
      if (!go.ok) throw new Error(`CI=true but ${go.detail}`);
      const tree = join(tmp, 'fixtures');
      mkdirSync(join(tree, 'selftest'), { recursive: true });
      cpSync(join(fixturesDir, 'internal', 'oracle'), join(tree, 'internal', 'oracle'), { recursive: true });
      for (const [name, text] of Object.entries(selfTestFiles)) writeFileSync(join(tree, 'selftest', name), text);

      const report = await runOracle({ fixturesDir: tree, linter: false });
      const verdicts = Object.fromEntries(report.rows.map((r) => [r.fixture, { agree: r.agree, runtime: r.runtime, claim: r.claim }]));
      expect(verdicts).toEqual({
        'selftest/blocks_marked.go': { agree: true, runtime: 'leak', claim: 'flagged' },
        'selftest/no_driver.go': { agree: false, runtime: 'none', claim: 'near-miss' },
        'selftest/policy.go': { agree: true, runtime: 'leak', claim: 'policy' },
        'selftest/right.go': { agree: true, runtime: 'leak', claim: 'flagged' },
        'selftest/silent_but_leaks.go': { agree: false, runtime: 'leak', claim: 'near-miss' },
        'selftest/want_but_clean.go': { agree: false, runtime: 'clean', claim: 'flagged' },
        'selftest/wrong_line.go': { agree: false, runtime: 'leak', claim: 'flagged' },
      });
      const text = report.disagreements.join('\n');
      expect(text).toMatch(/selftest\/want_but_clean\.go: claims a finding .* no goroutine behind/);
      expect(text).toMatch(/selftest\/silent_but_leaks\.go: near-miss without \/\/ want, but its driver leaks/);
      expect(text).toMatch(/selftest\/wrong_line\.go: leaks at wrong_line\.go:6, not on a \/\/ want line \(7\)/);
      expect(text).toMatch(/selftest\/no_driver\.go: no driver/);
      expect(text).toMatch(/selftest\/missing\.go: an ORACLE line names a file that is not a fixture/);
      expect(report.disagreements).toHaveLength(5);
    },
    300_000,
  );
});
