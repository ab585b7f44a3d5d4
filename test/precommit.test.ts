/**
 * The pre-commit hook as users run it: `pre-commit try-repo` (Debian's
 * pre-commit) against a git repository holding this working tree, on a temp
 * Go repository. pre-commit's `language: node` runs `npm install` and
 * `npm pack` in the hook repository and installs the tarball into its own
 * environment, so this also proves the package builds from a clone. Each
 * try-repo builds a fresh environment (two native builds of tree-sitter):
 * the two run side by side and take a few minutes.
 *
 * Given file names, the hook lints their whole packages and reports only
 * the given files: committing a clean file of a leaky package passes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run, type RunResult } from '../scripts/oracle.js';
import { CLEAN_GO, CLI, LEAKY_GO, PACKAGE, REPO_ROOT, copyWorkTree, git, tempDir, writeTree } from './helpers/worktree.js';

interface HookDef {
  id: string;
  name: string;
  entry: string;
  language: string;
  types?: string[];
  require_serial?: boolean;
  pass_filenames?: boolean;
}

const hooks = parse(readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookDef[];
const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const havePreCommit = !preCommit.error && preCommit.status === 0;

describe('.pre-commit-hooks.yaml', () => {
  it('declares the golint-leaks hook: node, Go files, one process', () => {
    const hook = hooks.find((h) => h.id === 'golint-leaks');
    expect(hook).toBeDefined();
    expect(hook).toMatchObject({ entry: 'golint-leaks', language: 'node', types: ['go'], require_serial: true });
    expect(hook!.pass_filenames ?? true).toBe(true);
    expect(Object.keys(PACKAGE.bin)).toContain(hook!.entry);
  });

  it("README's .pre-commit-config.yaml snippet uses this hook and this repository", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => /^repos:/m.test(b));
    expect(block, 'a ```yaml block with repos:').toBeDefined();
    const cfg = parse(block!) as { repos: { repo: string; rev: string; hooks: { id: string }[] }[] };
    const repo = cfg.repos.find((r) => r.hooks.some((h) => h.id === 'golint-leaks'));
    expect(repo).toBeDefined();
    const url = (PACKAGE as unknown as { repository: { url: string } }).repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(repo!.repo).toBe(url);
    expect(repo!.rev).toBe(`v${PACKAGE.version}`);
  });
});

describe('file arguments, as the hook passes them', () => {
  const cli = (cwd: string, ...args: string[]) => run(process.execPath, [CLI, ...args], { cwd, timeoutMs: 120_000 });

  it("lints the file's whole package: a close in another file of it counts", async () => {
    const file = 'fixtures/recv-no-timeout/ok_closed_in_other_file.go';
    const hook = await cli(REPO_ROOT, file);
    expect(hook.stdout).toBe('');
    expect(hook.code).toBe(0);
    // The same file as a package of its own would be a leak.
    expect((await cli(REPO_ROOT, '--only-files=false', file)).code).toBe(1);
  });

  it('passes when every given file is excluded by the config, fails on a missing one', async () => {
    const dir = tempDir('hookfiles');
    try {
      writeTree(dir, { 'gen/gen.go': LEAKY_GO, 'pool/pool.go': CLEAN_GO, '.golint-leaks.yaml': 'exclude:\n  - "gen/**"\n' });
      const excluded = await cli(dir, 'gen/gen.go');
      expect(excluded.code, excluded.stderr).toBe(0);
      expect(excluded.stdout).toBe('');
      expect((await cli(dir, 'gen/gen.go', 'pool/pool.go')).code).toBe(0);
      const missing = await cli(dir, 'gone/gone.go');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/gone.*: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pre-commit try-repo on a temp Go repository', () => {
  if (!havePreCommit) {
    if (process.env.CI === 'true') {
      it('has pre-commit (required in CI: apt-get install pre-commit)', () => {
        throw new Error(`CI=true but pre-commit is not runnable: ${preCommit.error?.message ?? preCommit.stderr}`);
      });
    } else {
      it.skip('pre-commit try-repo (skipped: pre-commit not installed; apt-get install pre-commit)', () => {});
    }
    return;
  }

  let work: string;
  let failing: RunResult;
  let passing: RunResult;

  beforeAll(async () => {
    work = tempDir('precommit');
    // The hook repository: this working tree, committed (try-repo needs a commit).
    const hookRepo = join(work, 'hook-repo');
    copyWorkTree(hookRepo, (rel) => !rel.startsWith('fixtures/') && !rel.startsWith('test/'));
    git(hookRepo, 'init', '-q');
    git(hookRepo, 'add', '-A');
    git(hookRepo, 'commit', '-q', '--no-verify', '-m', 'snapshot of the working tree');

    const goRepo = join(work, 'go-repo');
    writeTree(goRepo, {
      'go.mod': 'module example.com/svc\n\ngo 1.19\n',
      'worker/worker.go': LEAKY_GO,
      'worker/doc.go': '// Package worker fans out lookups.\npackage worker\n',
      'pool/pool.go': CLEAN_GO,
    });
    git(goRepo, 'init', '-q');
    git(goRepo, 'add', '-A');

    // npm_* variables of a surrounding `npm test` must not reach the hook's npm.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))) as NodeJS.ProcessEnv;
    env.PRE_COMMIT_COLOR = 'never';
    const tryRepo = (files: string[]) =>
      run('pre-commit', ['try-repo', hookRepo, 'golint-leaks', '--verbose', '--files', ...files], { cwd: goRepo, env, timeoutMs: 840_000 });
    [failing, passing] = await Promise.all([
      tryRepo(['worker/worker.go', 'pool/pool.go']),
      // doc.go belongs to the leaky package: the package is linted, only doc.go reported.
      tryRepo(['worker/doc.go', 'pool/pool.go']),
    ]);
  }, 900_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('fails on a staged leak and prints the finding', () => {
    const out = failing.stdout + failing.stderr;
    expect(out, out).toMatch(/golint-leaks\.+Failed/);
    expect(out).toMatch(/^worker\/worker\.go:9:\d+: goroutine started at line 9 blocks forever sending on ch .*\(chan-send-leak\)$/m);
    expect(out).not.toMatch(/pool\/pool\.go:\d+/);
    expect(failing.code).toBe(1);
  });

  it('passes on files without a leak, even in a package that has one', () => {
    const out = passing.stdout + passing.stderr;
    expect(out, out).toMatch(/golint-leaks\.+Passed/);
    expect(out).not.toMatch(/chan-send-leak/);
    expect(passing.code).toBe(0);
  });
});
