/**
 * # http-client-no-timeout
 *
 * An `http.Client` from `net/http` built with no `Timeout` (or `Timeout: 0`):
 * `&http.Client{...}`, `http.Client{...}`, `new(http.Client)`,
 * `var c http.Client`. Every request through it waits as long as the server
 * does, and so do the connection's read and write loop goroutines.
 *
 * The client's package is resolved through the file's imports (aliases
 * included, other packages named `http` excluded). A client bound to a local
 * variable is silent when `c.Timeout = d` is assigned on every path from its
 * creation to each use, by the function's control-flow graph.
 *
 * Not reported in `_test.go` files unless the rule's `tests` option is set.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { callArgs, enclosingStatement, parentSkippingParens, unparen } from '../src/semantics/syntax.js';
import { fieldAssignmentsOn, isBoundedDo, unguardedPath } from '../src/semantics/flow.js';
import { NET_HTTP, isZeroDuration, timeoutAssignedTo } from '../src/semantics/http.js';
import type { PackageSemantics } from '../src/semantics/package.js';

export default defineRule({
  meta: {
    id: 'http-client-no-timeout',
    short: 'http.Client without a Timeout',
    full: 'An http.Client from net/http is created without a Timeout (or with Timeout 0). Requests through it wait as long as a slow or stalled server does, and each connection keeps its read and write loop goroutines alive meanwhile.',
    severity: 'warning',
    precision: 'high',
    tags: ['goroutine-leak', 'http', 'reliability'],
    fixable: false,
    messages: {
      noTimeout: "http.Client has no Timeout: its connections' read and write loop goroutines wait as long as the server does",
      zeroTimeout: "http.Client has no Timeout (Timeout is 0): its connections' read and write loop goroutines wait as long as the server does",
    },
    docs: {
      whatItFinds: 'Composite literals `http.Client{...}` / `&http.Client{...}` without a `Timeout` field or with `Timeout: 0`, `new(http.Client)` and `var c http.Client`, unless the function assigns `c.Timeout` on every path before the client is used.',
      whyItLeaks: 'Without a timeout a request waits for the server forever. Each pooled connection runs `persistConn.readLoop` and `writeLoop` goroutines; against a server that accepts and stalls, these and the callers stuck in `roundTrip` accumulate (the service-registry incident).',
      example: [
        'func newRegistry(base string) *registry {',
        '\treturn &registry{base: base, client: &http.Client{}}',
        '}',
      ].join('\n'),
      fix: [
        'func newRegistry(base string) *registry {',
        '\treturn &registry{base: base, client: &http.Client{Timeout: 10 * time.Second}}',
        '}',
      ].join('\n'),
      options: '`tests` (default `false`): report in `_test.go` files too. Tests mostly build clients for `httptest` servers on loopback, where a missing timeout hangs nothing real, and their findings bury the production ones; the channel rules keep reporting in tests, where a leak hangs CI. (`--tests=false` or the top-level `tests: false` leaves test files out for every rule; this option only decides whether this rule reports in the files that are read.)\n\nA local client used only for `c.Do(req)` where every request carries a context with a deadline set in the same function (`context.WithTimeout` + `http.NewRequestWithContext` or `req.WithContext`) is not reported: each request is bounded. Streaming or watch clients that must not have an overall timeout (they bound each request with a context instead) are suppressed with `//nolint:http-client-no-timeout // streaming: bounded by ctx`.',
      incident: 'A migration service health-checked a schema registry with `&http.Client{}`; each check leaked `persistConn` read and write loops until the service held over 100,000 goroutines.',
    },
    options: { tests: false },
  },
  create(ctx) {
    const { pkg } = ctx;
    // A file that does not import the package cannot name it (dot imports included).
    if (!ctx.file.imports.paths.has(NET_HTTP)) return {};
    if (ctx.file.isTest && ctx.options['tests'] !== true) return {};
    const report = (node: Node, zero: boolean) => ctx.report({ node, messageId: zero ? 'zeroTimeout' : 'noTimeout' });
    return {
      composite_literal(lit) {
        if (!isHttpClientType(pkg, lit.childForFieldName('type'))) return;
        const body = lit.childForFieldName('body');
        const elements = body?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
        if (elements.some((e) => e.type !== 'keyed_element')) return; // positional fields: not worth guessing
        const timeout = elements.find((e) => e.childForFieldName('key')?.text === 'Timeout');
        const value = timeout?.childForFieldName('value');
        if (timeout && value && !isZeroDuration(pkg, value.namedChild(0) ?? value)) return;
        if (!timeout && setLater(pkg, lit)) return;
        report(lit, !!timeout);
      },
      call_expression(call) {
        if (!pkg.isBuiltinCall(call, 'new')) return;
        const arg = callArgs(call)[0];
        if (!arg || !isHttpClientType(pkg, arg)) return;
        if (!setLater(pkg, call)) report(call, false);
      },
      var_spec(spec) {
        if (spec.childForFieldName('value') || !isHttpClientType(pkg, spec.childForFieldName('type'))) return;
        const names = spec.childrenForFieldName('name');
        for (const n of names) {
          const b = pkg.resolve(n);
          if (!b) continue;
          if (b.fn ? !clientUsedBeforeTimeout(pkg, b, spec) : timeoutAssignedTo(pkg, b)) continue;
          report(spec, false);
          return;
        }
      },
    };
  },
});

function isHttpClientType(pkg: PackageSemantics, t: Node | null | undefined): boolean {
  if (!t) return false;
  const q = pkg.qualifiedName(unparen(t));
  return !!q && q.path === NET_HTTP && q.name === 'Client';
}

/**
 * For a client bound to a local variable (`c := &http.Client{}`), whether its
 * Timeout is assigned on every path before any use; other destinations (a
 * field, an argument, a return) use it at once.
 */
