// Classifying goroutine groups: is this a leak, and which static rule of
// golint-leaks would have reported it in the source?
//
// Like the classifier list of incident 003, each classifier looks at one
// group and either answers or passes; the first answer wins, and the last
// classifier always answers `unknown`. Order matters: specific library
// shapes (HTTP, SSH) come before the generic channel shapes, because their
// goroutines also sit in `select` or `chan receive`, but inside library
// code where the fix is a timeout, not a channel.

import type { Classification, CreatedBy, DumpFormat, Frame } from './types.js';
import { isMethod, isModelledLibraryFunc, isRuntimeFunc, isUserFunc, localName, packagePath } from './symbols.js';

/** What a classifier sees of a group. */
export interface GroupShape {
  frames: Frame[];
  state: string | null;
  createdBy: CreatedBy | null;
  count: number;
  longestWaitMinutes: number | null;
  /** Id of one goroutine of the group (debug=2), to recognise goroutine 1. */
  firstId: number | null;
  /**
   * The cases of the select the top frame is parked in, read from the
   * source (--source); null when the dump is all there is. A dump never
   * shows them.
   */
  select?: { selfWaking: string | null; line: number; file: string } | null;
}

/** Facts about the whole dump that single groups need. */
export interface DumpContext {
  format: DumpFormat | null;
  /** Every function on any goroutine's stack: is a creator still running? */
  funcsOnStacks: ReadonlySet<string>;
  /** Goroutines waiting inside an HTTP client round trip. */
  roundTripCallers: number;
  /** Of those, the ones that came through http.Get/Head/Post/PostForm (http.DefaultClient). */
  defaultClientCallers: number;
  /** Goroutines stuck in an SSH handshake. */
  sshHandshakes: number;
  /** `--ignore` prefixes: groups with a frame starting with one are normal. */
  ignore: readonly string[];
}

/** Which classifier answered; growth mode re-judges some shapes. */
export type ShapeKind =
  | 'ignored'
  | 'dump-writer'
  | 'http-caller'
  | 'http-conn-loop'
  | 'ssh-handshake'
  | 'ssh-conn-loop'
  | 'background'
  | 'not-blocked'
  | 'main'
  | 'block-forever'
  | 'self-waking-select'
  | 'chan-send'
  | 'chan-receive'
  | 'unmatched';

export interface ShapeClassification extends Classification {
  kind: ShapeKind;
}

type Classifier = (g: GroupShape, ctx: DumpContext) => ShapeClassification | null;

// HTTP client frames that mean "a request is in flight": the caller waits
// for a response (persistConn.roundTrip) or for a connection
// (Transport.roundTrip -> getConn). Without Client.Timeout or a context
// deadline nothing ends either wait when the server stays silent.
const HTTP_ROUND_TRIP = new Set([
  'net/http.(*persistConn).roundTrip',
  'net/http.(*Transport).roundTrip',
  'net/http.(*Client).do',
  'net/http.(*http2ClientConn).RoundTrip',
  'net/http.(*http2ClientConn).roundTrip',
  'golang.org/x/net/http2.(*ClientConn).RoundTrip',
  'golang.org/x/net/http2.(*ClientConn).roundTrip',
]);
// Frames of the client API that the user's code calls; the user frame just
// outside the outermost of these is where the client was used.
const HTTP_CLIENT_API = /^net\/http\.(?:\(\*Client\)\.|Get$|Head$|Post$|PostForm$|send$)/;
// The package-level helpers send through http.DefaultClient. They stay in
// tracebacks even when inlined, so a stack naming one tells that the static
// rule for the call is http-default-client (reported at the call), not
// http-client-no-timeout (reported where a client is built). A request
// through `http.DefaultClient.Do` leaves no such trace and is judged as
// any other client.
const HTTP_DEFAULT_HELPERS = /^net\/http\.(?:Get|Head|Post|PostForm)$/;
// Start functions of the goroutines a Transport runs per connection.
const HTTP_CONN_LOOPS = new Set([
  'net/http.(*persistConn).readLoop',
  'net/http.(*persistConn).writeLoop',
  'net/http.(*http2ClientConn).readLoop',
  'golang.org/x/net/http2.(*ClientConn).readLoop',
]);
// Functions of golang.org/x/crypto/ssh that run only during a handshake.
const SSH_HANDSHAKE = new Set([
  'Dial',
  'NewClientConn',
  'NewServerConn',
  '(*connection).clientHandshake',
  '(*connection).serverHandshake',
  'exchangeVersions',
  'readVersion',
  '(*handshakeTransport).waitSession',
]);
// Wait reasons in which a handshake is stuck on the peer: reading the
// version line (IO wait) or waiting for the key exchange (chan receive).
const SSH_WAITS = new Set(['IO wait', 'chan receive', 'select']);

