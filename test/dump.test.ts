// Tests of `golint-leaks dump`: parsers and classifier on hand-written dumps
// in both formats, and end to end on real dumps written by test/dump-gen,
// a Go program that leaks a known number of goroutines through each shape.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDump, type DumpIO } from '../src/dump/command.js';
import { parseDump } from '../src/dump/parse.js';
import { SourceIndex, stateFromSourceLine } from '../src/dump/source.js';
import { isMethod, isRuntimeFunc, isStdlibFunc, isUserFunc, packagePath } from '../src/dump/symbols.js';
import type { StaticFinding } from '../src/dump/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const genDir = path.join(here, 'dump-gen');
const sarifSchema = JSON.parse(
  readFileSync(path.join(here, '..', 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json'), 'utf8'),
) as object;

const tmpRoots: string[] = [];
function tmp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tmpRoots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpRoots) rmSync(dir, { recursive: true, force: true });
});

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], cwd: string, extra: Partial<DumpIO> = {}): Promise<RunResult> {
  const out = sink();
  const err = sink();
  const code = await runDump(argv, { stdout: out.stream, stderr: err.stream, cwd, ...extra });
  return { code, stdout: out.text(), stderr: err.text() };
}

interface JsonGroup {
  count: number;
  counts?: number[];
  delta?: number;
  state: string | null;
  stateSource: string;
  longestWaitMinutes: number | null;
  lockedToThread: number;
  verdict: string;
  ruleId: string | null;
  reason: string;
  shape: string;
  siteFrame: number | null;
  userFrame: number | null;
  frames: { func: string; file: string; line: number }[];
  createdBy: { func: string; file: string; line: number; goroutine: number | null } | null;
  goroutineIds: number[];
  truncated: boolean;
  source: { file: string; relative: string; line: number; frameIndex: number } | null;
  finding: (StaticFinding & { sameRule: boolean }) | null;
}

interface JsonReport {
  mode: string;
  matchedBy: string | null;
  inputs: { name: string; format: string | null; goroutines: number; total: number | null; panic: string | null; issues: { line: number; message: string }[] }[];
  summary: { groups: number; suspicious: number; goroutines: number };
  groups: JsonGroup[];
}

async function runJson(argv: string[], cwd: string, extra: Partial<DumpIO> = {}): Promise<RunResult & { json: JsonReport }> {
  const r = await run(['--format', 'json', ...argv], cwd, extra);
  return { ...r, json: JSON.parse(r.stdout) as JsonReport };
}

/** The frame a group points at: the rule's site, else the first user frame. */
function site(g: JsonGroup): string {
  const i = g.siteFrame ?? g.userFrame;
  const f = i === null ? undefined : g.frames[i];
  return f ? `${f.func}:${f.line}` : '-';
}

function startFunc(g: JsonGroup): string {
  return g.frames[g.frames.length - 1]?.func ?? '-';
}

/** One comparable line per group. */
function summary(g: JsonGroup): string {
  return [g.count, g.state, g.verdict, g.ruleId ?? '-', site(g), startFunc(g)].join(' | ');
}