function setLater(pkg: PackageSemantics, created: Node): boolean {
  let expr = created;
  let { parent, child } = parentSkippingParens(expr);
  if (parent?.type === 'unary_expression' && parent.child(0)?.type === '&') {
    expr = parent;
    ({ parent, child } = parentSkippingParens(expr));
  } else if (parent?.type === 'argument_list' && parent.namedChildCount === 1 && parent.parent && pkg.isBuiltinCall(parent.parent, 'new')) {
    // Go 1.26's `new(http.Client{...})` is `&http.Client{...}`: the same
    // variable, whose Timeout may be set on the next line.
    expr = parent.parent;
    ({ parent, child } = parentSkippingParens(expr));
  }
  if (parent?.type !== 'expression_list') return false;
  const stmt = parent.parent;
  const idx = parent.namedChildren.findIndex((c) => c.startIndex === child.startIndex);
  let target: Node | undefined;
  if ((stmt?.type === 'short_var_declaration' || stmt?.type === 'assignment_statement') && stmt.childForFieldName('right')?.startIndex === parent.startIndex) {
    target = stmt.childForFieldName('left')?.namedChildren[idx];
  } else if (stmt?.type === 'var_spec') {
    target = stmt.childrenForFieldName('name')[idx];
  }
  if (!target || target.type !== 'identifier' || !stmt) return false;
  const b = pkg.resolve(target);
  if (!b || !b.fn) return false;
  return !clientUsedBeforeTimeout(pkg, b, stmt);
}

/** Whether some use of the client is reachable from its creation without passing a non-zero Timeout assignment. */
function clientUsedBeforeTimeout(pkg: PackageSemantics, b: NonNullable<ReturnType<PackageSemantics['resolve']>>, created: Node): boolean {
  const sets = fieldAssignmentsOn(b, 'Timeout').filter((s) => s.value && !isZeroDuration(pkg, s.value)).map((s) => s.stmt);
  const setStarts = new Set(sets.map((s) => s.startIndex));
  const uses = b.refs.filter((r) => !sets.some((s) => r.startIndex >= s.startIndex && r.endIndex <= s.endIndex));
  if (uses.length === 0) return false;
  // Used only for `c.Do(req)` with requests bounded by a deadline set here: each call is bounded.
  if (uses.every((u) => isBoundedDo(pkg, u))) return false;
  for (const use of uses) {
    const useStmt = enclosingStatement(use);
    if (setStarts.has(useStmt.startIndex)) continue;
    if (unguardedPath(pkg, b.fn!, created.type === 'var_spec' ? created.parent ?? created : created, use, sets)) return true;
  }
  return false;
}
