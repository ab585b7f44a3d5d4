// Running the built binary the way a user does, on throw-away trees.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO, 'dist', 'src', 'cli', 'main.js');
export const FIXTURES = join(REPO, 'fixtures');
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean environment: no colour forcing, no CI hints that would change output. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'GOOS', 'GOARCH', 'GOLINT_LEAKS_TEST_PAUSE']) delete env[k];
  return { ...env, ...extra };
}

export function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test builds first)`);
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8', maxBuffer: 1 << 28, timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the binary in the background; resolves when it exits. */
export function runAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', rej);
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

const made: string[] = [];

/** A temporary directory holding `files` (path → text or bytes). */
export function tree(files: Record<string, string | Buffer>, prefix = 'cli'): string {
  const dir = mkdtempSync(join(tmpdir(), `golint-leaks-${prefix}-`));
  made.push(dir);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every stderr line is one of ours: `golint-leaks: ...`, never a stack trace. */
export function strayStderr(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !l.startsWith('golint-leaks: '));
}

export async function waitFor(path: string, ms = 60_000): Promise<void> {
  for (let t = 0; !existsSync(path); t += 20) {
    if (t > ms) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Go that http-default-client reports once, on line 6 column 2. */
export const DEFAULT_CLIENT_GO = (pkg: string, url = 'http://example.com') => `package ${pkg}

import "net/http"

func Fetch() {
	_, _ = http.Get("${url}")
}
`;

/** Go that chan-send-leak reports on line 8 and can fix (`make(chan int, 1)` on line 6). */
export const SEND_LEAK_GO = (pkg: string) => `package ${pkg}

import "errors"

func Compute(fail bool) (int, error) {
	results := make(chan int)
	go func() {
		results <- 42
	}()
	if fail {
		return 0, errors.New("fail")
	}
	return <-results, nil
}
`;
