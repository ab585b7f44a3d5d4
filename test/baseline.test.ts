/**
 * Adoption on old code, on a temp git repository with real commits:
 * --write-baseline / --baseline (matched by SARIF's partialFingerprints, so
 * moved code stays hidden and new leaks are reported) and --new-from-rev
 * (only findings whose path changed since a revision: committed, uncommitted
 * and untracked changes; a changed exit step counts; a deleted `close`
 * counts). git runs without repository hooks or drivers.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../scripts/oracle.js';
import { parseUnifiedDiff } from '../src/cli/newfromrev.js';
import { CLI, git, GIT_ENV, tempDir, writeTree } from './helpers/worktree.js';

const HEADER = 'package shop\n\nfunc lookup(id string) int { return len(id) }\n\nfunc handle(job string) {}\n';

// One leak from the start: Prices stops after the first answer.
const PRICES = `
func Prices(ids []string) int { // the first price; the other senders block forever
	if len(ids) == 0 { return 0 } // with no senders, the receive would wait forever too
	ch := make(chan int)
	for _, id := range ids {
		go func(id string) { ch <- lookup(id) }(id)
	}
	return <-ch
}
`;

// Clean at first; commit 3 adds an early return on an untouched send's path.
const SUM_OK = `
func Sum(ids []string) int {
	ch := make(chan int)
	for _, id := range ids {
		go func(id string) { ch <- lookup(id) }(id)
	}
	total := 0
	for range ids {
		total += <-ch
	}
	return total
}
`;
const SUM_EARLY_RETURN = `
func Sum(ids []string) int {
	ch := make(chan int)
	for _, id := range ids {
		go func(id string) { ch <- lookup(id) }(id)
	}
	total := 0
	for range ids {
		v := <-ch
		if v < 0 {
			return -1
		}
		total += v
	}
	return total
}
`;

const PROCESS = (withClose: boolean) => `
func Process(items []string) error {
	jobs := make(chan string)
	go func() {
		for j := range jobs {
			handle(j)
		}
	}()
	for _, it := range items {
		jobs <- it
	}
${withClose ? '\tclose(jobs)\n' : ''}	return nil
}
`;

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the CLI without blocking the test worker's event loop (vitest's RPC times out after 60 s). */
function lint(cwd: string, ...args: string[]): Promise<Run> {
  return run(process.execPath, [CLI, ...args], { cwd, env: GIT_ENV, timeoutMs: 120_000 });
}

/** `file:line (rule)` of each text-format finding. */
function found(r: Run): string[] {
  return r.stdout.split('\n').filter(Boolean).map((l) => {
    const m = /^(.+?):(\d+):\d+: .* \(([a-z-]+)\)$/.exec(l);
    return m ? `${m[1]}:${m[2]} (${m[3]})` : `unparsed: ${l}`;
  });
}

let repo: string;
const commits: string[] = [];
const write = (rel: string, text: string) => writeFileSync(join(repo, rel), text);
const commit = (msg: string) => {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', msg);
  commits.push(git(repo, 'rev-parse', 'HEAD').trim());
};

