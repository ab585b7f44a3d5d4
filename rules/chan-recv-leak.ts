/**
 * # chan-recv-leak
 *
 * A goroutine waits to receive from a channel that its owner, on some path,
 * neither sends on nor closes: the forgotten sender. The owner starts a
 * consumer, then returns on an error before sending; a producer loop returns
 * without `close(jobs)` while workers `range` over it; a done channel is
 * closed only on the happy path.
 *
 * On the leak checker (the default engine), a finding is a goroutine that
 * the search leaves blocked in a receive, a `range`, or a `select` with a
 * receive case, with the schedule that leads there: the goroutines a
 * function starts share its channels, those of the objects it builds
 * (`w := newWAL(dir)`, whose pipeline goroutine waits on `w`'s fields until
 * `Close`), and those handed through calls. Where recv-no-timeout reports
 * the same operation, its finding (which names the missing `Close`) stands
 * for both.
 *
 * The path engine (`engine: paths`) is built on the same facts as
 * chan-send-leak, mirrored: the goroutine's blocking receives (a bare `<-c`,
 * `for range c`, or a `select` with no other case) against the owner's
 * sends and closes along every path from the `go` statement to the exit. A
 * `range` needs a close; a single receive is satisfied by one send or a
 * close. Silent when the channel escapes or another goroutine sends on or
 * closes it.
 */
import { defineRule, type ReportStep } from '../src/engine/rule.js';
import { lineOf, unparen } from '../src/semantics/syntax.js';
import { blocksForever, type ChanOp } from '../src/semantics/channels.js';
import type { PackageSemantics } from '../src/semantics/package.js';
import type { RuleContext, Visitors } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { checkPackage, leakEvidence, reportedNode, type LeakReport } from '../src/checker/index.js';
import { displayName } from '../src/semantics/goroutines.js';
import {
  exitLine, exitNode, goroutineAndOwnedChannels, opsInGoroutine, opsInOtherGoroutines, opsPerGoroutineRun, ownerShortfall, spawnsPerChannel, times, type ChannelUse,
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
      scheduleForgotten: '{who} blocks forever receiving from {ch}: {owner} returns at line {exitLine} without sending on or closing it',
      scheduleUnclosed: '{who} blocks forever receiving from {ch}: {owner} returns at line {exitLine} without closing it',
      scheduleStuck: '{who} blocks forever receiving from {ch}: no goroutine that can send on or close it is left running',
      scheduleNil: '{who} blocks forever receiving from {ch}, which is nil: nothing ever makes it, and a nil channel is never ready',
      scheduleSelect: '{who} blocks forever in a select sending on {sends} or receiving from {recvs}: {owner} returns at line {exitLine} without receiving from {sends} or sending on or closing {recvs}',
      scheduleSelectStuck: '{who} blocks forever in a select sending on {sends} or receiving from {recvs}: no goroutine that can receive from, send on or close them is left running',
    },
    docs: {
      whatItFinds: 'A receive (`<-c`, `v, ok := <-c`, `for range c`, or a `select` with a receive case) in a goroutine on a channel made by the function that started it, by a caller above it, or by a constructor whose object the caller holds (`w, err := newWAL(dir)`), where that code can return without sending the value (or, for `range`, without closing the channel). Each finding comes with the schedule that leads to it. Where recv-no-timeout reports the same operation, its finding stands for both.',
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
      options: '`engine` (default `"checker"`): the leak checker proves each finding with the schedule that leads to it; `"paths"` is the earlier engine, ten to twenty times faster on large trees, which counts operations along one function\'s paths and follows only channels that function makes (see the README). Fix with `defer close(c)` right after making the channel, or give the receiver a `select` on `ctx.Done()` or a done channel.',
      incident: 'The forgotten sender: a consumer goroutine started before a network call whose error path returned without sending (the discount-service write-up); a storage server whose worker waited on a result channel left unsent on an error path.',
    },
    options: { engine: 'checker' },
    // A goroutine on an object's channel whose builder skips its Close: recv-no-timeout's message names the missing Close.
    defersTo: ['recv-no-timeout'],
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
      const { g, uses } = at;
      for (const use of uses) {
        if (use.escape) continue;
        const allRecvs = opsInGoroutine(use, goStmt, ['recv', 'range']);
        // A select whose every case waits on this owner's channels blocks like a bare receive
        // until the owner sends on or closes one of them.
        const waits = allRecvs.map((op) => ({ op, group: blocksForever(op) ? [use] : selectGroup(pkg, op, uses) })).filter((w) => w.group);
        if (waits.length === 0) continue;
        const { op: recv, group } = waits[0]!;
        if (group!.some((u) => u.escape)) continue;
        // A producer goroutine, or a close in a closure run by other code, may satisfy it.
        if (group!.some((u) => opsInOtherGoroutines(u, goStmt, ['send', 'close']).length || u.ops.some((o) => o.kind === 'close' && o.deferredUnknown))) continue;
        const perRun = opsPerGoroutineRun(pkg, g, waits.map((w) => w.op));
        const needsClose = perRun === Infinity || waits.some((w) => w.op.kind === 'range');
        const count = spawnsPerChannel(pkg, g, use);
        const needed = needsClose ? { kind: 'many' as const } : times(count, perRun);
        const neededN = needed.kind === 'const' ? needed.n : Infinity;
        const provides = group!.flatMap((u) => u.placed.filter((p) => p.where === 'owner' && (p.op.kind === 'close' || (!needsClose && p.op.kind === 'send'))));
        // Values sent (or a close) before the goroutine starts are there when it looks.
        const short = ownerShortfall(pkg, g.owner, goStmt, provides, neededN, needed, (op) => op.kind === 'close', true);
        if (!short) continue;
        const at = recv.select && group!.length > 1 ? recv.select.select : recv.node;
        const ch = group!.map((u) => u.channel.binding.name).join(' or ');
        const steps: ReportStep[] = [
          { node: use.channel.make, message: `${use.channel.binding.name} is made here` },
          { node: goStmt, message: 'goroutine started here' },
          { node: at, message: `blocks receiving from ${ch}` },
          { node: exitNode(g.owner, short), message: `${displayName(g.owner)} returns here without ${needsClose ? 'closing' : 'sending on or closing'} ${ch}` },
        ];
        ctx.report({
          node: at,
          messageId: needsClose ? 'unclosed' : 'forgotten',
          data: { goLine: lineOf(goStmt), ch, owner: displayName(g.owner), exitLine: exitLine(g.owner, short) },
          steps,
          related: [steps[0]!, steps[1]!, steps[3]!],
        });
        return;
      }
    },
  };
}

