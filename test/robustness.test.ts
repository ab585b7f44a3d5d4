// Issue 10: the run survives the file system changing under it, says clearly
// what it could not do, leaves no partial output behind, gives the same answer
// every time, and treats the linted tree and its config as data only.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { BIN, DEFAULT_CLIENT_GO, cleanEnv, cleanup, run, runAsync, strayStderr, tree, waitFor } from './helpers/cli.js';
import { RULES } from '../rules/index.js';
import { lintFiles } from '../src/engine/lint.js';
import { hostBuildContext } from '../src/engine/buildtags.js';

afterAll(cleanup);

const DC = 'http-default-client';
const isRoot = process.getuid?.() === 0;

/** Runs the binary paused at `stage`; `during` changes the tree before it goes on. */
async function withPause(stage: 'after-walk' | 'before-fix', args: string[], cwd: string, during: () => void) {
  const marker = `${cwd}.pause`;
  const child = runAsync(args, cwd, { GOLINT_LEAKS_TEST_PAUSE: `${stage}:${marker}` });
  await waitFor(marker);
  during();
  rmSync(marker);
  return child;
}

describe('file-system faults', () => {
  it('a file deleted between the walk and the read: one line naming it, the rest linted', async () => {
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p'), 'p/gone.go': DEFAULT_CLIENT_GO('p'), 'q/gone.go': DEFAULT_CLIENT_GO('q'), 'r/r.go': DEFAULT_CLIENT_GO('r') });
    const r = await withPause('after-walk', ['./...'], d, () => {
      rmSync(join(d, 'p/gone.go'));
      rmSync(join(d, 'q'), { recursive: true });
    });
    expect(r.code).toBe(1);
    expect(strayStderr(r.stderr)).toEqual([]);
    expect(r.stderr.trim().split('\n').sort()).toEqual([
      'golint-leaks: p/gone.go: cannot read: file vanished during the run',
      'golint-leaks: q/gone.go: cannot read: file vanished during the run',
    ]);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['p/a.go', 'r/r.go']);
  });

  it('a file changed between the walk and the read is linted as it is when read', async () => {
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p'), 'p/b.go': 'package p\n' });
    const r = await withPause('after-walk', ['./...'], d, () => {
      writeFileSync(join(d, 'p/b.go'), Buffer.from([0, 1, 2]));
      writeFileSync(join(d, 'p/a.go'), 'package p\n\nfunc Clean() {}\n');
    });
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toBe('golint-leaks: p/b.go: skipped: binary file (contains NUL bytes)\n');
  });

  it('in-process: paths that vanished are notices, never exceptions', async () => {
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p') });
    const rules = RULES.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}) } }));
    const r = await lintFiles([join(d, 'p/a.go'), join(d, 'p/missing.go'), join(d, 'nodir/x.go')], { tests: true, maxFileSize: 5 << 20, build: hostBuildContext(), rules });
    expect(r.findings.map((f) => f.ruleId)).toEqual([DC]);
    expect(r.notices.map((n) => n.message)).toEqual(['cannot read: file vanished during the run', 'cannot read: file vanished during the run']);
  });

  it('a directory argument that does not exist: named, exit 2 alone, the rest linted otherwise', () => {
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p') });
    for (const pat of ['./missing/...', 'missing', 'missing/x.go']) {
      const alone = run([pat], d);
      expect(alone.code, pat).toBe(2);
      expect(alone.stderr, pat).toBe(`golint-leaks: ${pat}: no such file or directory\n`);
    }
    const mixed = run(['./missing/...', './p/...'], d);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toBe('golint-leaks: ./missing/...: no such file or directory\n');
    expect(mixed.stdout).toMatch(/^p\/a\.go:6:9: /);
  });

  it('an unreadable directory is named and the rest is linted', (ctx) => {
    if (isRoot) ctx.skip(); // root lists mode-000 directories
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p'), 'locked/l.go': DEFAULT_CLIENT_GO('locked') });
    chmodSync(join(d, 'locked'), 0o000);
    try {
      const r = run(['./...'], d);
      expect(r.stderr).toMatch(/locked: cannot read directory/);
      expect(r.stdout).toMatch(/^p\/a\.go:6:9: /);
    } finally {
      chmodSync(join(d, 'locked'), 0o755);
    }
  });

  /** A directory this process cannot create files in, or null. */
  function readOnlyDir(): string | null {
    if (!isRoot) {
      const d = tree({ 'ro/.keep': '' });
      chmodSync(join(d, 'ro'), 0o555);
      return join(d, 'ro');
    }
    // Root ignores permission bits; sysfs refuses new files even to root.
    for (const cand of ['/sys', '/proc/sys']) {
      try {
        writeFileSync(join(cand, 'golint-leaks-probe'), 'x');
        rmSync(join(cand, 'golint-leaks-probe'), { force: true });
      } catch {
        return cand;
      }
    }
    return null;
  }

  it('--output into a read-only directory: exit 2, a clear message, no file and no temporary left', (ctx) => {
    const ro = readOnlyDir();
    if (!ro) ctx.skip();
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p') });
    const before = readdirSync(ro!);
    const r = run(['--format', 'sarif', '--output', join(ro!, 'leaks.sarif'), './...'], d);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^golint-leaks: cannot write .*leaks\.sarif: (permission denied|read-only file system)$/m);
    expect(readdirSync(ro!)).toEqual(before);
  });

  it('--output into a missing directory creates nothing', () => {
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p') });
    const r = run(['--output', 'out/leaks.txt', './...'], d);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('golint-leaks: cannot write out/leaks.txt: no such directory out\n');
    expect(readdirSync(d)).toEqual(['p']);
  });

  it('a full pipe (| head -c) ends the SARIF quietly with the findings\' exit status', () => {
    const many = `package m\n\nimport "net/http"\n\nfunc F() {\n${'\t_, _ = http.Get("x")\n'.repeat(1500)}}\n`;
    const d = tree({ 'm.go': many });
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" --format sarif ./... 2>err.txt | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: d, encoding: 'utf8', env: cleanEnv() });
    expect(r.stdout.trim()).toBe('1');
    expect(readFileSync(join(d, 'err.txt'), 'utf8')).toBe('');
  });
});

