/**
 * # http-default-client
 *
 * `http.Get`, `http.Head`, `http.Post`, `http.PostForm` and requests through
 * `http.DefaultClient` use a client with no timeout. Lower severity than
 * http-client-no-timeout: it is the standard library's default, and short
 * programs and tests use it on purpose.
 *
 * Resolved through imports (aliases included). Silent for requests to an
 * `httptest` server (its URL) and for `http.DefaultClient.Do(req)` when `req`
 * was built with `http.NewRequestWithContext` from a context with a deadline
 * (`context.WithTimeout` / `WithDeadline`): that request is bounded.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { callArgs, selectorParts, unparen } from '../src/semantics/syntax.js';
import type { PackageSemantics } from '../src/semantics/package.js';
import { requestHasDeadline } from '../src/semantics/flow.js';

const NET_HTTP = 'net/http';
const HELPERS = new Set(['Get', 'Head', 'Post', 'PostForm']);
const CLIENT_METHODS = new Set(['Do', 'Get', 'Head', 'Post', 'PostForm']);

export default defineRule({
  meta: {
    id: 'http-default-client',
    short: 'request through http.DefaultClient, which has no timeout',
    full: 'http.Get, http.Head, http.Post, http.PostForm and http.DefaultClient send requests through a client with no Timeout; a stalled server holds the caller and the connection goroutines indefinitely.',
    severity: 'note',
    precision: 'high',
    tags: ['goroutine-leak', 'http', 'reliability'],
    fixable: false,
    messages: {
      helper: 'http.{name} uses http.DefaultClient, which has no Timeout: a stalled server holds this call and its connection goroutines; use a client with a Timeout',
      method: 'http.DefaultClient.{name} uses http.DefaultClient, which has no Timeout: a stalled server holds this call and its connection goroutines; use a client with a Timeout',
    },
    docs: {
      whatItFinds: 'Calls of `http.Get`, `http.Head`, `http.Post`, `http.PostForm`, and of `Do`, `Get`, `Head`, `Post`, `PostForm` on `http.DefaultClient` (directly or through a local variable holding it).',
      whyItLeaks: '`http.DefaultClient` has no `Timeout`. A server that accepts and never answers keeps the calling goroutine in `roundTrip` and the connection\'s read and write loops alive for as long as it stalls.',
      example: [
        'func fetch(url string) ([]byte, error) {',
        '\tresp, err := http.Get(url)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\treturn io.ReadAll(resp.Body)',
        '}',
      ].join('\n'),
      fix: [
        'var client = &http.Client{Timeout: 10 * time.Second}',
        '',
        'func fetch(url string) ([]byte, error) {',
        '\tresp, err := client.Get(url)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\treturn io.ReadAll(resp.Body)',
        '}',
      ].join('\n'),
      options: 'None. Requests built with `http.NewRequestWithContext` from a context with a deadline are not reported; tests against `httptest` servers are not reported.',
      incident: 'The same service-registry incident as http-client-no-timeout: any client without a timeout, the default one included.',
    },
  },
  create(ctx) {
    const { pkg } = ctx;
    // A file that does not import the package cannot name it (dot imports included).
    if (!ctx.file.imports.paths.has(NET_HTTP)) return {};
    return {
      call_expression(call) {
        if (pkg.isCallTo(call, NET_HTTP, HELPERS)) {
          if (targetsTestServer(pkg, call)) return;
          const name = selectorParts(call.childForFieldName('function')!)?.field ?? 'Get';
          ctx.report({ node: call, messageId: 'helper', data: { name } });
          return;
        }
        const sel = selectorParts(call.childForFieldName('function') ?? call);
        if (!sel || !CLIENT_METHODS.has(sel.field) || !isDefaultClient(pkg, sel.operand)) return;
        if (targetsTestServer(pkg, call) || (sel.field === 'Do' && requestHasDeadline(pkg, callArgs(call)[0]))) return;
        ctx.report({ node: call, messageId: 'method', data: { name: sel.field } });
      },
    };
  },
});

/** `http.DefaultClient`, or a local variable initialised with it and never reassigned. */
function isDefaultClient(pkg: PackageSemantics, e: Node): boolean {
  const q = pkg.qualifiedName(e);
  if (q) return q.path === NET_HTTP && q.name === 'DefaultClient';
  if (unparen(e).type !== 'identifier') return false;
  const b = pkg.resolve(unparen(e));
  if (!b || !b.fn || !b.value || b.assigns.length) return false;
  const v = pkg.qualifiedName(b.value);
  return !!v && v.path === NET_HTTP && v.name === 'DefaultClient';
}

/** A URL argument taken from an `httptest` server (`ts.URL`, `ts.URL + "/x"`). */
function targetsTestServer(pkg: PackageSemantics, call: Node): boolean {
  for (const arg of callArgs(call)) {
    const sels = [arg, ...arg.descendantsOfType('selector_expression')];
    for (const s of sels) {
      const parts = selectorParts(s);
      if (!parts || parts.field !== 'URL' || parts.operand.type !== 'identifier') continue;
      const b = pkg.resolve(parts.operand);
      if (!b) continue;
      const v = b.value ? unparen(b.value) : null;
      if (v?.type === 'call_expression' && pkg.isCallTo(v, 'net/http/httptest', new Set(['NewServer', 'NewTLSServer', 'NewUnstartedServer']))) return true;
      let t = b.type;
      if (t?.type === 'pointer_type') t = t.namedChild(0);
      const q = t ? pkg.qualifiedName(t) : null;
      if (q && q.path === 'net/http/httptest' && q.name === 'Server') return true;
    }
  }
  return false;
}
