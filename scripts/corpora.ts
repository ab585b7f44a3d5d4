// Lints every .go file of real repositories and reports, per repository,
// crashes, per-file errors, time and findings per rule. Zero crashes is the
// bar (issue 10): a crash is an exception escaping the engine, a rule's
// internal error, or (with --subprocess) a run of the binary that exits with
// something other than 0, 1 or 2, prints a stack trace or emits broken JSON.
//
//   node dist/scripts/corpora.js [--json] [--subprocess] [--go-patterns] [--no-prefilter] [DIR...]
//
// Default directories: the extracted repositories under /work/corpus and
// Debian's Go sources. Unlike `./...`, every .go file is linted, vendor/ and
// testdata/ included (testdata holds deliberately broken Go: good for a crash
// hunt); --go-patterns uses the go tool's `./...` rules instead. Symlinks are
// never followed. --no-prefilter parses and analyses every package, even
// those the prefilter would skip because no rule could report in them: the
// thorough crash hunt (findings are the same by design).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules/index.js';
import { lintFiles, type LintResult } from '../src/engine/lint.js';
import { hostBuildContext } from '../src/engine/buildtags.js';
import { expandPatterns } from '../src/cli/patterns.js';

export const DEFAULT_DIRS = [
  '/work/corpus/etcd', '/work/corpus/prometheus', '/work/corpus/grpc-go', '/work/corpus/moby', '/work/corpus/packer',
  '/usr/share/go-1.19/src',
];

export interface RepoReport {
  dir: string;
  /** .go files found. */
  files: number;
  /** Files that reached the rules (others: build constraints, skipped, unreadable). */
  linted: number;
  packages: number;
  /** Per-file notices of level error (unreadable, binary, not UTF-8, no package clause), by message kind. */
  fileErrors: Record<string, number>;
  /** Files with syntax errors (still linted where whole). */
  syntaxErrors: number;
  /** Internal errors of rules and exceptions out of the engine: must be zero. */
  crashes: string[];
  ms: number;
  findings: Record<string, number>;
  suppressed: number;
  subprocess?: { exit: number; ms: number; problems: string[] };
}

/** Every .go file under dir, iteratively, without following symlinks. */
export function allGoFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try { entries = readdirSync(d, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) { if (e.name !== '.git' && e.name !== 'node_modules') stack.push(p); }
      else if (e.isFile() && e.name.endsWith('.go')) out.push(p);
    }
  }
  return out.sort();
}

function kindOf(message: string): string {
  // "skipped: not valid UTF-8 (first bad byte on line 3)" → "skipped: not valid UTF-8"
  return message.replace(/\s*\(.*$/, '').replace(/:\s*[^:]*\d.*$/, '').slice(0, 60);
}

export async function lintRepo(dir: string, opts: { goPatterns?: boolean; subprocess?: boolean; prefilter?: boolean } = {}): Promise<RepoReport> {
  const files = opts.goPatterns ? expandPatterns([`${dir}/...`], dir).files : allGoFiles(dir);
  const rules = RULES.filter((rule) => rule.meta.enabledByDefault !== false).map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}) } }));
  const report: RepoReport = { dir, files: files.length, linted: 0, packages: 0, fileErrors: {}, syntaxErrors: 0, crashes: [], ms: 0, findings: {}, suppressed: 0 };
  const t0 = performance.now();
  let result: LintResult | null = null;
  try {
    result = await lintFiles(files, { tests: true, maxFileSize: 5 * 1048576, build: hostBuildContext(), rules, prefilter: opts.prefilter !== false } as Parameters<typeof lintFiles>[1]);
  } catch (e) {
    report.crashes.push(`engine threw: ${(e as Error).stack ?? String(e)}`);
    // Find the package that throws, one directory at a time.
    const byDir = new Map<string, string[]>();
    for (const f of files) byDir.set(dirname(f), [...(byDir.get(dirname(f)) ?? []), f]);
    for (const [d, fs] of byDir) {
      try { await lintFiles(fs, { tests: true, maxFileSize: 5 * 1048576, build: hostBuildContext(), rules, prefilter: opts.prefilter !== false } as Parameters<typeof lintFiles>[1]); } catch (e2) {
        report.crashes.push(`${d}: ${(e2 as Error).message}`);
      }
    }
  }
  report.ms = performance.now() - t0;
  if (result) {
    report.linted = result.stats.files;
    report.packages = result.stats.packages;
    for (const n of result.notices) {
      if (/internal error|Maximum call stack/.test(n.message)) report.crashes.push(`${n.file ?? ''}${n.line ? `:${n.line}` : ''}: ${n.message}`);
      else if (/syntax error/.test(n.message)) report.syntaxErrors++;
      else if (n.level === 'error') report.fileErrors[kindOf(n.message)] = (report.fileErrors[kindOf(n.message)] ?? 0) + 1;
    }
    for (const f of result.findings) {
      if (f.suppression) { report.suppressed++; continue; }
      report.findings[f.ruleId] = (report.findings[f.ruleId] ?? 0) + 1;
    }
  }
  if (opts.subprocess) report.subprocess = runBinary(dir);
  return report;
}

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');

