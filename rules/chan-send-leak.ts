/**
 * # chan-send-leak
 *
 * A goroutine sends on a channel that its owner stops reading: an early
 * return before the receive, a `select` whose timeout or `ctx.Done()` case
 * won, a receive loop left with `break`, or one receive for N senders. The
 * sender blocks forever with everything it references.
 *
 * The rule asks the semantics layer for every channel made in a function,
 * every operation on it (through aliases, closures and package-local
 * callees), how many values the goroutines send and how many the buffer
 * holds, and then searches the owner's control-flow graph for a path from
 * the `go` statement to the exit that receives fewer values than remain
 * unbuffered. It stays silent when the channel escapes (returned, stored,
 * passed to code outside the package): someone else may receive.
 */
import { defineRule, type ReportStep, type TextEdit } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { callArgs, lineOf, sameNode } from '../src/semantics/syntax.js';
import { countText, type ChanOp, type Count } from '../src/semantics/channels.js';
import { displayName } from '../src/semantics/goroutines.js';
import {
  blocking, exitLine, exitNode, goroutine, goroutineAndOwnedChannels, isLastChannelOp, opsInGoroutine, opsInOtherGoroutines,
  concurrentSenders, opsPerGoroutineRun, ownerShortfall, plus, senders, spawnsPerChannel, times, uncovered, type ChannelUse,
} from '../src/semantics/leaks.js';
import type { PackageSemantics } from '../src/semantics/package.js';
import type { RuleContext, Visitors } from '../src/engine/rule.js';
import { enclosingFunction } from '../src/semantics/syntax.js';
import { channelUses } from '../src/semantics/leaks.js';
import { checkPackage, leakEvidence, reportedNode, type LeakReport } from '../src/checker/index.js';

export default defineRule({
  meta: {
    id: 'chan-send-leak',
    short: 'goroutine blocks forever sending on a channel its owner stops reading',
    full: 'A goroutine sends on an unbuffered or too small channel, and the function that owns the channel has a path from the go statement to its return on which it receives fewer values than are sent. On that path the sender blocks forever and leaks, with everything it references.',
    severity: 'error',
    precision: 'high',
    tags: ['goroutine-leak', 'concurrency', 'reliability'],
    fixable: true,
    messages: {
      early: 'goroutine started at line {goLine} blocks forever sending on {ch} ({cap}): {owner} returns at line {exitLine} before receiving',
      partial: 'goroutine started at line {goLine} blocks forever sending on {ch} ({cap}): {owner} returns at line {exitLine} after receiving {received} of {sent}',
      scheduleEarly: '{who} blocks forever sending on {ch} ({cap}): {owner} returns at line {exitLine} before receiving',
      schedulePartial: '{who} blocks forever sending on {ch} ({cap}): {owner} returns at line {exitLine} after receiving {received}',
      scheduleStuck: '{who} blocks forever sending on {ch} ({cap}): no goroutine that can receive from it is left running',
      scheduleNil: '{who} blocks forever sending on {ch}, which is nil: nothing ever makes it, and a nil channel is never ready',
    },
    docs: {
      whatItFinds: 'A send in a goroutine on a channel made by the function that started it, where the buffer does not hold every value sent and the function can return (early error return, a `select` on a timeout or `ctx.Done()`, a `break` out of the receive loop, one receive for many senders) before receiving them all.',
      whyItLeaks: 'A send on a full or unbuffered channel waits for a receiver. Once the owner has returned, nobody else holds the channel, so the goroutine waits forever; its stack and everything it references stay alive. Under load these pile up by the thousand (the discount-service incident).',
      example: [
        'func price(ctx context.Context, id string) (int, error) {',
        '\tch := make(chan int)',
        '\tgo func() { ch <- lookup(id) }()',
        '\tselect {',
        '\tcase p := <-ch:',
        '\t\treturn p, nil',
        '\tcase <-ctx.Done():',
        '\t\treturn 0, ctx.Err() // the sender blocks forever',
        '\t}',
        '}',
      ].join('\n'),
      fix: [
        'func price(ctx context.Context, id string) (int, error) {',
        '\tch := make(chan int, 1) // the send never waits',
        '\tgo func() { ch <- lookup(id) }()',
        '\tselect {',
        '\tcase p := <-ch:',
        '\t\treturn p, nil',
        '\tcase <-ctx.Done():',
        '\t\treturn 0, ctx.Err()',
        '\t}',
        '}',
      ].join('\n'),
      options: '`--fix` buffers the channel (`make(chan T, 1)`, or `len(xs)` for one sender per element of `xs`) when each goroutine sends exactly one value as its last channel operation and nothing reads the channel\'s length; other shapes need a `select` on a done channel or context. `engine` (default `"checker"`): the leak checker proves each finding with the schedule that leads to it; `"paths"` is the earlier engine, ten to twenty times faster on large trees, which counts operations along one function\'s paths and follows only channels that function makes (see the README).',
      incident: 'A discount service started a downstream call in a goroutine and returned on a timeout `select`; the sender leaked on every slow call. The fix was a buffer of one.',
    },
    options: { engine: 'checker' },
  },
  create(ctx) {
    // The path engine stays for trees where the checker's cost matters more than what it finds (README, Performance).
    return ctx.options['engine'] === 'checker' ? createFromChecker(ctx) : createFromPaths(ctx);
  },
});