/**
 * Goroutines every healthy Go process may have, matched by any frame while
 * the goroutine is parked in library code. Each entry says why it is
 * expected.
 */
const BACKGROUND: ReadonlyArray<readonly [RegExp, string]> = [
  [/^os\/signal\.(?:loop|signal_recv)$/, 'signal.Notify delivery loop'],
  [/^net\/http\.\(\*conn\)\.serve$/, 'HTTP server connection (one per open client connection)'],
  [/^net\/http\.\(\*connReader\)\.backgroundRead$/, 'HTTP server connection reader'],
  [/^net\/http\.\(\*http2serverConn\)\.(?:serve|readFrames)$/, 'HTTP/2 server connection'],
  [/^net\/http\.\(\*Server\)\.Serve$/, 'HTTP server accept loop'],
  [/^testing\.(?:tRunner|runTests|\(\*M\)\.Run|\(\*T\)\.Run|\(\*F\)\.Fuzz)$/, 'test runner goroutine'],
  [/^database\/sql\.\(\*DB\)\.connection(?:Opener|Cleaner|Resetter)$/, 'database/sql pool maintenance'],
  [/^runtime\.(?:runfinq|forcegchelper|bgsweep|bgscavenge|gcBgMarkWorker|runCleanups)$/, 'runtime background goroutine'],
];

/** Frames that mean "this goroutine is producing the dump you are reading". */
const DUMP_WRITER = /^(?:runtime\/pprof\.(?:writeGoroutine|writeGoroutineStacks|runtime_goroutineProfileWithLabels)|net\/http\/pprof\.)/;

function topNonRuntime(g: GroupShape): number | null {
  const i = g.frames.findIndex((f) => !isRuntimeFunc(f.func));
  return i < 0 ? null : i;
}

/** The goroutine's start function (outermost frame). */
function outermost(g: GroupShape): Frame | undefined {
  return g.frames[g.frames.length - 1];
}

/** First user frame at or after `from` that is not inside a modelled library. */
function userFrameFrom(g: GroupShape, from: number): number | null {
  for (let i = Math.max(0, from); i < g.frames.length; i++) {
    const f = g.frames[i];
    if (f && isUserFunc(f.func) && !isModelledLibraryFunc(f.func)) return i;
  }
  return null;
}

function describe(f: Frame | undefined): string {
  return f ? f.func : '?';
}

function waited(g: GroupShape): string {
  return g.longestWaitMinutes === null ? '' : ` for up to ${g.longestWaitMinutes} minute${g.longestWaitMinutes === 1 ? '' : 's'}`;
}

const ignored: Classifier = (g, ctx) => {
  for (const prefix of ctx.ignore) {
    if (g.frames.some((f) => f.func.startsWith(prefix))) {
      return { kind: 'ignored', verdict: 'normal', ruleId: null, reason: `ignored by --ignore ${prefix}`, siteIndex: null };
    }
  }
  return null;
};

const dumpWriter: Classifier = (g) =>
  g.frames.some((f) => DUMP_WRITER.test(f.func))
    ? { kind: 'dump-writer', verdict: 'normal', ruleId: null, reason: 'the goroutine writing this dump', siteIndex: null }
    : null;

const httpCaller: Classifier = (g) => {
  if (!g.frames.some((f) => HTTP_ROUND_TRIP.has(f.func))) return null;
  if (g.state === 'running' || g.state === 'runnable') return null;
  let api = -1;
  g.frames.forEach((f, i) => {
    if (HTTP_CLIENT_API.test(f.func) || HTTP_ROUND_TRIP.has(f.func)) api = i;
  });
  const viaDefault = g.frames.some((f) => HTTP_DEFAULT_HELPERS.test(f.func));
  return {
    kind: 'http-caller',
    verdict: 'suspicious',
    ruleId: viaDefault ? 'http-default-client' : 'http-client-no-timeout',
    reason:
      `waiting inside an HTTP round trip${waited(g)}${viaDefault ? ' through http.DefaultClient' : ''}; ` +
      'with no Client.Timeout and no request context deadline nothing ends the wait while the server stays silent',
    siteIndex: userFrameFrom(g, api + 1),
  };
};

