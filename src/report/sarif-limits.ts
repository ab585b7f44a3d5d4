// GitHub code scanning's upload limits, applied to a SARIF log before it is
// written. GitHub rejects a file over 10 MB gzipped and a run over 25,000
// results outright, and silently keeps only the first 1,000 locations of a
// result's code flow, 1,000 related locations and 10 tags of a rule. Rather
// than let an upload fail (or GitHub pick what to drop), we keep the most
// severe results, trim what GitHub would ignore, and say so in a notice and
// in the run's toolExecutionNotifications.
import { gzipSync } from 'node:zlib';
import type * as Sarif from 'sarif';
import type { Notice } from '../engine/finding.js';

export interface GitHubLimits {
  /** Results per run (GitHub rejects more). */
  maxResults: number;
  /** Bytes of the gzipped file (GitHub rejects more); we aim a little below. */
  maxGzipBytes: number;
  /** Locations per thread flow GitHub keeps. */
  maxThreadFlowLocations: number;
  /** Related locations per result GitHub keeps. */
  maxRelatedLocations: number;
  /** Tags per rule GitHub keeps. */
  maxTags: number;
}

export const GITHUB_LIMITS: GitHubLimits = {
  maxResults: 25_000,
  maxGzipBytes: 10 * 1024 * 1024,
  maxThreadFlowLocations: 1_000,
  maxRelatedLocations: 1_000,
  maxTags: 10,
};

const LEVEL_RANK: Record<string, number> = { error: 0, warning: 1, note: 2, none: 3 };

/** How to order results when some must go: unsuppressed before suppressed, then error, warning, note. */
function rank(r: Sarif.Result): number {
  return (r.suppressions?.length ? 10 : 0) + (LEVEL_RANK[r.level ?? 'warning'] ?? 1);
}

/** Serializes the log as the CLI writes it. */
export function serializeSarif(log: Sarif.Log): string {
  return JSON.stringify(log, null, 2) + '\n';
}

/**
 * Trims `log` in place to fit `limits` and returns notices saying what was
 * dropped. Kept results stay in their original order.
 */
export function fitGitHubLimits(log: Sarif.Log, limits: GitHubLimits = GITHUB_LIMITS): Notice[] {
  const notices: Notice[] = [];
  for (const run of log.runs) {
    for (const rule of run.tool.driver.rules ?? []) {
      const tags = rule.properties?.tags;
      if (tags && tags.length > limits.maxTags) rule.properties!.tags = tags.slice(0, limits.maxTags);
    }
    let trimmedFlows = 0;
    for (const r of run.results ?? []) {
      if (r.relatedLocations && r.relatedLocations.length > limits.maxRelatedLocations) {
        r.relatedLocations = r.relatedLocations.slice(0, limits.maxRelatedLocations);
        trimmedFlows++;
      }
      for (const cf of r.codeFlows ?? []) {
        for (const tf of cf.threadFlows) {
          if (tf.locations.length > limits.maxThreadFlowLocations) {
            tf.locations = tf.locations.slice(0, limits.maxThreadFlowLocations);
            trimmedFlows++;
          }
        }
      }
    }
    if (trimmedFlows) notices.push({ level: 'note', message: `SARIF: trimmed ${trimmedFlows} code flows or related-location lists to GitHub code scanning's ${limits.maxThreadFlowLocations} locations` });
    const results = run.results ?? [];
    if (results.length > limits.maxResults) {
      const dropped = keepMostSevere(run, limits.maxResults);
      notices.push(limitNotice(`${results.length} results exceed GitHub code scanning's limit of ${limits.maxResults} per upload`, results.length - dropped.length, dropped));
    }
  }
  // The size limit applies to the whole file; only results can give way.
  const size = () => gzipSync(serializeSarif(log)).length;
  let bytes = size();
  if (bytes > limits.maxGzipBytes) {
    const total = log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
    const allDropped: Sarif.Result[] = [];
    const before = bytes;
    // Shrink proportionally with a margin, then step down until it fits.
    let keep = Math.floor(total * (limits.maxGzipBytes / bytes) * 0.95);
    for (;;) {
      let budget = Math.max(0, keep);
      for (const run of log.runs) {
        const n = run.results?.length ?? 0;
        const k = Math.min(n, budget);
        budget -= k;
        allDropped.push(...keepMostSevere(run, k));
      }
      bytes = size();
      if (bytes <= limits.maxGzipBytes || keep <= 0) break;
      keep = Math.floor(keep * 0.9);
    }
    notices.push(limitNotice(`the report is ${(before / 1048576).toFixed(1)} MB gzipped, over GitHub code scanning's ${(limits.maxGzipBytes / 1048576).toFixed(0)} MB per upload`, total - allDropped.length, allDropped));
  }
  for (const run of log.runs) {
    const inv = run.invocations?.[0];
    if (!inv || !notices.length) continue;
    inv.toolExecutionNotifications = [...(inv.toolExecutionNotifications ?? []), ...notices.map((n): Sarif.Notification => ({ level: n.level, message: { text: n.message } }))];
  }
  return notices;
}

/** Keeps the `keep` most severe results of a run in their original order; returns the dropped ones. */
function keepMostSevere(run: Sarif.Run, keep: number): Sarif.Result[] {
  const results = run.results ?? [];
  if (results.length <= keep) return [];
  const order = results.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i);
  const kept = new Set(order.slice(0, keep).map((x) => x.i));
  run.results = results.filter((_, i) => kept.has(i));
  return results.filter((_, i) => !kept.has(i));
}

function limitNotice(why: string, kept: number, dropped: Sarif.Result[]): Notice {
  const byLevel = new Map<string, number>();
  for (const r of dropped) {
    const k = r.suppressions?.length ? 'suppressed' : r.level ?? 'warning';
    byLevel.set(k, (byLevel.get(k) ?? 0) + 1);
  }
  const what = [...byLevel].map(([k, n]) => `${n} ${k}`).join(', ');
  return { level: 'warning', message: `SARIF: ${why}; kept the ${kept} most severe results and left out ${dropped.length} (${what}). Narrow the patterns, or turn rules off in the config, to choose what is uploaded.` };
}
