// The GoKer evaluation: lints the 42 GoKer blocking kernels we develop
// against (minimised real bugs from timmyyuan/gobench, extracted outside the
// repository by scripts/extract-goker.sh) and compares the findings with
// scripts/goker-expect.json, which records, per kernel, the lines where the
// bug's goroutines block forever.
//
//   node dist/scripts/goker.js [--json] DIR      (npm run goker -- DIR)
//
// Per kernel: FOUND when a finding sits on an expected blocked operation (on
// a channel operation only a channel rule counts; on a lock, WaitGroup or
// condition-variable operation any rule does), OTHER when there are findings
// but none there, MISSED when there are none. Findings that match no
// expected line are the false alarms on the kernels. Exit 0 whatever was
// found; 2 when DIR is missing or holds none of the kernels, or on a bad flag.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules/index.js';
import { lintFiles } from '../src/engine/lint.js';
import { hostBuildContext } from '../src/engine/buildtags.js';

/** The rules whose findings count on a channel operation. */
export const CHANNEL_RULES = new Set(['chan-send-leak', 'chan-recv-leak', 'recv-no-timeout']);
/** gobench subtypes that involve a channel ("Channel", "Channel & Lock", ...). */
export const isChannelSubtype = (subtype: string): boolean => /\bChannel\b/.test(subtype);

export type OpKind = 'send' | 'recv' | 'range' | 'select' | 'lock' | 'rlock' | 'wg-wait' | 'cond-wait' | 'once';
export const CHANNEL_KINDS: ReadonlySet<string> = new Set(['send', 'recv', 'range', 'select']);
export const OP_KINDS: ReadonlySet<string> = new Set([...CHANNEL_KINDS, 'lock', 'rlock', 'wg-wait', 'cond-wait', 'once']);

export interface BlockedOp {
  line: number;
  /** Source text found on that line. */
  op: string;
  kind: OpKind;
  channel: boolean;
  /** root: a goroutine of the deadlock itself; also: blocked only because a root goroutine never proceeds. */
  role: 'root' | 'also';
  goroutine: string;
  /** Other lines naming the same operation: the `select` of a select case, the call that reaches it. */
  alsoLines?: number[];
}

export interface BugExpectation {
  id: string;
  project: string;
  bug: string;
  type: string;
  subtype: string;
  file: string;
  blocked: BlockedOp[];
}

export interface Expectations {
  source: { repo: string; commit: string; dir: string; subtypes: string };
  notes: string[];
  bugs: BugExpectation[];
}

/** scripts/goker-expect.json of this checkout, from dist/scripts/ (the built script) or scripts/ (vitest, which runs the source). */
export const EXPECT_PATH = ((): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, 'goker-expect.json'), join(here, '../../scripts/goker-expect.json')].find((p) => existsSync(p)) ?? join(here, 'goker-expect.json');
})();

export function loadExpectations(path = EXPECT_PATH): Expectations {
  return JSON.parse(readFileSync(path, 'utf8')) as Expectations;
}

/** A finding reduced to what the matching needs. */
export interface KernelFinding {
  line: number;
  column: number;
  rule: string;
  message: string;
}

export interface Hit extends KernelFinding {
  op: BlockedOp;
}

export type Status = 'FOUND' | 'OTHER' | 'MISSED' | 'ABSENT';

export interface BugResult {
  id: string;
  subtype: string;
  channelSubtype: boolean;
  status: Status;
  /** FOUND by a channel rule on a channel operation (the figure the channel checker is judged by). */
  foundAtChannelOp: boolean;
  /** FOUND, but only on operations of role `also` (the test driver's wait, further workers). */
  foundOnlyDownstream: boolean;
  hits: Hit[];
  /** Findings on no expected line: false alarms on the kernel. */
  others: KernelFinding[];
  /** Expected operations whose text is not on their line (a different gobench revision). */
  stale: string[];
}

/** Which expected operation, if any, a finding names. */
export function matchOp(bug: BugExpectation, f: KernelFinding): BlockedOp | undefined {
  return bug.blocked.find((op) =>
    (op.line === f.line || (op.alsoLines ?? []).includes(f.line)) && (!op.channel || CHANNEL_RULES.has(f.rule)));
}