function validateSarif(text: string): { valid: boolean; errors: unknown } {
  // Both are CommonJS; under NodeNext the default import is module.exports,
  // whose `default` is the class / plugin.
  const ajv = new ajv2020.default({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  const validate = ajv.compile(sarifSchema);
  const valid = validate(JSON.parse(text));
  return { valid, errors: validate.errors };
}

// A debug=2 dump in the Go 1.21+ form (`created by F in goroutine N`),
// exercising arguments, wait minutes, locked threads, inlined frames
// without offsets, generics, elided frames and a Windows path.
const DEBUG2 = `goroutine 1 [running]:
main.main()
	/home/dev/app/main.go:20 +0x1d

goroutine 34 [chan receive, 12 minutes]:
github.com/acme/shop/worker.(*Pool).loop(0xc0001a0000)
	/go/src/github.com/acme/shop/worker/pool.go:41 +0x8c
created by github.com/acme/shop/worker.NewPool in goroutine 1
	/go/src/github.com/acme/shop/worker/pool.go:22 +0x10f

goroutine 35 [chan receive, 3 minutes]:
github.com/acme/shop/worker.(*Pool).loop(0xc0001a0080)
	/go/src/github.com/acme/shop/worker/pool.go:41 +0x8c
created by github.com/acme/shop/worker.NewPool in goroutine 1
	/go/src/github.com/acme/shop/worker/pool.go:22 +0x10f

goroutine 36 [chan receive]:
github.com/acme/shop/worker.(*Pool).loop(0xc0001a0100)
	/go/src/github.com/acme/shop/worker/pool.go:41 +0x8c
created by github.com/acme/shop/worker.NewPool in goroutine 1
	/go/src/github.com/acme/shop/worker/pool.go:22 +0x10f

goroutine 50 [chan send, 7 minutes]:
github.com/acme/shop/api.fetchPrice.func1()
	/go/src/github.com/acme/shop/api/price.go:30 +0x2a
created by github.com/acme/shop/api.fetchPrice in goroutine 48
	/go/src/github.com/acme/shop/api/price.go:28 +0x9b

goroutine 7 [syscall, 95 minutes, locked to thread]:
os/signal.signal_recv()
	/usr/local/go/src/runtime/sigqueue.go:152 +0x29
os/signal.loop()
	/usr/local/go/src/os/signal/signal_unix.go:23 +0x13
created by os/signal.Notify.func1.1 in goroutine 1
	/usr/local/go/src/os/signal/signal.go:151 +0x1f

goroutine 60 [IO wait, 2 minutes]:
internal/poll.runtime_pollWait(0x7f2c5c1a6e20, 0x72)
	/usr/local/go/src/runtime/netpoll.go:343 +0x85
internal/poll.(*pollDesc).waitRead(...)
	/usr/local/go/src/internal/poll/fd_poll_runtime.go:89
net/http.(*persistConn).readLoop(0xc000184000)
	/usr/local/go/src/net/http/transport.go:2205 +0x185
created by net/http.(*Transport).dialConn in goroutine 59
	/usr/local/go/src/net/http/transport.go:1776 +0x169f

goroutine 61 [select, 2 minutes]:
net/http.(*persistConn).writeLoop(0xc000184000)
	/usr/local/go/src/net/http/transport.go:2421 +0xe5
created by net/http.(*Transport).dialConn in goroutine 59
	/usr/local/go/src/net/http/transport.go:1777 +0x16f1

goroutine 70 [select (no cases)]:
github.com/acme/shop/cmd.runForever[...](...)
	/go/src/github.com/acme/shop/cmd/forever.go:9
github.com/acme/shop/cmd.Start.gowrap1()
	/go/src/github.com/acme/shop/cmd/start.go:14 +0x25
created by github.com/acme/shop/cmd.Start in goroutine 1
	/go/src/github.com/acme/shop/cmd/start.go:14 +0x65

goroutine 80 [chan receive (nil chan)]:
main.waitNil({0xc000010000, 0x3})
	/home/dev/app/main.go:44 +0x1e
created by main.main in goroutine 1
	/home/dev/app/main.go:18 +0x8f

goroutine 90 [semacquire, 4 minutes]:
sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:77 +0x25
sync.(*Mutex).lockSlow(0xc0000a8010)
	/usr/local/go/src/sync/mutex.go:171 +0x15d
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:90
github.com/acme/shop/cache.(*Cache).Get(0xc0000a8000, {0x6b2d3e, 0x3})
	/go/src/github.com/acme/shop/cache/cache.go:55 +0x45
...additional frames elided...
created by github.com/acme/shop/cache.Warm in goroutine 12
	C:/build/shop/cache/warm.go:12 +0x5e
`;

// A debug=1 profile shaped like the one in incident 000 (Go 1.10 era,
// Windows paths, a vendored package, frames wrapped onto the next line as
// pasted into a web page, a label line and an unsymbolized PC).
const DEBUG1 = `goroutine profile: total 31
14 @ 0x434420 0x444c4e 0x7c87fd 0x461d61
#	0x7c87fc	net/http.(*persistConn).writeLoop+0x15c	C:/Go/src/net/http/transport.go:1822

14 @ 0x434420 0x444c4e 0x7c761e 0x461d61
#	0x7c761d	net/http.(*persistConn).readLoop+0xe9d	C:/Go/src/net/http/transport.go:1717

2 @ 0x434420 0x4344e5 0x404747 0x40451b 0x8a25af 0x8f2486 0x8ee88c 0x461d61
#	0x8a25ae	/vendor/github.com/Shopify/sarama.(*Broker).responseReceiver+0xfe
      /vendor/github.com/Shopify/sarama/broker.go:682
#	0x8ee88b	/vendor/github.com/Shopify/sarama.withRecover+0x4b
      /vendor/github.com/Shopify/sarama/utils.go:45

1 @ 0x42ecaa 0x42ed5e 0x44abb6 0xa20a63 0x45bfa1
# labels: {"job":"sync"}
#	0x44abb5	time.Sleep+0x165	/usr/lib/go-1.10/src/runtime/time.go:102
#	0xa20a62	main.runForever+0x162	/go/src/app/main.go:40
#	0x45bfa0

`;

// A deadlock traceback in the pre-1.21 form (`created by F` alone), with
// the noise `go run` adds around it.
const PANIC = `fatal error: all goroutines are asleep - deadlock!

goroutine 1 [chan receive]:
main.main()
	/tmp/x/main.go:9 +0x65

goroutine 6 [chan send]:
main.main.func1()
	/tmp/x/main.go:6 +0x28
created by main.main
	/tmp/x/main.go:5 +0x55
exit status 2
`;

// An HTTP handler calling http.Get (the default client) against a stalled
// registry, as in incident 000, Go 1.21+ form; plus its connection loops.
const DEFAULT_CLIENT = `goroutine 23 [select, 3 minutes]:
net/http.(*persistConn).roundTrip(0xc000188000, 0xc000068040)
	/usr/local/go/src/net/http/transport.go:2652 +0x979
net/http.(*Transport).roundTrip(0x8f4340, 0xc000182000)
	/usr/local/go/src/net/http/transport.go:607 +0x7b9
net/http.(*Transport).RoundTrip(0x0?, 0x761620?)
	/usr/local/go/src/net/http/roundtrip.go:17 +0x19
net/http.send(0xc000182000, {0x761620, 0x8f4340}, {0x6d7fc0?, 0x1?, 0x0?})
	/usr/local/go/src/net/http/client.go:260 +0x606
net/http.(*Client).send(0xc000092f30, 0xc000182000, {0x0?, 0xc000051da0?, 0x0?})
	/usr/local/go/src/net/http/client.go:181 +0x98
net/http.(*Client).do(0xc000092f30, 0xc000182000)
	/usr/local/go/src/net/http/client.go:724 +0x912
net/http.(*Client).Do(...)
	/usr/local/go/src/net/http/client.go:590
net/http.(*Client).Get(0x0?, {0xc0000ba180?, 0x0?})
	/usr/local/go/src/net/http/client.go:488 +0x5f
net/http.Get(...)
	/usr/local/go/src/net/http/client.go:457
github.com/acme/registry.(*Registry).Healthy(0xc000010000)
	/go/src/github.com/acme/registry/health.go:17 +0x3c
net/http.HandlerFunc.ServeHTTP(0xc000012345?, {0x7a5e40?, 0xc0001c40e0?}, 0x0?)
	/usr/local/go/src/net/http/server.go:2166 +0x29
net/http.(*conn).serve(0xc0001b2000, {0x7a6a58, 0xc000190000})
	/usr/local/go/src/net/http/server.go:2009 +0x5f4
created by net/http.(*Server).Serve in goroutine 1
	/usr/local/go/src/net/http/server.go:3086 +0x5cb

goroutine 27 [IO wait, 3 minutes]:
internal/poll.runtime_pollWait(0x7fe4c6613f38, 0x72)
	/usr/local/go/src/runtime/netpoll.go:345 +0x85
net/http.(*persistConn).readLoop(0xc0000d05a0)
	/usr/local/go/src/net/http/transport.go:2205 +0x185
created by net/http.(*Transport).dialConn in goroutine 26
	/usr/local/go/src/net/http/transport.go:1874 +0x154f
`;

// GOTRACEBACK=system style: gp=/m= in headers and runtime frames on top.
const SYSTEM = `goroutine 2 gp=0xc000006c40 m=nil [force gc (idle)]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:402 +0xce
runtime.goparkunlock(...)
	/usr/local/go/src/runtime/proc.go:408
runtime.forcegchelper()
	/usr/local/go/src/runtime/proc.go:326 +0xb3
created by runtime.init.6 in goroutine 1
	/usr/local/go/src/runtime/proc.go:314 +0x1a

goroutine 9 gp=0xc000104380 m=nil [chan send, 2 minutes]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:402 +0xce
runtime.chansend(0xc00001c0c0, 0xc000057f58, 0x1, 0x0?)
	/usr/local/go/src/runtime/chan.go:259 +0x3a5
runtime.chansend1(0x0?, 0x0?)
	/usr/local/go/src/runtime/chan.go:145 +0x17
main.worker.func1()
	/app/main.go:12 +0x2a
created by main.worker in goroutine 1
	/app/main.go:11 +0x5e
`;

describe('symbols', () => {
  it('splits package paths and tells standard library from user code', () => {
    expect(packagePath('net/http.(*persistConn).readLoop')).toBe('net/http');
    expect(packagePath('golang.org/x/crypto/ssh.(*handshakeTransport).readLoop')).toBe('golang.org/x/crypto/ssh');
    expect(packagePath('main.main.func1')).toBe('main');
    expect(packagePath('github.com/x/y.Map[...]')).toBe('github.com/x/y');
    expect(packagePath('myapp/vendor/github.com/Shopify/sarama.withRecover')).toBe('github.com/Shopify/sarama');
    expect(isStdlibFunc('vendor/golang.org/x/net/http2/hpack.(*Decoder).Write')).toBe(true);
    expect(isStdlibFunc('sync.(*Mutex).Lock')).toBe(true);
    expect(isUserFunc('main.leak')).toBe(true);
    expect(isUserFunc('github.com/x/y.F')).toBe(true);
    expect(isRuntimeFunc('runtime.gopark')).toBe(true);
    expect(isRuntimeFunc('runtime/pprof.writeGoroutine')).toBe(false);
  });

  it('tells methods from closures', () => {
    expect(isMethod('github.com/x/y.(*Pool).loop')).toBe(true);
    expect(isMethod('github.com/x/y.Pool.loop')).toBe(true);
    expect(isMethod('github.com/x/y.(*Pool).loop-fm')).toBe(true);
    expect(isMethod('github.com/x/y.(*Pool).loop.func1')).toBe(false);
    expect(isMethod('main.leak.func1')).toBe(false);
    expect(isMethod('main.Start.gowrap1')).toBe(false);
    expect(isMethod('main.leak')).toBe(false);
  });
});

describe('SourceIndex', () => {
  it('maps paths from another machine by the longest suffix, and refuses ties and bare base names', async () => {
    const root = tmp('dump-index-');
    for (const rel of ['main.go', 'pkg/a.go', 'internal/pkg/b.go', 'x/pkg/b.go', 'cmd/tool/client.go', 'node_modules/m/pkg/a.go']) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), 'package x\n');
    }
    const index = await SourceIndex.build(root);
    expect(index.map('/go/src/github.com/x/y/pkg/a.go')).toEqual({ kind: 'mapped', file: path.join(root, 'pkg/a.go'), relative: 'pkg/a.go' });
    expect(index.map('C:\\build\\y\\main.go')).toEqual({ kind: 'mapped', file: path.join(root, 'main.go'), relative: 'main.go' });
    expect(index.map('/go/src/github.com/x/y/internal/pkg/b.go')).toMatchObject({ relative: 'internal/pkg/b.go' });
    expect(index.map('/go/src/github.com/x/y/pkg/b.go')).toEqual({ kind: 'ambiguous', candidates: ['internal/pkg/b.go', 'x/pkg/b.go'] });
    // Same base name, different package: not the same file.
    expect(index.map('/root/go/pkg/mod/github.com/lib/http/client.go')).toEqual({ kind: 'missing' });
    expect(index.map(path.join(root, 'cmd/tool/client.go'))).toMatchObject({ relative: 'cmd/tool/client.go' });
  });
});

