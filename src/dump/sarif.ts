// SARIF 2.1.0 rendering of suspicious goroutine groups.
//
// One result per suspicious group. Its location is the user frame the
// classification points at, mapped under the source root; its code flow is
// the goroutine's stack, innermost frame first, ending with the `go`
// statement that created it (runtime frames left out: nothing to fix there).
// URIs are relative to the source root through the SRCROOT base id, so a
// code-scanning upload resolves them against the repository, not the
// directory the command ran in.

import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { AnalyzedGroup } from './analyze.js';
import { formatMinutes, shownFrameIndex, suspiciousRows, type Report, type ReportRow } from './report.js';
import { isRuntimeFunc } from './symbols.js';
import type { Frame } from './types.js';

/** Maps a dump path to a path relative to the source root, or null. */
export type FrameMapper = (frame: Frame) => string | null;

/** Growth mode can flag a group no static rule describes; it still needs a rule id. */
export const GROWTH_RULE_ID = 'goroutine-growth';

const RULE_TEXT: Readonly<Record<string, string>> = {
  [GROWTH_RULE_ID]: 'a goroutine group grew between dumps; no static rule describes its shape',
};

function logical(frame: Frame): Sarif.LogicalLocation {
  return { fullyQualifiedName: frame.func, kind: 'function' };
}

function physical(relative: string, line: number): Sarif.PhysicalLocation {
  return { artifactLocation: { uri: relative, uriBaseId: 'SRCROOT' }, region: { startLine: line } };
}

function frameLocation(frame: Frame, mapFrame: FrameMapper, text: string): Sarif.Location {
  // Frames pprof could not symbolize have no line to point at.
  const relative = frame.line <= 0 ? null : mapFrame(frame);
  return {
    ...(relative !== null ? { physicalLocation: physical(relative, frame.line) } : {}),
    logicalLocations: [logical(frame)],
    message: { text },
  };
}

function codeFlow(group: AnalyzedGroup, mapFrame: FrameMapper): Sarif.CodeFlow {
  const site = shownFrameIndex(group);
  const steps: Sarif.ThreadFlowLocation[] = [];
  let first = true;
  group.frames.forEach((frame, i) => {
    if (isRuntimeFunc(frame.func)) return;
    // The innermost step says what the goroutine waits for.
    const prefix = first ? `${group.state ?? 'blocked'}: ` : '';
    first = false;
    steps.push({
      location: frameLocation(frame, mapFrame, `${prefix}${frame.func} (${frame.file}:${frame.line})`),
      importance: i === site ? 'essential' : mapFrame(frame) !== null ? 'important' : 'unimportant',
    });
  });
  if (group.createdBy) {
    const c = group.createdBy;
    steps.push({
      location: frameLocation(c, mapFrame, `created by ${c.func} (${c.file}:${c.line})`),
      importance: mapFrame(c) !== null ? 'important' : 'unimportant',
    });
  }
  return {
    message: { text: 'goroutine stack, innermost frame first; the last step is the go statement that started it' },
    threadFlows: [{ locations: steps }],
  };
}

function resultMessage(row: ReportRow): string {
  const g = row.group;
  const count = row.counts ? (row.counts[row.counts.length - 1] ?? 0) : g.count;
  const wait = g.longestWaitMinutes === null ? '' : ` (longest ${formatMinutes(g.longestWaitMinutes)})`;
  const growth = row.counts && row.delta !== null && row.delta > 0 ? `, grew by ${row.delta} (${row.counts.join(' -> ')})` : '';
  return `${count} goroutine${count === 1 ? '' : 's'} blocked in ${g.state ?? 'an unknown state'}${wait}${growth}: ${g.classification.reason}`;
}

export function renderSarif(report: Report, mapFrame: FrameMapper): string {
  const rows = suspiciousRows(report);
  const ruleIds = [...new Set(rows.map((r) => r.group.classification.ruleId ?? GROWTH_RULE_ID))].sort();
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map((id) => ({
    id,
    ...(RULE_TEXT[id] ? { shortDescription: { text: RULE_TEXT[id] } } : {}),
  }));

  const results: Sarif.Result[] = rows.map((row) => {
    const g = row.group;
    const ruleId = g.classification.ruleId ?? GROWTH_RULE_ID;
    const shown = g.frames[shownFrameIndex(g) ?? -1] ?? g.frames[g.frames.length - 1];
    let locations: Sarif.Location[] = [];
    if (g.source) {
      const frame = g.frames[g.source.frameIndex];
      locations = [
        {
          physicalLocation: physical(g.source.relative, g.source.line),
          ...(frame ? { logicalLocations: [logical(frame)] } : {}),
        },
      ];
    } else if (shown) {
      // Not under the source root (library code, or another checkout):
      // name the function so the result is still findable.
      locations = [{ logicalLocations: [logical(shown)] }];
    }
    const result: Sarif.Result = {
      ruleId,
      ruleIndex: ruleIds.indexOf(ruleId),
      level: 'warning',
      message: { text: resultMessage(row) },
      locations,
      partialFingerprints: {
        'goroutineGroup/v1': createHash('sha256').update(`${g.stackKey}\n${g.state ?? ''}`).digest('hex').slice(0, 32),
      },
      properties: {
        count: g.count,
        ...(row.counts ? { counts: row.counts, delta: row.delta } : {}),
        waitReason: g.state,
        longestWaitMinutes: g.longestWaitMinutes,
        // A sample is enough to find them in the dump; all of them would
        // bloat the log by megabytes for a large leak.
        goroutineIds: g.goroutineIds.slice(0, 20),
      },
    };
    if (g.source) result.codeFlows = [codeFlow(g, mapFrame)];
    return result;
  });

  const notifications: Sarif.Notification[] = report.inputs.flatMap((d) =>
    d.issues.map((issue) => ({
      level: 'error' as const,
      message: { text: `${d.name}${issue.line > 0 ? `:${issue.line}` : ''}: ${issue.message}` },
    })),
  );

  const log: Sarif.Log = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'golint-leaks', rules } },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(report.sourceRoot).href.replace(/\/?$/, '/') } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