/** The built binary over `DIR/...` as a user runs it: exit 0/1/2, no stack trace, JSON that parses. */
export function runBinary(dir: string): { exit: number; ms: number; problems: string[] } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--format', 'json', './...'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  const problems: string[] = [];
  const exit = r.status ?? -1;
  if (![0, 1, 2].includes(exit)) problems.push(`exit ${exit}${r.signal ? ` (${r.signal})` : ''}`);
  if (/^\s+at .+:\d+:\d+\)?$/m.test(r.stderr)) problems.push(`stack trace on stderr: ${r.stderr.split('\n').slice(0, 3).join(' | ')}`);
  if (/internal error/.test(r.stderr)) problems.push(`internal error: ${r.stderr.split('\n').filter((l) => /internal error/.test(l)).slice(0, 3).join(' | ')}`);
  try { JSON.parse(r.stdout); } catch (e) { problems.push(`stdout is not JSON: ${(e as Error).message}`); }
  return { exit, ms, problems };
}

export function formatReport(reports: RepoReport[]): string {
  const ruleIds = RULES.map((r) => r.meta.id);
  const lines: string[] = [];
  const total = { files: 0, linted: 0, errors: 0, syntax: 0, crashes: 0, ms: 0, findings: {} as Record<string, number> };
  lines.push(['repository', 'files', 'linted', 'pkgs', 'file errors', 'syntax', 'crashes', 'time', 'findings'].join('\t'));
  for (const r of reports) {
    const errors = Object.values(r.fileErrors).reduce((a, b) => a + b, 0);
    const nFind = Object.values(r.findings).reduce((a, b) => a + b, 0);
    total.files += r.files; total.linted += r.linted; total.errors += errors; total.syntax += r.syntaxErrors; total.crashes += r.crashes.length; total.ms += r.ms;
    for (const [k, v] of Object.entries(r.findings)) total.findings[k] = (total.findings[k] ?? 0) + v;
    lines.push([basename(r.dir) === 'src' ? r.dir : basename(r.dir), r.files, r.linted, r.packages, errors, r.syntaxErrors, r.crashes.length, `${(r.ms / 1000).toFixed(1)}s`, nFind].join('\t'));
  }
  lines.push(['total', total.files, total.linted, '', total.errors, total.syntax, total.crashes, `${(total.ms / 1000).toFixed(1)}s`, Object.values(total.findings).reduce((a, b) => a + b, 0)].join('\t'));
  lines.push('', 'findings per rule (unsuppressed):', ['repository', ...ruleIds].join('\t'));
  for (const r of reports) lines.push([basename(r.dir), ...ruleIds.map((id) => r.findings[id] ?? 0)].join('\t'));
  lines.push(['total', ...ruleIds.map((id) => total.findings[id] ?? 0)].join('\t'));
  for (const r of reports) {
    if (Object.keys(r.fileErrors).length) lines.push('', `${r.dir}: per-file errors`, ...Object.entries(r.fileErrors).map(([k, v]) => `  ${v}\t${k}`));
    if (r.crashes.length) lines.push('', `${r.dir}: CRASHES`, ...r.crashes.slice(0, 20).map((c) => `  ${c}`));
    if (r.subprocess) lines.push('', `${r.dir}: binary exit ${r.subprocess.exit} in ${(r.subprocess.ms / 1000).toFixed(1)}s${r.subprocess.problems.length ? `; PROBLEMS: ${r.subprocess.problems.join('; ')}` : ', no problems'}`);
  }
  return lines.join('\n') + '\n';
}

async function cli(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  for (const f of flags) if (!['--json', '--subprocess', '--go-patterns', '--no-prefilter'].includes(f)) {
    process.stderr.write(`corpora: unknown flag ${f}\nusage: corpora [--json] [--subprocess] [--go-patterns] [--no-prefilter] [DIR...]\n`);
    return 2;
  }
  const dirs = argv.filter((a) => !a.startsWith('--'));
  const list = (dirs.length ? dirs : DEFAULT_DIRS).map((d) => resolve(d)).filter((d) => {
    const ok = existsSync(d) && statSync(d).isDirectory();
    if (!ok) process.stderr.write(`corpora: ${d}: not a directory, skipped\n`);
    return ok;
  });
  const reports: RepoReport[] = [];
  for (const d of list) {
    process.stderr.write(`corpora: ${d} ...\n`);
    const r = await lintRepo(d, { goPatterns: flags.has('--go-patterns'), subprocess: flags.has('--subprocess'), prefilter: !flags.has('--no-prefilter') });
    process.stderr.write(`corpora: ${d}: ${r.files} files, ${r.crashes.length} crashes, ${(r.ms / 1000).toFixed(1)}s\n`);
    reports.push(r);
  }
  process.stdout.write(flags.has('--json') ? JSON.stringify(reports, null, 2) + '\n' : formatReport(reports));
  const bad = reports.some((r) => r.crashes.length || r.subprocess?.problems.length);
  return bad ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`corpora: ${(e as Error).stack}\n`); process.exitCode = 1; });
}
