// The CLI as its users run it: the built binary as a subprocess on temporary
// trees. Patterns, exit codes, bad files, every output format, --output,
// rule selection, suppressions, colour, help and version, a closed pipe, and
// --fix (what it writes, what it keeps, what it refuses).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, DEFAULT_CLIENT_GO, PACKAGE_VERSION, SEND_LEAK_GO, cleanEnv, cleanup, run, runAsync, strayStderr, tree, waitFor } from './helpers/cli.js';
import { parseGo } from '../src/engine/parser.js';

afterAll(cleanup);

const DC = 'http-default-client';

/** `path:line:col: ... (rule)` lines of text output. */
function positions(stdout: string): string[] {
  return stdout.split('\n').filter(Boolean).map((l) => {
    const m = /^(.+?):(\d+):(\d+): .* \(([\w-]+)\)$/.exec(l);
    return m ? `${m[1]}:${m[2]}:${m[3]}:${m[4]}` : `UNPARSED ${l}`;
  });
}

describe('patterns', () => {
  const dir = tree({
    'a/a.go': DEFAULT_CLIENT_GO('a'),
    'a/sub/s.go': DEFAULT_CLIENT_GO('sub'),
    'vendor/v/v.go': DEFAULT_CLIENT_GO('v'),
    'a/testdata/t.go': DEFAULT_CLIENT_GO('t'),
    'node_modules/n/n.go': DEFAULT_CLIENT_GO('n'),
    '.hidden/h.go': DEFAULT_CLIENT_GO('h'),
    '_skip/u.go': DEFAULT_CLIENT_GO('u'),
    'b/b.go': DEFAULT_CLIENT_GO('b'),
  });
  symlinkSync(join(dir, 'b'), join(dir, 'linked'));
  symlinkSync('..', join(dir, 'a', 'loop'));

  it('./... lints every package and skips vendor, testdata, node_modules, .x and _x; symlinked dirs are not followed; a symlink loop is harmless', () => {
    const r = run(['./...'], dir);
    expect(r.stderr).toBe('');
    expect(positions(r.stdout)).toEqual([`a/a.go:6:9:${DC}`, `a/sub/s.go:6:9:${DC}`, `b/b.go:6:9:${DC}`]);
    expect(r.code).toBe(1);
  });

  it('no pattern means ./...', () => {
    expect(positions(run([], dir).stdout)).toEqual(positions(run(['./...'], dir).stdout));
  });

  it('dir/... is recursive, dir is not, file.go is one file', () => {
    expect(positions(run(['a/...'], dir).stdout)).toEqual([`a/a.go:6:9:${DC}`, `a/sub/s.go:6:9:${DC}`]);
    expect(positions(run(['a'], dir).stdout)).toEqual([`a/a.go:6:9:${DC}`]);
    expect(positions(run(['./a/sub/s.go'], dir).stdout)).toEqual([`a/sub/s.go:6:9:${DC}`]);
    expect(positions(run(['a/sub/s.go', 'b/b.go'], dir).stdout)).toEqual([`a/sub/s.go:6:9:${DC}`, `b/b.go:6:9:${DC}`]);
  });

  it('a skipped directory named explicitly is linted, as with the go tool', () => {
    expect(positions(run(['./vendor/...'], dir).stdout)).toEqual([`vendor/v/v.go:6:9:${DC}`]);
    expect(positions(run(['linked'], dir).stdout)).toEqual([`linked/b.go:6:9:${DC}`]);
  });

  it('paths are relative to the working directory', () => {
    expect(positions(run(['./...'], join(dir, 'a')).stdout)).toEqual([`a.go:6:9:${DC}`, `sub/s.go:6:9:${DC}`]);
    // Outside the working directory a path stays absolute rather than climbing with ../
    expect(positions(run(['../b/...'], join(dir, 'a')).stdout)).toEqual([`${join(dir, 'b/b.go')}:6:9:${DC}`]);
  });

  it('--tests=false leaves _test.go files out', () => {
    const d = tree({ 'p/p.go': 'package p\n', 'p/p_test.go': SEND_LEAK_GO('p') });
    expect(run(['./...'], d).code).toBe(1);
    const r = run(['--tests=false', './...'], d);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  describe('HTTP rules report in _test.go files only with their tests option', () => {
    // A test file with a channel leak (line 11), http.Get (line 20) and a client without a Timeout (line 24).
    const testGo = [
      'package p', '', 'import (', '\t"errors"', '\t"net/http"', ')', '',
      'func Compute(fail bool) (int, error) {', '\tresults := make(chan int)', '\tgo func() {', '\t\tresults <- 42', '\t}()',
      '\tif fail {', '\t\treturn 0, errors.New("fail")', '\t}', '\treturn <-results, nil', '}', '',
      'func Fetch() {', '\t_, _ = http.Get("http://example.com")', '}', '',
      'func Client() *http.Client {', '\treturn &http.Client{}', '}', '',
    ].join('\n');
    const files = { 'p/p.go': DEFAULT_CLIENT_GO('p'), 'p/p_test.go': testGo };
    const rules = (stdout: string) => positions(stdout).map((p) => p.replace(/:(\d+):\d+:/, ':$1:'));

    it('by default: production findings, and the channel rules in tests; no HTTP findings in tests', () => {
      const r = run(['./...'], tree(files));
      expect(rules(r.stdout)).toEqual(['p/p.go:6:http-default-client', 'p/p_test.go:11:chan-send-leak']);
    });

    it('rules.<id>.options.tests: true opts that rule in (YAML and JSON); the other HTTP rule stays out', () => {
      const yaml = run(['./...'], tree({ ...files, '.golint-leaks.yaml': 'rules:\n  http-default-client:\n    options:\n      tests: true\n' }));
      expect(rules(yaml.stdout)).toEqual(['p/p.go:6:http-default-client', 'p/p_test.go:11:chan-send-leak', 'p/p_test.go:20:http-default-client']);
      const json = run(['./...'], tree({ ...files, '.golint-leaks.json': '{"rules": {"http-client-no-timeout": {"options": {"tests": true}}}}' }));
      expect(rules(json.stdout)).toEqual(['p/p.go:6:http-default-client', 'p/p_test.go:11:chan-send-leak', 'p/p_test.go:24:http-client-no-timeout']);
    });

    it('--tests=false still leaves test files out for every rule, whatever the option', () => {
      const r = run(['--tests=false', './...'], tree({ ...files, '.golint-leaks.yaml': 'rules:\n  http-default-client:\n    options:\n      tests: true\n' }));
      expect(rules(r.stdout)).toEqual(['p/p.go:6:http-default-client']);
    });
  });

  it('generated files get no findings', () => {
    const d = tree({ 'g/g.go': `// Code generated by protoc-gen-go. DO NOT EDIT.\n\n${DEFAULT_CLIENT_GO('g')}`, 'g/h.go': 'package g\n' });
    const r = run(['./...'], d);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('works without go.mod, and with one', () => {
    const loose = tree({ 'x/x.go': DEFAULT_CLIENT_GO('x'), 'y/y.go': 'package y\n' });
    expect(run(['./...'], loose).code).toBe(1);
    const mod = tree({ 'go.mod': 'module example.com/m\n\ngo 1.19\n', 'x/x.go': DEFAULT_CLIENT_GO('x') });
    const r = run(['./...'], mod);
    expect(positions(r.stdout)).toEqual([`x/x.go:6:9:${DC}`]);
  });
});

describe('exit codes', () => {
  it('0 when clean, 1 on findings', () => {
    expect(run(['./...'], tree({ 'c.go': 'package c\n\nfunc F() {}\n' })).code).toBe(0);
    expect(run(['./...'], tree({ 'c.go': DEFAULT_CLIENT_GO('c') })).code).toBe(1);
  });

  it('2 when there is nothing to lint, saying so', () => {
    const empty = tree({ 'README.md': '# nothing\n' });
    const r = run(['./...'], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^golint-leaks: .*(no Go files|matched no Go files)/m);
    const missing = run(['./nope/...'], empty);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope');
  });

  it('2 on a usage error, with a pointer to --help', () => {
    const d = tree({ 'c.go': DEFAULT_CLIENT_GO('c') });
    for (const args of [['--bogus'], ['--format', 'xml'], ['--rules', 'no-such-rule'], ['--disable', 'nope'], ['--dry-run'], ['--max-file-size', 'big'], ['--tests=maybe'], ['--format']]) {
      const r = run(args, d);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(strayStderr(r.stderr).filter((l) => l !== "Run 'golint-leaks --help' for usage."), args.join(' ')).toEqual([]);
    }
    expect(run(['--bogus'], d).stderr).toBe("golint-leaks: unknown flag: --bogus\nRun 'golint-leaks --help' for usage.\n");
  });

  const configCases: [string, string, RegExp][] = [
    ['.golint-leaks.yaml', 'rules:\n  http-default-clien: off\n', /\.golint-leaks\.yaml: rules\.http-default-clien: expected a known rule id/],
    ['.golint-leaks.yaml', 'rules:\n  http-default-client: loud\n', /rules\.http-default-client: expected on, off, or a severity/],
    ['.golint-leaks.yaml', 'colour: red\n', /colour: expected a known key/],
    ['.golint-leaks.yaml', 'maxFileSize: huge\n', /maxFileSize: expected a size/],
    ['.golint-leaks.yaml', 'tests: sometimes\n', /tests: expected true or false/],
    ['.golint-leaks.yaml', 'exclude: vendor\n', /exclude: expected a list of path globs/],
    ['.golint-leaks.yaml', 'rules:\n  recv-no-timeout:\n    options:\n      lifetimeFuncs: 3\n', /rules\.recv-no-timeout\.options\.lifetimeFuncs: expected a list of strings/],
    ['.golint-leaks.yaml', 'rules:\n  chan-send-leak:\n    options:\n      speed: 1\n', /rules\.chan-send-leak\.options\.speed: expected/],
    ['.golint-leaks.yaml', 'rules:\n  http-default-client:\n    options:\n      tests: yes\n', /rules\.http-default-client\.options\.tests: expected a boolean/],
    ['.golint-leaks.yaml', 'rules:\n  chan-send-leak:\n    options:\n      tests: true\n', /rules\.chan-send-leak\.options\.tests: expected one of: engine/],
    ['.golint-leaks.yaml', 'rules: [\n', /\.golint-leaks\.yaml: not valid YAML/],
    ['.golint-leaks.json', '{"rules": {"http-default-client": "off",}}', /\.golint-leaks\.json: not valid JSON/],
    ['.golint-leaks.json', '{"tags": "integration"}', /\.golint-leaks\.json: tags: expected a list of build tags/],
  ];
  for (const [name, text, msg] of configCases) {
    it(`2 on a config error, naming file, key and what was expected: ${text.split('\n')[0]}`, () => {
      const d = tree({ [name]: text, 'c.go': DEFAULT_CLIENT_GO('c') });
      const r = run(['./...'], d);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('2 when --config names a missing file; a valid config is applied', () => {
    const d = tree({ 'c.go': DEFAULT_CLIENT_GO('c'), 'conf/lint.yaml': 'rules:\n  http-default-client: off\n' });
    const missing = run(['--config', 'nope.yaml', './...'], d);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
    const ok = run(['--config', 'conf/lint.yaml', './...'], d);
    expect([ok.code, ok.stdout]).toEqual([0, '']);
  });

  it('config: severity, exclude and the found-upward file', () => {
    const d = tree({
      '.golint-leaks.yaml': 'rules:\n  http-default-client: error\nexclude:\n  - "legacy/**"\n',
      'x/x.go': DEFAULT_CLIENT_GO('x'),
      'legacy/old/o.go': DEFAULT_CLIENT_GO('o'),
    });
    const r = run(['--format', 'json', './...'], join(d, 'x'));
    const j = JSON.parse(r.stdout) as { findings: { path: string; severity: string }[] };
    expect(j.findings.map((f) => [f.path, f.severity])).toEqual([['x.go', 'error']]);
  });
});

describe('bad files: one line each on stderr, the rest is linted', () => {
  const good = DEFAULT_CLIENT_GO('p');
  const d = tree({
    'p/good.go': good,
    'p/binary.go': Buffer.concat([Buffer.from('package p\n'), Buffer.from([0, 1, 2, 0xff, 0])]),
    'p/latin1.go': Buffer.concat([Buffer.from('package p\n\n// caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    'p/empty.go': '',
    'p/huge.go': `package p\n\n// ${'x'.repeat(300_000)}\n`,
    'p/broken.go': 'package p\n\nimport "net/http"\n\nfunc Whole() {\n\t_, _ = http.Head("http://x")\n}\n\nfunc Half() {\n\tx := \n',
    'p/noclause.go': 'func F() {}\n',
  });

  it('each bad file is named once, with what is wrong, and good files still get findings', () => {
    const r = run(['--max-file-size', '100KB', './...'], d);
    expect(r.code).toBe(1);
    expect(strayStderr(r.stderr)).toEqual([]);
    const lines = r.stderr.trim().split('\n');
    const about = (f: string) => lines.filter((l) => l.includes(`p/${f}`));
    expect(about('binary.go')).toEqual([expect.stringMatching(/binary/)]);
    expect(about('latin1.go')).toEqual([expect.stringMatching(/p\/latin1\.go:3: .*not valid UTF-8/)]);
    expect(about('empty.go')).toEqual([expect.stringMatching(/empty/)]);
    expect(about('huge.go')).toEqual([expect.stringMatching(/over the 0\.1 MB limit/)]);
    expect(about('broken.go')).toEqual([expect.stringMatching(/p\/broken\.go:\d+: syntax error at line \d+; linted the parts that parsed/)]);
    expect(about('noclause.go')).toEqual([expect.stringMatching(/package clause/)]);
    expect(about('good.go')).toEqual([]);
    // The whole function of the file with a syntax error is still linted.
    expect(positions(r.stdout)).toEqual([`p/broken.go:6:9:${DC}`, `p/good.go:6:9:${DC}`]);
  });

  it('--max-file-size raises the limit', () => {
    const r = run(['--max-file-size', '1MB', './...'], d);
    expect(r.stderr).not.toContain('huge.go');
  });

  it('an unreadable file is named and skipped', (ctx) => {
    if (process.getuid?.() === 0) ctx.skip(); // root reads mode-000 files; test/robustness.test.ts covers a vanished file instead
    const u = tree({ 'p/good.go': good, 'p/secret.go': good });
    chmodSync(join(u, 'p/secret.go'), 0o000);
    const r = run(['./...'], u);
    expect(r.stderr).toMatch(/p\/secret\.go: cannot read: permission denied/);
    expect(positions(r.stdout)).toEqual([`p/good.go:6:9:${DC}`]);
  });

  it('nothing lintable at all is exit 2', () => {
    const only = tree({ 'p/binary.go': Buffer.from([0, 0, 0]), 'p/empty.go': '' });
    const r = run(['./...'], only);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });
});

describe('output formats', () => {
  // Files created out of order, two findings on one line, two directories.
  const d = tree({
    'z/z.go': DEFAULT_CLIENT_GO('z'),
    'a/b.go': `package a\n\nimport "net/http"\n\nfunc G() {\n\t_, _ = http.Get("x"); _, _ = http.Head("y")\n\t_, _ = http.Post("z", "", nil)\n}\n`,
    'a/a.go': DEFAULT_CLIENT_GO('a'),
  });

  it('text: sorted by path, line, column, rule; relative paths; go vet shape', () => {
    const r = run(['./...'], d);
    expect(positions(r.stdout)).toEqual([`a/a.go:6:9:${DC}`, `a/b.go:6:9:${DC}`, `a/b.go:6:31:${DC}`, `a/b.go:7:9:${DC}`, `z/z.go:6:9:${DC}`]);
    expect(r.stdout).toMatch(/^a\/a\.go:6:9: http\.Get uses http\.DefaultClient.* \(http-default-client\)$/m);
  });

  it('json: version, findings with positions and fingerprints, notices', () => {
    const r = run(['--format', 'json', './...'], d);
    const j = JSON.parse(r.stdout) as { version: string; findings: Record<string, unknown>[]; notices: unknown[] };
    expect(j.version).toBe(PACKAGE_VERSION);
    expect(j.findings).toHaveLength(5);
    expect(j.findings[0]).toMatchObject({ ruleId: DC, severity: 'note', path: 'a/a.go', line: 6, column: 9, endLine: 6 });
    expect(j.findings.every((f) => typeof f['fingerprint'] === 'string' && (f['fingerprint'] as string).length >= 16)).toBe(true);
    expect(j.notices).toEqual([]);
  });

  it('github: one workflow command per finding, properties escaped', () => {
    const g = tree({ 'we,ird:dir/w.go': DEFAULT_CLIENT_GO('w', 'http://x/100%') });
    const r = run(['--format', 'github', './...'], g);
    expect(r.stdout).toMatch(new RegExp(`^::notice file=we%2Cird%3Adir/w\\.go,line=6,col=9,endLine=6,endColumn=34,title=${DC}::http\\.Get uses [^\\n]*\\n$`));
    const e = run(['--format', 'github', '--rules', 'chan-send-leak', './...'], tree({ 's.go': SEND_LEAK_GO('s') }));
    expect(e.stdout).toMatch(/^::error file=s\.go,line=8,col=3,endLine=8,endColumn=\d+,title=chan-send-leak::goroutine started at line 7 blocks/);
  });

  it('sarif: one run, results, rules (validated in depth by test/sarif.test.ts)', () => {
    const r = run(['--format', 'sarif', './...'], d);
    const s = JSON.parse(r.stdout) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }[] }[] };
    expect(s.version).toBe('2.1.0');
    expect(s.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['a/a.go', 'a/b.go', 'a/b.go', 'a/b.go', 'z/z.go']);
    expect(s.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
  });

  it('--output writes the report to a file (nothing on stdout, no temporary left), replacing it whole', () => {
    const out = join(d, 'reports');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'r.json'), 'x'.repeat(100_000));
    const r = run(['--format', 'json', '--output', 'reports/r.json', './...'], d);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect((JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as { findings: unknown[] }).findings).toHaveLength(5);
    expect(readdirSync(out)).toEqual(['r.json']);
  });

  it('--output into a missing directory: exit 2, says so, writes nothing', () => {
    const r = run(['--output', 'no/such/dir/r.txt', './...'], d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write no\/such\/dir\/r\.txt: no such directory/);
    expect(existsSync(join(d, 'no'))).toBe(false);
    const notDir = run(['--output', 'a/a.go/r.txt', './...'], d);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/cannot write a\/a\.go\/r\.txt: not a directory/);
  });
});

describe('rules and suppressions', () => {
  const both = tree({ 's.go': SEND_LEAK_GO('s'), 'h.go': DEFAULT_CLIENT_GO('s') });

  it('--rules runs only those, --disable leaves those out', () => {
    expect(positions(run(['./...'], both).stdout).map((p) => p.split(':').pop())).toEqual([DC, 'chan-send-leak']);
    expect(positions(run(['--rules', 'chan-send-leak', './...'], both).stdout)).toEqual(['s.go:8:3:chan-send-leak']);
    expect(positions(run(['--disable', 'chan-send-leak', './...'], both).stdout)).toEqual([`h.go:6:9:${DC}`]);
    const none = run(['--disable', `chan-send-leak,${DC}`, './...'], both);
    expect([none.code, none.stdout]).toEqual([0, '']);
  });

  const src = `package s

import "net/http"

func A() {
	_, _ = http.Get("a") //nolint:${DC} // a test server
	_, _ = http.Get("b") //nolint:errcheck
	_, _ = http.Get("c") //nolint
	//lint:ignore ${DC} fine here
	_, _ = http.Get("d")
	_, _ = http.Get("e") //nolint:chan-send-leak // names another rule
	_, _ = http.Get("f") //nolint:errcheck,${DC}
}

func B() { //nolint:${DC} // the whole declaration
	_, _ = http.Get("g")
}
`;
  const d = tree({ 's.go': src, 'f.go': `//lint:file-ignore ${DC} generated by hand\npackage s\n\nimport "net/http"\n\nfunc C() { _, _ = http.Get("h") }\n` });

  it('//nolint:rule, bare //nolint, //lint:ignore, //lint:file-ignore and nolint on a declaration suppress; //nolint:other-linter does not', () => {
    const r = run(['./...'], d);
    expect(positions(r.stdout)).toEqual([`s.go:7:9:${DC}`, `s.go:11:9:${DC}`]);
    expect(r.code).toBe(1);
  });

  it('json and sarif carry suppressed findings with their justification; text and github leave them out', () => {
    const j = JSON.parse(run(['--format', 'json', './...'], d).stdout) as { findings: { line: number; path: string; suppressed?: { justification: string } }[] };
    const sup = j.findings.filter((f) => f.suppressed).map((f) => `${f.path}:${f.line}:${f.suppressed!.justification}`);
    expect(sup).toEqual(['f.go:6:generated by hand', 's.go:6:a test server', 's.go:8:(no reason given)', 's.go:10:fine here', 's.go:12:(no reason given)', 's.go:16:the whole declaration']);
    expect(run(['--format', 'github', './...'], d).stdout.trim().split('\n')).toHaveLength(2);
  });

  it('--report-unused-suppressions reports directives that matched nothing (and makes the run fail)', () => {
    const clean = tree({ 'u.go': `package u\n\nfunc F() {\n\tprintln() //nolint:${DC} // stale\n\tprintln() //nolint:errcheck\n}\n` });
    expect(run(['./...'], clean).code).toBe(0);
    const r = run(['--report-unused-suppressions', './...'], clean);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^golint-leaks: u\\.go:4: unused suppression //nolint:${DC} // stale`))]);
  });
});

describe('an opt-in rule (sync-leak)', () => {
  const LOCKED = `package a

import "sync"

type cache struct {
	mu   sync.Mutex
	hits int
}

func (c *cache) Refresh(fetch func() error) {
	go func() {
		c.mu.Lock()
		if err := fetch(); err != nil {
			return
		}
		c.mu.Unlock()
	}()
	go func() {
		c.mu.Lock()
		c.hits++
		c.mu.Unlock()
	}()
}
`;
  it('is off by default, on when the config names it or --rules chooses it, and says so in `rules`', () => {
    const d = tree({ 'a/a.go': LOCKED });
    expect(run(['./...'], d).code).toBe(0);
    const chosen = run(['--rules', 'sync-leak', './...'], d);
    expect(chosen.code).toBe(1);
    expect(positions(chosen.stdout)).toEqual(['a/a.go:19:3:sync-leak']);
    writeFileSync(join(d, '.golint-leaks.yaml'), 'rules:\n  sync-leak: on\n');
    expect(positions(run(['./...'], d).stdout)).toEqual(['a/a.go:19:3:sync-leak']);
    writeFileSync(join(d, '.golint-leaks.yaml'), 'rules:\n  sync-leak: { severity: warning }\n');
    expect(run(['./...'], d).stdout).toMatch(/goroutine started at line 18 blocks forever locking c\.mu: no goroutine that can unlock it is left running \(sync-leak\)/);
    expect(run(['rules'], d).stdout).toMatch(/^sync-leak .* \(off by default\)$/m);
  });
});

describe('--stats', () => {
  it('says what the run did, and how many goroutine groups the leak checker explored and how many hit its bound', () => {
    const d = tree({
      'a/a.go': SEND_LEAK_GO('a'),
    });
    const r = run(['--stats', './...'], d);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^golint-leaks: 1 file in 1 package \(0 skipped by the prefilter\), 1 parsed, \d+ control-flow graphs$/),
      expect.stringMatching(/^golint-leaks: leak checker: 1 goroutine group, \d+ states; 0 reached the bound \(0\.0%: schedules past it are not explored\)$/),
    ]);
    // A group that starts more goroutines than a state may hold stops at that bound, and says so.
    writeFileSync(join(d, 'a/many.go'), `package a

func Many() {
	ch := make(chan int)
	for i := 0; i < 100; i++ {
		go func() { ch <- i }()
	}
	<-ch
}
`);
    expect(run(['--stats', './...'], d).stderr).toMatch(/^golint-leaks: leak checker: 2 goroutine groups, \d+ states; 1 reached the bound \(50\.0%: schedules past it are not explored\); bounds reached: goroutines: 1$/m);
    // On the path engine there is no checker line; without --stats, nothing at all.
    rmSync(join(d, 'a/many.go'));
    writeFileSync(join(d, '.golint-leaks.yaml'), 'rules:\n  chan-send-leak: { options: { engine: paths } }\n  chan-recv-leak: { options: { engine: paths } }\n');
    expect(run(['--stats', './...'], d).stderr.trim().split('\n')).toHaveLength(1);
    expect(run(['./...'], d).stderr).toBe('');
  });
});

describe('terminal niceties', () => {
  const d = tree({ 'c.go': DEFAULT_CLIENT_GO('c') });

  it('no colour in a pipe; FORCE_COLOR turns it on; NO_COLOR wins', () => {
    expect(run(['./...'], d).stdout).not.toContain('\x1b[');
    expect(run(['./...'], d, { FORCE_COLOR: '1' }).stdout).toContain('\x1b[');
    expect(run(['./...'], d, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain('\x1b[');
    expect(run(['./...'], d, { FORCE_COLOR: '0' }).stdout).not.toContain('\x1b[');
    expect(run(['--format', 'json', './...'], d, { FORCE_COLOR: '1' }).stdout).not.toContain('\x1b[');
  });

  it('--help shows usage, flags and examples; -h too', () => {
    const r = run(['--help'], d);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:/m);
    expect(r.stdout).toMatch(/^Examples:\n {2}golint-leaks \.\/\.\.\./m);
    for (const flag of ['--format', '--output', '--rules', '--disable', '--config', '--tests=false', '--fix', '--version']) expect(r.stdout).toContain(flag);
    expect(run(['-h'], d).stdout).toBe(r.stdout);
  });

  it('--version prints the package version', () => {
    const r = run(['--version'], d);
    expect([r.code, r.stdout]).toEqual([0, `golint-leaks ${PACKAGE_VERSION}\n`]);
  });

  it('| head: a closed pipe ends the output quietly; notices and the exit status survive', () => {
    const many = `package m\n\nimport "net/http"\n\nfunc F() {\n${'\t_, _ = http.Get("x")\n'.repeat(3000)}}\n`;
    const m = tree({ 'm.go': many, 'bad.go': '' });
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" ./... 2>err.txt | head -n 1; echo "status=\${PIPESTATUS[0]}"`], { cwd: m, encoding: 'utf8', env: cleanEnv() });
    expect(r.stdout).toMatch(/^m\.go:6:9: .*\nstatus=1\n$/);
    expect(readFileSync(join(m, 'err.txt'), 'utf8')).toBe('golint-leaks: bad.go: skipped: empty file\n');
  });
});

describe('--fix', () => {
  const crlfBom = (s: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s.replace(/\n/g, '\r\n'))]);

  it('--dry-run prints the diff and writes nothing', () => {
    const d = tree({ 's.go': SEND_LEAK_GO('s') });
    const r = run(['--fix', '--dry-run', '--rules', 'chan-send-leak', './...'], d);
    expect(r.stdout).toContain('--- a/s.go\n+++ b/s.go\n');
    expect(r.stdout).toContain('-\tresults := make(chan int)\n+\tresults := make(chan int, 1)\n');
    expect(readFileSync(join(d, 's.go'), 'utf8')).toBe(SEND_LEAK_GO('s'));
  });

  it('buffers the channel; the result parses, the finding is gone, a second run changes nothing', () => {
    const d = tree({ 's.go': SEND_LEAK_GO('s') });
    const r = run(['--fix', '--rules', 'chan-send-leak', './...'], d);
    expect(r.stderr).toBe('golint-leaks: fixed 1 file\n');
    expect(r.code).toBe(0); // the re-lint after fixing is clean
    const fixed = readFileSync(join(d, 's.go'), 'utf8');
    expect(fixed).toBe(SEND_LEAK_GO('s').replace('make(chan int)', 'make(chan int, 1)'));
    expect(parseGo(fixed).rootNode.hasError).toBe(false);
    const again = run(['--fix', '--rules', 'chan-send-leak', './...'], d);
    expect([again.code, again.stdout, again.stderr]).toEqual([0, '', '']);
    expect(readFileSync(join(d, 's.go'), 'utf8')).toBe(fixed);
  });

  it('keeps permissions, CRLF line endings and the byte-order mark', () => {
    const d = tree({ 's.go': crlfBom(SEND_LEAK_GO('s')) });
    chmodSync(join(d, 's.go'), 0o640);
    const r = run(['--fix', '--rules', 'chan-send-leak', './...'], d);
    expect(r.code).toBe(0);
    const after = readFileSync(join(d, 's.go'));
    expect(after).toEqual(crlfBom(SEND_LEAK_GO('s').replace('make(chan int)', 'make(chan int, 1)')));
    expect(statSync(join(d, 's.go')).mode & 0o777).toBe(0o640);
    expect(readdirSync(d)).toEqual(['s.go']);
  });

  it('never touches a file outside the patterns', () => {
    // The worker's send is in worker.go; the make the fix edits is in main.go.
    const d = tree({
      'w/worker.go': 'package w\n\nfunc worker(out chan<- int) {\n\tout <- 1\n}\n',
      'w/main.go': 'package w\n\nfunc Run(fail bool) int {\n\tout := make(chan int)\n\tgo worker(out)\n\tif fail {\n\t\treturn 0\n\t}\n\treturn <-out\n}\n',
      'other/s.go': SEND_LEAK_GO('other'),
    });
    const before = { worker: readFileSync(join(d, 'w/worker.go'), 'utf8'), main: readFileSync(join(d, 'w/main.go'), 'utf8'), other: readFileSync(join(d, 'other/s.go'), 'utf8') };
    const r = run(['--fix', '--rules', 'chan-send-leak', 'w/worker.go'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not fixed/);
    expect(readFileSync(join(d, 'w/worker.go'), 'utf8')).toBe(before.worker);
    expect(readFileSync(join(d, 'w/main.go'), 'utf8')).toBe(before.main);
    expect(r.stderr).toContain('golint-leaks: w/main.go: not fixed: the fix edits this file, which is outside the given patterns\n');
    // The fix edits the file holding the make, not the one holding the send.
    const j = JSON.parse(run(['--format', 'json', '--rules', 'chan-send-leak', './w/...'], d).stdout) as { findings: { path: string; fix?: { edits: { path: string; line: number }[] } }[] };
    expect(j.findings.map((f) => [f.path, f.fix?.edits.map((e) => `${e.path}:${e.line}`)])).toEqual([['w/worker.go', ['w/main.go:4']]]);
    const fixed = run(['--fix', '--rules', 'chan-send-leak', './w/...'], d);
    expect([fixed.code, fixed.stderr]).toEqual([0, 'golint-leaks: fixed 1 file\n']);
    expect(readFileSync(join(d, 'w/main.go'), 'utf8')).toBe(before.main.replace('make(chan int)', 'make(chan int, 1)'));
    expect(readFileSync(join(d, 'other/s.go'), 'utf8')).toBe(before.other);
    expect(readFileSync(join(d, 'w/worker.go'), 'utf8')).toBe(before.worker);
  });

  it('refuses a file that changed between lint and write, and says so', async () => {
    const d = tree({ 's.go': SEND_LEAK_GO('s') });
    const marker = join(d, '..', `${d.split('/').pop()}.pause`);
    const child = runAsync(['--fix', '--rules', 'chan-send-leak', './...'], d, { GOLINT_LEAKS_TEST_PAUSE: `before-fix:${marker}` });
    await waitFor(marker);
    const edited = SEND_LEAK_GO('s').replace('return <-results, nil', 'v := <-results\n\treturn v, nil');
    writeFileSync(join(d, 's.go'), edited);
    rmSync(marker);
    const r = await child;
    expect(r.stderr).toMatch(/^golint-leaks: s\.go: not fixed: the file changed since it was linted$/m);
    expect(readFileSync(join(d, 's.go'), 'utf8')).toBe(edited);
    expect(r.code).toBe(1);
  });

  it('leaves a file with syntax errors alone', () => {
    const broken = `${SEND_LEAK_GO('s')}\nfunc Half() {\n\tx := \n`;
    const d = tree({ 's.go': broken });
    const r = run(['--fix', '--rules', 'chan-send-leak', './...'], d);
    expect(r.stderr).toMatch(/s\.go: not fixed: the file has syntax errors/);
    expect(readFileSync(join(d, 's.go'), 'utf8')).toBe(broken);
  });
});
