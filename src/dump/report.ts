// Text and JSON renderings of a dump analysis.

import * as path from 'node:path';
import type { AnalyzedGroup } from './analyze.js';
import type { Frame, ParsedDump } from './types.js';

/** One line of output: a group, with its counts per dump in growth mode. */
export interface ReportRow {
  group: AnalyzedGroup;
  /** Growth mode only: count per dump, in input order. */
  counts: number[] | null;
  delta: number | null;
}

export interface Report {
  mode: 'snapshot' | 'growth';
  inputs: ParsedDump[];
  rows: ReportRow[];
  /** Directory user frames were mapped onto. */
  sourceRoot: string;
  /** Growth mode: how groups were matched across dumps. */
  matchedBy: 'group' | 'stack' | null;
  /** Directory paths in the output are shown relative to. */
  cwd: string;
}

/** Rows that make the exit code 1: suspicious and still present in the (last) dump. */
export function suspiciousRows(report: Report): ReportRow[] {
  return report.rows.filter((r) => r.group.classification.verdict === 'suspicious' && lastCount(r) > 0);
}

function lastCount(row: ReportRow): number {
  return row.counts ? (row.counts[row.counts.length - 1] ?? 0) : row.group.count;
}

export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '-';
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
  return `${Math.floor(minutes / (24 * 60))}d${Math.floor((minutes % (24 * 60)) / 60)}h`;
}

function shortFile(file: string): string {
  const parts = file.replace(/\\/g, '/').split('/');
  return parts[parts.length - 1] ?? file;
}

function frameLabel(frame: Frame | undefined): string {
  return frame ? `${frame.func} ${shortFile(frame.file)}:${frame.line}` : '-';
}

/** The frame the table shows: the rule's site, else the first user frame. */
export function shownFrameIndex(group: AnalyzedGroup): number | null {
  return group.classification.siteIndex ?? group.userFrameIndex;
}

function waitLabel(group: AnalyzedGroup): string {
  const state = group.state ?? '?';
  return group.stateSource === 'stack' || group.stateSource === 'source' ? `${state}*` : state;
}

function describeInput(d: ParsedDump): string {
  const n = d.goroutines.reduce((sum, g) => sum + g.count, 0);
  return `${d.name} (${d.format ?? 'unreadable'}, ${n} goroutine${n === 1 ? '' : 's'})`;
}

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        if (i === cells.length - 1) return cell;
        return rightAligned.has(i) ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}

