// Growth mode: the same groups followed across dumps taken in time order.
//
// A single dump cannot tell an idle keep-alive connection from a leaked
// one, nor a busy worker from a stuck one; a count that keeps rising can.
// Groups are matched by stack (function, file, line), never by goroutine
// id or address, so dumps of two processes of the same build compare.

import type { Analysis, AnalyzedGroup } from './analyze.js';
import type { GrowthRow } from './types.js';

export interface AnalyzedGrowthRow extends GrowthRow {
  group: AnalyzedGroup;
}

export interface GrowthResult {
  rows: AnalyzedGrowthRow[];
  /**
   * `group` when all dumps have wait reasons to compare; `stack` when
   * formats differ (debug=1 has no wait reason and no creation site), so
   * rows are matched by frames alone.
   */
  matchedBy: 'group' | 'stack';
}

export function growth(analyses: readonly Analysis[]): GrowthResult {
  const formats = new Set(analyses.map((a) => a.dump.format));
  const matchedBy = formats.size === 1 ? 'group' : 'stack';
  const keyOf = (g: AnalyzedGroup): string => (matchedBy === 'group' ? g.key : g.stackKey);

  const rows = new Map<string, AnalyzedGrowthRow>();
  analyses.forEach((analysis, index) => {
    for (const group of analysis.groups) {
      const key = keyOf(group);
      let row = rows.get(key);
      if (!row) {
        row = { group, counts: analyses.map(() => 0), delta: 0 };
        rows.set(key, row);
      }
      row.counts[index] = (row.counts[index] ?? 0) + group.count;
      // Judge with the latest dump that has the group: its context (are
      // callers stuck in roundTrip right now?) is the current one.
      row.group = group;
    }
  });

  const out = [...rows.values()];
  for (const row of out) {
    row.delta = (row.counts[row.counts.length - 1] ?? 0) - (row.counts[0] ?? 0);
    row.group = rejudge(row.group, row.delta);
  }
  // Rank by growth first: that is the question growth mode answers.
  const last = (r: AnalyzedGrowthRow): number => r.counts[r.counts.length - 1] ?? 0;
  out.sort(
    (a, b) =>
      b.delta - a.delta ||
      last(b) - last(a) ||
      (b.group.longestWaitMinutes ?? -1) - (a.group.longestWaitMinutes ?? -1),
  );
  return { rows: out, matchedBy };
}

/** Growth turns some non-suspicious groups into suspects. */
function rejudge(group: AnalyzedGroup, delta: number): AnalyzedGroup {
  const c = group.classification;
  if (delta <= 0 || c.verdict === 'suspicious') return group;
  if (group.kind === 'http-conn-loop') {
    return {
      ...group,
      classification: {
        ...c,
        verdict: 'suspicious',
        ruleId: c.ruleId ?? 'http-client-no-timeout',
        reason:
          `HTTP keep-alive connection loops grew by ${delta} between dumps: connections are opened and never ` +
          'finish; a client without timeout against a slow server (or response bodies left unclosed) does this',
      },
    };
  }
  if (group.kind === 'ssh-conn-loop') {
    return {
      ...group,
      classification: {
        ...c,
        verdict: 'suspicious',
        ruleId: 'ssh-handshake-no-deadline',
        reason: `SSH connection goroutines grew by ${delta} between dumps: connections are opened and never closed`,
      },
    };
  }
  if (group.kind === 'self-waking-select') {
    // Each one wakes on its timer, so none is blocked; but more of them in
    // every dump means loops that are started and never stopped.
    return {
      ...group,
      classification: {
        ...c,
        verdict: 'suspicious',
        reason: `grew by ${delta} between dumps: ${c.reason}, but these loops are started and never stopped (a stop channel or context nobody closes?)`,
      },
    };
  }
  if (c.verdict === 'unknown') {
    return {
      ...group,
      classification: { ...c, verdict: 'suspicious', reason: `grew by ${delta} between dumps; ${c.reason}` },
    };
  }
  return group;
}
