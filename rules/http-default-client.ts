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
 *
 * `http.DefaultClient` kept for later (a struct field, a composite literal,
 * a package variable, a local fallback `c = http.DefaultClient`) is reported
 * once, where it is stored: the requests through it (`v.httpCli.Do(req)`) are
 * in code that cannot tell which client it holds. Handing it to a call or
 * returning it is not a store we can see (see meta.docs.options).
 *
 * Not reported in `_test.go` files unless the rule's `tests` option is set.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { callArgs, contains, enclosingFunction, enclosingStatement, isAssignmentTarget, selectorParts, unparen } from '../src/semantics/syntax.js';
import type { PackageSemantics } from '../src/semantics/package.js';
import type { Binding } from '../src/semantics/scopes.js';
import { calledMethod, fieldAssignmentsOn, isBoundedDo, overwrittenBeforeUse, requestHasDeadline, unguardedPath } from '../src/semantics/flow.js';
import {
  NET_HTTP, defaultClientLocal, defaultClientTimeoutSet, destinationOf, holdsDefaultClient, isDefaultClientExpr,
  timeoutAssignedTo, timeoutAssignedToField, type Destination,
} from '../src/semantics/http.js';

const HELPERS = new Set(['Get', 'Head', 'Post', 'PostForm']);
const CLIENT_METHODS = new Set(['Do', 'Get', 'Head', 'Post', 'PostForm']);