export function renderText(report: Report): string {
  const out: string[] = [];
  const suspicious = suspiciousRows(report);
  const goroutines = report.rows.reduce((n, r) => n + lastCount(r), 0);
  if (report.mode === 'growth') {
    out.push(
      `growth over ${report.inputs.length} dumps: ${report.inputs.map(describeInput).join(' -> ')}` +
        (report.matchedBy === 'stack' ? '; formats differ, groups matched by stack only' : ''),
    );
  } else {
    const names = report.inputs.map(describeInput).join(' + ');
    out.push(`${names}: ${report.rows.length} group${report.rows.length === 1 ? '' : 's'}, ${suspicious.length} suspicious`);
  }
  out.push('');

  const verdictCells = (g: AnalyzedGroup): string[] => [
    waitLabel(g),
    formatMinutes(g.longestWaitMinutes),
    g.classification.verdict,
    g.classification.ruleId ?? '-',
    frameLabel(g.frames[shownFrameIndex(g) ?? -1]),
    g.createdBy ? frameLabel(g.createdBy) : '-',
  ];
  const tail = ['WAIT', 'LONGEST', 'VERDICT', 'RULE', 'FIRST USER FRAME', 'CREATED BY'];
  if (report.mode === 'growth') {
    out.push(
      ...table(
        ['COUNTS', 'DELTA', ...tail],
        report.rows.map((r) => [
          (r.counts ?? []).join('->'),
          r.delta === null ? '' : r.delta > 0 ? `+${r.delta}` : String(r.delta),
          ...verdictCells(r.group),
        ]),
        new Set([1]),
      ),
    );
  } else {
    out.push(...table(['COUNT', ...tail], report.rows.map((r) => [String(r.group.count), ...verdictCells(r.group)]), new Set([0])));
  }
  if (report.rows.some((r) => r.group.stateSource === 'stack' || r.group.stateSource === 'source')) {
    out.push('', '* wait reason inferred from the stack or the source line (debug=1 dumps do not print it)');
  }
  if (goroutines === 0) out.push('', 'no goroutines');

  const details = (title: string, rows: ReportRow[]): void => {
    if (rows.length === 0) return;
    out.push('', `${title}:`);
    rows.forEach((row, i) => {
      const g = row.group;
      const count = lastCount(row);
      out.push(
        `  ${i + 1}. ${count} goroutine${count === 1 ? '' : 's'} in ${g.state ?? 'unknown state'}` +
          (g.classification.ruleId ? ` [${g.classification.ruleId}]` : ''),
      );
      out.push(`     ${g.classification.reason}`);
      const shown = g.frames[shownFrameIndex(g) ?? -1];
      if (g.source) {
        const frame = g.frames[g.source.frameIndex];
        const where = path.relative(report.cwd, g.source.file) || g.source.file;
        out.push(`     at ${where}:${g.source.line}${frame ? ` (${frame.func})` : ''}`);
      } else if (shown) {
        out.push(`     at ${shown.file}:${shown.line} (not found under ${path.relative(report.cwd, report.sourceRoot) || '.'})`);
      } else {
        // No user frame (transport loops, runtime): name the goroutine's start function.
        const start = g.frames[g.frames.length - 1];
        if (start) out.push(`     goroutine started at ${start.func} (${shortFile(start.file)}:${start.line})`);
      }
      if (g.finding) {
        const where = path.relative(report.cwd, g.finding.file) || g.finding.file;
        out.push(
          `     static finding: ${g.finding.ruleId} ${where}:${g.finding.line}:${g.finding.column} ${g.finding.message}` +
            (g.finding.sameRule ? '' : ` (dump says ${g.classification.ruleId ?? 'no rule'})`),
        );
      }
      if (g.truncated) out.push('     (stack incomplete: the dump was cut inside this goroutine)');
    });
  };
  details('Suspicious', suspicious);
  details(
    'Unclassified',
    report.rows.filter((r) => r.group.classification.verdict === 'unknown' && lastCount(r) > 0),
  );
  return out.join('\n') + '\n';
}

/** Stable JSON shape (`version` bumps on incompatible changes). */
export function renderJson(report: Report): string {
  const json = {
    version: 1,
    mode: report.mode,
    sourceRoot: report.sourceRoot,
    matchedBy: report.matchedBy,
    inputs: report.inputs.map((d) => ({
      name: d.name,
      format: d.format,
      goroutines: d.goroutines.reduce((n, g) => n + g.count, 0),
      total: d.total,
      panic: d.panic,
      issues: d.issues,
    })),
    summary: {
      groups: report.rows.length,
      suspicious: suspiciousRows(report).length,
      goroutines: report.rows.reduce((n, r) => n + lastCount(r), 0),
    },
    groups: report.rows.map((r) => {
      const g = r.group;
      return {
        // In growth mode: the count in the last dump (0 if the group is gone).
        count: lastCount(r),
        ...(r.counts ? { counts: r.counts, delta: r.delta } : {}),
        state: g.state,
        stateSource: g.stateSource,
        longestWaitMinutes: g.longestWaitMinutes,
        lockedToThread: g.lockedToThread,
        verdict: g.classification.verdict,
        ruleId: g.classification.ruleId,
        reason: g.classification.reason,
        shape: g.kind,
        siteFrame: g.classification.siteIndex,
        userFrame: g.userFrameIndex,
        frames: g.frames,
        createdBy: g.createdBy,
        goroutineIds: g.goroutineIds,
        truncated: g.truncated,
        source: g.source,
        finding: g.finding,
      };
    }),
  };
  return JSON.stringify(json, null, 2) + '\n';
}