const httpConnLoop: Classifier = (g, ctx) => {
  const start = outermost(g);
  if (!start || !HTTP_CONN_LOOPS.has(start.func)) return null;
  // A loop does not know its client; when every stuck caller came through
  // the default client, so did these connections.
  const ruleId =
    ctx.roundTripCallers > 0 && ctx.defaultClientCallers === ctx.roundTripCallers
      ? 'http-default-client'
      : 'http-client-no-timeout';
  if (ctx.roundTripCallers > 0) {
    return {
      kind: 'http-conn-loop',
      verdict: 'suspicious',
      ruleId,
      reason:
        `connection loop of the HTTP transport while ${ctx.roundTripCallers} caller(s) are stuck in a round trip ` +
        'in this dump: these connections wait for responses that do not come (idle pooled ones look the same)',
      siteIndex: null,
    };
  }
  return {
    kind: 'http-conn-loop',
    verdict: 'normal',
    ruleId: 'http-client-no-timeout',
    reason:
      'idle keep-alive connection (normal; only growth between dumps or callers stuck in roundTrip point at a missing timeout)',
    siteIndex: null,
  };
};

const sshHandshake: Classifier = (g) => {
  const inHandshake = g.frames.some(
    (f) => packagePath(f.func) === 'golang.org/x/crypto/ssh' && SSH_HANDSHAKE.has(localName(f.func)),
  );
  // A null state (debug=1 without a recognisable top frame) still counts:
  // handshake functions are only on a stack while the handshake runs.
  if (!inHandshake || (g.state !== null && !SSH_WAITS.has(g.state))) return null;
  let last = -1;
  g.frames.forEach((f, i) => {
    if (isModelledLibraryFunc(f.func)) last = i;
  });
  return {
    kind: 'ssh-handshake',
    verdict: 'suspicious',
    ruleId: 'ssh-handshake-no-deadline',
    reason:
      `stuck in the SSH handshake (${g.state ?? 'blocked'})${waited(g)}; ClientConfig.Timeout only bounds the TCP dial, ` +
      'a deadline on the net.Conn around NewClientConn bounds the handshake',
    siteIndex: userFrameFrom(g, last + 1),
  };
};

const sshConnLoop: Classifier = (g, ctx) => {
  const start = outermost(g);
  if (!start || packagePath(start.func) !== 'golang.org/x/crypto/ssh') return null;
  if (g.frames.some((f) => isUserFunc(f.func) && !isModelledLibraryFunc(f.func))) return null;
  if (ctx.sshHandshakes > 0 && g.frames.some((f) => localName(f.func).startsWith('(*handshakeTransport).'))) {
    return {
      kind: 'ssh-conn-loop',
      verdict: 'suspicious',
      ruleId: 'ssh-handshake-no-deadline',
      reason: `SSH transport goroutine while ${ctx.sshHandshakes} handshake(s) are stuck in this dump (established connections look the same)`,
      siteIndex: null,
    };
  }
  return {
    kind: 'ssh-conn-loop',
    verdict: 'normal',
    ruleId: null,
    reason: 'SSH connection background goroutine (normal while the connection is open)',
    siteIndex: null,
  };
};

const background: Classifier = (g) => {
  // An HTTP handler or a test blocked in its own code has
  // net/http.(*conn).serve or testing.tRunner below it, and is exactly what
  // the channel rules are about: only goroutines parked in library code are
  // background.
  const top = topNonRuntime(g);
  const parkedIn = top === null ? undefined : g.frames[top];
  if (parkedIn && isUserFunc(parkedIn.func)) return null;
  for (const [pattern, why] of BACKGROUND) {
    if (g.frames.some((f) => pattern.test(f.func))) {
      return { kind: 'background', verdict: 'normal', ruleId: null, reason: why, siteIndex: null };
    }
  }
  if (g.frames.length > 0 && g.frames.every((f) => isRuntimeFunc(f.func))) {
    return { kind: 'background', verdict: 'normal', ruleId: null, reason: 'runtime background goroutine', siteIndex: null };
  }
  return null;
};