describe('stateFromSourceLine', () => {
  it('reads sends, receives and selects off the parked line', () => {
    expect(stateFromSourceLine('\t\tresult <- 42')).toBe('chan send');
    expect(stateFromSourceLine('\ts.out[i] <- v // deliver')).toBe('chan send');
    expect(stateFromSourceLine('\tv := <-input')).toBe('chan receive');
    expect(stateFromSourceLine('\treturn <-ch')).toBe('chan receive');
    expect(stateFromSourceLine('\tcase <-done:')).toBe('chan receive');
    expect(stateFromSourceLine('\tfor job := range jobs {')).toBe('chan receive');
    expect(stateFromSourceLine('\tselect {')).toBe('select');
    expect(stateFromSourceLine('\tselect {}')).toBe('select (no cases)');
    expect(stateFromSourceLine('\tlog.Print("a <- b")')).toBe(null);
    expect(stateFromSourceLine('\tout <- <-in')).toBe(null);
  });
});

describe('parseDump debug=2', () => {
  it('reads ids, wait reasons, minutes, locks, frames and creators', () => {
    const d = parseDump(DEBUG2, 'g.txt');
    expect(d.format).toBe('debug=2');
    expect(d.issues).toEqual([]);
    expect(d.goroutines.map((g) => g.id)).toEqual([1, 34, 35, 36, 50, 7, 60, 61, 70, 80, 90]);
    const signal = d.goroutines.find((g) => g.id === 7);
    expect(signal).toMatchObject({ state: 'syscall', waitMinutes: 95, lockedToThread: true });
    expect(signal?.createdBy).toEqual({
      func: 'os/signal.Notify.func1.1',
      file: '/usr/local/go/src/os/signal/signal.go',
      line: 151,
      goroutine: 1,
    });
    const mutex = d.goroutines.find((g) => g.id === 90);
    expect(mutex?.frames.map((f) => f.func)).toEqual([
      'sync.runtime_SemacquireMutex',
      'sync.(*Mutex).lockSlow',
      'sync.(*Mutex).Lock',
      'github.com/acme/shop/cache.(*Cache).Get',
    ]);
    expect(mutex?.elided).toBe(true);
    expect(mutex?.createdBy?.file).toBe('C:/build/shop/cache/warm.go');
    const generic = d.goroutines.find((g) => g.id === 70);
    expect(generic?.frames[0]).toEqual({ func: 'github.com/acme/shop/cmd.runForever[...]', file: '/go/src/github.com/acme/shop/cmd/forever.go', line: 9 });
    expect(d.goroutines.find((g) => g.id === 80)?.state).toBe('chan receive (nil chan)');
  });

  it('reads a panic traceback in the pre-1.21 form and skips the noise around it', () => {
    const d = parseDump(PANIC, 'panic.txt');
    expect(d.issues).toEqual([]);
    expect(d.panic).toBe('fatal error: all goroutines are asleep - deadlock!');
    expect(d.goroutines).toHaveLength(2);
    expect(d.goroutines[1]?.createdBy).toEqual({ func: 'main.main', file: '/tmp/x/main.go', line: 5, goroutine: null });
  });

  it('reports a dump cut inside a frame with its line number, and keeps what it read', () => {
    const cut = DEBUG2.slice(0, DEBUG2.indexOf('price.go:30'));
    const d = parseDump(cut, 'cut.txt');
    const lastLine = cut.split('\n').length;
    expect(d.issues).toEqual([
      {
        line: lastLine,
        message: 'truncated (input ends mid-line): file:line for frame "github.com/acme/shop/api.fetchPrice.func1": "/go/src/github.com/acme/shop/api/"',
      },
    ]);
    expect(d.goroutines).toHaveLength(5);
    expect(d.goroutines[4]).toMatchObject({ id: 50, truncated: true, frames: [] });

    const afterFunc = DEBUG2.slice(0, DEBUG2.indexOf('\t/go/src/github.com/acme/shop/api/price.go:30'));
    const d2 = parseDump(afterFunc, 'cut2.txt');
    expect(d2.issues.map((i) => [i.line, i.message])).toEqual([
      [afterFunc.trimEnd().split('\n').length, 'truncated: frame "github.com/acme/shop/api.fetchPrice.func1" has no file:line'],
    ]);
  });

  it('tells a line cut short by a fixed runtime.Stack buffer from a malformed one', () => {
    const d = parseDump('goroutine 5 [select]:\nmain.f()\n\t/a/b.go:3 +0x1\nnet/http.(*persistConn).rea', 'cut.txt');
    expect(d.issues).toEqual([{ line: 4, message: 'truncated (input ends mid-line): frame in goroutine 5: "net/http.(*persistConn).rea"' }]);
    expect(d.goroutines[0]?.frames).toHaveLength(1);
  });

  it('names the line of a malformed frame', () => {
    const d = parseDump('goroutine 5 [select]:\nthis is not a frame\nmain.f()\n\t/a/b.go:3 +0x1\n', 'bad.txt');
    expect(d.issues).toEqual([{ line: 2, message: 'malformed frame in goroutine 5: "this is not a frame"' }]);
    expect(d.goroutines[0]?.frames).toEqual([{ func: 'main.f', file: '/a/b.go', line: 3 }]);
  });
});

describe('parseDump debug=1', () => {
  it('reads counts, wrapped frames, labels and unsymbolized PCs', () => {
    const d = parseDump(DEBUG1, 'p.txt');
    expect(d.format).toBe('debug=1');
    expect(d.issues).toEqual([]);
    expect(d.total).toBe(31);
    expect(d.goroutines.map((g) => g.count)).toEqual([14, 14, 2, 1]);
    expect(d.goroutines[2]?.frames).toEqual([
      { func: '/vendor/github.com/Shopify/sarama.(*Broker).responseReceiver', file: '/vendor/github.com/Shopify/sarama/broker.go', line: 682 },
      { func: '/vendor/github.com/Shopify/sarama.withRecover', file: '/vendor/github.com/Shopify/sarama/utils.go', line: 45 },
    ]);
    expect(d.goroutines[3]?.frames.map((f) => f.func)).toEqual(['time.Sleep', 'main.runForever', '?']);
  });

  it('notices a truncated profile by its total and by a record without frames', () => {
    const cut = DEBUG1.slice(0, DEBUG1.indexOf('#\t0x8a25ae'));
    const d = parseDump(cut, 'cut.txt');
    expect(d.issues).toEqual([
      { line: 8, message: 'truncated: record of 2 goroutine(s) has no frames' },
      { line: 0, message: '"goroutine profile: total 31" but the records add up to 30 (dump truncated?)' },
    ]);
    expect(d.goroutines.map((g) => g.count)).toEqual([14, 14, 2]);
  });

  it('refuses text that is not a dump, and binary profiles', () => {
    expect(parseDump('hello\nworld\n', 'x').issues[0]?.message).toMatch(/^no goroutine found/);
    expect(parseDump('\u001f\u008b\u0008binary', 'x').issues[0]?.message).toMatch(/binary pprof profile/);
  });
});

