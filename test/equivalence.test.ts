// The shortcuts change no finding. The prefilter (packages no rule can report
// in are never parsed; rules gated by their files' imports) and the worker
// threads are checked the strong way: the built binary lints the fixtures and
// a real tree with and without the prefilter, on one thread and on two, and
// the JSON reports must agree. On one prefilter setting the two thread counts
// must agree byte for byte; with and without the prefilter the findings must
// be identical, and the notices may differ only by the syntax-error warnings
// of files the prefilter did not need to parse.
//
// The prefilter's lexer is also checked file by file against tree-sitter:
// wherever the parser sees a `go` statement or an import of a path a rule
// needs, the byte-level test must have said so.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules/index.js';
import { RULE_SCOPES, fileMayReport, hasGoKeyword, needsOf } from '../src/engine/prefilter.js';
import { parseGo } from '../src/engine/parser.js';
import { readImports } from '../src/semantics/imports.js';
import { expandPatterns } from '../src/cli/patterns.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The built binary (npm test builds first): workers need compiled JavaScript. */
const BIN = join(REPO, 'dist', 'src', 'cli', 'main.js');
const FIXTURES = join(REPO, 'fixtures');

const temps: string[] = [];
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-equivalence-'));
  temps.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** Debian's Go sources: present wherever golang-go is installed, CI included. */
const GOROOT_SRC = '/usr/share/go-1.19/src';
/**
 * A slice of the standard library that runs in well under a minute per
 * configuration set: net/http for the HTTP rules and many goroutines, sync and
 * io for channel findings in tests, and packages without a `go` statement or
 * an HTTP import, which the prefilter skips (about half of them).
 */
const STDLIB = ['net/http', 'sync', 'io', 'bufio', 'context', 'database', 'archive', 'encoding', 'strings', 'text', 'log', 'expvar', 'crypto/tls'];

/** The packages of the slice with channel findings in their tests, net/http aside: the leak checker's share. */
const CHECKER_SLICE = ['sync', 'io', 'bufio', 'context', 'database', 'log', 'expvar'];

interface Report {
  findings: unknown[];
  notices: { level: string; message: string; path?: string; line?: number }[];
}

/** The built binary, without blocking the test runner's event loop while it works. */
function lint(args: string[], cwd: string): Promise<{ code: number; stdout: string; report: Report }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const k of ['NO_COLOR', 'FORCE_COLOR', 'GOOS', 'GOARCH']) delete env[k];
    const child = spawn(process.execPath, [BIN, '--format', 'json', ...args], { cwd, env });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) { reject(new Error(`exit ${code}: ${err}`)); return; }
      const stdout = Buffer.concat(out).toString('utf8');
      try {
        resolve({ code, stdout, report: JSON.parse(stdout) as Report });
      } catch (e) {
        reject(new Error(`golint-leaks ${args.join(' ')}: not JSON (${(e as Error).message}); stderr: ${err.slice(0, 2000)}`));
      }
    });
  });
}

/** Lints four ways and checks the agreements described at the top. */
async function expectEquivalent(patterns: string[], cwd: string, extra: string[] = []): Promise<{ full: Report; filtered: Report }> {
  const one = await lint(['--jobs', '1', ...extra, ...patterns], cwd);
  const two = await lint(['--jobs', '2', ...extra, ...patterns], cwd);
  const oneFull = await lint(['--jobs', '1', '--no-prefilter', ...extra, ...patterns], cwd);
  const twoFull = await lint(['--jobs', '2', '--no-prefilter', ...extra, ...patterns], cwd);
  expect(two.stdout).toBe(one.stdout);
  expect(twoFull.stdout).toBe(oneFull.stdout);
  expect(one.code).toBe(oneFull.code);
  expect(one.report.findings).toEqual(oneFull.report.findings);
  const key = (n: Report['notices'][number]) => JSON.stringify(n);
  const kept = new Set(one.report.notices.map(key));
  const dropped = oneFull.report.notices.filter((n) => !kept.has(key(n)));
  for (const n of dropped) expect(n.message).toMatch(/^syntax error at line \d+; linted the parts that parsed$/);
  expect(one.report.notices).toEqual(oneFull.report.notices.filter((n) => kept.has(key(n))));
  return { full: oneFull.report, filtered: one.report };
}