const NET_HTTP = '/usr/share/go-1.19/src/net/http';
/** A hang guard for the tests that lint a whole Go tree several times (not a speed check: speed is `npm run bench`'s). */
const HEAVY_TIMEOUT = 300_000;

describe('determinism', () => {
  it.skipIf(!existsSync(NET_HTTP))('same findings, order and fingerprints across runs and worker counts (Go\'s net/http)', async () => {
    const sarif = async (jobs: string) => {
      const r = await runAsync(['--format', 'sarif', '--jobs', jobs, './...'], NET_HTTP);
      expect([0, 1], r.stderr).toContain(r.code);
      return r.stdout;
    };
    const a = await sarif('1');
    const b = await sarif('2');
    const c = await sarif('2');
    expect(b).toBe(a);
    expect(c).toBe(a);
    const log = JSON.parse(a) as Sarif.Log;
    const results = log.runs[0]!.results!;
    expect(results.length).toBeGreaterThan(0);
    const fps = results.map((r) => r.partialFingerprints!['golintLeaksFingerprint/v1']);
    expect(new Set(fps).size).toBe(fps.length);
    for (const r of results) expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).not.toMatch(/\\/);
    // Text output agrees with SARIF on what and where, in the same order.
    const text = (await runAsync(['./...'], NET_HTTP)).stdout.trim().split('\n');
    expect(text.map((l) => l.split(':').slice(0, 2).join(':'))).toEqual(results.filter((r) => !r.suppressions?.length).map((r) => {
      const l = r.locations![0]!.physicalLocation!;
      return `${decodeURIComponent(l.artifactLocation!.uri!).replace(/^.*?net\/http\//, '')}:${l.region!.startLine}`;
    }));
    // Four whole lints of net/http: about 100 s on two cores. The timeout guards against a hang, not speed.
  }, HEAVY_TIMEOUT);
});

