// Build constraints: files for another platform stay out; files behind custom
// tags (`//go:build e2e`) are linted as if their tags were set, unless they
// redeclare what another file of their package declares, and then one notice
// says how many were left out, by which tags, and how to include them.
import { afterAll, describe, expect, it } from 'vitest';
import { fileNameMatches, headerMatches, hostBuildContext, tagsToInclude, type BuildContext } from '../src/engine/buildtags.js';
import { taggedOutNotice } from '../src/engine/lint.js';
import { parseGo } from '../src/engine/parser.js';
import { packageLevelNames } from '../src/semantics/syntax.js';
import { cleanup, run, tree } from './helpers/cli.js';

afterAll(cleanup);

const linux: BuildContext = { goos: 'linux', goarch: 'amd64', tags: new Set() };
const withTags = (...t: string[]): BuildContext => ({ ...linux, tags: new Set(t) });

describe('constraints', () => {
  it.each([
    ['//go:build linux', true],
    ['//go:build windows', false],
    ['//go:build unix && !windows', true],
    ['//go:build e2e', false],
    ['//go:build !e2e', true],
    ['//go:build go1.21', true],
    ['// +build linux,amd64 windows', true],
    ['// +build e2e\n// +build linux', false],
    ['//go:build (', true], // malformed: linted, as before
  ])('%s holds on linux/amd64: %s', (header, holds) => {
    expect(headerMatches(`${header}\n\n`, linux)).toBe(holds);
  });

  it.each([
    ['//go:build e2e', ['e2e']],
    ['//go:build linux && e2e', ['e2e']],
    ['//go:build e2e && integration', ['e2e', 'integration']],
    ['//go:build integration || e2e', ['e2e']],
    ['//go:build e2e || windows', ['e2e']],
    ['// +build e2e\n// +build linux', ['e2e']],
    ['//go:build race', ['race']],
    ['//go:build windows && e2e', null], // another platform: out, as before
    ['//go:build ignore', null], // the go tool's "never built"
    ['//go:build cgo', null], // the toolchain's, not a custom tag
    ['//go:build !linux', null],
    ['//go:build e2e && !e2e', null],
  ])('%s: the custom tags that include it are %j', (header, tags) => {
    expect(tagsToInclude(`${header}\n\n`, linux)).toEqual(tags);
  });

  it('a tag given with --tags is set, not free: !e2e under --tags e2e stays out', () => {
    expect(headerMatches('//go:build !e2e\n', withTags('e2e'))).toBe(false);
    expect(tagsToInclude('//go:build !e2e\n', withTags('e2e'))).toBeNull();
    expect(tagsToInclude('//go:build e2e && integration\n', withTags('e2e'))).toEqual(['integration']);
  });

  it('the notice names at most eight tag sets, the most frequent first', () => {
    expect(taggedOutNotice(new Map())).toBeNull();
    expect(taggedOutNotice(new Map([['e2e', 1]]))!.message).toBe('1 file behind build tags left out (e2e: 1): it redeclares a name another file of its package declares; lint it with --tags e2e');
    const many = new Map([...'abcdefghij'].map((t, i) => [t, i + 1] as [string, number]));
    many.set('e2e,integration', 2);
    expect(taggedOutNotice(many)!.message).toBe('57 files behind build tags left out (j: 10, i: 9, h: 8, g: 7, f: 6, e: 5, d: 4, c: 3, and 3 more): each redeclares a name another file of their package declares; lint them with --tags c,d,e,f,g,h,i,j,...');
  });

  it('what a file declares at package level: methods by type, no init, no _', () => {
    const src = 'package p\nvar a, b = 1, 2\nvar (\n\tc int\n\t_ = 0\n)\nconst (\n\td = iota\n\te\n)\ntype (\n\tT int\n\tU = T\n)\ntype G[X any] struct{}\nfunc F() { var inner int; _ = inner }\nfunc (t *T) M() {}\nfunc (g G[X]) M() {}\nfunc init() {}\nfunc init() {}\n';
    expect(packageLevelNames(parseGo(src).rootNode)).toEqual(['a', 'b', 'c', 'd', 'e', 'T', 'U', 'G', 'F', 'T.M', 'G.M']);
  });

  it('file names constrain the platform only', () => {
    expect(fileNameMatches('conn_windows.go', linux)).toBe(false);
    expect(fileNameMatches('conn_e2e.go', linux)).toBe(true);
    expect(hostBuildContext(['e2e']).tags.has('e2e')).toBe(true);
  });
});