export function matchBug(bug: BugExpectation, findings: KernelFinding[], present = true): BugResult {
  const hits: Hit[] = [];
  const others: KernelFinding[] = [];
  for (const f of findings) {
    const op = matchOp(bug, f);
    if (op) hits.push({ ...f, op });
    else others.push(f);
  }
  const status: Status = !present ? 'ABSENT' : hits.length ? 'FOUND' : others.length ? 'OTHER' : 'MISSED';
  return {
    id: bug.id,
    subtype: bug.subtype,
    channelSubtype: isChannelSubtype(bug.subtype),
    status,
    foundAtChannelOp: hits.some((h) => h.op.channel && CHANNEL_RULES.has(h.rule)),
    foundOnlyDownstream: hits.length > 0 && hits.every((h) => h.op.role === 'also'),
    hits,
    others,
    stale: [],
  };
}

/** Expected operations whose text is not on their line in the kernel as extracted. */
export function staleOps(bug: BugExpectation, source: string): string[] {
  const lines = source.split('\n');
  return bug.blocked
    .filter((op) => !(lines[op.line - 1] ?? '').includes(op.op))
    .map((op) => `${bug.file}:${op.line}: expected ${JSON.stringify(op.op)}, found ${JSON.stringify((lines[op.line - 1] ?? '').trim())}`);
}

export interface Summary {
  present: number;
  /** Files that reached the rules (a check that the _test.go kernels were linted at all). */
  linted: number;
  total: number;
  channel: { total: number; found: number; foundAtChannelOp: number; foundOnlyDownstream: number };
  other: { total: number; found: number; foundOnlyDownstream: number };
  falseAlarms: number;
  kernelsWithFalseAlarms: number;
}

export interface GokerReport {
  dir: string;
  bugs: BugResult[];
  summary: Summary;
}

export function summarize(dir: string, results: BugResult[], linted = 0): GokerReport {
  const ch = results.filter((r) => r.channelSubtype);
  const other = results.filter((r) => !r.channelSubtype);
  const found = (rs: BugResult[]) => rs.filter((r) => r.status === 'FOUND');
  return {
    dir,
    bugs: results,
    summary: {
      present: results.filter((r) => r.status !== 'ABSENT').length,
      linted,
      total: results.length,
      channel: {
        total: ch.length,
        found: found(ch).length,
        foundAtChannelOp: ch.filter((r) => r.foundAtChannelOp).length,
        foundOnlyDownstream: found(ch).filter((r) => r.foundOnlyDownstream).length,
      },
      other: { total: other.length, found: found(other).length, foundOnlyDownstream: found(other).filter((r) => r.foundOnlyDownstream).length },
      falseAlarms: results.reduce((n, r) => n + r.others.length, 0),
      kernelsWithFalseAlarms: results.filter((r) => r.others.length).length,
    },
  };
}

/** Lints each kernel directory DIR/<id>/ (tests included: the kernels are _test.go files) and matches. */
export async function evaluate(dir: string, bugs: BugExpectation[], engine: 'paths' | 'checker' = 'checker'): Promise<GokerReport> {
  const root = resolve(dir);
  const present = new Set(bugs.filter((b) => existsSync(join(root, b.id, b.file))).map((b) => b.id));
  const files = bugs.filter((b) => present.has(b.id)).flatMap((b) =>
    readdirSync(join(root, b.id)).filter((n) => n.endsWith('.go')).map((n) => join(root, b.id, n)));
  // The channel rules' engine: the leak checker unless asked for the path analysis (--engine paths).
  const rules = RULES.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}), ...(rule.meta.options && 'engine' in rule.meta.options ? { engine } : {}) } }));
  const result = files.length
    ? await lintFiles(files, { tests: true, maxFileSize: 5 * 1048576, build: hostBuildContext(), rules } as Parameters<typeof lintFiles>[1])
    : { findings: [], stats: { files: 0 } };
  const byDir = new Map<string, KernelFinding[]>();
  for (const f of result.findings) {
    if (f.suppression) continue;
    const d = dirname(resolve(f.location.file));
    byDir.set(d, [...(byDir.get(d) ?? []), { line: f.location.line, column: f.location.column, rule: f.ruleId, message: f.message }]);
  }
  const results = bugs.map((b) => {
    const r = matchBug(b, byDir.get(join(root, b.id)) ?? [], present.has(b.id));
    if (present.has(b.id)) r.stale = staleOps(b, readFileSync(join(root, b.id, b.file), 'utf8'));
    return r;
  });
  return summarize(root, results, result.stats.files);
}

