// Channels that become ready by themselves: a receive from one of them ends
// after a while whatever the rest of the program does. A `select` with such
// a case is not blocked forever (the goroutine-dump classifier asks), and a
// Close in such a case runs while the other cases wait (the SSH rule asks).
import type { Node } from './syntax.js';
import { selectorParts, unparen } from './syntax.js';
import type { PackageSemantics } from './package.js';

const TIME_CHANNELS = new Set(['After', 'Tick']);
const DEADLINE_CONTEXTS = new Set(['WithTimeout', 'WithDeadline']);

/**
 * Whether receiving from `expr` ends by itself after a while:
 * `time.After(d)`, `time.Tick(d)`, a `.C` field (a `time.Timer`'s or
 * `time.Ticker`'s; without types any `x.C` counts) or `.C()` method (a clock
 * library's timer), `ctx.Done()` of a context made here by
 * `context.WithTimeout` or `WithDeadline`, or a local bound to one of these
 * and never reassigned (`timeout := time.After(d)`).
 */
export function wakesByItself(pkg: PackageSemantics, expr: Node, depth = 0): boolean {
  const e = unparen(expr);
  if (e.type === 'call_expression') {
    if (pkg.isCallTo(e, 'time', TIME_CHANNELS)) return true;
    const sel = selectorParts(e.childForFieldName('function') ?? e);
    // `t.C()`: the timers of clock libraries (k8s.io/utils/clock) are interfaces.
    if (sel?.field === 'C' && (e.childForFieldName('arguments')?.namedChildCount ?? 0) === 0) return true;
    if (sel?.field !== 'Done' || sel.operand.type !== 'identifier') return false;
    const ctx = pkg.resolve(sel.operand);
    const v = ctx?.value ? unparen(ctx.value) : null;
    return !!v && ctx!.assigns.length === 0 && ctx!.valueIndex === 0 && v.type === 'call_expression' && pkg.isCallTo(v, 'context', DEADLINE_CONTEXTS);
  }
  if (selectorParts(e)?.field === 'C') return true;
  if (e.type === 'identifier' && depth < 2) {
    const b = pkg.resolve(e);
    if (!b || !b.value || b.assigns.length > 0 || (b.kind !== 'var' && b.kind !== 'const')) return false;
    return wakesByItself(pkg, b.value, depth + 1);
  }
  return false;
}

/** The receive operand of a `select` case (`<-x`, `v := <-x`, `v, ok = <-x`), or null for a send. */
export function caseReceiveOperand(commCase: Node): Node | null {
  const comm = commCase.childForFieldName('communication');
  const right = comm?.type === 'receive_statement' ? comm.childForFieldName('right') : null;
  const u = right ? unparen(right) : null;
  return u?.type === 'unary_expression' && u.child(0)?.type === '<-' ? u.childForFieldName('operand') : null;
}

/** The first case of a `select` whose channel wakes by itself (see wakesByItself), or null. */
export function selfWakingCase(pkg: PackageSemantics, select: Node): Node | null {
  for (const c of select.namedChildren) {
    if (c.type !== 'communication_case') continue;
    const operand = caseReceiveOperand(c);
    if (operand && wakesByItself(pkg, operand)) return c;
  }
  return null;
}