export default defineRule({
  meta: {
    id: 'http-default-client',
    short: 'request through http.DefaultClient, which has no timeout',
    full: 'http.Get, http.Head, http.Post, http.PostForm and http.DefaultClient send requests through a client with no Timeout; a stalled server holds the caller and the connection goroutines indefinitely. http.DefaultClient stored in a field, a literal or a variable for later requests is reported where it is stored.',
    severity: 'note',
    precision: 'high',
    tags: ['goroutine-leak', 'http', 'reliability'],
    fixable: false,
    messages: {
      helper: 'http.{name} uses http.DefaultClient, which has no Timeout: a stalled server holds this call and its connection goroutines; use a client with a Timeout',
      method: 'http.DefaultClient.{name} uses http.DefaultClient, which has no Timeout: a stalled server holds this call and its connection goroutines; use a client with a Timeout',
      stored: 'http.DefaultClient is kept in {where} for later requests and has no Timeout: a stalled server holds each of them and its connection goroutines; use a client with a Timeout',
    },
    docs: {
      whatItFinds: 'Calls of `http.Get`, `http.Head`, `http.Post`, `http.PostForm`, and of `Do`, `Get`, `Head`, `Post`, `PostForm` on `http.DefaultClient` (directly or through a local variable holding it). And `http.DefaultClient` kept for later requests, reported once where it is stored: in a struct field (`&verifier{httpCli: http.DefaultClient}`, `v.httpCli = http.DefaultClient`), another composite literal, a map entry, a package-level variable, or a local variable it is assigned to as a fallback (`if c == nil { c = http.DefaultClient }`).',
      whyItLeaks: '`http.DefaultClient` has no `Timeout`. A server that accepts and never answers keeps the calling goroutine in `roundTrip` and the connection\'s read and write loops alive for as long as it stalls. A client kept in a field is used far from where it was chosen (`v.httpCli.Do(req)`), where nothing says it is the default one.',
      example: [
        'type verifier struct {',
        '\thttpCli *http.Client',
        '\tbaseURL string',
        '}',
        '',
        'func newVerifier(baseURL string) *verifier {',
        '\treturn &verifier{httpCli: http.DefaultClient, baseURL: baseURL}',
        '}',
        '',
        'func (v *verifier) verify(receipt string) (int, error) {',
        '\tresp, err := v.httpCli.Post(v.baseURL+"/verifyReceipt", "application/json", strings.NewReader(receipt))',
        '\tif err != nil {',
        '\t\treturn 0, err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\treturn resp.StatusCode, nil',
        '}',
      ].join('\n'),
      fix: [
        'type verifier struct {',
        '\thttpCli *http.Client',
        '\tbaseURL string',
        '}',
        '',
        'func newVerifier(baseURL string) *verifier {',
        '\treturn &verifier{httpCli: &http.Client{Timeout: 10 * time.Second}, baseURL: baseURL}',
        '}',
        '',
        'func (v *verifier) verify(receipt string) (int, error) {',
        '\tresp, err := v.httpCli.Post(v.baseURL+"/verifyReceipt", "application/json", strings.NewReader(receipt))',
        '\tif err != nil {',
        '\t\treturn 0, err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\treturn resp.StatusCode, nil',
        '}',
      ].join('\n'),
      options: '`tests` (default `false`): report in `_test.go` files too. Tests mostly call `httptest` servers on loopback, where a missing timeout hangs nothing real, and their findings bury the production ones; the channel rules keep reporting in tests, where a leak hangs CI. (`--tests=false` or the top-level `tests: false` leaves test files out for every rule; this option only decides whether this rule reports in the files that are read.)\n\nNot reported: requests built with `http.NewRequestWithContext` from a context with a deadline made in the same function; requests to `httptest` servers; a stored `http.DefaultClient` when the package sets a non-zero `Timeout` on it (`http.DefaultClient.Timeout = d`, or `x.httpCli.Timeout = d` for the field it is stored in, or `c.Timeout = d` for the variable; anywhere in the package, in any order), or when the field or variable is overwritten on every path before it is used (and, for a field, before the function returns); a copy (`c := *http.DefaultClient; c.Timeout = d`); comparisons (`c == http.DefaultClient`) and reads of its fields (`http.DefaultClient.Transport`). Passing `http.DefaultClient` to a call (`do(http.DefaultClient, req)`, `ctxhttp.Do(ctx, http.DefaultClient, req)`) or returning it (`return http.DefaultClient`, or `c = http.DefaultClient` in a local that is only returned or passed on: a getter\'s fallback) is not reported: what the callee or caller does with it, and with which context, is not visible here.',
      incident: 'The same service-registry incident as http-client-no-timeout: any client without a timeout, the default one included. The stored form comes from an in-app-purchase verification library whose client struct kept `http.DefaultClient` in a field: a receipt check against a stalled store endpoint hung its caller until the library was fixed to set a Timeout.',
    },
    options: { tests: false },
  },
  create(ctx) {
    const { pkg } = ctx;
    // A file that does not import the package cannot name it (dot imports included).
    if (!ctx.file.imports.paths.has(NET_HTTP)) return {};
    if (ctx.file.isTest && ctx.options['tests'] !== true) return {};
    const candidates = new Set(pkg.selectorsNamed('DefaultClient').filter((n) => pkg.fileOf(n) === ctx.file).map((n) => n.startIndex));
    const reportStore = (node: Node, where: string) => ctx.report({ node, messageId: 'stored', data: { where } });
    return {
      call_expression(call) {
        if (pkg.isCallTo(call, NET_HTTP, HELPERS)) {
          if (targetsTestServer(pkg, call)) return;
          const name = selectorParts(call.childForFieldName('function')!)?.field ?? 'Get';
          ctx.report({ node: call, messageId: 'helper', data: { name } });
          return;
        }
        const sel = selectorParts(call.childForFieldName('function') ?? call);
        if (!sel || !CLIENT_METHODS.has(sel.field) || !holdsDefaultClient(pkg, sel.operand)) return;
        if (targetsTestServer(pkg, call) || (sel.field === 'Do' && requestHasDeadline(pkg, callArgs(call)[0]))) return;
        ctx.report({ node: call, messageId: 'method', data: { name: sel.field } });
      },
      selector_expression(sel) {
        if (!candidates.has(sel.startIndex) || !isDefaultClientExpr(pkg, sel)) return;
        const dest = destinationOf(pkg, sel);
        if (dest.kind === 'variable' && dest.binding.fn && dest.declared && dest.binding.assigns.length === 0) {
          // `c := http.DefaultClient`: calls on c are reported as calls; a store of c is reported where c is stored.
          const local = defaultClientLocal(pkg, dest.binding.ident);
          for (const ref of local?.refs ?? []) {
            const d = destinationOf(pkg, ref);
            if (d.kind === 'variable' && d.binding.fn) continue; // another local: TODO follow copies (fixture: stored_via_two_locals.go)
            const where = keptFor(pkg, d);
            if (where) reportStore(ref, where);
          }
          return;
        }
        const where = keptFor(pkg, dest);
        if (where) reportStore(sel, where);
      },
    };
  },
});

/**
 * For http.DefaultClient (or a local holding it) stored at `dest`: a short
 * name of where it is kept for later requests, or null when it is not kept
 * (an argument, a return, an operand), is given a Timeout, or is overwritten
 * before anything can use it.
 */
