/**
 * The npm package as a user gets it: `npm pack` of the working tree (the
 * `prepare` script builds dist/), then `npm install ./golint-leaks-x.y.z.tgz`
 * in an empty directory with only Node (the native parser builds from
 * source; npm 11 runs tree-sitter's install script after a warning unless
 * the consumer's policy is strict, see README), then `npx golint-leaks ./...`
 * on a Go module. Takes a minute or two: the tree-sitter build dominates.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../scripts/oracle.js';
import { CLEAN_GO, LEAKY_GO, PACKAGE, REPO_ROOT, copyWorkTree, tempDir, writeTree } from './helpers/worktree.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
// The consumer must not inherit this repository's npm configuration or a
// parent's `npm test` environment (npm_config_*, npm_package_*).
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))) as NodeJS.ProcessEnv;

let work: string;
let tarball: string;
let consumer: string;
let goModule: string;
let tarFiles: string[];

describe('npm package (npm pack → npm install in an empty directory)', () => {
  beforeAll(async () => {
    work = tempDir('pack');
    const src = join(work, 'src');
    copyWorkTree(src, (rel) => !rel.startsWith('fixtures/') && !rel.startsWith('test/'));
    // The build needs TypeScript, a devDependency: borrow this checkout's.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
    const pack = await run(npm, ['pack', '--pack-destination', work], { cwd: src, env: cleanEnv, timeoutMs: 300_000 });
    if (pack.code !== 0) throw new Error(`npm pack failed (${String(pack.code)}):\n${pack.stdout}\n${pack.stderr}`);
    tarball = join(work, `${PACKAGE.name}-${PACKAGE.version}.tgz`);
    if (!existsSync(tarball)) throw new Error(`npm pack wrote no ${tarball}:\n${pack.stdout}`);
    const list = await run('tar', ['-tzf', tarball]);
    tarFiles = list.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));

    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    const install = await run(npm, ['install', '--no-audit', '--no-fund', tarball], { cwd: consumer, env: cleanEnv, timeoutMs: 540_000 });
    if (install.code !== 0) throw new Error(`npm install of the tarball failed (${String(install.code)}):\n${install.stdout}\n${install.stderr}`);

    // The user's repository: a Go module that also holds the npm install.
    goModule = consumer;
    writeTree(goModule, {
      'go.mod': 'module example.com/svc\n\ngo 1.19\n',
      'worker/worker.go': LEAKY_GO,
      'pool/pool.go': CLEAN_GO,
    });
  }, 900_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and only what `files` lists', () => {
    expect(tarFiles).toContain('package.json');
    expect(tarFiles).toContain('README.md');
    expect(tarFiles).toContain('LICENSE');
    expect(tarFiles).toContain(PACKAGE.bin['golint-leaks']);
    expect(tarFiles).toContain('dist/rules/index.js');
    const stray = tarFiles.filter((f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !/^dist\/(src|rules)\/.+\.js$/.test(f));
    expect(stray, 'files outside dist/src, dist/rules (sources, tests, fixtures, scripts?)').toEqual([]);
  });

  it('needs no devDependencies at run time', () => {
    // Every bare import in the shipped code is a Node built-in or a dependency.
    const unpacked = join(consumer, 'node_modules', PACKAGE.name);
    const deps = new Set(Object.keys(PACKAGE.dependencies));
    const builtins = new Set(builtinModules);
    const missing: string[] = [];
    for (const file of walk(join(unpacked, 'dist'))) {
      if (!file.endsWith('.js')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (spec.startsWith('node:') || builtins.has(name) || deps.has(name)) continue;
        missing.push(`${relative(unpacked, file)}: ${spec}`);
      }
    }
    expect(missing).toEqual([]);
    for (const dev of Object.keys(PACKAGE.devDependencies)) {
      expect(existsSync(join(consumer, 'node_modules', dev)), `devDependency ${dev} installed in the consumer`).toBe(false);
    }
  });

  it('builds the native parser on install', () => {
    const release = join(consumer, 'node_modules', 'tree-sitter', 'build', 'Release');
    const prebuilt = join(consumer, 'node_modules', 'tree-sitter', 'prebuilds');
    expect(existsSync(release) || existsSync(prebuilt)).toBe(true);
  });

  it('`npx golint-leaks ./...` reports the leak and exits 1', async () => {
    const r = await run(npx, ['--no', 'golint-leaks', './...'], { cwd: goModule, env: cleanEnv, timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(/internal error|Cannot find (module|package)/);
    expect(r.stdout).toMatch(/^worker\/worker\.go:9:\d+: goroutine started at line 9 blocks forever sending on ch .*\(chan-send-leak\)$/m);
    expect(r.stdout).not.toMatch(/pool\.go/);
    expect(r.code).toBe(1);
  });

  it('the installed bin runs --version, rules, explain and SARIF output', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'golint-leaks');
    const version = await run(bin, ['--version'], { cwd: goModule, env: cleanEnv });
    expect(version.stdout.trim()).toBe(`golint-leaks ${PACKAGE.version}`);
    const rules = await run(bin, ['rules'], { cwd: goModule, env: cleanEnv });
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/^chan-send-leak\s+error\s+/m);
    const explain = await run(bin, ['explain', 'chan-send-leak'], { cwd: goModule, env: cleanEnv });
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/Why it leaks/);
    const sarif = await run(bin, ['--format', 'sarif', './pool/...'], { cwd: goModule, env: cleanEnv });
    expect(sarif.code).toBe(0);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results).toEqual([]);
  });
});

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
