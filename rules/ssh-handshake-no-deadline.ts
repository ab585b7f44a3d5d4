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
 * `time.AfterFunc` or `context.AfterFunc` callback) closes the conn. The conn
 * may be a local, a parameter or a field (`c.conn`); src/semantics/conns.ts
 * follows it through copies and says what bounds it.
 *
 * The package is resolved by import path: another package named `ssh` is not
 * this one.
 */
import { defineRule } from '../src/engine/rule.js';
import { callArgs } from '../src/semantics/syntax.js';
import { connNameOf, connNameText, missingDeadline } from '../src/semantics/conns.js';

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
      whatItFinds: 'Every `ssh.Dial` of `golang.org/x/crypto/ssh` (any alias), and `ssh.NewClientConn` / `ssh.NewServerConn` on a conn with no `SetDeadline` or `SetReadDeadline` on every path before the call and no timer or goroutine that closes it meanwhile. The conn may be held in a local, a parameter (judged at its callers in the package) or a field such as `c.conn`, followed through copies (`conn := c.conn`, `c.conn = conn`); assigning another conn to it, or clearing the deadline with `time.Time{}`, before the handshake undoes an earlier deadline. A field that the handshake\'s function does not assign is trusted when another function of the package sets a deadline on it (where it is dialed).',
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
        // A local, a parameter or a field of one (`c.conn`); a call or a
        // package-level conn is not followed.
        const conn = connArg ? connNameOf(pkg, connArg) : null;
        if (!conn || !missingDeadline(pkg, conn, call, { methods: DEADLINES, external })) return;
        ctx.report({ node: call, messageId: 'conn', data: { fn: q.name, conn: connNameText(conn) } });
      },
    };
  },
});
