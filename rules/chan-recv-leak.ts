/**
 * # chan-recv-leak
 *
 * A goroutine waits to receive from a channel that its owner, on some path,
 * neither sends on nor closes: the forgotten sender. The owner starts a
 * consumer, then returns on an error before sending; a producer loop returns
 * without `close(jobs)` while workers `range` over it; a done channel is
 * closed only on the happy path.
 *
 * Built on the same facts as chan-send-leak, mirrored: the goroutine's
 * blocking receives (a bare `<-c`, `for range c`, or a `select` with no
 * other case) against the owner's sends and closes along every path from
 * the `go` statement to the exit. A `range` needs a close; a single receive
 * is satisfied by one send or a close. Silent when the channel escapes or
 * another goroutine sends on or closes it.
 */
import { defineRule, type ReportStep } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { lineOf } from '../src/semantics/syntax.js';
import { checkPackage, partnerExit, reportedNode, type LeakReport } from '../src/checker/index.js';

export default defineRule({
  meta: {
    id: 'chan-recv-leak',
    short: 'goroutine blocks forever receiving from a channel its owner may never send on or close',
    full: 'A goroutine receives from a channel made by the function that started it, and that function has a path from the go statement to its return on which it neither sends the values the goroutine waits for nor closes the channel. On that path the receiver blocks forever.',
    severity: 'error',
    precision: 'high',
    tags: ['goroutine-leak', 'concurrency', 'reliability'],
    fixable: false,
    messages: {
      forgotten: '{who} blocks forever receiving from {ch}: {owner} returns at line {exitLine} without sending on or closing it',
      unclosed: '{who} blocks forever receiving from {ch}: {owner} returns at line {exitLine} without closing it',
      stuck: '{who} blocks forever receiving from {ch}: no goroutine that can send on or close it is left running',
    },
    docs: {
      whatItFinds: 'A receive (`<-c`, `v, ok := <-c`, `for range c`, or a `select` whose only case is that receive) in a goroutine on a channel made by the function that started it, where the function can return without sending the value (or, for `range`, without closing the channel).',
      whyItLeaks: 'A receive waits until a value arrives or the channel is closed. If the only function that can send returns early, the goroutine waits forever: the forgotten sender. A `for range` worker needs the channel closed to stop, not just drained.',
      example: [
        'func process(items []string) error {',
        '\tjobs := make(chan string)',
        '\tgo func() {',
        '\t\tfor j := range jobs { handle(j) }',
        '\t}()',
        '\tfor _, it := range items {',
        '\t\tif it == "" {',
        '\t\t\treturn errEmpty // jobs is never closed',
        '\t\t}',
        '\t\tjobs <- it',
        '\t}',
        '\tclose(jobs)',
        '\treturn nil',
        '}',
      ].join('\n'),
      fix: [
        'func process(items []string) error {',
        '\tjobs := make(chan string)',
        '\tdefer close(jobs) // every return ends the worker',
        '\tgo func() {',
        '\t\tfor j := range jobs { handle(j) }',
        '\t}()',
        '\tfor _, it := range items {',
        '\t\tif it == "" {',
        '\t\t\treturn errEmpty',
        '\t\t}',
        '\t\tjobs <- it',
        '\t}',
        '\treturn nil',
        '}',
      ].join('\n'),
      options: 'None. Fix with `defer close(c)` right after making the channel, or give the receiver a `select` on `ctx.Done()` or a done channel.',
      incident: 'The forgotten sender: a consumer goroutine started before a network call whose error path returned without sending (the discount-service write-up); a storage server whose worker waited on a result channel left unsent on an error path.',
    },
  },
  create(ctx) {
    const { pkg } = ctx;
    const leaks = () => checkPackage(pkg).leaks.filter((l) => isRecvLeak(l) && pkg.fileOf(l.op) === ctx.file);
    const report = (decl: Node) => {
      for (const leak of leaks()) {
        if (leak.op.startIndex < decl.startIndex || leak.op.endIndex > decl.endIndex) continue;
        const ch = leak.chans.map((c) => c.name).join(' or ');
        const exit = partnerExit(leak);
        const who = leak.goStmt ? `goroutine started at line ${lineOf(leak.goStmt)}` : leak.proc;
        const steps: ReportStep[] = leak.steps.map((s) => ({ node: s.node, message: s.message, thread: s.thread }));
        const related: ReportStep[] = [
          ...leak.makeNodes.map((n, i) => ({ node: n, message: `${leak.chans[i]!.name} is made here` })),
          ...(leak.goStmt ? [{ node: leak.goStmt, message: 'goroutine started here' }] : []),
          ...(exit ? [{ node: exit.node, message: `${exit.owner} returns here` }] : []),
        ];
        ctx.report({
          node: reportedNode(leak),
          messageId: exit ? (leak.kind === 'range' ? 'unclosed' : 'forgotten') : 'stuck',
          data: { who, ch, owner: exit?.owner ?? '', exitLine: exit?.line ?? 0 },
          steps,
          related,
        });
      }
    };
    return { function_declaration: report, method_declaration: report };
  },
});

/** A finding of this rule: a goroutine blocked receiving, ranging, or in a select with a receive case. */
function isRecvLeak(l: LeakReport): boolean {
  return l.kind === 'recv' || l.kind === 'range' || (l.need.t === 'select' && l.need.cases.some((c) => c.dir === 'recv'));
}