function keptFor(pkg: PackageSemantics, dest: Destination): string | null {
  if (dest.kind === 'argument' || dest.kind === 'return' || dest.kind === 'other') return null;
  if (defaultClientTimeoutSet(pkg)) return null;
  switch (dest.kind) {
    case 'variable': {
      const b = dest.binding;
      if (timeoutAssignedTo(pkg, b)) return null;
      if (b.fn && localNotKept(pkg, b, dest.stmt)) return null;
      return `variable ${b.name}`;
    }
    case 'field': {
      if (dest.field && timeoutAssignedToField(pkg, dest.field)) return null;
      const owner = dest.field ? selectorParts(dest.target)?.operand : null;
      if (owner && dest.field && fieldReplaced(pkg, owner, dest.field, dest.stmt)) return null;
      return dest.field ? `field ${dest.field}` : dest.target.text.length <= 40 ? dest.target.text : 'a map or pointer target';
    }
    case 'element': {
      if (dest.field && timeoutAssignedToField(pkg, dest.field)) return null;
      if (dest.field && literalFieldReplaced(pkg, dest.literal, dest.field)) return null;
      return dest.field ? `field ${dest.field}` : 'a composite literal';
    }
  }
}

/**
 * A local that is given http.DefaultClient by `stmt` and is not kept or used
 * for a request from there: every use it reaches is a request bounded by a
 * deadline, a return or an argument (a getter's `c = http.DefaultClient;
 * return c` is `return http.DefaultClient`), or it is reassigned before every use.
 */
function localNotKept(pkg: PackageSemantics, b: Binding, stmt: Node): boolean {
  const others = b.assigns.filter((a) => a.stmt.startIndex !== stmt.startIndex && !(a.value && holdsDefaultClient(pkg, a.value))).map((a) => a.stmt);
  const lhs = new Set(b.assigns.map((a) => a.stmt.startIndex));
  const fn = enclosingFunction(stmt);
  if (!fn) return false;
  const uses = b.refs.filter((r) => !contains(stmt, r) && !(lhs.has(enclosingStatement(r).startIndex) && isAssignmentTarget(r)));
  // The uses this value can reach (not the `if c == nil` before the fallback), when all are in fn.
  const reached = uses.every((u) => contains(fn, u)) ? uses.filter((u) => unguardedPath(pkg, fn, stmt, u, []) !== null) : uses;
  if (!reached.some((u) => sendsOrKeeps(pkg, u))) return true;
  return overwrittenBeforeUse(pkg, fn, stmt, uses, others, false);
}

/** A use of a client that sends an unbounded request through it (`c.Do(req)`, `c.Get(url)`) or keeps it (a field, a literal, a package variable). */
function sendsOrKeeps(pkg: PackageSemantics, use: Node): boolean {
  const method = calledMethod(use);
  if (method) return CLIENT_METHODS.has(method) && !isBoundedDo(pkg, use);
  const d = destinationOf(pkg, use);
  return d.kind === 'field' || d.kind === 'element' || (d.kind === 'variable' && !d.binding.fn);
}

/** `x.f = http.DefaultClient` where x is a local, parameter or receiver, and `x.f` is assigned another value before any use of x and before the function returns. */
function fieldReplaced(pkg: PackageSemantics, owner: Node, field: string, stmt: Node): boolean {
  if (owner.type !== 'identifier') return false;
  const b = pkg.resolve(owner);
  const fn = enclosingFunction(stmt);
  if (!b || !b.fn || !fn) return false;
  return replacedIn(pkg, b, field, stmt, fn);
}

/** `c := &T{f: http.DefaultClient}` (or `var c = T{...}`), and `c.f` assigned another value before any use of c and before the function returns. */
function literalFieldReplaced(pkg: PackageSemantics, literal: Node, field: string): boolean {
  const d = destinationOf(pkg, literal);
  if (d.kind !== 'variable' || !d.binding.fn) return false;
  const fn = enclosingFunction(d.stmt);
  return !!fn && replacedIn(pkg, d.binding, field, d.stmt, fn);
}

function replacedIn(pkg: PackageSemantics, b: Binding, field: string, stmt: Node, fn: Node): boolean {
  const overwrites = fieldAssignmentsOn(b, field).filter((a) => a.stmt.startIndex !== stmt.startIndex && !(a.value && holdsDefaultClient(pkg, a.value))).map((a) => a.stmt);
  const uses = b.refs.filter((r) => !contains(stmt, r) && !overwrites.some((o) => contains(o, r)));
  return overwrittenBeforeUse(pkg, fn, stmt, uses, overwrites, true);
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