beforeAll(() => {
  repo = tempDir('baseline');
  writeTree(repo, { 'go.mod': 'module example.com/shop\n\ngo 1.19\n', 'shop/shop.go': HEADER + PRICES + SUM_OK + PROCESS(true) });
  git(repo, 'init', '-q');
  commit('one leak');
});
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('--write-baseline and --baseline', () => {
  it('records today\'s findings by the SARIF fingerprint and then reports none', async () => {
    const before = await lint(repo, './...');
    expect(found(before)).toEqual(['shop/shop.go:11 (chan-send-leak)']);
    expect(before.code).toBe(1);

    const w = await lint(repo, '--write-baseline', 'leaks-baseline.json', './...');
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toBe('');
    expect(w.stderr).toMatch(/wrote 1 finding to the baseline leaks-baseline\.json/);
    const baseline = JSON.parse(readFileSync(join(repo, 'leaks-baseline.json'), 'utf8')) as { version: number; findings: { fingerprint: string; ruleId: string; file: string; line: number }[] };
    expect(baseline.version).toBe(1);
    expect(baseline.findings).toMatchObject([{ ruleId: 'chan-send-leak', file: 'shop/shop.go', line: 11 }]);

    const sarif = JSON.parse((await lint(repo, '--format', 'sarif', './...')).stdout) as Sarif.Log;
    expect(sarif.runs[0]!.results!.map((r) => r.partialFingerprints!['golintLeaksFingerprint/v1'])).toEqual(baseline.findings.map((f) => f.fingerprint));

    const b = await lint(repo, '--baseline', 'leaks-baseline.json', './...');
    expect(b.stdout).toBe('');
    expect(b.code).toBe(0);
    git(repo, 'add', 'leaks-baseline.json');
    git(repo, 'commit', '-q', '-m', 'baseline');
    commits.push(git(repo, 'rev-parse', 'HEAD').trim());
  });

  it('moved code stays hidden; a new leak is reported, alone', async () => {
    // Twenty lines above the old leak, and a new leak below it.
    const filler = Array.from({ length: 20 }, (_, i) => `// note ${i}`).join('\n');
    write('shop/shop.go', HEADER + `\n${filler}\n` + PRICES + SUM_EARLY_RETURN + PROCESS(true));
    commit('move the old leak, add a new one');
    const all = await lint(repo, './...');
    expect(found(all)).toEqual(['shop/shop.go:32 (chan-send-leak)', 'shop/shop.go:40 (chan-send-leak)']);
    const b = await lint(repo, '--baseline', 'leaks-baseline.json', './...');
    expect(found(b)).toEqual(['shop/shop.go:40 (chan-send-leak)']);
    expect(b.code).toBe(1);
    // JSON and SARIF hide the same.
    const json = JSON.parse((await lint(repo, '--baseline', 'leaks-baseline.json', '--format', 'json', './...')).stdout) as { findings: { line: number }[] };
    expect(json.findings.map((f) => f.line)).toEqual([40]);
    const sarif = JSON.parse((await lint(repo, '--baseline', 'leaks-baseline.json', '--format', 'sarif', './...')).stdout) as Sarif.Log;
    expect(sarif.runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.region!.startLine)).toEqual([40]);
  });

  it('says when baseline entries no longer match, and changed code is reported again', async () => {
    const text = readFileSync(join(repo, 'shop/shop.go'), 'utf8');
    // Same leak, different text on its line: no longer the recorded finding.
    write('shop/shop.go', text.replace('go func(id string) { ch <- lookup(id) }(id)\n\t}\n\treturn <-ch', 'go func(id string) { ch <- lookup(id) * 2 }(id)\n\t}\n\treturn <-ch'));
    const b = await lint(repo, '--baseline', 'leaks-baseline.json', './...');
    expect(found(b)).toEqual(['shop/shop.go:32 (chan-send-leak)', 'shop/shop.go:40 (chan-send-leak)']);
    expect(b.stderr).toMatch(/1 entry of the baseline leaks-baseline\.json matched no finding/);
    // Linting another package does not call the entry stale.
    mkdirSync(join(repo, 'other'), { recursive: true });
    write('other/other.go', 'package other\n');
    expect((await lint(repo, '--baseline', 'leaks-baseline.json', './other/...')).stderr).not.toMatch(/matched no finding/);
    rmSync(join(repo, 'other'), { recursive: true });
    git(repo, 'checkout', '-q', '--', 'shop/shop.go');
  });

  it('rejects a missing, malformed or foreign baseline with exit 2', async () => {
    const missing = await lint(repo, '--baseline', 'nope.json', './...');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--baseline nope\.json: no such file/);
    write('bad.json', '{"findings": "x"}');
    expect((await lint(repo, '--baseline', 'bad.json', './...')).stderr).toMatch(/not a golint-leaks baseline/);
    write('bad.json', '{ nope');
    const bad = await lint(repo, '--baseline', 'bad.json', './...');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not JSON/);
    rmSync(join(repo, 'bad.json'));
    const nodir = await lint(repo, '--write-baseline', 'no/such/dir.json', './...');
    expect(nodir.code).toBe(2);
    expect(nodir.stderr).toMatch(/no such directory/);
  });
});

