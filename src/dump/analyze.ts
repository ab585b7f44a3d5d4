// From parsed goroutines to ranked, classified groups.

import { classify, isDefaultClientCaller, isRoundTripCaller, isSshHandshake, type DumpContext, type ShapeKind } from './classify.js';
import { SelectReader, type SelectCases } from './select.js';
import { stateFromSourceLine, type SourceIndex } from './source.js';
import { isRuntimeFunc, isUserFunc } from './symbols.js';
import type { DumpAnalysis, Frame, Goroutine, Group, ParsedDump, SourceLocation, StateSource } from './types.js';

export interface AnalyzeOptions {
  /** Source tree to map user frames onto; null disables mapping. */
  source: SourceIndex | null;
  /** `--ignore` function prefixes. */
  ignore: readonly string[];
}

/** A group plus the classifier that judged it (growth mode re-judges some). */
export interface AnalyzedGroup extends Group {
  kind: ShapeKind;
}

export interface Analysis extends DumpAnalysis {
  groups: AnalyzedGroup[];
}

// Where debug=1 hides the wait reason, the top visible frame often names
// it. Runtime entries apply to stacks printed with their runtime frames
// (GOTRACEBACK=system, or records with nothing but runtime frames).
const STACK_WAITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^runtime\.chansend1?$/, 'chan send'],
  [/^runtime\.chanrecv[12]?$/, 'chan receive'],
  [/^runtime\.selectgo$/, 'select'],
  [/^runtime\.block$/, 'select (no cases)'],
  [/^(?:runtime\.netpollblock|internal\/poll\.runtime_pollWait)$/, 'IO wait'],
  [/^sync\.runtime_Semacquire\w*$/, 'semacquire'],
  [/^sync\.runtime_notifyListWait$/, 'sync.Cond.Wait'],
  [/^time\.Sleep$/, 'sleep'],
  [/^runtime\/pprof\.runtime_goroutineProfileWithLabels$/, 'running'],
  // Library functions that block in a select of their own.
  [/^net\/http\.\(\*persistConn\)\.(?:writeLoop|roundTrip)$/, 'select'],
];

function stateFromStack(frames: readonly Frame[]): string | null {
  for (const frame of frames) {
    for (const [pattern, state] of STACK_WAITS) {
      if (pattern.test(frame.func)) return state;
    }
    if (!isRuntimeFunc(frame.func)) return null; // only the top non-runtime frame speaks
  }
  return null;
}

/** Frames that identify a stack: leading runtime frames dropped, as debug=1 prints them. */
function stackKeyOf(frames: readonly Frame[]): string {
  let start = 0;
  while (start < frames.length - 1 && frames[start]?.func.startsWith('runtime.')) start++;
  return frames
    .slice(start)
    .map((f) => `${f.func} ${f.file}:${f.line}`)
    .join('\n');
}

interface Resolved {
  g: Goroutine;
  state: string | null;
  stateSource: StateSource;
}

async function resolveState(g: Goroutine, source: SourceIndex | null): Promise<Resolved> {
  if (g.state !== null) return { g, state: g.state, stateSource: 'dump' };
  const fromStack = stateFromStack(g.frames);
  if (fromStack !== null) return { g, state: fromStack, stateSource: 'stack' };
  const top = g.frames[0];
  if (source && top && isUserFunc(top.func)) {
    const mapped = source.map(top.file);
    if (mapped.kind === 'mapped') {
      const text = await source.line(mapped.file, top.line);
      const state = text === null ? null : stateFromSourceLine(text);
      if (state !== null) return { g, state, stateSource: 'source' };
    }
  }
  return { g, state: null, stateSource: 'none' };
}

/** Maps the site frame, or the next user frame outward that exists under the source tree. */
function locate(frames: readonly Frame[], start: number | null, source: SourceIndex | null): SourceLocation | null {
  if (start === null || source === null) return null;
  for (let i = start; i < frames.length; i++) {
    const f = frames[i];
    if (!f || (i > start && !isUserFunc(f.func))) continue;
    const mapped = source.map(f.file);
    if (mapped.kind === 'mapped') return { file: mapped.file, relative: mapped.relative, line: f.line, frameIndex: i };
  }
  return null;
}