function createFromChecker(ctx: RuleContext): Visitors {
  const { pkg } = ctx;
  const leaks = () => checkPackage(pkg).leaks.filter((l) => isRecvLeak(l) && pkg.fileOf(l.op) === ctx.file);
  const report = (decl: Node) => {
    for (const leak of leaks()) {
      if (leak.op.startIndex < decl.startIndex || leak.op.endIndex > decl.endIndex) continue;
      const { who, ch, exit, nil, steps, related } = leakEvidence(leak);
      // A select that also waits to send (`case fp.filec <- f:`) says which way each channel goes.
      const mixed = leak.chans.some((c) => c.dir === 'send') && leak.chans.some((c) => c.dir === 'recv');
      const names = (dir: 'send' | 'recv') => leak.chans.filter((c) => c.dir === dir).map((c) => c.name).join(' or ');
      ctx.report({
        node: reportedNode(leak),
        messageId: nil ? 'scheduleNil' : mixed ? (exit ? 'scheduleSelect' : 'scheduleSelectStuck') : exit ? (leak.kind === 'range' ? 'scheduleUnclosed' : 'scheduleForgotten') : 'scheduleStuck',
        data: { who, ch, owner: exit?.owner ?? '', exitLine: exit?.line ?? 0, ...(mixed ? { sends: names('send'), recvs: names('recv') } : {}) },
        steps,
        related,
      });
    }
  };
  return { function_declaration: report, method_declaration: report };
}

/** A finding of this rule: a goroutine blocked receiving, ranging, or in a select with a receive case. */
function isRecvLeak(l: LeakReport): boolean {
  return l.kind === 'recv' || l.kind === 'range' || (l.need.t === 'select' && l.need.cases.some((c) => c.dir === 'recv'));
}

/**
 * The channels a select waits on, when it has no default and every other case
 * receives from a channel made by the same owner: leaving it needs the owner
 * to send on or close one of them. Null when some case could fire otherwise
 * (a context, a timer, a send, an outside channel).
 */
function selectGroup(pkg: PackageSemantics, op: ChanOp, uses: ChannelUse[]): ChannelUse[] | null {
  if (!op.select || op.select.hasDefault) return null;
  const group: ChannelUse[] = [];
  for (const other of op.select.others) {
    const recv = other.type === 'receive_statement' ? other.childForFieldName('right') : other.namedChild(0);
    const e = recv ? unparen(recv) : null;
    if (!e || e.type !== 'unary_expression' || e.child(0)?.type !== '<-') return null;
    const operand = e.childForFieldName('operand');
    const b = operand && unparen(operand).type === 'identifier' ? pkg.resolve(unparen(operand)) : null;
    const u = b ? uses.find((x) => x.channel.binding === b) : undefined;
    if (!u) return null;
    group.push(u);
  }
  const self = uses.find((u) => u.ops.includes(op));
  return self ? [self, ...group] : null;
}