const notBlocked: Classifier = (g) =>
  g.state === 'running' || g.state === 'runnable'
    ? { kind: 'not-blocked', verdict: 'normal', ruleId: null, reason: `not blocked (${g.state})`, siteIndex: null }
    : null;

// The main goroutine cannot leak: when it returns, the process exits.
// debug=2 hides runtime.main, so recognise it by id 1 or by main.main
// being the start function of a goroutine nobody created.
const mainGoroutine: Classifier = (g) => {
  const start = outermost(g);
  const isMain =
    start !== undefined &&
    (start.func === 'runtime.main' || (g.createdBy === null && (start.func === 'main.main' || g.firstId === 1)));
  return isMain
    ? { kind: 'main', verdict: 'normal', ruleId: null, reason: 'main goroutine (the process ends with it)', siteIndex: null }
    : null;
};

const blockForever: Classifier = (g) =>
  g.state === 'select (no cases)'
    ? { kind: 'block-forever', verdict: 'normal', ruleId: null, reason: 'select {} blocks forever by design', siteIndex: null }
    : null;

// A select with a timer, ticker or time.After case wakes by itself: the
// goroutine is waiting, not blocked forever (a ticker loop between ticks).
// The dump does not show the cases; they are read from the source. A loop
// that never ends still leaks, which only growth between dumps shows.
const selfWakingSelect: Classifier = (g) => {
  if (g.state !== 'select' || !g.select?.selfWaking) return null;
  const top = topNonRuntime(g);
  const f = top === null ? undefined : g.frames[top];
  if (!f || !isUserFunc(f.func)) return null;
  return {
    kind: 'self-waking-select',
    verdict: 'normal',
    ruleId: null,
    reason: `${f.func} waits in a select whose ${g.select.selfWaking} (${g.select.file}:${g.select.line}) wakes by itself: not blocked forever`,
    siteIndex: top,
  };
};

/** What the source, or its absence, tells about a long-parked select in user code. */
function selectCasesNote(g: GroupShape): string {
  if (g.select) return `; its cases (${g.select.file}:${g.select.line}) include no timer`;
  return "; a dump does not show a select's cases, but only a timer longer than this wait could still wake it (--source reads them)";
}

/** What the creation site tells about a blocked channel operation. */
function creatorNote(g: GroupShape, ctx: DumpContext, peer: string): string {
  const creator = g.createdBy;
  if (creator === null) {
    return ctx.format === 'debug=1' ? 'debug=1 does not say which function started it' : 'no creation site in the dump';
  }
  if (!ctx.funcsOnStacks.has(creator.func)) {
    return `its creator ${creator.func} is on no goroutine's stack, so the call that started it has returned and nobody is left to ${peer}`;
  }
  return `its creator ${creator.func} is still on a stack, so it may yet ${peer}; a long wait makes this a leak`;
}

const chanSend: Classifier = (g, ctx) => {
  if (g.state === null || !g.state.startsWith('chan send')) return null;
  const top = topNonRuntime(g);
  const f = top === null ? undefined : g.frames[top];
  if (!f || !isUserFunc(f.func) || isModelledLibraryFunc(f.func)) return null;
  const nil = g.state.includes('nil chan');
  return {
    kind: 'chan-send',
    verdict: 'suspicious',
    ruleId: 'chan-send-leak',
    reason: nil
      ? `${f.func} sends on a nil channel, which blocks forever`
      : `${f.func} is blocked sending on a channel${waited(g)}; ${creatorNote(g, ctx, 'receive')}`,
    siteIndex: top,
  };
};