/** An end-to-end helper: SSH through a proxied conn, and a goroutine that leaks on the error path. */
const E2E_HELPER = `//go:build e2e

package cluster

import (
	"net"

	"golang.org/x/crypto/ssh"
)

func DialThroughProxy(proxy net.Conn, addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	c, chans, reqs, err := ssh.NewClientConn(proxy, addr, cfg)
	if err != nil {
		return nil, err
	}
	return ssh.NewClient(c, chans, reqs), nil
}

func WaitReady(fail bool) error {
	ready := make(chan error)
	go func() { ready <- Ping() }()
	if fail {
		return nil
	}
	return <-ready
}
`;

const CLUSTER = `package cluster

func Ping() error { return nil }
`;

/** The default build's client and an e2e build's: the same name, one per build. */
const CLIENT_DEFAULT = `//go:build !e2e

package cluster

func Client() string { return "local" }
`;
const CLIENT_E2E = `//go:build e2e

package cluster

func Client() string {
	ch := make(chan string)
	go func() { ch <- "remote" }()
	return "remote"
}
`;

interface Json { findings: { path: string; line: number; ruleId: string }[]; notices: { level: string; message: string }[] }

describe('files behind custom build tags', () => {
  it('an e2e helper is linted by default: its findings are reported, and nothing is said', () => {
    const d = tree({ 'cluster/cluster.go': CLUSTER, 'cluster/e2e_helper.go': E2E_HELPER }, 'tags');
    const r = run(['./...'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^cluster\/e2e_helper\.go:12:\d+: .*\(ssh-handshake-no-deadline\)$/),
      expect.stringMatching(/^cluster\/e2e_helper\.go:21:\d+: .*blocks forever sending on ready.*\(chan-send-leak\)$/),
    ]);
    // --tags e2e gives the same report: the file was linted as if e2e were set.
    expect(run(['--tags', 'e2e', './...'], d).stdout).toBe(r.stdout);
  });

  it('a tagged file that redeclares a name of its package is left out, and one notice says so in text, JSON and SARIF', () => {
    const d = tree({ 'cluster/cluster.go': CLUSTER, 'cluster/client.go': CLIENT_DEFAULT, 'cluster/client_e2e.go': CLIENT_E2E, 'cluster/e2e_helper.go': E2E_HELPER, 'other/x_integration_test.go': '//go:build integration\n\npackage other\n\nfunc helper() {}\n', 'other/x_test.go': 'package other\n\nfunc helper() {}\n' }, 'tags');
    const notice = '2 files behind build tags left out (e2e: 1, integration: 1): each redeclares a name another file of their package declares; lint them with --tags e2e,integration';
    const text = run(['./...'], d);
    expect(text.stderr).toBe(`golint-leaks: ${notice}\n`);
    expect(text.stdout).not.toMatch(/client_e2e\.go/);
    expect(text.stdout).toMatch(/e2e_helper\.go/); // declares nothing the build has: still linted
    const json = JSON.parse(run(['--format', 'json', './...'], d).stdout) as Json;
    expect(json.notices).toEqual([{ level: 'note', message: notice }]);
    const sarif = JSON.parse(run(['--format', 'sarif', './...'], d).stdout) as { runs: { invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[] };
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications).toEqual([expect.objectContaining({ level: 'note', message: { text: notice } })]);
    // With the tags, the e2e build: client_e2e.go in, client.go (!e2e) out, nothing to say.
    const tagged = run(['--format', 'json', '--tags', 'e2e,integration', './...'], d);
    expect(tagged.stderr).toBe('');
    const paths = (JSON.parse(tagged.stdout) as Json).findings.map((f) => f.path);
    expect(paths).toContain('cluster/client_e2e.go');
    expect((JSON.parse(tagged.stdout) as Json).notices).toEqual([]);
  });

  it('other platforms stay out without a notice, as before', () => {
    const d = tree({ 'p/p.go': CLUSTER.replace('cluster', 'p'), 'p/w_windows.go': CLIENT_E2E.replace('//go:build e2e\n\n', '').replace('cluster', 'p'), 'p/g.go': `//go:build windows && e2e\n\n${CLIENT_E2E.replace('//go:build e2e\n\n', '').replace('cluster', 'p').replace('Client', 'Other')}`, 'p/gen.go': `//go:build ignore\n\n${CLIENT_E2E.replace('//go:build e2e\n\n', '').replace('cluster', 'p').replace('Client', 'Gen')}` }, 'tags');
    const r = run(['./...'], d, { GOOS: 'linux', GOARCH: 'amd64' });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
  });
});