describe('runDump on hand-written dumps', () => {
  let cwd: string;
  let src: string;
  beforeAll(() => {
    cwd = tmp('dump-cwd-');
    src = tmp('dump-src-');
    // The dump's paths come from a build machine (/go/src/github.com/acme/shop/...);
    // the checkout here has the same files at other absolute paths.
    const files: Record<string, number> = { 'worker/pool.go': 60, 'api/price.go': 40, 'cache/cache.go': 60, 'cmd/a/main.go': 50, 'cmd/b/main.go': 50 };
    for (const [rel, lines] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
      writeFileSync(path.join(src, rel), 'package x\n'.padEnd(lines * 2, '\n'));
    }
  });

  it('groups, ranks and classifies a debug=2 dump', async () => {
    const dump = path.join(cwd, 'g.txt');
    writeFileSync(dump, DEBUG2);
    const { code, json, stderr } = await runJson(['g.txt', '--source', src], cwd);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(json.groups.map(summary)).toEqual([
      '3 | chan receive | suspicious | recv-no-timeout | github.com/acme/shop/worker.(*Pool).loop:41 | github.com/acme/shop/worker.(*Pool).loop',
      '1 | syscall | normal | - | - | os/signal.loop',
      '1 | chan send | suspicious | chan-send-leak | github.com/acme/shop/api.fetchPrice.func1:30 | github.com/acme/shop/api.fetchPrice.func1',
      '1 | semacquire | unknown | - | github.com/acme/shop/cache.(*Cache).Get:55 | github.com/acme/shop/cache.(*Cache).Get',
      '1 | IO wait | normal | http-client-no-timeout | - | net/http.(*persistConn).readLoop',
      '1 | select | normal | http-client-no-timeout | - | net/http.(*persistConn).writeLoop',
      '1 | running | normal | - | main.main:20 | main.main',
      '1 | select (no cases) | normal | - | github.com/acme/shop/cmd.runForever[...]:9 | github.com/acme/shop/cmd.Start.gowrap1',
      '1 | chan receive (nil chan) | suspicious | chan-recv-leak | main.waitNil:44 | main.waitNil',
    ]);
    const [pool, , send] = json.groups;
    expect(pool).toMatchObject({ longestWaitMinutes: 12, goroutineIds: [34, 35, 36] });
    expect(pool?.source).toEqual({ file: path.join(src, 'worker/pool.go'), relative: 'worker/pool.go', line: 41, frameIndex: 0 });
    expect(send?.reason).toContain('its creator github.com/acme/shop/api.fetchPrice is on no goroutine');
    expect(json.groups[1]).toMatchObject({ lockedToThread: 1, reason: 'signal.Notify delivery loop' });
    expect(json.groups[4]?.reason).toMatch(/^idle keep-alive connection/);
    // Two main.go files under the source root, neither at its root: no guess.
    expect(json.groups[8]?.source).toBe(null);
  });

  it('prints a table with the wait reason, longest wait, first user frame and creation site', async () => {
    writeFileSync(path.join(cwd, 'g.txt'), DEBUG2);
    const { code, stdout } = await run(['g.txt', '--source', src], cwd);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('g.txt (debug=2, 11 goroutines): 9 groups, 3 suspicious');
    expect(lines[2]).toMatch(/^COUNT +WAIT +LONGEST +VERDICT +RULE +FIRST USER FRAME +CREATED BY$/);
    expect(lines[3]).toMatch(
      /^ {4}3 +chan receive +12m +suspicious +recv-no-timeout +github\.com\/acme\/shop\/worker\.\(\*Pool\)\.loop pool\.go:41 +github\.com\/acme\/shop\/worker\.NewPool pool\.go:22$/,
    );
    expect(lines[4]).toMatch(/^ {4}1 +syscall +1h35m +normal +- +- +os\/signal\.Notify\.func1\.1 signal\.go:151$/);
    expect(stdout).toContain(`     at ${path.relative(cwd, path.join(src, 'api/price.go'))}:30 (github.com/acme/shop/api.fetchPrice.func1)`);
    expect(stdout).toContain('Unclassified:\n  1. 1 goroutine in semacquire\n');
  });

  it('links groups to static findings on the exact line only', async () => {
    writeFileSync(path.join(cwd, 'g.txt'), DEBUG2);
    const asked: string[][] = [];
    const linkFindings = async (files: string[]): Promise<StaticFinding[]> => {
      asked.push(files);
      return [
        { ruleId: 'chan-send-leak', file: path.join(src, 'api/price.go'), line: 30, column: 3, message: 'goroutine blocks sending on ch' },
        // One line off: another operation, must not be linked.
        { ruleId: 'recv-no-timeout', file: path.join(src, 'worker/pool.go'), line: 40, column: 2, message: 'receive without timeout' },
        { ruleId: 'chan-recv-leak', file: path.join(src, 'cache/cache.go'), line: 55, column: 9, message: 'other rule' },
      ];
    };
    const { json } = await runJson(['g.txt', '--source', src], cwd, { linkFindings });
    expect(asked).toEqual([[path.join(src, 'api/price.go'), path.join(src, 'cache/cache.go'), path.join(src, 'worker/pool.go')]]);
    const byRule = (id: string | null, state: string): JsonGroup | undefined =>
      json.groups.find((g) => g.ruleId === id && g.state === state);
    expect(byRule('chan-send-leak', 'chan send')?.finding).toMatchObject({ ruleId: 'chan-send-leak', line: 30, sameRule: true });
    expect(byRule('recv-no-timeout', 'chan receive')?.finding).toBe(null);
    expect(byRule(null, 'semacquire')?.finding).toMatchObject({ ruleId: 'chan-recv-leak', sameRule: false });
    const text = await run(['g.txt', '--source', src], cwd, { linkFindings });
    expect(text.stdout).toContain(`static finding: chan-send-leak ${path.relative(cwd, path.join(src, 'api/price.go'))}:30:3 goroutine blocks sending on ch`);
  });

  it('emits valid SARIF with code flows for groups mapped to source', async () => {
    writeFileSync(path.join(cwd, 'g.txt'), DEBUG2);
    const { code, stdout } = await run(['--format', 'sarif', 'g.txt', '--source', src], cwd);
    expect(code).toBe(1);
    const check = validateSarif(stdout);
    expect(check.errors ?? []).toEqual([]);
    const log = JSON.parse(stdout) as import('sarif').Log;
    const runLog = log.runs[0];
    expect(runLog?.tool.driver.rules?.map((r) => r.id)).toEqual(['chan-recv-leak', 'chan-send-leak', 'recv-no-timeout']);
    // Descriptors come from the rules' meta, as in the linter's own SARIF.
    expect(runLog?.tool.driver.rules?.[1]?.shortDescription?.text).toMatch(/\S/);
    expect(runLog?.tool.driver.rules?.[1]?.helpUri).toMatch(/chan-send-leak/);
    expect(runLog?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`file://${src}/`);
    const results = runLog?.results ?? [];
    expect(results.map((r) => [r.ruleId, r.ruleIndex])).toEqual([
      ['recv-no-timeout', 2],
      ['chan-send-leak', 1],
      ['chan-recv-leak', 0],
    ]);
    const [pool, , nil] = results;
    expect(pool?.message.text).toMatch(/^3 goroutines blocked in chan receive \(longest 12m\): method github.com\/acme\/shop\/worker.\(\*Pool\).loop waits/);
    expect(pool?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'worker/pool.go', uriBaseId: '%SRCROOT%' }, region: { startLine: 41 } });
    const steps = pool?.codeFlows?.[0]?.threadFlows[0]?.locations ?? [];
    expect(steps.map((s) => s.location?.physicalLocation?.region?.startLine)).toEqual([41, 22]);
    expect(steps[1]?.location?.message?.text).toMatch(/^created by github.com\/acme\/shop\/worker.NewPool/);
    // Unmapped (ambiguous main.go): a logical location, no code flow.
    expect(nil?.locations).toEqual([{ logicalLocations: [{ fullyQualifiedName: 'main.waitNil', kind: 'function' }] }]);
    expect(nil?.codeFlows).toBeUndefined();
  });

  it('names http-default-client when callers came through http.Get, and flags their connection loops', async () => {
    writeFileSync(path.join(cwd, 'h.txt'), DEFAULT_CLIENT);
    const { code, json } = await runJson(['h.txt'], cwd);
    expect(code).toBe(1);
    expect(json.groups.map(summary)).toEqual([
      '1 | select | suspicious | http-default-client | github.com/acme/registry.(*Registry).Healthy:17 | net/http.(*conn).serve',
      '1 | IO wait | suspicious | http-default-client | - | net/http.(*persistConn).readLoop',
    ]);
    expect(json.groups[0]?.reason).toContain('through http.DefaultClient');
    expect(json.groups[1]?.reason).toContain('1 caller(s) are stuck in a round trip');
  });

  it('flags an HTTP handler or a test blocked in its own code, not only library goroutines', async () => {
    const dump = `goroutine 40 [chan receive, 30 minutes]:
github.com/acme/shop/api.(*Server).quote.func1(0xc000010000)
	/go/src/github.com/acme/shop/api/quote.go:77 +0x3a
net/http.HandlerFunc.ServeHTTP(0xc000012345?, {0x7a5e40?, 0xc0001c40e0?}, 0x0?)
	/usr/local/go/src/net/http/server.go:2166 +0x29
net/http.(*conn).serve(0xc0001b2000, {0x7a6a58, 0xc000190000})
	/usr/local/go/src/net/http/server.go:2009 +0x5f4
created by net/http.(*Server).Serve in goroutine 1
	/usr/local/go/src/net/http/server.go:3086 +0x5cb

goroutine 41 [IO wait]:
internal/poll.runtime_pollWait(0x7fe4c6613f38, 0x72)
	/usr/local/go/src/runtime/netpoll.go:345 +0x85
net/http.(*connReader).backgroundRead(0xc0001c4000)
	/usr/local/go/src/net/http/server.go:681 +0x37
created by net/http.(*connReader).startBackgroundRead in goroutine 40
	/usr/local/go/src/net/http/server.go:677 +0xba

goroutine 7 [chan send]:
github.com/acme/shop/api.TestQuote(0xc000007860)
	/go/src/github.com/acme/shop/api/quote_test.go:21 +0x65
testing.tRunner(0xc000007860, 0x6e1f48)
	/usr/local/go/src/testing/testing.go:1689 +0xfb
created by testing.(*T).Run in goroutine 1
	/usr/local/go/src/testing/testing.go:1742 +0x390
`;
    writeFileSync(path.join(cwd, 'handler.txt'), dump);
    const { json } = await runJson(['handler.txt'], cwd);
    expect(json.groups.map(summary)).toEqual([
      '1 | chan receive | suspicious | chan-recv-leak | github.com/acme/shop/api.(*Server).quote.func1:77 | net/http.(*conn).serve',
      '1 | IO wait | normal | - | - | net/http.(*connReader).backgroundRead',
      '1 | chan send | suspicious | chan-send-leak | github.com/acme/shop/api.TestQuote:21 | testing.tRunner',
    ]);
  });

  it('skips runtime frames printed by GOTRACEBACK=system', async () => {
    writeFileSync(path.join(cwd, 's.txt'), SYSTEM);
    const { code, json } = await runJson(['s.txt'], cwd);
    expect(code).toBe(1);
    expect(json.groups.map(summary)).toEqual([
      '1 | chan send | suspicious | chan-send-leak | main.worker.func1:12 | main.worker.func1',
      '1 | force gc (idle) | normal | - | - | runtime.forcegchelper',
    ]);
  });

  it('exits 0 when nothing is suspicious, and reads wrapped debug=1 profiles', async () => {
    writeFileSync(path.join(cwd, 'p.txt'), DEBUG1);
    const { code, json } = await runJson(['p.txt'], cwd);
    expect(code).toBe(0);
    expect(json.groups.map(summary)).toEqual([
      '14 | select | normal | http-client-no-timeout | - | net/http.(*persistConn).writeLoop',
      '14 |  | normal | http-client-no-timeout | - | net/http.(*persistConn).readLoop',
      '2 |  | unknown | - | /vendor/github.com/Shopify/sarama.(*Broker).responseReceiver:682 | /vendor/github.com/Shopify/sarama.withRecover',
      '1 | sleep | unknown | - | main.runForever:40 | ?',
    ]);
    expect(json.groups[2]?.reason).toContain('debug=1 hides the wait reason');
  });

  it('flags keep-alive loops that grow between two dumps', async () => {
    writeFileSync(path.join(cwd, 'before.txt'), DEBUG1);
    writeFileSync(
      path.join(cwd, 'after.txt'),
      DEBUG1.replace('total 31', 'total 83').replace(/^14 @/gm, '40 @'),
    );
    const { code, json } = await runJson(['before.txt', 'after.txt'], cwd);
    expect(code).toBe(1);
    expect(json.mode).toBe('growth');
    expect(json.matchedBy).toBe('group');
    expect(json.groups.map((g) => [startFunc(g), g.counts, g.delta, g.verdict, g.ruleId])).toEqual([
      ['net/http.(*persistConn).writeLoop', [14, 40], 26, 'suspicious', 'http-client-no-timeout'],
      ['net/http.(*persistConn).readLoop', [14, 40], 26, 'suspicious', 'http-client-no-timeout'],
      ['/vendor/github.com/Shopify/sarama.withRecover', [2, 2], 0, 'unknown', null],
      ['?', [1, 1], 0, 'unknown', null],
    ]);
    const text = await run(['before.txt', 'after.txt'], cwd);
    expect(text.stdout.split('\n')[0]).toBe('growth over 2 dumps: before.txt (debug=1, 31 goroutines) -> after.txt (debug=1, 83 goroutines)');
    expect(text.stdout).toMatch(/\n14->40 +\+26 +select\* +- +suspicious +http-client-no-timeout/);
  });

  it('merges dumps of several replicas into one snapshot with --merge', async () => {
    writeFileSync(path.join(cwd, 'a.txt'), DEBUG1);
    writeFileSync(path.join(cwd, 'b.txt'), DEBUG1);
    const { json } = await runJson(['--merge', 'a.txt', 'b.txt'], cwd);
    expect(json.mode).toBe('snapshot');
    expect(json.groups.map((g) => g.count)).toEqual([28, 28, 4, 2]);
    expect(json.inputs.map((i) => i.name)).toEqual(['a.txt', 'b.txt']);
  });

  it('reads a panic traceback from stdin', async () => {
    const stdin = new PassThrough();
    stdin.end(PANIC);
    const { code, json } = await runJson(['-'], cwd, { stdin });
    expect(code).toBe(1);
    expect(json.inputs[0]?.panic).toBe('fatal error: all goroutines are asleep - deadlock!');
    expect(json.groups.map(summary)).toEqual([
      '1 | chan receive | normal | - | main.main:9 | main.main',
      '1 | chan send | suspicious | chan-send-leak | main.main.func1:6 | main.main.func1',
    ]);
    expect(json.groups[1]?.reason).toContain('its creator main.main is still on a stack');
  });

  it('reports what it could read from a truncated dump, naming the line', async () => {
    const cut = DEBUG2.slice(0, DEBUG2.indexOf('\t/go/src/github.com/acme/shop/api/price.go:30'));
    writeFileSync(path.join(cwd, 'cut.txt'), cut);
    const { code, stdout, stderr } = await run(['cut.txt'], cwd);
    expect(stderr).toBe(`cut.txt:${cut.trimEnd().split('\n').length}: truncated: frame "github.com/acme/shop/api.fetchPrice.func1" has no file:line\n`);
    expect(code).toBe(1); // the three pool goroutines were read and are suspicious
    expect(stdout).toContain('(stack incomplete: the dump was cut inside this goroutine)');
  });

  it('treats --ignore prefixes as normal', async () => {
    writeFileSync(path.join(cwd, 'g.txt'), DEBUG2);
    const { json } = await runJson(['g.txt', '--ignore', 'github.com/acme/shop/worker.', '--ignore', 'main.'], cwd);
    expect(json.summary.suspicious).toBe(1);
    expect(json.groups[0]).toMatchObject({ verdict: 'normal', reason: 'ignored by --ignore github.com/acme/shop/worker.' });
  });

  it('exits 2 on usage errors and on input with no goroutine', async () => {
    writeFileSync(path.join(cwd, 'junk.txt'), 'not a dump\n');
    expect((await run([], cwd)).code).toBe(2);
    expect((await run(['--format', 'xml', 'g.txt'], cwd)).stderr).toContain('--format must be text, json or sarif');
    expect((await run(['--bogus', 'g.txt'], cwd)).code).toBe(2);
    expect(await run(['missing.txt'], cwd)).toMatchObject({ code: 2, stderr: 'golint-leaks dump: missing.txt: no such file\n' });
    const junk = await run(['junk.txt'], cwd);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain('junk.txt: no goroutine found');
    expect((await run(['g.txt', 'junk.txt'], cwd)).code).toBe(2);
    expect((await run(['--source', 'nowhere', 'g.txt'], cwd)).stderr).toContain('--source nowhere: not a directory');
  });

  it('prints help with examples', async () => {
    const { code, stdout } = await run(['--help'], cwd);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: golint-leaks dump');
    expect(stdout).toContain('two or more       growth');
    expect(stdout).toContain('golint-leaks dump before.txt after.txt');
  });
});