// `select` is judged with receives: a select that blocks is almost always
// waiting for a value or a close (`case <-done`), and a dump cannot tell
// its send cases from its receive cases.
const chanReceive: Classifier = (g, ctx) => {
  if (g.state === null || !(g.state.startsWith('chan receive') || g.state === 'select')) return null;
  const top = topNonRuntime(g);
  const f = top === null ? undefined : g.frames[top];
  if (!f || !isUserFunc(f.func) || isModelledLibraryFunc(f.func)) return null;
  if (g.state.includes('nil chan')) {
    return {
      kind: 'chan-receive',
      verdict: 'suspicious',
      ruleId: 'chan-recv-leak',
      reason: `${f.func} receives from a nil channel, which blocks forever`,
      siteIndex: top,
    };
  }
  // A select whose cases we could not read, parked for less than a minute
  // (or in a debug=1 profile, which shows no wait time): a healthy ticker
  // loop looks exactly like this, so it is not called a leak. A goroutine
  // woken by a tick starts its wait again and never shows minutes; one
  // blocked forever shows them once a GC has seen it parked (the runtime
  // forces one every two minutes), so an old leak stays suspicious.
  const unreadSelect = g.state === 'select' && !g.select && g.longestWaitMinutes === null;
  const candidate = isMethod(f.func) ? 'recv-no-timeout' : 'chan-recv-leak';
  if (unreadSelect) {
    return {
      kind: 'chan-receive',
      verdict: 'unknown',
      ruleId: candidate,
      reason:
        `${f.func} waits in select${ctx.format === 'debug=1' ? ' (debug=1 shows no wait time)' : ' for less than a minute'}; ` +
        "a dump does not show a select's cases, and one with a timer, ticker or time.After case wakes by itself: " +
        'pass --source with the code to read them, or compare a later dump (a leak keeps waiting, and grows)',
      siteIndex: top,
    };
  }
  const note = g.state === 'select' ? selectCasesNote(g) : '';
  // A method body is the long-lived, per-object goroutine of the design
  // notes: it waits on a channel of its receiver (shared state), and the
  // fix is a timeout or a stop channel -> recv-no-timeout. A function or
  // closure waits on a channel its creator made and walked away from ->
  // chan-recv-leak. The two rules never share an operation.
  if (isMethod(f.func)) {
    return {
      kind: 'chan-receive',
      verdict: 'suspicious',
      ruleId: 'recv-no-timeout',
      reason:
        `method ${f.func} waits in ${g.state}${waited(g)} with no timeout or stop case: a per-object loop ` +
        `waiting on a shared channel that may never be written or closed${note}`,
      siteIndex: top,
    };
  }
  return {
    kind: 'chan-receive',
    verdict: 'suspicious',
    ruleId: 'chan-recv-leak',
    reason: `${f.func} waits in ${g.state}${waited(g)}; ${creatorNote(g, ctx, 'send or close')}${note}`,
    siteIndex: top,
  };
};

const unmatched: Classifier = (g) => {
  const user = userFrameFrom(g, 0);
  const state = g.state ?? 'unknown wait reason';
  if (user === null) {
    return {
      kind: 'unmatched',
      verdict: 'unknown',
      ruleId: null,
      reason: `standard library goroutine (${describe(outermost(g))}) in ${state}, not in the known background list`,
      siteIndex: null,
    };
  }
  const hint = g.state === null ? '; debug=1 hides the wait reason: use a debug=2 dump, or --source to read it from the code' : '';
  return {
    kind: 'unmatched',
    verdict: 'unknown',
    ruleId: null,
    reason: `${state} in ${describe(g.frames[user])}${waited(g)}: no rule describes this shape${hint}`,
    siteIndex: user,
  };
};

const CLASSIFIERS: readonly Classifier[] = [
  ignored,
  dumpWriter,
  httpCaller,
  httpConnLoop,
  sshHandshake,
  sshConnLoop,
  background,
  notBlocked,
  mainGoroutine,
  blockForever,
  selfWakingSelect,
  chanSend,
  chanReceive,
  unmatched,
];

export function classify(g: GroupShape, ctx: DumpContext): ShapeClassification {
  for (const classifier of CLASSIFIERS) {
    const c = classifier(g, ctx);
    if (c) return c;
  }
  throw new Error('unreachable: the last classifier always answers');
}

/** Whether a goroutine waits inside an HTTP client round trip (for DumpContext). */
export function isRoundTripCaller(frames: readonly Frame[], state: string | null): boolean {
  return state !== 'running' && state !== 'runnable' && frames.some((f) => HTTP_ROUND_TRIP.has(f.func));
}

/** Whether a round-trip caller came through http.Get and friends (for DumpContext). */
export function isDefaultClientCaller(frames: readonly Frame[]): boolean {
  return frames.some((f) => HTTP_DEFAULT_HELPERS.test(f.func));
}

/** Whether a goroutine is stuck in an SSH handshake (for DumpContext). */
export function isSshHandshake(frames: readonly Frame[], state: string | null): boolean {
  return (
    (state === null || SSH_WAITS.has(state)) &&
    frames.some((f) => packagePath(f.func) === 'golang.org/x/crypto/ssh' && SSH_HANDSHAKE.has(localName(f.func)))
  );
}