function createFromPaths(ctx: RuleContext): Visitors {
  const { pkg } = ctx;
  return {
    go_statement(goStmt) {
      const at = goroutineAndOwnedChannels(pkg, goStmt);
      if (!at) return;
      const { g } = at;
      for (const use of at.uses) {
        if (use.escape) continue;
        const sends = blocking(opsInGoroutine(use, goStmt, ['send']));
        if (sends.length === 0) continue;
        // Another goroutine receiving may drain it; so may a close we cannot order.
        if (opsInOtherGoroutines(use, goStmt, ['recv', 'range']).length) continue;
        const receives = use.placed.filter((p) => p.where === 'owner' && (p.op.kind === 'recv' || p.op.kind === 'range'));
        const perRun = opsPerGoroutineRun(pkg, g, opsInGoroutine(use, goStmt, ['send']));
        const count = spawnsPerChannel(pkg, g, use);
        // Every goroutine of this owner that can have a value pending at the same time shares the buffer and the receives.
        const sent = senders(use).reduce((acc, other) => {
          if (sameNode(other, goStmt) || !concurrentSenders(pkg, g.owner, goStmt, other, receives)) return acc;
          const og = goroutine(pkg, other);
          const ops = opsInGoroutine(use, other, ['send']);
          return blocking(ops).length ? plus(acc, times(spawnsPerChannel(pkg, og, use), opsPerGoroutineRun(pkg, og, ops))) : acc;
        }, times(count, perRun));
        const needed = uncovered(use.channel.capacity, sent);
        if (needed === null || needed === 0) continue;
        const short = ownerShortfall(pkg, g.owner, goStmt, receives, needed, sent, () => false);
        if (!short) continue;
        const send = sends[0]!;
        const ch = use.channel.binding.name;
        const capText = use.channel.capacity.kind === 'const' && use.channel.capacity.n === 0 ? 'unbuffered' : `buffer ${countText(use.channel.capacity)}`;
        const line = exitLine(g.owner, short);
        const steps: ReportStep[] = [
          { node: use.channel.make, message: `${ch} is made with ${capText === 'unbuffered' ? 'no buffer' : capText}` },
          { node: goStmt, message: `goroutine started here${g.count.kind === 'const' && g.count.n === 1 ? '' : ` (${countText(g.count)} of them)`}` },
          { node: send.node, message: `blocks sending on ${ch}` },
          { node: exitNode(g.owner, short), message: `${displayName(g.owner)} returns here${short.performed ? ` after receiving ${short.performed}` : ' without receiving'}` },
        ];
        ctx.report({
          node: send.node,
          messageId: short.performed ? 'partial' : 'early',
          data: { goLine: lineOf(goStmt), ch, cap: capText, owner: displayName(g.owner), exitLine: line, received: short.performed, sent: countText(sent) },
          steps,
          related: [steps[0]!, steps[1]!, steps[3]!],
          fix: bufferFix(pkg, use, count, perRun, sends),
        });
        return; // one finding per goroutine: its first blocked send
      }
    },
  };
}