// The issue 16 item 6 shape: a metrics exporter's three flush loops wait
// between ticks in a select on a ticker and a stop channel (healthy), beside
// a watcher stuck for 42 minutes in a select on channels nobody writes
// (a leak), and a sweeper whose select has a two-hour time.After case.
const EXPORTER_SRC = `package metrics

import "time"

type Exporter struct {
	stop  chan struct{}
	every time.Duration
}

func (e *Exporter) flushLoop() {
	t := time.NewTicker(e.every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			e.flush()
		case <-e.stop:
			return
		}
	}
}

func (e *Exporter) flush() {}

func watch(events <-chan string, stop <-chan struct{}) {
	for {
		select {
		case ev := <-events:
			_ = ev
		case <-stop:
			return
		}
	}
}

func sweep(stop <-chan struct{}) {
	for {
		select {
		case <-time.After(2 * time.Hour):
		case <-stop:
			return
		}
	}
}
`;

function exporterDump(flushers: number): string {
  const out: string[] = [];
  for (let i = 0; i < flushers; i++) {
    out.push(`goroutine ${40 + i} [select]:
github.com/acme/metrics.(*Exporter).flushLoop(0xc000120000)
	/build/src/github.com/acme/metrics/exporter.go:14 +0x9d
created by github.com/acme/metrics.Start in goroutine 1
	/build/src/github.com/acme/metrics/start.go:12 +0x5a
`);
  }
  for (const id of [50, 51]) {
    out.push(`goroutine ${id} [select, 42 minutes]:
github.com/acme/metrics.watch(0xc000130000, 0xc000130060)
	/build/src/github.com/acme/metrics/exporter.go:27 +0x85
created by github.com/acme/metrics.Start in goroutine 1
	/build/src/github.com/acme/metrics/start.go:14 +0x7c
`);
  }
  out.push(`goroutine 60 [select, 75 minutes]:
github.com/acme/metrics.sweep(0xc000130060)
	/build/src/github.com/acme/metrics/exporter.go:38 +0x65
created by github.com/acme/metrics.Start in goroutine 1
	/build/src/github.com/acme/metrics/start.go:15 +0x9e
`);
  return out.join('\n');
}