describe('the prefilter and the workers change no finding', () => {
  it('every rule has a scope (a rule the prefilter does not know turns it off; decide, then list it)', () => {
    expect(RULES.map((r) => r.meta.id).filter((id) => !(id in RULE_SCOPES))).toEqual([]);
  });

  it('fixtures: same report with and without the prefilter, on 1 and 2 workers', async () => {
    const { full } = await expectEquivalent(['./...'], FIXTURES, ['--report-unused-suppressions']);
    expect(full.findings.length).toBeGreaterThan(50);
  });

  it('suppression directives in a package no rule can report in are still reported unused', async () => {
    const d = tree({
      'quiet/q.go': 'package quiet\n\n// F has no goroutine and no HTTP.\nfunc F() int {\n\treturn 1 //nolint:chan-send-leak // nothing to suppress\n}\n',
      'quiet/r.go': 'package quiet\n\n//lint:ignore http-default-client never used\nvar x = F()\n',
      'loud/l.go': 'package loud\n\nfunc G() {\n\tch := make(chan int)\n\tgo func() { ch <- 1 }()\n}\n',
    });
    const { filtered } = await expectEquivalent(['./...'], d, ['--report-unused-suppressions']);
    expect(filtered.notices.map((n) => `${n.path}:${n.line}`)).toEqual(['quiet/q.go:5', 'quiet/r.go:3']);
  });

  const haveGo = existsSync(GOROOT_SRC);
  it.skipIf(!haveGo)(`Go ${GOROOT_SRC} (${STDLIB.join(', ')}): same findings with and without the prefilter, on 1 and 2 workers`, async () => {
    const patterns = STDLIB.map((p) => `./${p}/...`);
    // The HTTP rules report in _test.go files only when asked; ask, so that net/http's
    // tests (most of this slice's HTTP findings) keep the prefilter's HTTP gate exercised.
    // The channel rules run on the path engine here: four lints of net/http on the leak checker
    // cost two minutes; the checker is held to the same promise on the slice below.
    const config = join(tree({ 'c.json': JSON.stringify({ rules: { 'http-client-no-timeout': { options: { tests: true } }, 'http-default-client': { options: { tests: true } }, 'chan-send-leak': { options: { engine: 'paths' } }, 'chan-recv-leak': { options: { engine: 'paths' } } } }) }), 'c.json');
    const { full } = await expectEquivalent(patterns, GOROOT_SRC, ['--config', config]);
    expect(full.findings.length).toBeGreaterThan(20);
    // The slice must exercise the prefilter: many directories skipped, many linted.
    const needs = needsOf(RULES.map((r) => r.meta.id))!;
    const byDir = new Map<string, boolean>();
    for (const f of expandPatterns(patterns, GOROOT_SRC).files) byDir.set(dirname(f), (byDir.get(dirname(f)) ?? false) || fileMayReport(readFileSync(f, 'utf8'), needs));
    const skipped = [...byDir.values()].filter((may) => !may).length;
    expect(skipped).toBeGreaterThan(10);
    expect(skipped).toBeLessThan(byDir.size - 10);
  });

  it.skipIf(!haveGo)(`Go ${GOROOT_SRC} (${CHECKER_SLICE.join(', ')}), the channel rules on the leak checker: same findings with and without the prefilter, on 1 and 2 workers`, async () => {
    const { full } = await expectEquivalent(CHECKER_SLICE.map((p) => `./${p}/...`), GOROOT_SRC);
    expect(full.findings.filter((f) => /^chan-/.test((f as { ruleId: string }).ruleId)).length).toBeGreaterThan(5);
    // Four lints of the slice with the leak checker: about 75 s on two cores. A hang guard, not a speed check.
  }, 300_000);

  it.skipIf(!haveGo)('the byte-level test never misses a go statement or a needed import that tree-sitter finds (every .go file of the slice, testdata included)', () => {
    const needs = needsOf(RULES.map((r) => r.meta.id))!;
    const misses: string[] = [];
    let goFiles = 0;
    for (const file of STDLIB.flatMap((p) => goFilesUnder(join(GOROOT_SRC, p)))) {
      const text = readFileSync(file, 'utf8');
      const root = parseGo(text).rootNode;
      const hasGo = root.descendantsOfType('go_statement').length > 0;
      const imports = readImports(root).paths;
      const needed = needs.imports.some((p) => imports.has(p));
      if (hasGo) goFiles++;
      if ((hasGo && !hasGoKeyword(text)) || ((hasGo || needed) && !fileMayReport(text, needs))) misses.push(file);
    }
    expect(misses).toEqual([]);
    expect(goFiles).toBeGreaterThan(50);
  });
});

describe('the go keyword, lexed', () => {
  const cases: [string, boolean][] = [
    ['package p\nfunc f() { go g() }\n', true],
    ['package p\nfunc f() { go func() {}() }\n', true],
    ['package p\nfunc f() { go(g)() }\n', true],
    ['package p\nfunc f() { go/* c */g() }\n', true],
    ['package p\nfunc f() {\n\tgo\n\tg()\n}\n', true],
    ['package p\n// go func() in a comment\nfunc f() {}\n', false],
    ['package p\n/* go g()\n go h() */\nfunc f() {}\n', false],
    ['package p\nvar s = "go g()"\n', false],
    ['package p\nvar s = `\ngo g()\n`\n', false],
    ['package p\nvar r = \'"\'\nvar s = "x"\n', false],
    ['package p\nvar r = \'"\' // go\n', false],
    ['package p\nvar s = "\\"go\\""\n', false],
    ['package p\nvar s = "//"; func f() { go g() }\n', true],
    ['package p\nvar r = \'\\\'\'; func f() { go g() }\n', true],
    ['package p\n// +build go1.9\nimport "golang.org/x/net"\nvar ago, goo, go_ = 1, 2, 3\n', false],
    // Unterminated comments and literals are read as code: more, never less.
    ['package p\n/* go g()\n', true],
    ['package p\nvar s = `go g()\n', true],
    ['package p\nvar s = "abc\nfunc f() { go g() }\n', true],
  ];
  for (const [src, want] of cases) {
    it(`${want ? 'finds' : 'skips'} ${JSON.stringify(src.slice(10, 60))}`, () => {
      expect(hasGoKeyword(src)).toBe(want);
    });
  }

  it('needs no parse for a package whose only mention of net/http is a comment or a URL', () => {
    const needs = needsOf(['http-default-client', 'chan-send-leak'])!;
    expect(fileMayReport('// Copyright, see http://example.com\npackage p\n// uses net/http style\n', needs)).toBe(false);
    expect(fileMayReport('package p\nimport (\n\t"fmt"\n\th "net/http"\n)\n', needs)).toBe(true);
    expect(fileMayReport('package p\nimport `net/http`\n', needs)).toBe(true);
    expect(needsOf(['no-such-rule'])).toBeNull();
  });
});

function goFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (name.endsWith('.go')) out.push(p);
    }
  }
  return out.sort();
}
