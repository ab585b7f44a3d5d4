/**
 * # ssh-handshake-no-deadline
 *
 * `golang.org/x/crypto/ssh` bounds only the TCP connect with
 * `ClientConfig.Timeout`. A peer that accepts the connection and never
 * answers blocks `ssh.Dial`'s handshake forever, and with it the calling
 * goroutine. `ssh.Dial` is always reported; `ssh.NewClientConn(conn, ...)`
 * and `ssh.NewServerConn(conn, ...)` are reported unless a deadline is set
 * on that conn on every path before the call (directly, or in a package-local
 * helper that always sets it), or a concurrent closer (a `go` literal, a
 * `time.AfterFunc` or `context.AfterFunc` callback) closes the conn.
 *
 * The package is resolved by import path: another package named `ssh` is not
 * this one.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { callArgs, parentSkippingParens, unparen } from '../src/semantics/syntax.js';
import { alwaysCallsOnParam, concurrentClosers, methodCallsOn, unguardedPath } from '../src/semantics/flow.js';
import { literalRole } from '../src/semantics/channels.js';
import type { Binding } from '../src/semantics/scopes.js';
import type { PackageSemantics } from '../src/semantics/package.js';

const SSH = 'golang.org/x/crypto/ssh';
const HANDSHAKES = new Set(['NewClientConn', 'NewServerConn']);
const DEADLINES = new Set(['SetDeadline', 'SetReadDeadline']);

export default defineRule({
  meta: {
    id: 'ssh-handshake-no-deadline',
    short: 'SSH handshake without a deadline can block forever',
    full: 'ssh.Dial bounds only the TCP connect with ClientConfig.Timeout; the SSH handshake that follows has no deadline. A peer that accepts and never answers blocks the calling goroutine forever. NewClientConn and NewServerConn on a conn without a deadline do the same.',
    severity: 'error',
    precision: 'high',
    tags: ['goroutine-leak', 'ssh', 'reliability'],
    fixable: false,
    messages: {
      dial: 'ssh.Dial bounds only the TCP connect with ClientConfig.Timeout; the handshake can block forever on a peer that never answers: dial with net.DialTimeout, set conn.SetDeadline, then call ssh.NewClientConn',
      conn: 'ssh.{fn} on {conn} has no deadline: a peer that accepts and never answers blocks the handshake forever; call {conn}.SetDeadline before it and clear it after',
    },
    docs: {
      whatItFinds: 'Every `ssh.Dial` of `golang.org/x/crypto/ssh` (any alias), and `ssh.NewClientConn` / `ssh.NewServerConn` on a conn with no `SetDeadline` or `SetReadDeadline` on every path before the call and no timer or goroutine that closes it meanwhile.',
      whyItLeaks: 'The handshake starts by reading the peer\'s version line. `ClientConfig.Timeout` is passed only to `net.DialTimeout`, so a half-dead host, a tarpit or a stalled proxy keeps the goroutine in `readVersion` forever. Under a scheduler or a fleet tool these pile up by the thousand.',
      example: [
        'func run(host string, cfg *ssh.ClientConfig) (*ssh.Client, error) {',
        '\tcfg.Timeout = 3 * time.Second // bounds only the TCP connect',
        '\treturn ssh.Dial("tcp", host, cfg)',
        '}',
      ].join('\n'),
      fix: [
        'func run(host string, cfg *ssh.ClientConfig) (*ssh.Client, error) {',
        '\tconn, err := net.DialTimeout("tcp", host, 3*time.Second)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tif err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {',
        '\t\tconn.Close()',
        '\t\treturn nil, err',
        '\t}',
        '\tc, chans, reqs, err := ssh.NewClientConn(conn, host, cfg)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tif err := conn.SetDeadline(time.Time{}); err != nil {',
        '\t\tconn.Close()',
        '\t\treturn nil, err',
        '\t}',
        '\treturn ssh.NewClient(c, chans, reqs), nil',
        '}',
      ].join('\n'),
      options: '`deadlineFuncs`: fully qualified functions of other packages that set a deadline on the conn they are given (`"example.com/netutil.SetHandshakeDeadline"`).',
      incident: 'An SSH task service set `ClientConfig.Timeout: 3s` and still leaked goroutines blocked for months in `readVersion`: the peers accepted TCP and never spoke.',
    },
    options: { deadlineFuncs: [] },
  },
  create(ctx) {
    const { pkg } = ctx;
    // A file that does not import the package cannot name it (dot imports included).
    if (!ctx.file.imports.paths.has(SSH)) return {};
    const external = new Set((ctx.options['deadlineFuncs'] as string[] | undefined) ?? []);
    return {
      call_expression(call) {
        const fnExpr = call.childForFieldName('function');
        const q = fnExpr ? pkg.qualifiedName(fnExpr, SSH) : null;
        if (!q || q.path !== SSH) return;
        if (q.name === 'Dial') {
          ctx.report({ node: call, messageId: 'dial' });
          return;
        }
        if (!HANDSHAKES.has(q.name)) return;
        const connArg = callArgs(call)[0];
        if (!connArg || unparen(connArg).type !== 'identifier') return;
        const conn = pkg.resolve(unparen(connArg));
        if (!conn || !conn.fn) return;
        if (!handshakeUnbounded(pkg, conn, call, external)) return;
        ctx.report({ node: call, messageId: 'conn', data: { fn: q.name, conn: conn.name } });
      },
    };
  },
});

/**
 * Whether the handshake at `call` can start with no deadline on `conn`. A
 * conn that is a parameter is judged at its callers in this package; with
 * none visible (an exported helper), we cannot know and stay silent.
 */