describe('runDump on selects: a timer case wakes by itself', () => {
  let cwd: string;
  let src: string;
  beforeAll(() => {
    cwd = tmp('dump-select-cwd-');
    src = tmp('dump-select-src-');
    mkdirSync(path.join(src, 'metrics'));
    writeFileSync(path.join(src, 'metrics', 'exporter.go'), EXPORTER_SRC);
    writeFileSync(path.join(cwd, 'now.txt'), exporterDump(3));
    writeFileSync(path.join(cwd, 'later.txt'), exporterDump(5));
  });

  const row = (g: JsonGroup): string => [g.count, g.state, g.verdict, g.ruleId ?? '-', site(g)].join(' | ');

  it('reads the select off the source: ticker and time.After loops are normal, the stuck watcher is not', async () => {
    const { code, json } = await runJson(['now.txt', '--source', src], cwd);
    expect(code).toBe(1);
    expect(json.groups.map(row)).toEqual([
      '3 | select | normal | - | github.com/acme/metrics.(*Exporter).flushLoop:14',
      '2 | select | suspicious | chan-recv-leak | github.com/acme/metrics.watch:27',
      '1 | select | normal | - | github.com/acme/metrics.sweep:38',
    ]);
    const [flush, watcher, sweeper] = json.groups;
    expect(flush?.reason).toBe('github.com/acme/metrics.(*Exporter).flushLoop waits in a select whose case <-t.C (metrics/exporter.go:15) wakes by itself: not blocked forever');
    expect(flush?.source).toMatchObject({ relative: 'metrics/exporter.go', line: 14 });
    expect(watcher?.reason).toMatch(/waits in select for up to 42 minutes; .*; its cases \(metrics\/exporter\.go:27\) include no timer$/);
    // A two-hour timer can leave a healthy loop waiting for 75 minutes.
    expect(sweeper?.reason).toContain('case <-time.After(2 * time.Hour) (metrics/exporter.go:39) wakes by itself');
  });

  it('without the source: under a minute is unknown, a long wait stays suspicious', async () => {
    const { json } = await runJson(['now.txt'], cwd);
    expect(json.groups.map(row)).toEqual([
      '3 | select | unknown | recv-no-timeout | github.com/acme/metrics.(*Exporter).flushLoop:14',
      '2 | select | suspicious | chan-recv-leak | github.com/acme/metrics.watch:27',
      '1 | select | suspicious | chan-recv-leak | github.com/acme/metrics.sweep:38',
    ]);
    expect(json.groups[0]?.reason).toContain("for less than a minute; a dump does not show a select's cases");
    expect(json.groups[1]?.reason).toContain('only a timer longer than this wait could still wake it (--source reads them)');
  });

  it('in growth mode, more self-waking loops in every dump are suspicious', async () => {
    const { json } = await runJson(['now.txt', 'later.txt', '--source', src], cwd);
    const flush = json.groups.find((g) => startFunc(g) === 'github.com/acme/metrics.(*Exporter).flushLoop');
    expect(flush).toMatchObject({ counts: [3, 5], delta: 2, verdict: 'suspicious' });
    expect(flush?.reason).toMatch(/^grew by 2 between dumps: .* wakes by itself: not blocked forever, but these loops are started and never stopped/);
    // Unchanged counts stay as judged in one dump.
    expect(json.groups.find((g) => startFunc(g) === 'github.com/acme/metrics.sweep')).toMatchObject({ delta: 0, verdict: 'normal' });
  });
});

