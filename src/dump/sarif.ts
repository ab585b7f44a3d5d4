// SARIF 2.1.0 rendering of suspicious goroutine groups.
//
// One result per suspicious group. Its location is the user frame the
// classification points at, mapped under the source root; its code flow is
// the goroutine's stack, innermost frame first, ending with the `go`
// statement that created it (runtime frames left out: nothing to fix there).
// URIs are relative to the repository that holds the source root (the
// source root itself outside git), through the SRCROOT base id, as for the
// linter's own SARIF: a code-scanning upload resolves them against the
// repository, not the directory the command ran in.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { AnalyzedGroup } from './analyze.js';
import { formatMinutes, shownFrameIndex, suspiciousRows, type Report, type ReportRow } from './report.js';
import { isRuntimeFunc } from './symbols.js';
import type { Frame } from './types.js';

/** Maps a frame to an absolute file under the source root, or null. */
export type FrameMapper = (frame: Frame) => string | null;

/** Growth mode can flag a group no static rule describes; it still needs a rule id. */
export const GROWTH_RULE_ID = 'goroutine-growth';

/** What the log says about the tool and its rules, when the registry is at hand. */
export interface SarifTool {
  version: string | null;
  informationUri: string | null;
  /** Descriptor of a static rule by id (from the rules' meta), if known. */
  rule: (id: string) => Sarif.ReportingDescriptor | undefined;
}

const GROWTH_RULE: Sarif.ReportingDescriptor = {
  id: GROWTH_RULE_ID,
  shortDescription: { text: 'a goroutine group grew between dumps and no static rule describes its shape' },
};

function logical(frame: Frame): Sarif.LogicalLocation {
  return { fullyQualifiedName: frame.func, kind: 'function' };
}

/** Renders paths relative to the SARIF root, which SRCROOT names. */
interface Locator {
  root: string;
  mapFrame: FrameMapper;
}

// Same base id and encoding as the linter's own SARIF (src/report/sarif.ts),
// so both logs of one repository resolve alike.
const SRCROOT = '%SRCROOT%';

function physical(loc: Locator, file: string, line: number): Sarif.PhysicalLocation {
  const rel = path.relative(loc.root, file);
  const outside = rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
  const artifactLocation: Sarif.ArtifactLocation = outside
    ? { uri: pathToFileURL(file).href }
    : { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { artifactLocation, region: { startLine: line } };
}

function frameLocation(frame: Frame, loc: Locator, text: string): Sarif.Location {
  // Frames pprof could not symbolize have no line to point at.
  const file = frame.line <= 0 ? null : loc.mapFrame(frame);
  return {
    ...(file !== null ? { physicalLocation: physical(loc, file, frame.line) } : {}),
    logicalLocations: [logical(frame)],
    message: { text },
  };
}

function codeFlow(group: AnalyzedGroup, loc: Locator): Sarif.CodeFlow {
  const site = shownFrameIndex(group);
  const steps: Sarif.ThreadFlowLocation[] = [];
  let first = true;
  group.frames.forEach((frame, i) => {
    if (isRuntimeFunc(frame.func)) return;
    // The innermost step says what the goroutine waits for.
    const prefix = first ? `${group.state ?? 'blocked'}: ` : '';
    first = false;
    steps.push({
      location: frameLocation(frame, loc, `${prefix}${frame.func} (${frame.file}:${frame.line})`),
      importance: i === site ? 'essential' : loc.mapFrame(frame) !== null ? 'important' : 'unimportant',
    });
  });
  if (group.createdBy) {
    const c = group.createdBy;
    steps.push({
      location: frameLocation(c, loc, `created by ${c.func} (${c.file}:${c.line})`),
      importance: loc.mapFrame(c) !== null ? 'important' : 'unimportant',
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

/**
 * @param root directory URIs are relative to: the repository root holding
 *   the source root, or the source root itself.
 */
export function renderSarif(report: Report, mapFrame: FrameMapper, root: string, tool: SarifTool): string {
  const loc: Locator = { root, mapFrame };
  const rows = suspiciousRows(report);
  const ruleIds = [...new Set(rows.map((r) => r.group.classification.ruleId ?? GROWTH_RULE_ID))].sort();
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map(
    (id) => (id === GROWTH_RULE_ID ? GROWTH_RULE : tool.rule(id)) ?? { id },
  );

  const results: Sarif.Result[] = rows.map((row) => {
    const g = row.group;
    const ruleId = g.classification.ruleId ?? GROWTH_RULE_ID;
    const shown = g.frames[shownFrameIndex(g) ?? -1] ?? g.frames[g.frames.length - 1];
    let locations: Sarif.Location[] = [];
    if (g.source) {
      const frame = g.frames[g.source.frameIndex];
      locations = [
        {
          physicalLocation: physical(loc, g.source.file, g.source.line),
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
    if (g.source) result.codeFlows = [codeFlow(g, loc)];
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
        tool: {
          driver: {
            name: 'golint-leaks',
            ...(tool.version !== null ? { version: tool.version, semanticVersion: tool.version } : {}),
            ...(tool.informationUri !== null ? { informationUri: tool.informationUri } : {}),
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(root).href.replace(/\/?$/, '/') } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