function handshakeUnbounded(pkg: PackageSemantics, conn: Binding, call: Node, external: Set<string>, depth = 0): boolean {
  if (concurrentClosers(pkg, conn, conn.fn!).length) return false;
  const { sets, clears } = deadlineCalls(pkg, conn, external);
  // Unbounded when some path reaches the handshake with no deadline set, or
  // passes a clear (`SetDeadline(time.Time{})`) after the last set.
  const unset = unguardedPath(pkg, conn.fn!, null, call, sets);
  const cleared = clears.some((c) => unguardedPath(pkg, conn.fn!, c, call, sets));
  if (!unset && !cleared) return false;
  if (cleared || conn.kind !== 'param') return true;
  // A parameter: judged at each caller in the package, before it passes the
  // conn in. With no caller in sight, nothing bounds this handshake.
  const decl = conn.fn!;
  if (depth > 3) return false;
  const idx = (decl.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((p) => p.type === 'parameter_declaration')
    .flatMap((p) => p.namedChildren.filter((c) => c.type === 'identifier'))
    .findIndex((id) => id.startIndex === conn.ident.startIndex);
  if (decl.type === 'func_literal') {
    // `go func(conn net.Conn) { ... }(conn)` in an accept loop: the argument at the call is the conn.
    const role = literalRole(decl);
    const site = role.kind === 'go' ? role.stmt.namedChildren.find((c) => c.type === 'call_expression') : role.kind === 'called' || role.kind === 'defer' ? (role.kind === 'called' ? role.call : role.stmt.namedChildren.find((c) => c.type === 'call_expression')) : null;
    const arg = site ? callArgs(site)[idx] : undefined;
    const b = arg && unparen(arg).type === 'identifier' ? pkg.resolve(unparen(arg)) : null;
    return !!b?.fn && !!site && handshakeUnbounded(pkg, b, site, external, depth + 1);
  }
  let callers = 0;
  for (const { node: site } of pkg.allNodesOfType('call_expression')) {
    const callee = pkg.calleeDecl(site);
    if (!callee || callee.startIndex !== decl.startIndex || pkg.fileOf(callee) !== pkg.fileOf(decl)) continue;
    callers++;
    const arg = callArgs(site)[idx];
    const b = arg && unparen(arg).type === 'identifier' ? pkg.resolve(unparen(arg)) : null;
    if (!b?.fn || handshakeUnbounded(pkg, b, site, external, depth + 1)) return true;
  }
  return callers === 0;
}

/**
 * Statements that set a deadline on `conn` (its own SetDeadline or
 * SetReadDeadline, or a helper, local or configured, that always does), and
 * those that clear it again with the zero time.
 */
function deadlineCalls(pkg: PackageSemantics, conn: Binding, external: Set<string>): { sets: Node[]; clears: Node[] } {
  const sets: Node[] = [];
  const clears: Node[] = [];
  for (const call of methodCallsOn(conn, DEADLINES)) (isZeroTime(pkg, callArgs(call)[0]) ? clears : sets).push(call);
  for (const ref of conn.refs) {
    const { parent, child } = parentSkippingParens(ref);
    if (parent?.type !== 'argument_list') continue;
    const site = parent.parent!;
    const i = parent.namedChildren.findIndex((a) => a.startIndex === child.startIndex);
    const callee = pkg.calleeDecl(site);
    if (callee && alwaysCallsOnParam(pkg, callee, i, DEADLINES)) { sets.push(site); continue; }
    const q = pkg.qualifiedName(site.childForFieldName('function') ?? site);
    if (q && external.has(`${q.path}.${q.name}`)) sets.push(site);
  }
  return { sets, clears };
}

/** `time.Time{}`: the zero time, which removes a deadline. */
function isZeroTime(pkg: PackageSemantics, arg: Node | undefined): boolean {
  const e = arg ? unparen(arg) : null;
  if (!e || e.type !== 'composite_literal') return false;
  const q = pkg.qualifiedName(e.childForFieldName('type') ?? e);
  return !!q && q.path === 'time' && q.name === 'Time' && (e.childForFieldName('body')?.namedChildCount ?? 0) === 0;
}
