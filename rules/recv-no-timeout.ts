/**
 * # recv-no-timeout
 *
 * A per-request or per-object goroutine parks on a receive from a shared
 * channel (a struct field such as `b.commits`) that nothing in the package
 * ever closes, with no `select` that could also leave on a context, a closed
 * done channel or a timer. Its stop signal, if any, is only polled between
 * receives (`select { case <-b.deleted: return; default: }`), so once the
 * events stop coming the goroutine never looks at it again.
 *
 * Field channels are followed across every method and file of the package:
 * a close anywhere (`close(b.commits)`, also inside `once.Do`) silences the
 * rule, and so does a field that is filled from outside the package. Channels
 * made by the goroutine's owner are chan-recv-leak's: one finding per
 * blocked operation.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { enclosingFunction, functionName, sameNode, unparen } from '../src/semantics/syntax.js';
import { blocksForever, fieldChannelFacts, fieldChannelOf, literalRole, polledSignals, selectInfoOf, type ChanOp } from '../src/semantics/channels.js';
import { goroutine } from '../src/semantics/leaks.js';
import type { PackageSemantics } from '../src/semantics/package.js';

export default defineRule({
  meta: {
    id: 'recv-no-timeout',
    short: 'long-lived goroutine waits on a channel nothing closes, with no way out',
    full: 'A goroutine that is not meant to live for the whole program blocks on a receive from a shared channel (a struct field) that nothing in the package closes, and it can leave only through a signal it polls without blocking or not at all. When the events stop, the goroutine waits forever.',
    severity: 'warning',
    precision: 'medium',
    tags: ['goroutine-leak', 'concurrency', 'reliability'],
    fixable: false,
    messages: {
      polled: 'goroutine waits on {ch} with no exit: nothing in the package closes it and {signal} is only polled with default; select on it together with ctx.Done(), a closed done channel or a timer',
      dead: 'goroutine waits on {ch} with no exit: nothing in the package sends on or closes it; select on it together with ctx.Done(), a closed done channel or a timer',
    },
    docs: {
      whatItFinds: 'A goroutine started outside `main`/`init` whose loop blocks on `<-b.events`, `for range b.events` or a `select` with only that case, where no code in the package closes the field channel, while the goroutine\'s stop signal is only checked with a non-blocking `select { ...; default: }`. Also a one-shot receive on a field channel that nothing in the package ever sends on or closes.',
      whyItLeaks: 'A blocked receive wakes only for a value or a close. If the producer stops (the branch was deleted, the subscriber went away), the goroutine never runs again to see the polled stop signal. Per-object goroutines pile up with the objects they watch.',
      example: [
        'func (b *branch) watch() {',
        '\tfor {',
        '\t\tc := <-b.commits // blocks forever once the branch is deleted',
        '\t\tb.publish(c)',
        '\t\tselect {',
        '\t\tcase <-b.deleted:',
        '\t\t\treturn',
        '\t\tdefault:',
        '\t\t}',
        '\t}',
        '}',
      ].join('\n'),
      fix: [
        'func (b *branch) watch() {',
        '\tt := time.NewTicker(time.Minute)',
        '\tdefer t.Stop()',
        '\tfor {',
        '\t\tselect {',
        '\t\tcase c := <-b.commits:',
        '\t\t\tb.publish(c)',
        '\t\tcase <-b.deleted:',
        '\t\t\treturn',
        '\t\tcase <-t.C:',
        '\t\t}',
        '\t}',
        '}',
      ].join('\n'),
      options: '`lifetimeFuncs` (default `["main", "init"]`): goroutines started from these functions live for the program and are not reported. Add your server\'s start-up functions if they start per-process loops.',
      incident: 'A storage server\'s per-branch goroutine waited for commit notifications and polled a deletion channel between them; deleted branches never got another commit, so their goroutines waited forever. The fix was a periodic timeout.',
    },
    options: { lifetimeFuncs: ['main', 'init'] },
  },
  create(ctx) {
    const { pkg } = ctx;
    const lifetime = new Set((ctx.options['lifetimeFuncs'] as string[] | undefined) ?? ['main', 'init']);
    return {
      go_statement(goStmt) {
        const g = goroutine(pkg, goStmt);
        if (!g.target) return;
        const top = pkg.topLevelDecl(goStmt);
        if (top && lifetime.has(functionName(top))) return;
        const signals = polledSignals(pkg, g.target);
        for (const { op, chanExpr } of blockingReceives(pkg, g.target)) {
          const fc = fieldChannelOf(pkg, chanExpr);
          if (!fc) continue;
          const facts = fieldChannelFacts(pkg, fc);
          // Made elsewhere (or never made here): the producer is not ours to see.
          if (!facts.madeHere || facts.filledFromElsewhere) continue;
          if (facts.ops.some((o) => o.kind === 'close' || o.kind === 'escape')) continue;
          const graph = pkg.cfgOf(enclosingFunction(op.node)!);
          const at = graph.nodeOf(op.node);
          const inLoop = !!at && (graph.onCycle(at) || op.kind === 'range');
          const polled = signals.find((s) => s.text !== chanExpr.text);
          if (inLoop && polled) {
            ctx.report({
              node: op.node, messageId: 'polled', data: { ch: chanExpr.text, signal: polled.text },
              steps: [
                { node: goStmt, message: 'goroutine started here' },
                { node: op.node, message: `blocks receiving from ${chanExpr.text}; nothing closes it` },
                { node: polled, message: `${polled.text} is only polled, never waited on` },
              ],
              related: [{ node: goStmt, message: 'goroutine started here' }, { node: polled, message: `${polled.text} is only polled here` }],
            });
            return;
          }
          if (!inLoop && !facts.ops.some((o) => o.kind === 'send')) {
            ctx.report({
              node: op.node, messageId: 'dead', data: { ch: chanExpr.text },
              steps: [
                { node: goStmt, message: 'goroutine started here' },
                { node: op.node, message: `blocks receiving from ${chanExpr.text}; nothing sends on or closes it` },
              ],
              related: [{ node: goStmt, message: 'goroutine started here' }],
            });
            return;
          }
        }
      },
    };
  },
});

/**
 * Blocking receives executed by the goroutine's own body (and literals it
 * calls in place, not goroutines it starts), with their channel expression.
 */
function blockingReceives(pkg: PackageSemantics, fn: Node): { op: ChanOp; chanExpr: Node }[] {
  const file = pkg.fileOf(fn);
  const inBody = (n: Node) => {
    if (n.startIndex < fn.startIndex || n.endIndex > fn.endIndex) return false;
    let f = enclosingFunction(n);
    while (f && !sameNode(f, fn)) {
      if (f.type !== 'func_literal' || literalRole(f).kind !== 'called') return false;
      f = enclosingFunction(f);
    }
    return !!f;
  };
  const out: { op: ChanOp; chanExpr: Node }[] = [];
  for (const u of pkg.nodesOfType(file, 'unary_expression')) {
    if (u.child(0)?.type !== '<-' || !inBody(u)) continue;
    const operand = u.childForFieldName('operand');
    const op: ChanOp = { kind: 'recv', node: u, fn, select: selectInfoOf(u) };
    if (operand && blocksForever(op)) out.push({ op, chanExpr: unparen(operand) });
  }
  for (const r of pkg.nodesOfType(file, 'range_clause')) {
    const right = r.childForFieldName('right');
    if (!right || !inBody(r)) continue;
    out.push({ op: { kind: 'range', node: r, fn }, chanExpr: unparen(right) });
  }
  return out.sort((a, b) => a.op.node.startIndex - b.op.node.startIndex);
}
