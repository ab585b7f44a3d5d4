/**
 * # recv-no-timeout
 *
 * A per-request or per-object goroutine parks on a receive from a shared
 * channel (a struct field such as `b.commits`, or a package-level channel)
 * that nothing in the package ever closes: a bare `<-ch`, a `for range ch`,
 * or a `select` with no default whose every case waits on such a channel. It
 * has no case that could leave on a context, a closed done channel or a
 * timer. Its stop signal, if any, is only polled between receives
 * (`select { case <-b.deleted: return; default: }`), so once the events stop
 * coming the goroutine never looks at it again.
 *
 * Shared channels are followed across every method and file of the package
 * through the semantics layer: a close anywhere (`close(b.commits)`, also
 * inside `once.Do` or a stored hook) silences the rule, and so does a channel
 * filled from or handed to code outside the package, a select exit case that
 * someone sends on, and a goroutine started from `main`, `init`, `Start`,
 * `Run` or `Serve` (program lifetime, configurable). Channels made by the
 * goroutine's owner are chan-recv-leak's: one finding per blocked operation.
 */
import { defineRule, type ReportStep } from '../src/engine/rule.js';
import { functionName, sameNode } from '../src/semantics/syntax.js';
import { polledSignals, sharedChannel, waitsIn } from '../src/semantics/channels.js';
import { goroutine } from '../src/semantics/leaks.js';

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
      unclosed: 'goroutine waits on {ch} with no exit: nothing in the package closes it; select on it together with ctx.Done(), a closed done channel or a timer',
    },
    docs: {
      whatItFinds: 'A goroutine not started from a program-lifetime function that blocks on `<-b.events`, `for range b.events`, or a `select` (no default) whose cases all wait on shared channels (struct fields or package-level channels made in the package) that no code in the package closes, and whose exit cases, if any, nobody signals. The message says when the goroutine\'s stop signal is only polled with a non-blocking `select { ...; default: }`.',
      whyItLeaks: 'A blocked receive wakes only for a value or a close. If the producer stops (the branch was deleted, the subscriber went away), the goroutine never runs again to see the polled stop signal. Per-object goroutines pile up with the objects they watch.',
      example: [
        '// Started for each branch: go b.watch()',
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
      options: '`lifetimeFuncs` (default `["main", "init", "Start", "Run", "Serve"]`): goroutines started from functions or methods of these names live for the program (a controller\'s `Start` launching its worker) and are not reported. Add your server\'s start-up functions if they start per-process loops.',
      incident: 'A storage server\'s per-branch goroutine waited for commit notifications and polled a deletion channel between them; deleted branches never got another commit, so their goroutines waited forever. The fix was a periodic timeout.',
    },
    options: { lifetimeFuncs: ['main', 'init', 'Start', 'Run', 'Serve'] },
  },
  create(ctx) {
    const { pkg } = ctx;
    const lifetime = new Set((ctx.options['lifetimeFuncs'] as string[] | undefined) ?? []);
    return {
      go_statement(goStmt) {
        const g = goroutine(pkg, goStmt);
        if (!g.target) return;
        const top = pkg.topLevelDecl(goStmt);
        if (top && lifetime.has(functionName(top))) return;
        const signals = polledSignals(pkg, g.target);
        for (const wait of waitsIn(pkg, g.target)) {
          const shared = wait.channels.map((c) => sharedChannel(pkg, c));
          // Every channel waited on must be ours and never closed; one that may close lets it leave.
          if (shared.some((s) => !s || !s.neverClosed)) continue;
          // An exit case whose channel someone sends on is a real way out (the deletion is signalled).
          if (shared.some((s, i) => wait.exits[i] && s!.sends > 0)) continue;
          // A token pool: the waiting function puts back what it takes (`enc := <-pool; ...; pool <- enc`),
          // so it waits only while another holder has the token, which it returns too.
          if (shared.some((s) => s!.ops.some((o) => o.kind === 'send' && sameNode(o.fn, g.target)))) continue;
          const ch = wait.channels.map((c) => c.text).join(' and ');
          const polled = signals.find((s) => !wait.channels.some((c) => c.text === s.text));
          const steps: ReportStep[] = [
            { node: goStmt, message: 'goroutine started here' },
            { node: wait.node, message: `blocks receiving from ${ch}; nothing in the package closes it` },
          ];
          if (polled) steps.push({ node: polled, message: `${polled.text} is only polled, never waited on` });
          ctx.report({
            node: wait.node,
            messageId: polled ? 'polled' : 'unclosed',
            data: { ch, signal: polled?.text ?? '' },
            steps,
            related: steps.filter((_, i) => i !== 1),
          });
          return;
        }
      },
    };
  },
});
