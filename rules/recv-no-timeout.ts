/**
 * # recv-no-timeout
 *
 * A per-request or per-object goroutine parks on a receive from a shared
 * channel (a struct field such as `b.commits`, or a package-level channel):
 * a bare `<-ch`, a `for range ch`, or a `select` with no default whose every
 * case waits on such a channel. The rule asks the semantics layer what the
 * rest of the program can still do to the object (lifecycle.ts): its users
 * call its methods in any order and then end its life with one of its
 * lifecycle-ending functions (a Stop, Close, Delete, Terminate, Shutdown, or
 * whatever signals the goroutine's exit). After that, only the ending call
 * and the goroutines still alive run. The goroutine leaks when nothing closes
 * a channel it waits on and nothing that can still run sends on one: a Stop
 * that sends or closes is a way out, a stop signal polled with `default`
 * between receives (`select { case <-b.deleted: return; default: }`) is not.
 * An object with no end stays reachable: any send in the package counts.
 *
 * A close anywhere (also inside `once.Do` or a stored hook), a channel filled
 * from or handed to code outside the package, a case on a context or timer,
 * and a goroutine that lives for the program (every path to its `go` comes
 * from `main`, `init`, a package-level initialiser or a package-level once:
 * lifetime.ts) silence it. Channels made by the goroutine's owner are
 * chan-recv-leak's: one finding per blocked operation.
 */
import { defineRule, type ReportStep } from '../src/engine/rule.js';
import type { PackageSemantics } from '../src/semantics/package.js';
import { functionName, lineOf, receiverTypeName, sameNode, type Node } from '../src/semantics/syntax.js';
import { polledSignals, sharedChannel, waitsIn, type SharedChannel, type Wait } from '../src/semantics/channels.js';
import { goroutine } from '../src/semantics/leaks.js';
import { lifecycleOfWait, type Lifecycle } from '../src/semantics/lifecycle.js';
import { isProgramLifetimeGo } from '../src/semantics/lifetime.js';
import { skippedEnd, type SkippedEnd } from '../src/semantics/obligation.js';