function createFromChecker(ctx: RuleContext): Visitors {
  const { pkg } = ctx;
  const leaks = () => checkPackage(pkg).leaks.filter((l) => isSendLeak(l) && pkg.fileOf(l.op) === ctx.file);
  const report = (decl: Node) => {
    for (const leak of leaks()) {
      if (leak.op.startIndex < decl.startIndex || leak.op.endIndex > decl.endIndex) continue;
      const { who, ch, exit, nil, steps, related } = leakEvidence(leak);
      const cap = leak.chans.length === 1 ? (leak.chans[0]!.cap === 0 ? 'unbuffered' : `buffer ${leak.chans[0]!.cap}`) : 'channels';
      const node = reportedNode(leak);
      ctx.report({
        node,
        messageId: nil ? 'scheduleNil' : exit ? (exit.matched ? 'schedulePartial' : 'scheduleEarly') : 'scheduleStuck',
        data: { who, ch, cap, owner: exit?.owner ?? '', exitLine: exit?.line ?? 0, received: exit?.matched ?? 0 },
        steps,
        related,
        ...(nil ? {} : { fix: bufferFixFor(pkg, leak) }),
      });
    }
  };
  return { function_declaration: report, method_declaration: report };
}


/** A finding of this rule: a goroutine blocked sending, or in a select whose every case sends. */
function isSendLeak(l: LeakReport): boolean {
  return l.kind === 'send' || (l.need.t === 'select' && l.need.cases.every((c) => c.dir === 'send'));
}

/** The buffer fix for a goroutine blocked on the send of a channel made by a local `make`, when the old count facts prove it safe. */
function bufferFixFor(pkg: PackageSemantics, leak: LeakReport): { description: string; edits: TextEdit[] } | undefined {
  if (leak.kind !== 'send' || !leak.goStmt || leak.makeNodes.length !== 1) return undefined;
  const make = leak.makeNodes[0]!;
  const owner = enclosingFunction(make);
  if (!owner || !sameNode(enclosingFunction(leak.goStmt), owner)) return undefined;
  const use = channelUses(pkg, owner).find((u) => sameNode(u.channel.make, make));
  if (!use || use.escape) return undefined;
  const g = goroutine(pkg, leak.goStmt);
  const sends = blocking(opsInGoroutine(use, leak.goStmt, ['send']));
  if (!sends.length) return undefined;
  return bufferFix(pkg, use, spawnsPerChannel(pkg, g, use), opsPerGoroutineRun(pkg, g, sends), sends);
}


/**
 * `make(chan T)` → `make(chan T, N)` is safe only when one `go` statement
 * sends on the channel, each of its goroutines sends exactly one value as its last channel operation (a send used as a
 * handshake must stay unbuffered), nothing reads the channel's length, and N
 * is known where the channel is made: 1, or `len(xs)` for a range over an
 * `xs` that is not reassigned.
 */
function bufferFix(pkg: PackageSemantics, use: ChannelUse, count: Count, perRun: number, sends: ChanOp[]): { description: string; edits: TextEdit[] } | undefined {
  if (perRun !== 1 || use.channel.capacity.kind !== 'const' || use.channel.capacity.n !== 0) return undefined;
  // One `go` statement sending: a buffer sized for it would be too small for a second sender.
  if (senders(use).length !== 1) return undefined;
  if (use.ops.some((o) => o.kind === 'len')) return undefined;
  if (!sends.every((s) => isLastChannelOp(pkg, s.fn, s.node))) return undefined;
  let n: string;
  if (count.kind === 'const' && count.n === 1) n = '1';
  else if (count.kind === 'len' && lenOperandStable(pkg, use.channel.make, count.of)) n = `len(${count.of})`;
  else return undefined;
  const args = callArgs(use.channel.make);
  if (args.length !== 1) return undefined;
  const chanType = args[0]!;
  return { description: `buffer ${use.channel.binding.name} for ${n} value${n === '1' ? '' : 's'}`, edits: [{ node: chanType, start: chanType.endIndex, end: chanType.endIndex, text: `, ${n}` }] };
}

/** `len(xs)` at the make equals the loop's count only if `xs` is a plain variable declared before and never reassigned. */
function lenOperandStable(pkg: PackageSemantics, make: Node, operand: string): boolean {
  if (!/^[A-Za-z_]\w*$/.test(operand)) return false;
  const fn = pkg.topLevelDecl(make);
  if (!fn) return false;
  // One variable of that name in the function, so the loop's `xs` is this one.
  const named = pkg.scopesFor(fn).bindings.filter((x) => x.name === operand);
  const b = named.length === 1 ? named[0]! : null;
  return !!b && b.assigns.length === 0 && (b.kind === 'param' || b.kind === 'var') && b.ident.startIndex < make.startIndex;
}