// ---------------------------------------------------------------------------
// Real dumps from test/dump-gen.

const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
const hasGo = goVersion.status === 0;

it('has go on PATH when CI=true', () => {
  // Locally the real-dump suite is skipped without Go; in CI that would
  // hide a broken setup, so it fails instead.
  if (process.env['CI'] === 'true') expect(hasGo, 'go is required in CI for test/dump-gen').toBe(true);
});

/** Runs the generator; resolves with the debug=1 and debug=2 dump paths. */
function generate(n: number, outDir: string, gopath: string): Promise<{ debug1: string; debug2: string }> {
  const debug1 = path.join(outDir, `n${n}-debug1.txt`);
  const debug2 = path.join(outDir, `n${n}-debug2.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['run', 'main.go', '-n', String(n), '-debug1', debug1, '-debug2', debug2], {
      cwd: genDir,
      env: { ...process.env, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '', GOPATH: `${gopath}:/usr/share/gocode` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ debug1, debug2 });
      else reject(new Error(`dump-gen -n ${n} exited ${code ?? 'by signal'}:\n${stderr}`));
    });
  });
}

/** Line numbers of the generator's statements, found by text so edits do not break the test. */
function lineOf(snippet: string): number {
  const lines = readFileSync(path.join(genDir, 'main.go'), 'utf8').split('\n');
  const matches = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  if (matches.length !== 1) throw new Error(`"${snippet}" occurs ${matches.length} times in dump-gen/main.go`);
  return matches[0] ?? 0;
}

(hasGo ? describe : describe.skip)(
  hasGo ? 'real dumps from test/dump-gen' : 'real dumps from test/dump-gen (skipped: go is not on PATH)',
  () => {
    let small: { debug1: string; debug2: string };
    let large: { debug1: string; debug2: string };
    let empty: string;
    beforeAll(async () => {
      const out = tmp('dump-gen-out-');
      const gopath = tmp('dump-gen-gopath-');
      empty = tmp('dump-empty-');
      // Sequential: the second run reuses the build cache of the first.
      small = await generate(3, out, gopath);
      large = await generate(5, out, gopath);
    });

    const send = (): number => lineOf('result <- 42');
    const recv = (): number => lineOf('v := <-input');
    const get = (): number => lineOf('client.Get(url)');
    const handshake = (): number => lineOf('ssh.NewClientConn(conn, addr, config)');
    // The healthy loops are parked on their `select {` line, the one above the timer case.
    const tickSelect = (): number => lineOf('case <-t.C:') - 1;
    const afterSelect = (): number => lineOf('case <-time.After(time.Hour):') - 1;

    /** What every debug=2 dump from the generator must contain, for N per shape. */
    function expectedDebug2(n: number): string[] {
      return [
        `${n} | chan send | suspicious | chan-send-leak | main.leakSend.func1:${send()} | main.leakSend.func1`,
        `${n} | chan receive | suspicious | chan-recv-leak | main.leakRecv.func1:${recv()} | main.leakRecv.func1`,
        `${n} | select | suspicious | http-client-no-timeout | main.leakHTTP.func1:${get()} | main.leakHTTP.func1`,
        `${n} | IO wait | suspicious | http-client-no-timeout | - | net/http.(*persistConn).readLoop`,
        `${n} | select | suspicious | http-client-no-timeout | - | net/http.(*persistConn).writeLoop`,
        `${n} | IO wait | suspicious | ssh-handshake-no-deadline | main.leakSSH.func1:${handshake()} | main.leakSSH.func1`,
        `1 | running | normal | - | main.writeProfile:${lineOf('pprof.Lookup("goroutine").WriteTo(f, debug)')} | main.main`,
        `3 | select | normal | - | main.tickLoop:${tickSelect()} | main.tickLoop`,
        `3 | select | normal | - | main.afterLoop:${afterSelect()} | main.afterLoop`,
      ].sort();
    }

    it('classifies every group of the debug=2 dump exactly', async () => {
      const { code, json, stderr } = await runJson([small.debug2, '--source', genDir], empty);
      expect(stderr).toBe('');
      expect(code).toBe(1);
      expect(json.groups.map(summary).sort()).toEqual(expectedDebug2(3));
      expect(json.summary).toEqual({ groups: 9, suspicious: 6, goroutines: 25 });
      for (const g of json.groups) {
        const userFrame = g.siteFrame ?? g.userFrame;
        if (userFrame === null) {
          expect(g.source).toBe(null);
          expect(g.createdBy?.func).toBe('net/http.(*Transport).dialConn');
        } else {
          expect(g.source).toMatchObject({ file: path.join(genDir, 'main.go'), relative: 'main.go', frameIndex: userFrame });
        }
      }
      const bySite = new Map(json.groups.map((g) => [site(g), g]));
      expect(bySite.get(`main.leakSend.func1:${send()}`)?.reason).toContain('its creator main.leakSend is on no goroutine');
      // The creation site is the `go` statement on the line before the send.
      expect(bySite.get(`main.leakSend.func1:${send()}`)?.createdBy).toMatchObject({ func: 'main.leakSend', line: send() - 1 });
      expect(bySite.get(`main.leakHTTP.func1:${get()}`)?.frames.map((f) => f.func)).toContain('net/http.(*persistConn).roundTrip');
      expect(bySite.get(`main.leakSSH.func1:${handshake()}`)?.frames.map((f) => f.func)).toContain('golang.org/x/crypto/ssh.readVersion');
    });

    it('classifies the debug=1 profile the same way, reading wait reasons off the source', async () => {
      const { json } = await runJson([small.debug1, '--source', genDir], empty);
      const rows = json.groups.map((g) => `${g.count} | ${g.state ?? '?'}/${g.stateSource} | ${g.verdict} | ${g.ruleId ?? '-'} | ${site(g)}`).sort();
      expect(rows).toEqual(
        [
          `3 | chan send/source | suspicious | chan-send-leak | main.leakSend.func1:${send()}`,
          `3 | chan receive/source | suspicious | chan-recv-leak | main.leakRecv.func1:${recv()}`,
          `3 | select/stack | suspicious | http-client-no-timeout | main.leakHTTP.func1:${get()}`,
          `3 | IO wait/stack | suspicious | http-client-no-timeout | -`,
          `3 | select/stack | suspicious | http-client-no-timeout | -`,
          `3 | IO wait/stack | suspicious | ssh-handshake-no-deadline | main.leakSSH.func1:${handshake()}`,
          `1 | running/stack | normal | - | main.writeProfile:${lineOf('pprof.Lookup("goroutine").WriteTo(f, debug)')}`,
          `3 | select/source | normal | - | main.tickLoop:${tickSelect()}`,
          `3 | select/source | normal | - | main.afterLoop:${afterSelect()}`,
        ].sort(),
      );
      expect(json.inputs[0]).toMatchObject({ format: 'debug=1', total: 25, issues: [] });
    });

    it('without the source, debug=1 channel groups stay unknown', async () => {
      const { json } = await runJson([small.debug1], empty);
      const chan = json.groups.filter((g) => site(g).startsWith('main.leakSend') || site(g).startsWith('main.leakRecv'));
      expect(chan.map((g) => [g.state, g.verdict])).toEqual([
        [null, 'unknown'],
        [null, 'unknown'],
      ]);
    });

    it('reads the cases of a select from the source: healthy ticker and time.After loops are not leaks', async () => {
      for (const dump of [small.debug2, small.debug1]) {
        const { json } = await runJson([dump, '--source', genDir], empty);
        const loops = json.groups.filter((g) => ['main.tickLoop', 'main.afterLoop'].includes(startFunc(g)));
        expect(loops.map((g) => [startFunc(g), g.state, g.verdict, g.ruleId, g.source?.line])).toEqual(
          expect.arrayContaining([
            ['main.tickLoop', 'select', 'normal', null, tickSelect()],
            ['main.afterLoop', 'select', 'normal', null, afterSelect()],
          ]),
        );
        expect(loops).toHaveLength(2);
        const tick = loops.find((g) => startFunc(g) === 'main.tickLoop');
        expect(tick?.reason).toBe(`main.tickLoop waits in a select whose case <-t.C (main.go:${tickSelect() + 1}) wakes by itself: not blocked forever`);
        expect(loops.find((g) => startFunc(g) === 'main.afterLoop')?.reason).toContain('case <-time.After(time.Hour)');
      }
    });

    it('without the source, a select parked for less than a minute is unknown, not a leak', async () => {
      // A dump does not show a select's cases; the loops have waited under a
      // minute (no wait time printed), which is what a ticker loop looks like.
      const { json } = await runJson([small.debug2], empty);
      const loops = json.groups.filter((g) => ['main.tickLoop', 'main.afterLoop'].includes(startFunc(g)));
      expect(loops.map((g) => [g.state, g.verdict])).toEqual([
        ['select', 'unknown'],
        ['select', 'unknown'],
      ]);
      expect(loops[0]?.reason).toMatch(/waits in select for less than a minute; a dump does not show a select's cases/);
      // The leaks keep their verdicts: the channel ones in debug=2 need no source.
      expect(json.groups.filter((g) => g.verdict === 'suspicious').map((g) => g.ruleId).sort()).toEqual([
        'chan-recv-leak',
        'chan-send-leak',
        'http-client-no-timeout',
        'http-client-no-timeout',
        'http-client-no-timeout',
        'ssh-handshake-no-deadline',
      ]);
    });

    it('maps frames from the default source directory (the working directory)', async () => {
      const repo = path.join(here, '..');
      const { json } = await runJson([small.debug2], repo);
      const mapped = json.groups.filter((g) => g.source !== null).map((g) => g.source?.relative);
      expect(new Set(mapped)).toEqual(new Set(['test/dump-gen/main.go']));
      expect(mapped).toHaveLength(7);
    });

    it('shows the growth between two runs with different N', async () => {
      const { code, json } = await runJson([small.debug2, large.debug2, '--source', genDir], empty);
      expect(code).toBe(1);
      expect(json.matchedBy).toBe('group');
      const rows = json.groups.map((g) => `${g.counts?.join('->')} ${g.delta} ${g.verdict} ${g.ruleId ?? '-'} ${startFunc(g)}`);
      expect(rows.slice(0, 6).sort()).toEqual(
        [
          '3->5 2 suspicious chan-send-leak main.leakSend.func1',
          '3->5 2 suspicious chan-recv-leak main.leakRecv.func1',
          '3->5 2 suspicious http-client-no-timeout main.leakHTTP.func1',
          '3->5 2 suspicious http-client-no-timeout net/http.(*persistConn).readLoop',
          '3->5 2 suspicious http-client-no-timeout net/http.(*persistConn).writeLoop',
          '3->5 2 suspicious ssh-handshake-no-deadline main.leakSSH.func1',
        ].sort(),
      );
      // The healthy loops run a fixed number in both: no growth, still normal.
      expect(rows.slice(6).sort()).toEqual(['1->1 0 normal - main.main', '3->3 0 normal - main.afterLoop', '3->3 0 normal - main.tickLoop']);

      // debug=1 before, debug=2 after: matched by stack alone.
      const mixed = await runJson([small.debug1, large.debug2, '--source', genDir], empty);
      expect(mixed.json.matchedBy).toBe('stack');
      const grown = mixed.json.groups.filter((g) => g.delta === 2).map((g) => startFunc(g)).sort();
      expect(grown).toEqual([
        'main.leakHTTP.func1',
        'main.leakRecv.func1',
        'main.leakSSH.func1',
        'main.leakSend.func1',
        'net/http.(*persistConn).readLoop',
        'net/http.(*persistConn).writeLoop',
      ]);
    });

    it('fetches a dump from a pprof URL on loopback', async () => {
      const body = readFileSync(small.debug2);
      const server = http.createServer((req, res) => {
        if (req.url === '/debug/pprof/goroutine?debug=2') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(body);
        } else {
          res.writeHead(404);
          res.end('not found');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const url = `http://127.0.0.1:${port}/debug/pprof/goroutine?debug=2`;
        const { code, json } = await runJson([url, '--source', genDir], empty);
        expect(code).toBe(1);
        expect(json.inputs[0]?.name).toBe(url);
        expect(json.groups.map(summary).sort()).toEqual(expectedDebug2(3));
        const missing = await run([`http://127.0.0.1:${port}/nope`], empty);
        expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('HTTP 404') as unknown as string });
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('emits SARIF that validates, with a code flow down to the go statement', async () => {
      const { stdout } = await run(['--format', 'sarif', small.debug2, '--source', genDir], empty);
      expect(validateSarif(stdout).errors ?? []).toEqual([]);
      const log = JSON.parse(stdout) as import('sarif').Log;
      const results = log.runs[0]?.results ?? [];
      expect(results.map((r) => r.ruleId).sort()).toEqual([
        'chan-recv-leak',
        'chan-send-leak',
        'http-client-no-timeout',
        'http-client-no-timeout',
        'http-client-no-timeout',
        'ssh-handshake-no-deadline',
      ]);
      // URIs are relative to the repository holding --source, as the linter's own SARIF.
      expect(log.runs[0]?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`file://${path.join(here, '..')}/`);
      const sendResult = results.find((r) => r.ruleId === 'chan-send-leak');
      expect(sendResult?.locations?.[0]?.physicalLocation?.artifactLocation).toEqual({ uri: 'test/dump-gen/main.go', uriBaseId: '%SRCROOT%' });
      expect(sendResult?.message.text).toMatch(/^3 goroutines blocked in chan send: /);
      const steps = sendResult?.codeFlows?.[0]?.threadFlows[0]?.locations ?? [];
      expect(steps.map((s) => s.location?.physicalLocation?.region?.startLine)).toEqual([send(), send() - 1]);
      const sshResult = results.find((r) => r.ruleId === 'ssh-handshake-no-deadline');
      const sshSteps = sshResult?.codeFlows?.[0]?.threadFlows[0]?.locations ?? [];
      // Innermost first: io.ReadFull ... ssh.NewClientConn, main.leakSSH.func1, created by main.leakSSH.
      expect(sshSteps.map((s) => s.location?.logicalLocations?.[0]?.fullyQualifiedName).slice(-4)).toEqual([
        'golang.org/x/crypto/ssh.(*connection).clientHandshake',
        'golang.org/x/crypto/ssh.NewClientConn',
        'main.leakSSH.func1',
        'main.leakSSH',
      ]);
      expect(sshSteps.find((s) => s.importance === 'essential')?.location?.physicalLocation?.region?.startLine).toBe(handshake());
    });
  },
);