export default defineRule({
  meta: {
    id: 'recv-no-timeout',
    short: 'per-object goroutine waits on a channel nothing can still close or send on',
    full: 'A goroutine that does not live for the whole program blocks on a receive from a shared channel (a struct field or a package-level channel) that nothing in the package closes, and once its object\'s life is over (after its Stop, Close or Delete) nothing that can still run sends on it; a stop signal it only polls without blocking does not wake it. When the events stop, the goroutine waits forever.',
    severity: 'warning',
    precision: 'medium',
    tags: ['goroutine-leak', 'concurrency', 'reliability'],
    fixable: false,
    messages: {
      afterEnd: 'goroutine started by {starter} waits on {ch}; {nobody} closes or sends on {it} after {end}{polled}',
      never: 'goroutine started by {starter} waits on {ch}; nothing in the package closes or sends on {it}{polled}',
      endSkipped: 'goroutine started by {starter} waits on {ch} until {end}; {caller} builds one with {ctor} and {exit} without calling {end}',
    },
    docs: {
      whatItFinds: 'A goroutine that does not live for the whole program and blocks on `<-b.events`, `for range b.events`, or a `select` (no default) whose cases all wait on shared channels (struct fields or package-level channels made in the package) when no code in the package closes them and, once the object\'s life has ended, nothing that can still run sends on them. The object\'s life ends with its lifecycle-ending functions: its methods named like `Stop`, `Close`, `Delete`, `Terminate`, `Shutdown` or `Unsubscribe` (taking nothing but a context or a duration), functions of that name taking the object, and whatever signals a channel the goroutine leaves on or polls. After the end, only the ending call (and what it calls) and other goroutines still run; an object with no end can always be used again, so any send in the package counts. A goroutine lives for the program when every path to its `go` comes from `main`, `init`, a package-level initialiser or a package-level `sync.Once` (also `sync.OnceFunc`/`OnceValue` held in a package-level variable), or when it runs a method of a package-level variable. The message names the goroutine\'s starter, the ending functions after which nothing wakes it, and the stop signal it only polls with a non-blocking `select { ...; default: }`.',
      whyItLeaks: 'A blocked receive wakes only for a value or a close. If the producer stops (the branch was deleted, the subscriber went away), the goroutine never runs again to see the polled stop signal. Per-object goroutines pile up with the objects they watch.',
      example: [
        '// One watcher per branch, started by newBranch: go b.watch()',
        'func (b *branch) watch() {',
        '\tfor {',
        '\t\tc := <-b.commits // after Delete, no commit ever comes',
        '\t\tb.publish(c)',
        '\t\tselect {',
        '\t\tcase <-b.deleted:',
        '\t\t\treturn',
        '\t\tdefault:',
        '\t\t}',
        '\t}',
        '}',
        '',
        'func (b *branch) Delete() { b.deleted <- struct{}{} }',
      ].join('\n'),
      fix: [
        'func (b *branch) watch() {',
        '\tfor {',
        '\t\tselect {',
        '\t\tcase c := <-b.commits:',
        '\t\t\tb.publish(c)',
        '\t\tcase <-b.deleted:',
        '\t\t\treturn',
        '\t\t}',
        '\t}',
        '}',
        '',
        'func (b *branch) Delete() { close(b.deleted) }',
      ].join('\n'),
      options: '`lifetimeFuncs` (default `["main", "init"]`): functions and methods that run once per program. A goroutine lives for the program, and is not reported, when every path to its `go` statement through the package\'s calls starts in one of them (or in a package-level initialiser or once); an exported function of a package other than main can be called from anywhere, so it is a path of its own. Add your server\'s start-up functions (`Start`, `Run`, `Serve`) if they run once and start per-process loops.',
      incident: 'A storage server\'s per-branch goroutine waited for commit notifications and polled a deletion channel between them; deleted branches never got another commit, so their goroutines waited forever. The fix was a periodic timeout; selecting on the deletion signal, sent or closed by the deletion, is another.',
    },
    options: { lifetimeFuncs: ['main', 'init'] },
  },
  create(ctx) {
    const { pkg } = ctx;
    const roots = new Set((ctx.options['lifetimeFuncs'] as string[] | undefined) ?? []);
    return {
      go_statement(goStmt) {
        const g = goroutine(pkg, goStmt);
        if (!g.target) return;
        let lifetime: boolean | undefined;
        const signals = polledSignals(pkg, g.target);
        for (const wait of waitsIn(pkg, g.target)) {
          const maybe = wait.channels.map((c) => sharedChannel(pkg, c));
          // Only waits on shared channels of this package: a context, a timer, a parameter is open world.
          if (maybe.some((s) => !s)) continue;
          const shared = maybe as SharedChannel[];
          // Every channel waited on never closed: a close anywhere lets it leave.
          const open = shared.every((s) => s.neverClosed);
          // A token pool: the waiting function puts back what it takes (`enc := <-pool; ...; pool <- enc`),
          // so it waits only while another holder has the token, which it returns too.
          if (open && shared.some((s) => s.ops.some((o) => o.kind === 'send' && sameNode(o.fn, g.target)))) continue;
          if (open) {
            const life = lifecycleOfWait(pkg, g, shared);
            if (!life.wayOut) {
              // One goroutine for the whole program (started from main, init, a package-level value or a once) does not pile up.
              lifetime ??= isProgramLifetimeGo(pkg, goStmt, roots);
              if (lifetime) return;
              report(goStmt, wait, life, signals);
              return;
            }
          }
          // Only the object's ending methods release it: its builders in the package must call one.
          const skipped = skippedEnd(pkg, g, wait, shared, () => lifecycleOfWait(pkg, g, shared, { wayOut: false }).ends, roots);
          if (skipped) {
            reportSkipped(goStmt, wait, skipped);
            return;
          }
        }
      },
    };

    function report(goStmt: Node, wait: Wait, life: Lifecycle, signals: Node[]): void {
      const ch = wait.channels.map((c) => c.text).join(' and ');
      const it = wait.channels.length > 1 ? 'them' : 'it';
      const polled = signals.find((s) => !wait.channels.some((c) => c.text === s.text));
      // The message names the strongest evidence first: the type's own ending methods, then what
      // signals the goroutine's exit, then functions taking the object, then its holders' ends.
      const byWhy = ['method', 'signal', 'param', 'holder'];
      const ends = [...life.ends].sort((a, b) => byWhy.indexOf(a.why) - byWhy.indexOf(b.why)).map((e) => e.fn);
      const named = ends.slice(0, MAX_NAMED_ENDS);
      // "no method of Branch ... after Delete" when the ends named are the type's own methods, else their full names.
      const own = life.types.length === 1 && named.every((e) => receiverTypeName(e) === life.types[0]);
      const more = ends.length - named.length;
      const steps: ReportStep[] = [
        { node: goStmt, message: `goroutine started here by ${starterName(pkg, goStmt)}` },
        { node: wait.node, message: `blocks receiving from ${ch}` },
        ...named.map((e) => ({ node: e.childForFieldName('name') ?? e, message: `${qualifiedName(e)} ends the ${life.types[0] ?? 'object'}'s life without closing or sending on ${ch}` })),
      ];
      if (polled) steps.push({ node: polled, message: `${polled.text} is only polled, never waited on` });
      ctx.report({
        node: wait.node,
        messageId: ends.length ? 'afterEnd' : 'never',
        data: {
          starter: starterName(pkg, goStmt), ch, it,
          nobody: own ? `no method of ${life.types[0]}` : 'nothing',
          end: (own ? named.map((e) => functionName(e)) : named.map(qualifiedName)).join(' or ') + (more ? ` (or ${more} more)` : ''),
          polled: polled ? `; ${polled.text} is only polled` : '',
        },
        steps,
        related: steps.filter((_, i) => i !== 1),
      });
    }

    function reportSkipped(goStmt: Node, wait: Wait, sk: SkippedEnd): void {
      const ch = wait.channels.map((c) => c.text).join(' and ');
      const end = sk.ends.slice(0, MAX_NAMED_ENDS).map((e) => functionName(e)).join(' or ');
      const exitNode = sk.exit ?? sk.caller.childForFieldName('body')?.lastChild ?? sk.caller;
      const exit = sk.exit ? `returns on line ${lineOf(sk.exit)}` : `reaches its end on line ${lineOf(exitNode)}`;
      const caller = sk.caller.type === 'func_literal' ? `a func literal in ${starterName(pkg, sk.caller)}` : qualifiedName(sk.caller);
      const steps: ReportStep[] = [
        { node: sk.site, message: `${caller} builds the object with ${functionName(sk.ctor)}` },
        { node: goStmt, message: `goroutine started here by ${functionName(sk.ctor)}` },
        { node: wait.node, message: `blocks receiving from ${ch} until ${end}` },
        { node: exitNode, message: `${caller} ${exit} without calling ${end}` },
      ];
      ctx.report({
        node: wait.node,
        messageId: 'endSkipped',
        data: { starter: starterName(pkg, goStmt), ch, end, caller, ctor: functionName(sk.ctor), exit },
        steps,
        related: steps.filter((_, i) => i !== 2),
      });
    }
  },
});

/** Ending functions a message and its steps name. */
const MAX_NAMED_ENDS = 3;

/** `Branch.Start` for a method, `newBranch` for a function: the declaration whose code runs the `go`. */
function starterName(pkg: PackageSemantics, goStmt: Node): string {
  const top = pkg.topLevelDecl(goStmt);
  return top && (top.type === 'function_declaration' || top.type === 'method_declaration') ? qualifiedName(top) : 'package initialiser';
}

function qualifiedName(fn: Node): string {
  const t = receiverTypeName(fn);
  return t ? `${t}.${functionName(fn)}` : functionName(fn);
}
