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
import { lineOf } from '../src/semantics/syntax.js';
import { displayName } from '../src/semantics/goroutines.js';
import {
  blocking, channelUses, exitLine, goroutine, opsInGoroutine, opsInOtherGoroutines, opsPerGoroutineRun, ownerShortfall, times,
} from '../src/semantics/leaks.js';

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
      forgotten: 'goroutine started at line {goLine} blocks forever receiving from {ch}: {owner} returns at line {exitLine} without sending on or closing it',
      unclosed: 'goroutine started at line {goLine} blocks forever receiving from {ch}: {owner} returns at line {exitLine} without closing it',
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
    return {
      go_statement(goStmt) {
        const g = goroutine(pkg, goStmt);
        if (g.kind === 'unknown') return;
        for (const use of channelUses(pkg, g.owner)) {
          if (use.escape) continue;
          const allRecvs = opsInGoroutine(use, goStmt, ['recv', 'range']);
          const recvs = blocking(allRecvs);
          if (recvs.length === 0) continue;
          // A producer goroutine, or a close in a closure run by other code, may satisfy it.
          if (opsInOtherGoroutines(use, goStmt, ['send', 'close']).length) continue;
          if (use.ops.some((o) => o.kind === 'close' && o.deferredUnknown)) continue;
          const perRun = opsPerGoroutineRun(pkg, g, recvs);
          const needsClose = perRun === Infinity || recvs.some((r) => r.kind === 'range');
          const needed = needsClose ? Infinity : times(g.count, perRun);
          const neededN = typeof needed === 'number' ? needed : needed.kind === 'const' ? needed.n : Infinity;
          const provides = use.placed.filter((p) => p.where === 'owner' && (p.op.kind === 'close' || (!needsClose && p.op.kind === 'send')));
          const short = ownerShortfall(pkg, g.owner, goStmt, provides, neededN, g.count, (op) => op.kind === 'close');
          if (!short) continue;
          const recv = recvs[0]!;
          const ch = use.channel.binding.name;
          const steps: ReportStep[] = [
            { node: use.channel.make, message: `${ch} is made here` },
            { node: goStmt, message: 'goroutine started here' },
            { node: recv.node, message: `blocks receiving from ${ch}` },
            { node: short.exitStmt ?? g.owner, message: `${displayName(g.owner)} returns here without ${needsClose ? 'closing' : 'sending on or closing'} ${ch}` },
          ];
          ctx.report({
            node: recv.node,
            messageId: needsClose ? 'unclosed' : 'forgotten',
            data: { goLine: lineOf(goStmt), ch, owner: displayName(g.owner), exitLine: exitLine(g.owner, short) },
            steps,
            related: [steps[0]!, steps[1]!, steps[3]!],
          });
          return;
        }
      },
    };
  },
});