/**
 * The cases of the select a group is parked in, when its top frame is user
 * code that maps to a file under --source with a select on that line.
 */
async function selectOf(frames: readonly Frame[], state: string | null, source: SourceIndex | null, reader: SelectReader): Promise<(SelectCases & { file: string }) | null> {
  if (state !== 'select' || !source) return null;
  const top = frames.find((f) => !isRuntimeFunc(f.func));
  if (!top || !isUserFunc(top.func)) return null;
  const mapped = source.map(top.file);
  if (mapped.kind !== 'mapped') return null;
  const cases = await reader.at(mapped.file, top.line);
  return cases && { ...cases, file: mapped.relative };
}

export async function analyzeDump(dump: ParsedDump, options: AnalyzeOptions): Promise<Analysis> {
  const resolved = await Promise.all(dump.goroutines.map((g) => resolveState(g, options.source)));
  const selects = new SelectReader();

  const byKey = new Map<string, { members: Resolved[]; stackKey: string }>();
  for (const r of resolved) {
    const stackKey = stackKeyOf(r.g.frames);
    const c = r.g.createdBy;
    const key = `${stackKey}\n[${r.state ?? '?'}]\n<${c ? `${c.func} ${c.file}:${c.line}` : ''}`;
    const entry = byKey.get(key);
    if (entry) entry.members.push(r);
    else byKey.set(key, { members: [r], stackKey });
  }

  const funcsOnStacks = new Set<string>();
  let roundTripCallers = 0;
  let defaultClientCallers = 0;
  let sshHandshakes = 0;
  for (const r of resolved) {
    for (const f of r.g.frames) funcsOnStacks.add(f.func);
    if (isRoundTripCaller(r.g.frames, r.state)) {
      roundTripCallers += r.g.count;
      if (isDefaultClientCaller(r.g.frames)) defaultClientCallers += r.g.count;
    }
    if (isSshHandshake(r.g.frames, r.state)) sshHandshakes += r.g.count;
  }
  const ctx: DumpContext = {
    format: dump.format,
    funcsOnStacks,
    roundTripCallers,
    defaultClientCallers,
    sshHandshakes,
    ignore: options.ignore,
  };

  const groups: AnalyzedGroup[] = [];
  for (const [key, { members, stackKey }] of byKey) {
    const first = members[0];
    if (!first) continue;
    const frames = first.g.frames;
    const count = members.reduce((n, m) => n + m.g.count, 0);
    // reduce, not Math.max(...): leaks run to 10^5 goroutines per group,
    // beyond the engine's argument limit.
    const longestWaitMinutes = members.reduce<number | null>(
      (max, m) => (m.g.waitMinutes !== null && (max === null || m.g.waitMinutes > max) ? m.g.waitMinutes : max),
      null,
    );
    const ids = members.map((m) => m.g.id).filter((id): id is number => id !== null);
    ids.sort((a, b) => a - b);
    const shape = {
      frames,
      state: first.state,
      createdBy: first.g.createdBy,
      count,
      longestWaitMinutes,
      firstId: ids[0] ?? null,
      select: await selectOf(frames, first.state, options.source, selects),
    };
    const { kind, ...classification } = classify(shape, ctx);
    const userIndex = frames.findIndex((f) => isUserFunc(f.func));
    const userFrameIndex = userIndex < 0 ? null : userIndex;
    groups.push({
      key,
      stackKey,
      count,
      state: first.state,
      stateSource: first.stateSource,
      longestWaitMinutes,
      lockedToThread: members.reduce((n, m) => n + (m.g.lockedToThread ? m.g.count : 0), 0),
      frames,
      createdBy: first.g.createdBy,
      goroutineIds: ids,
      truncated: members.some((m) => m.g.truncated),
      userFrameIndex,
      classification,
      source: locate(frames, classification.siteIndex ?? userFrameIndex, options.source),
      finding: null,
      kind,
    });
  }
  sortGroups(groups, (g) => g.count);
  return { dump, groups };
}

/** Ranks by count (or another measure), then longest wait; stable otherwise. */
export function sortGroups<T extends Group>(groups: T[], measure: (g: T) => number): void {
  groups.sort(
    (a, b) => measure(b) - measure(a) || (b.longestWaitMinutes ?? -1) - (a.longestWaitMinutes ?? -1),
  );
}
