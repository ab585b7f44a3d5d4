// --new-from-rev REV: report only findings on lines changed since REV, as
// golangci-lint's option of the same name does. "Changed" is what
// `git diff REV` shows against the working tree (committed, staged and
// unstaged edits), plus every line of an untracked file. A finding is new
// when any line of its evidence path changed, not only the blocking
// operation it points at: adding an early `return` makes the sender
// upstream leak, and the return is the line that changed.
//
// git runs with repository-controlled code paths turned off: no fsmonitor
// hook, no external diff driver, no textconv filter, no pager; prefixes,
// colour and relative paths are fixed on the command line so that user
// configuration cannot change the output we parse. The linter never runs
// code from the tree it lints.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../config/config.js';
import type { Finding, Location } from '../engine/finding.js';

/** Not a git work tree, an unknown revision, git missing: exit status 2. */
export class NewFromRevError extends ConfigError {}

/** Changed lines of each file (absolute, real path); `all` for untracked files. */
export type ChangedLines = Map<string, Set<number> | 'all'>;

const SAFE_CONFIG = ['-c', 'core.fsmonitor=', '-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false'];

function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', [...SAFE_CONFIG, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    // No pager, no prompts, no external diff from the environment.
    env: { ...process.env, GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_EXTERNAL_DIFF: '' },
  });
  if (r.error) throw new NewFromRevError(`--new-from-rev: cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new NewFromRevError(`--new-from-rev: git ${args[0]} failed: ${r.stderr.trim().split('\n')[0] ?? `exit ${String(r.status)}`}`);
  return r.stdout;
}

/** Lines changed since `rev` in the git work tree that holds `cwd`. */
export function changedLines(rev: string, cwd: string): ChangedLines {
  if (rev.startsWith('-')) throw new NewFromRevError(`--new-from-rev: ${rev} is not a revision`);
  let top: string;
  try {
    top = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new NewFromRevError(`--new-from-rev: ${cwd} is not inside a git work tree`);
  }
  top = realpathSync(top);
  try {
    git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  } catch {
    throw new NewFromRevError(`--new-from-rev: unknown revision ${rev}`);
  }
  const diff = git(top, [
    'diff', '--no-ext-diff', '--no-textconv', '--no-color', '--no-relative', '--find-renames',
    '--src-prefix=a/', '--dst-prefix=b/', '-U0', '--end-of-options', rev, '--',
  ]);
  const changed = parseUnifiedDiff(diff, top);
  for (const f of git(top, ['ls-files', '-z', '--others', '--exclude-standard']).split('\0')) if (f) changed.set(join(top, f), 'all');
  return changed;
}

/**
 * Added or modified lines per new-side file from `git diff -U0`. A pure
 * deletion marks the lines either side of it: deleting a `close(ch)` or a
 * receive changes what the neighbouring code does.
 */
export function parseUnifiedDiff(diff: string, root: string): ChangedLines {
  const out: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = unquote(line.slice(4));
      if (name === '/dev/null' || !name.startsWith('b/')) { current = undefined; continue; }
      const file = resolve(root, name.slice(2));
      const existing = out.get(file);
      current = existing instanceof Set ? existing : new Set<number>();
      out.set(file, current);
      continue;
    }
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && current) {
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count === 0) {
        // Deleted after line `start` of the new file.
        if (start > 0) current.add(start);
        current.add(start + 1);
      } else {
        for (let i = start; i < start + count; i++) current.add(i);
      }
    }
  }
  return out;
}

/** Git's C-style quoting of unusual paths ("b/with\ttab"). */
function unquote(s: string): string {
  s = s.replace(/\t$/, '');
  if (!s.startsWith('"')) return s;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i]!;
    if (c !== '\\') { bytes.push(...Buffer.from(c, 'utf8')); continue; }
    const n = s[++i]!;
    if (/[0-7]/.test(n)) { bytes.push(parseInt(s.slice(i, i + 3), 8)); i += 2; }
    else bytes.push(escapes[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Whether the finding's lines changed, or the line of any step of its path
 * (a step is the line --verbose prints for it: a `go` statement's step is
 * its first line, not the whole goroutine body).
 */
export function isNew(f: Finding, changed: ChangedLines): boolean {
  const touched = (l: Location, whole: boolean) => {
    const lines = changed.get(realPath(l.file));
    if (!lines) return false;
    if (lines === 'all') return true;
    const last = whole ? Math.max(l.line, l.endLine) : l.line;
    for (let n = l.line; n <= last; n++) if (lines.has(n)) return true;
    return false;
  };
  return touched(f.location, true) || f.steps.some((s) => touched(s, false)) || f.related.some((s) => touched(s, false));
}

const real = new Map<string, string>();
function realPath(p: string): string {
  let r = real.get(p);
  if (r === undefined) {
    try { r = realpathSync(p); } catch { r = p; }
    real.set(p, r);
  }
  return r;
}