describe('--new-from-rev', () => {
  it('reports only findings whose path changed since the revision', async () => {
    const [first, , third] = commits;
    // Since the first commit: the new leak in Sum; the moved one is unchanged text... but its lines moved:
    // git diff shows only the inserted filler and Sum's edits, so Prices is not new.
    const since1 = await lint(repo, '--new-from-rev', first!, './...');
    expect(found(since1)).toEqual(['shop/shop.go:40 (chan-send-leak)']);
    expect(since1.code).toBe(1);
    // Since the commit that added it: nothing.
    const since3 = await lint(repo, '--new-from-rev', third!, './...');
    expect(since3.stdout).toBe('');
    expect(since3.code).toBe(0);
    expect((await lint(repo, '--new-from-rev', 'HEAD', './...')).code).toBe(0);
  });

  it('counts a changed step: the send did not change, the early return did', async () => {
    // In commit 3 only Sum's receive loop changed; the send on line 40 is an old line.
    const diff = git(repo, 'diff', '-U0', `${commits[1]}`, `${commits[2]}`, '--', 'shop/shop.go');
    const changed = parseUnifiedDiff(diff, repo).get(join(repo, 'shop/shop.go'));
    expect(changed instanceof Set && !changed.has(40)).toBe(true);
    expect(found(await lint(repo, '--new-from-rev', commits[1]!, './...'))).toEqual(['shop/shop.go:40 (chan-send-leak)']);
  });

  it('counts uncommitted edits, a deleted close and untracked files', async () => {
    const text = readFileSync(join(repo, 'shop/shop.go'), 'utf8');
    write('shop/shop.go', text.replace('\tclose(jobs)\n', ''));
    const r = await lint(repo, '--new-from-rev', 'HEAD', './...');
    expect(r.stdout).toMatch(/chan-recv-leak/);
    expect(found(r).every((f) => f.endsWith('(chan-recv-leak)'))).toBe(true);
    git(repo, 'checkout', '-q', '--', 'shop/shop.go');

    write('shop/extra.go', 'package shop\n' + PRICES.replace('Prices', 'MorePrices'));
    const u = await lint(repo, '--new-from-rev', 'HEAD', './...');
    expect(found(u)).toEqual(['shop/extra.go:7 (chan-send-leak)']);
    rmSync(join(repo, 'shop/extra.go'));
  });

  it('combines with --baseline and with a file list (pre-commit)', async () => {
    const [first] = commits;
    const r = await lint(repo, '--new-from-rev', first!, '--baseline', 'leaks-baseline.json', 'shop/shop.go');
    expect(found(r)).toEqual(['shop/shop.go:40 (chan-send-leak)']);
  });

  it('fails with exit 2 on an unknown revision or outside a git work tree', async () => {
    const r = await lint(repo, '--new-from-rev', 'no-such-branch', './...');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--new-from-rev: unknown revision no-such-branch/);
    const opt = await lint(repo, '--new-from-rev=--output=x', './...');
    expect(opt.code).toBe(2);
    const outside = tempDir('nogit');
    try {
      writeTree(outside, { 'p/p.go': 'package p\n' });
      const o = await lint(outside, '--new-from-rev', 'HEAD', './...');
      expect(o.code).toBe(2);
      expect(o.stderr).toMatch(/not inside a git work tree/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('runs no code from the linted repository (fsmonitor, external diff, textconv)', async () => {
    const marker = join(repo, '..', `pwned-${Date.now()}`);
    const hook = join(repo, '.git', 'evil.sh');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
    chmodSync(hook, 0o755);
    git(repo, 'config', 'core.fsmonitor', hook);
    git(repo, 'config', 'diff.external', hook);
    git(repo, 'config', 'diff.evil.textconv', hook);
    write('.gitattributes', '*.go diff=evil\n');
    git(repo, 'config', 'core.pager', hook);
    const text = readFileSync(join(repo, 'shop/shop.go'), 'utf8');
    write('shop/shop.go', text.replace('\tclose(jobs)\n', ''));
    try {
      const r = await lint(repo, '--new-from-rev', 'HEAD', './...');
      expect(r.stdout).toMatch(/chan-recv-leak/);
      expect(existsSync(marker), 'the repository\'s hook ran').toBe(false);
    } finally {
      for (const k of ['core.fsmonitor', 'diff.external', 'diff.evil.textconv', 'core.pager']) git(repo, 'config', '--unset', k);
      rmSync(join(repo, '.gitattributes'));
      git(repo, 'checkout', '-q', '--', 'shop/shop.go');
      rmSync(marker, { force: true });
    }
  });
});

describe('parseUnifiedDiff', () => {
  it('reads added ranges, single lines, deletions and quoted names', async () => {
    const diff = [
      'diff --git a/x.go b/x.go',
      '--- a/x.go',
      '+++ b/x.go',
      '@@ -3,0 +4,2 @@',
      '@@ -10 +12 @@',
      '@@ -20,3 +21,0 @@',
      'diff --git "a/sp ace\\tx.go" "b/sp ace\\tx.go"',
      '--- /dev/null',
      '+++ "b/sp ace\\tx.go"',
      '@@ -0,0 +1 @@',
      'diff --git a/gone.go b/gone.go',
      '--- a/gone.go',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
    ].join('\n');
    const m = parseUnifiedDiff(diff, '/r');
    expect([...(m.get('/r/x.go') as Set<number>)].sort((a, b) => a - b)).toEqual([4, 5, 12, 21, 22]);
    expect([...(m.get('/r/sp ace\tx.go') as Set<number>)]).toEqual([1]);
    expect(m.has('/r/gone.go')).toBe(false);
  });
});
