// chan-send-leak's autofix, checked the way analysistest checks suggested
// fixes: every fixable fixture has a `.go.golden`; `--fix` on a copy of the
// fixtures must produce exactly the goldens, parse, leave the rule silent on
// the fixed files, change nothing on a second run, and — the proof — the
// fixed code run by the same drivers under goleak must not leak.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { goToolchain, runOracle } from '../scripts/oracle.js';

const repo = resolve(__dirname, '..');
const cli = join(repo, 'dist/src/cli/main.js');
const ruleDir = join(repo, 'fixtures/chan-send-leak');
const goldens = readdirSync(ruleDir).filter((f) => f.endsWith('.go.golden')).sort();
const work = mkdtempSync(join(tmpdir(), 'golint-leaks-fix-'));
cpSync(join(repo, 'fixtures'), join(work, 'fixtures'), { recursive: true });
const fixedDir = join(work, 'fixtures/chan-send-leak');

afterAll(() => rmSync(work, { recursive: true, force: true }));

function lint(args: string[]) {
  return spawnSync(process.execPath, [cli, '--rules', 'chan-send-leak', '--tests=false', ...args], { encoding: 'utf8', cwd: work });
}

describe('chan-send-leak --fix', () => {
  it('has goldens for the fixable shapes', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(8);
  });

  it('--fix --dry-run prints a diff and writes nothing', () => {
    const r = lint(['--fix', '--dry-run', fixedDir]);
    expect(r.stdout).toMatch(/^--- a\/fixtures\/chan-send-leak\//m);
    expect(r.stdout).toMatch(/^\+\t\w+ := make\(chan [^,]+, (1|len\(\w+\))\)$/m);
    for (const g of goldens) expect(readFileSync(join(fixedDir, g.replace(/\.golden$/, '')), 'utf8')).toBe(readFileSync(join(ruleDir, g.replace(/\.golden$/, '')), 'utf8'));
  });

  it('--fix writes exactly the goldens, and nothing else changes', () => {
    lint(['--fix', fixedDir]);
    for (const g of goldens) {
      const file = g.replace(/\.golden$/, '');
      expect(readFileSync(join(fixedDir, file), 'utf8'), file).toBe(readFileSync(join(ruleDir, g), 'utf8'));
    }
    // Known false positives may be offered the (harmless) buffer; every other file must be untouched.
    const knownFp = (f: string) => /^\/\/ known false positive: \S/m.test(readFileSync(join(ruleDir, f), 'utf8'));
    for (const f of readdirSync(ruleDir).filter((x) => x.endsWith('.go') && !goldens.includes(`${x}.golden`) && !knownFp(x))) {
      expect(readFileSync(join(fixedDir, f), 'utf8'), f).toBe(readFileSync(join(ruleDir, f), 'utf8'));
    }
  });

  it('the fixed files parse and the rule is silent on them; a second --fix changes nothing', () => {
    const r = lint(['--format', 'json', fixedDir]);
    const findings = (JSON.parse(r.stdout) as { findings: { path: string }[] }).findings;
    const fixedFiles = goldens.map((g) => g.replace(/\.golden$/, ''));
    expect(findings.filter((f) => fixedFiles.some((x) => f.path.endsWith(`/${x}`)))).toEqual([]);
    expect(r.stderr).not.toMatch(/syntax error/);
    const before = fixedFiles.map((f) => readFileSync(join(fixedDir, f), 'utf8'));
    const again = lint(['--fix', '--dry-run', fixedDir]);
    expect(again.stdout).not.toMatch(/^--- a\//m); // remaining findings print, but no diff
    expect(fixedFiles.map((f) => readFileSync(join(fixedDir, f), 'utf8'))).toEqual(before);
  });

  const go = goToolchain();
  const needGo = !go.ok && process.env['CI'] !== 'true';
  it.skipIf(needGo)('the fixed code no longer leaks under its drivers (oracle)', async () => {
    expect(go.ok, `Go is required in CI: ${go.detail}`).toBe(true);
    // The fixed files keep their `// want` comments; as claims they are now wrong, so drop them.
    for (const g of goldens) {
      const p = join(fixedDir, g.replace(/\.golden$/, ''));
      writeFileSync(p, readFileSync(p, 'utf8').replace(/\s*\/\/ want .*$/gm, ''));
    }
    const report = await runOracle({ fixturesDir: join(work, 'fixtures'), packages: ['chan-send-leak'], linter: false });
    for (const g of goldens) {
      const row = report.rows.find((r) => r.fixture === `chan-send-leak/${g.replace(/\.golden$/, '')}`);
      expect(row?.runtime, g).toBe('clean');
    }
  }, 180_000);
});