describe('security: the tree and its config are data', () => {
  it('a YAML config with a code-carrying tag is refused and nothing runs', () => {
    const d = tree({ 'p/a.go': DEFAULT_CLIENT_GO('p') });
    const proof = join(d, 'pwned');
    writeFileSync(join(d, '.golint-leaks.yaml'), `rules: !!js/function "function () { require('fs').writeFileSync('${proof}', 'x') }"\n`);
    const r = run(['./...'], d);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`golint-leaks: ${join(d, '.golint-leaks.yaml')}:1: rules: expected plain data; YAML tags such as !!js/function are not allowed\n`);
    expect(existsSync(proof)).toBe(false);
    for (const tagged of ['tags: !custom [a]\n', 'rules:\n  chan-send-leak: !!binary aGk=\n', 'tags: !!set {a}\n']) {
      writeFileSync(join(d, '.golint-leaks.yaml'), tagged);
      const t = run(['./...'], d);
      expect(t.code, tagged).toBe(2);
      expect(t.stderr, tagged).toMatch(/YAML tags such as .* are not allowed\n$/);
    }
  });

  it('an alias bomb is refused quickly', () => {
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
    lines.push('tags: *a9');
    const d = tree({ '.golint-leaks.yaml': lines.join('\n') + '\n', 'p/a.go': DEFAULT_CLIENT_GO('p') });
    const t0 = Date.now();
    const r = run(['./...'], d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid YAML: .*alias/i);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('merge keys, prototype keys and duplicate keys are errors, not silent merges', () => {
    for (const [yaml, msg] of [
      ['base: &b {tests: false}\n<<: *b\n', /base: expected a known key/],
      ['<<: {tests: false}\n', /<<: expected a known key/],
      ['__proto__: {tests: false}\n', /__proto__: expected a known key/],
      ['tests: true\ntests: false\n', /not valid YAML: Map keys must be unique/],
    ] as [string, RegExp][]) {
      const d = tree({ '.golint-leaks.yaml': yaml, 'p/a.go': DEFAULT_CLIENT_GO('p') });
      const r = run(['./...'], d);
      expect(r.code, yaml).toBe(2);
      expect(r.stderr, yaml).toMatch(msg);
    }
    const j = tree({ '.golint-leaks.json': '{"__proto__": {"tests": false}}', 'p/a.go': DEFAULT_CLIENT_GO('p') });
    expect(run(['./...'], j).stderr).toMatch(/__proto__: expected a known key/);
  });

  it('runs no program: go, git and friends on PATH are never called while linting', () => {
    const d = tree({ 'go.mod': 'module example.com/x\n', 'p/a.go': DEFAULT_CLIENT_GO('p'), 'p/gen.go': '//go:generate touch generated\npackage p\n', 'bin/.keep': '' });
    const proof = join(d, 'ran');
    for (const prog of ['go', 'git', 'gofmt', 'sh', 'bash', 'make', 'npm', 'node-gyp']) {
      writeFileSync(join(d, 'bin', prog), `#!/bin/sh\necho ${prog} >> "${proof}"\n`);
      chmodSync(join(d, 'bin', prog), 0o755);
    }
    for (const format of ['text', 'sarif']) {
      const r = spawnSync(process.execPath, [BIN, '--format', format, './...'], { cwd: d, encoding: 'utf8', env: cleanEnv({ PATH: `${join(d, 'bin')}:${process.env['PATH']}` }) });
      expect(r.status).toBe(1);
    }
    expect(existsSync(proof) ? readFileSync(proof, 'utf8') : '').toBe('');
    expect(existsSync(join(d, 'p', 'generated'))).toBe(false);
  });

  it('SARIF URIs never climb out of the source root: files outside it get absolute file URIs', () => {
    const d = tree({ 'work/p/a.go': DEFAULT_CLIENT_GO('p'), 'outside/o.go': DEFAULT_CLIENT_GO('o') });
    mkdirSync(join(d, 'work', '.git'));
    const log = JSON.parse(run(['--format', 'sarif', './...', '../outside/...'], join(d, 'work')).stdout) as Sarif.Log;
    const uris = log.runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!);
    expect(uris).toHaveLength(2);
    expect(uris).toEqual(expect.arrayContaining([{ uri: `file://${join(d, 'outside/o.go')}` }, { uri: 'p/a.go', uriBaseId: '%SRCROOT%' }]));
    for (const u of uris) expect(u.uri!.split('/')).not.toContain('..');
  });
});
