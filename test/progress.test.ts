/**
 * Progress: on a terminal, runs longer than a second show files done of
 * total and elapsed time on stderr, erased before the report; never in a
 * pipe, in CI, or when stdout carries JSON or SARIF. The unit tests drive a
 * fake clock; the end-to-end ones run the CLI under `script` (a real pty) on
 * Debian's Go sources, which take a few seconds to lint.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../scripts/oracle.js';
import { progressAllowed, startProgress } from '../src/cli/progress.js';
import { CLI } from './helpers/worktree.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (s: string) => { chunks.push(s); return true; } } as unknown as NodeJS.WriteStream, chunks };
}

describe('progressAllowed', () => {
  const tty = fakeStream(true).stream;
  it('only on a terminal, outside CI, and not with JSON or SARIF on stdout', () => {
    expect(progressAllowed({ stream: tty, env: {}, format: 'text', toFile: false })).toBe(true);
    expect(progressAllowed({ stream: fakeStream(false).stream, env: {}, format: 'text', toFile: false })).toBe(false);
    expect(progressAllowed({ stream: tty, env: { CI: 'true' }, format: 'text', toFile: false })).toBe(false);
    expect(progressAllowed({ stream: tty, env: { CI: '1' }, format: 'text', toFile: false })).toBe(false);
    expect(progressAllowed({ stream: tty, env: { CI: 'false' }, format: 'text', toFile: false })).toBe(true);
    expect(progressAllowed({ stream: tty, env: { GITHUB_ACTIONS: 'true' }, format: 'text', toFile: false })).toBe(false);
    expect(progressAllowed({ stream: tty, env: { TERM: 'dumb' }, format: 'text', toFile: false })).toBe(false);
    expect(progressAllowed({ stream: tty, env: {}, format: 'json', toFile: false })).toBe(false);
    expect(progressAllowed({ stream: tty, env: {}, format: 'sarif', toFile: false })).toBe(false);
    expect(progressAllowed({ stream: tty, env: {}, format: 'sarif', toFile: true })).toBe(true);
    expect(progressAllowed({ stream: tty, env: {}, format: 'github', toFile: false })).toBe(true);
  });
});

describe('startProgress', () => {
  it('stays quiet for the first second, then shows done/total and elapsed, and erases itself', () => {
    const { stream, chunks } = fakeStream(true);
    let t = 0;
    const p = startProgress({ stream, env: {}, format: 'text', toFile: false, now: () => t })!;
    p.update(10, 1000);
    t = 900;
    p.update(200, 1000);
    expect(chunks).toEqual([]);
    t = 1250;
    p.update(1234, 5678);
    expect(chunks).toEqual(['\r\x1b[Kgolint-leaks: 1,234/5,678 files, 1.3s']);
    t = 1300;
    p.update(1300, 5678); // within 100 ms of the last draw: not redrawn
    expect(chunks).toHaveLength(1);
    p.stop();
    p.stop();
    expect(chunks).toEqual(['\r\x1b[Kgolint-leaks: 1,234/5,678 files, 1.3s', '\r\x1b[K']);
    t = 5000;
    p.update(5678, 5678);
    expect(chunks).toHaveLength(2);
  });

  it('a fast run prints nothing, not even the erase', () => {
    const { stream, chunks } = fakeStream(true);
    let t = 0;
    const p = startProgress({ stream, env: {}, format: 'text', toFile: false, now: () => t })!;
    t = 500;
    p.update(5, 5);
    p.stop();
    expect(chunks).toEqual([]);
  });

  it('is not started where it is not allowed', () => {
    expect(startProgress({ stream: fakeStream(false).stream, env: {}, format: 'text', toFile: false })).toBeUndefined();
  });
});

/**
 * The tree and a config that puts the channel rules on the path engine: what is on the screen
 * is the point here, and four runs of the leak checker over net/... would cost two minutes.
 */
const PATHS_CONFIG = join(mkdtempSync(join(tmpdir(), 'golint-leaks-progress-')), 'paths.json');
writeFileSync(PATHS_CONFIG, JSON.stringify({ rules: { 'chan-send-leak': { options: { engine: 'paths' } }, 'chan-recv-leak': { options: { engine: 'paths' } } } }));
const GO_SRC = `--config ${PATHS_CONFIG} /usr/share/go-1.19/src/net/...`;
const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const haveGoSrc = existsSync('/usr/share/go-1.19/src/net');

describe.skipIf(!haveScript || !haveGoSrc)('the CLI on a pty (script(1), /usr/share/go-1.19/src/net/...)', () => {
  afterAll(() => rmSync(dirname(PATHS_CONFIG), { recursive: true, force: true }));
  /** Runs the CLI with stdout and stderr on a pseudo-terminal; returns what the terminal got. Asynchronous: vitest's RPC times out if a worker blocks for 60 s. */
  const onPty = async (args: string, env: NodeJS.ProcessEnv) => {
    const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-pty-'));
    try {
      const log = join(dir, 'typescript');
      const r = await run('script', ['-qec', `${process.execPath} ${CLI} ${args}`, log], { env, timeoutMs: 300_000 });
      return { status: r.code, screen: readFileSync(log, 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['CI', 'GITHUB_ACTIONS', 'BUILDKITE', 'TF_BUILD', 'JENKINS_URL'].includes(k))) as NodeJS.ProcessEnv;
  env.TERM = 'xterm';

  it('shows progress on a terminal and erases it before the report', async () => {
    const { screen } = await onPty(`--jobs 1 ${GO_SRC}`, env);
    expect(screen).toMatch(/\r\x1b\[Kgolint-leaks: [\d,]+\/[\d,]+ files, \d+\.\ds/);
    // The last progress line is erased before the findings are printed.
    const lastDraw = screen.lastIndexOf('files, ');
    const erase = screen.indexOf('\r\x1b[K', lastDraw);
    expect(erase).toBeGreaterThan(lastDraw);
    expect(screen.slice(erase + 4)).not.toMatch(/files, \d/);
  }, 300_000);

  it('shows none in CI or with SARIF on stdout', async () => {
    expect((await onPty(`--jobs 1 ${GO_SRC}`, { ...env, CI: 'true' })).screen).not.toMatch(/files, \d/);
    expect((await onPty(`--jobs 1 --format sarif ${GO_SRC}`, env)).screen).not.toMatch(/files, \d/);
  }, 600_000);

  it('shows none in a pipe', async () => {
    const r = await run(process.execPath, [CLI, '--jobs', '1', ...GO_SRC.split(' ')], { env, timeoutMs: 300_000 });
    expect(r.stderr).not.toMatch(/files, \d/);
    expect(r.stderr).not.toContain('\x1b[K');
  }, 300_000);
});