export function formatReport(report: GokerReport): string {
  const { summary: s } = report;
  const out: string[] = [`GoKer kernels in ${report.dir}: ${s.present} of ${s.total} present, ${s.linted} files linted`, ''];
  const w = Math.max(...report.bugs.map((b) => b.id.length));
  const ws = Math.max(...report.bugs.map((b) => b.subtype.length));
  for (const b of report.bugs) {
    const detail: string[] = [];
    for (const h of b.hits) detail.push(`${h.line} ${h.rule} on ${h.op.kind} \`${h.op.op}\` (${h.op.role})`);
    if (b.others.length) detail.push(`${b.hits.length ? 'elsewhere: ' : ''}${b.others.map((f) => `${f.line} ${f.rule}`).join(', ')}`);
    out.push(`${b.id.padEnd(w)}  ${b.subtype.padEnd(ws)}  ${b.status.padEnd(6)}  ${detail.join('; ')}`.trimEnd());
    for (const st of b.stale) out.push(`${' '.repeat(w)}  stale expectation: ${st}`);
  }
  const pct = (n: number, m: number) => (m ? ` (${Math.round((100 * n) / m)}%)` : '');
  out.push(
    '',
    `channel-subtype kernels: found ${s.channel.found} of ${s.channel.total}${pct(s.channel.found, s.channel.total)}; ` +
      `${s.channel.foundAtChannelOp} by a channel rule on a channel operation, ${s.channel.foundOnlyDownstream} only on a downstream wait`,
    `other kernels (lock, WaitGroup, condition variable): found ${s.other.found} of ${s.other.total}${pct(s.other.found, s.other.total)}; ${s.other.foundOnlyDownstream} only on a downstream wait`,
    `findings not at an expected line (false alarms on the kernels): ${s.falseAlarms} in ${s.kernelsWithFalseAlarms} kernel${s.kernelsWithFalseAlarms === 1 ? '' : 's'}`,
  );
  return out.join('\n') + '\n';
}

const USAGE = 'usage: goker [--json] [--engine=paths|checker] DIR   (DIR holds <project>_<id>/ from scripts/extract-goker.sh)\n';

export async function cli(argv: string[], write = (s: string) => process.stdout.write(s), warn = (s: string) => process.stderr.write(s)): Promise<number> {
  const flags = argv.filter((a) => a.startsWith('--'));
  const args = argv.filter((a) => !a.startsWith('--'));
  const bad = flags.find((f) => f !== '--json' && f !== '--engine=paths' && f !== '--engine=checker');
  if (bad || args.length !== 1) {
    warn(`goker: ${bad ? `unknown flag ${bad}` : 'one DIR expected'}\n${USAGE}`);
    return 2;
  }
  const dir = resolve(args[0]);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    warn(`goker: ${dir}: no such directory; extract the kernels with scripts/extract-goker.sh ${args[0]}\n`);
    return 2;
  }
  const report = await evaluate(dir, loadExpectations().bugs, flags.includes('--engine=paths') ? 'paths' : 'checker');
  if (report.summary.present === 0) {
    warn(`goker: ${dir} holds none of the ${report.summary.total} kernels (expected <project>_<id>/ folders from scripts/extract-goker.sh)\n`);
    return 2;
  }
  write(flags.includes('--json') ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`goker: ${(e as Error).stack}\n`); process.exitCode = 2; });
}
