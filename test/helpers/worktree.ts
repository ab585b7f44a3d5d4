// Helpers for the tests that treat golint-leaks as its users get it: a packed
// tarball, a pre-commit hook repository, a GitHub Action. They copy the
// working tree as it is (tracked and untracked files that git does not
// ignore), so a test checks the edits in front of it, not the last commit.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
export const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** A fixed identity and no user or system configuration: commits in temp repos are reproducible. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'golint-leaks test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'golint-leaks test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd} exited ${String(r.status)}: ${r.stderr}`);
  return r.stdout;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `golint-leaks-${prefix}-`));
}

/** The files of the working tree that git tracks or would track, relative to the root. */
export function workTreeFiles(): string[] {
  const out = git(REPO_ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard');
  return [...new Set(out.split('\0').filter(Boolean))].filter((f) => existsSync(join(REPO_ROOT, f)) && !lstatSync(join(REPO_ROOT, f)).isDirectory());
}

/** Copies the working tree (see workTreeFiles) into dest. */
export function copyWorkTree(dest: string, keep: (rel: string) => boolean = () => true): void {
  for (const rel of workTreeFiles()) {
    if (!keep(rel)) continue;
    const from = join(REPO_ROOT, rel);
    const to = join(dest, rel);
    mkdirSync(dirname(to), { recursive: true });
    const st = lstatSync(from);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
}

/** Writes files (path → content) under root, creating directories. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

/** A Go package with one chan-send-leak finding, and one without. */
export const LEAKY_GO = `package worker

func lookup(id string) int { return len(id) }

func First(ids []string) int { // the first answer; the other senders block forever
	if len(ids) == 0 { return 0 } // with no senders, the receive would wait forever too
	ch := make(chan int)
	for _, id := range ids {
		go func(id string) { ch <- lookup(id) }(id)
	}
	return <-ch
}
`;

export const CLEAN_GO = `package pool

func lookup(id string) int { return len(id) }

// All waits for every answer.
func All(ids []string) []int {
	ch := make(chan int, len(ids))
	for _, id := range ids {
		go func(id string) { ch <- lookup(id) }(id)
	}
	out := make([]int, 0, len(ids))
	for range ids {
		out = append(out, <-ch)
	}
	return out
}
`;
