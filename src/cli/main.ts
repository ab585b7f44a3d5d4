#!/usr/bin/env node
// golint-leaks: find goroutine leaks in Go source.
//
//   golint-leaks [flags] [patterns...]      lint (default pattern ./...)
//   golint-leaks rules | explain RULE       what the rules are
//   golint-leaks debug cfg|facts FILE       what the semantics layer sees
//   golint-leaks dump FILE...               read goroutine dumps
//
// Exit codes: 0 no findings, 1 findings, 2 usage or configuration error, or
// nothing could be linted.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, listFlag, UsageError, type FlagSpec } from './args.js';
import { expandPatterns } from './patterns.js';
import { describeError, guardStdout, writeAtomic, writeStdout } from './output.js';
import { RULES } from '../../rules/index.js';
import type { Rule, Severity } from '../engine/rule.js';
import { checkerStatsText, lintFiles, type EnabledRule, type LintResult, type LintStats } from '../engine/lint.js';
import { assignFingerprints, type Finding, type Notice } from '../engine/finding.js';
import { hostBuildContext } from '../engine/buildtags.js';
import { ConfigError, defaultConfig, findConfig, globToRegExp, loadConfig, parseSize, type Config } from '../config/config.js';
import { formatNotice, formatText, useColor, displayPath } from '../report/text.js';

export const VERSION: string = (() => {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    for (const up of ['../../package.json', '../../../package.json']) {
      const p = join(here, up);
      if (existsSync(p)) return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
    }
  } catch { /* fall through */ }
  return '0.0.0';
})();

const HELP = `golint-leaks finds goroutine leaks in Go source.

Usage:
  golint-leaks [flags] [packages]     lint packages (default ./...)
  golint-leaks rules                  list the rules and their default severity
  golint-leaks explain RULE           what a rule finds, why it leaks, how to fix it
  golint-leaks dump FILE|URL|-...     group and classify goroutine dumps (see dump --help)
  golint-leaks debug cfg FILE[:FUNC]  print a function's control-flow graph (--dot for Graphviz)
  golint-leaks debug facts FILE       print the channel and goroutine facts of a file
  golint-leaks debug check FILE       print the leak checker's groups and leaks in FILE's package

Packages are given as the go tool reads them: ./..., dir/..., dir, file.go.
A directory named like a subcommand is linted as ./debug/... or after --.

Flags:
  --format text|json|sarif|github   output format (default text)
  --output FILE                     write the report to FILE (atomically)
  --rules a,b                       run only these rules
  --disable a,b                     do not run these rules
  --config FILE                     config file (default: .golint-leaks.yaml found upward)
  --tests=false                     leave _test.go files out
  --tags a,b                        build tags, as go build -tags
  --fix                             apply safe fixes to the files (atomically)
  --dry-run                         with --fix, print the diff instead of writing
  --verbose, -v                     show each finding's evidence path
  --stats                           print what the run did (files, packages, leak checker groups and bound) to stderr
  --report-unused-suppressions      report //nolint and //lint:ignore directives that matched nothing
  --new-from-rev REV                report only findings whose lines changed since the git revision REV
  --baseline FILE                   hide the findings recorded in FILE (matched by fingerprint)
  --write-baseline FILE             record every current finding in FILE; the run then reports none
  --max-file-size SIZE              skip larger files (default 5MB)
  --jobs N                          lint on N threads (default: one per core; small runs use one)
  --version                         print the version
  --help, -h                        this help

Examples:
  golint-leaks ./...
  golint-leaks --format sarif --output leaks.sarif ./...
  golint-leaks --rules chan-send-leak,chan-recv-leak ./internal/...
  golint-leaks --fix --dry-run ./pkg/worker
  golint-leaks explain ssh-handshake-no-deadline

Suppress one finding with //nolint:RULE // reason on its line, or
//lint:ignore RULE reason on the line above.

Exit status: 0 no findings, 1 findings, 2 usage or configuration error or
nothing could be linted.
`;

const LINT_FLAGS: Record<string, FlagSpec> = {
  format: { value: true }, output: { value: true }, rules: { value: true }, disable: { value: true },
  config: { value: true }, tests: { value: false }, tags: { value: true }, fix: { value: false },
  'dry-run': { value: false }, verbose: { value: false, alias: 'v' }, stats: { value: false }, 'report-unused-suppressions': { value: false },
  'max-file-size': { value: true }, version: { value: false }, help: { value: false, alias: 'h' },
  'new-from-rev': { value: true }, baseline: { value: true }, 'write-baseline': { value: true },
  'only-files': { value: false }, jobs: { value: true }, 'no-prefilter': { value: false },
};

const FORMATS = new Set(['text', 'json', 'sarif', 'github']);

export async function main(argv: string[]): Promise<number> {
  const cwd = process.cwd();
  const [first, ...rest] = argv;
  try {
    switch (first) {
      case 'rules': return await cmdRules();
      case 'explain': return await cmdExplain(rest);
      case 'debug': return await cmdDebug(rest);
      case 'dump': return await cmdDump(rest, cwd);
      default: return await cmdLint(argv, cwd);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`golint-leaks: ${e.message}\nRun 'golint-leaks --help' for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`golint-leaks: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`golint-leaks: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}

async function cmdRules(): Promise<number> {
  const w = Math.max(...RULES.map((r) => r.meta.id.length));
  await writeStdout(RULES.map((r) => `${r.meta.id.padEnd(w)}  ${r.meta.severity.padEnd(7)}  ${r.meta.short}${r.meta.enabledByDefault === false ? ' (off by default)' : ''}`).join('\n') + '\n');
  return 0;
}

async function cmdExplain(args: string[]): Promise<number> {
  const { ruleHelpText } = await import('../report/docs.js');
  const id = args[0];
  const rule = RULES.find((r) => r.meta.id === id);
  if (!rule) throw new UsageError(`explain: ${id ? `unknown rule ${id}` : 'which rule?'} (known: ${RULES.map((r) => r.meta.id).join(', ')})`);
  await writeStdout(ruleHelpText(rule.meta) + '\n');
  return 0;
}

async function cmdDebug(args: string[]): Promise<number> {
  const { flags, positional } = parseArgs(args, { dot: { value: false }, tags: { value: true } });
  const [what, file] = positional;
  const opts = { tests: true, maxFileSize: 64 * 1048576, build: hostBuildContext(listFlag(flags.get('tags'))) };
  const { debugCfg, debugFacts, debugCheck } = await import('./debug.js');
  if (what === 'cfg' && file) {
    const r = debugCfg(file, flags.get('dot') === 'true', opts);
    if (r.error) { process.stderr.write(`golint-leaks: ${r.error}\n`); return 2; }
    await writeStdout(r.out);
    return 0;
  }
  if (what === 'facts' && file) {
    const r = debugFacts(file, opts);
    if (r.error) { process.stderr.write(`golint-leaks: ${r.error}\n`); return 2; }
    await writeStdout(r.out);
    return 0;
  }
  if (what === 'check' && file) {
    const r = debugCheck(file, opts);
    if (r.error) { process.stderr.write(`golint-leaks: ${r.error}\n`); return 2; }
    await writeStdout(r.out);
    return 0;
  }
  throw new UsageError('usage: golint-leaks debug cfg FILE[:FUNC] [--dot] | debug facts FILE | debug check FILE');
}

async function cmdDump(args: string[], cwd: string): Promise<number> {
  const { runDump } = await import('../dump/command.js');
  return runDump(args, {
    stdout: process.stdout, stderr: process.stderr, cwd,
    linkFindings: async (files: string[]) => {
      const rules = RULES.filter((rule) => rule.meta.enabledByDefault !== false).map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}) } }));
      const dirs = [...new Set(files.map((f) => dirname(f)))];
      const expansion = expandPatterns(dirs, cwd);
      const r = await lintFiles(expansion.files, { tests: true, maxFileSize: 5 * 1048576, build: hostBuildContext(), rules });
      return r.findings.filter((f) => !f.suppression).map((f) => ({ ruleId: f.ruleId, file: f.location.file, line: f.location.line, column: f.location.column, message: f.message }));
    },
  });
}

/** The source root for SARIF URIs: the enclosing git repository, or the working directory. */
export function sourceRoot(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

function enabledRules(flags: Map<string, string>, cfg: Config): EnabledRule[] {
  const only = listFlag(flags.get('rules'));
  const disabled = new Set(listFlag(flags.get('disable')));
  for (const id of [...only, ...disabled]) {
    if (!RULES.some((r) => r.meta.id === id)) throw new UsageError(`unknown rule ${id} (known: ${RULES.map((r) => r.meta.id).join(', ')})`);
  }
  const out: EnabledRule[] = [];
  for (const rule of RULES) {
    const setting = cfg.rules.get(rule.meta.id)!;
    const explicitlyChosen = only.includes(rule.meta.id);
    if (only.length && !explicitlyChosen) continue;
    if (disabled.has(rule.meta.id)) continue;
    if (!setting.enabled && !explicitlyChosen) continue;
    out.push({ rule, severity: setting.severity ?? rule.meta.severity, options: setting.options });
  }
  return out;
}

async function cmdLint(argv: string[], cwd: string): Promise<number> {
  const { flags, positional } = parseArgs(argv, LINT_FLAGS);
  if (flags.get('help') === 'true') { await writeStdout(HELP); return 0; }
  if (flags.get('version') === 'true') { await writeStdout(`golint-leaks ${VERSION}\n`); return 0; }
  const format = flags.get('format') ?? 'text';
  if (!FORMATS.has(format)) throw new UsageError(`unknown format ${format} (text, json, sarif, github)`);
  if (flags.get('dry-run') === 'true' && flags.get('fix') !== 'true') throw new UsageError('--dry-run needs --fix');

  const configPath = flags.get('config') ? resolve(cwd, flags.get('config')!) : findConfig(cwd);
  if (flags.get('config') && !existsSync(configPath!)) throw new ConfigError(`${flags.get('config')}: no such config file`);
  const cfg = configPath ? loadConfig(configPath, RULES) : defaultConfig(RULES);
  const rules = enabledRules(flags, cfg);
  const tests = flags.has('tests') ? flags.get('tests') === 'true' : cfg.tests ?? true;
  const maxFileSize = flags.has('max-file-size') ? parseSize(flags.get('max-file-size'), () => new UsageError('--max-file-size: expected a size such as 5MB')) : cfg.maxFileSize;
  const tags = [...cfg.tags, ...listFlag(flags.get('tags'))];
  const configDir = cfg.path ? dirname(cfg.path) : cwd;
  const excludes = cfg.exclude.map(globToRegExp);
  const excluded = excludes.length ? (abs: string) => excludes.some((re) => re.test(relative(configDir, abs).split(sep).join('/'))) : undefined;

  const patterns = positional.length ? positional : ['./...'];
  // Checked before linting: a bad revision or baseline fails fast.
  const adoption = flags.has('new-from-rev') || flags.has('baseline') || flags.has('write-baseline') ? (await import('./baseline.js')).prepareAdoption(flags, cwd) : undefined;
  // Given single files (a pre-commit hook), lint their whole packages but report only those files.
  const onlyFiles = patterns.every((p) => p.endsWith('.go')) && flags.get('only-files') !== 'false';
  const expansion = expandPatterns(onlyFiles ? [...new Set(patterns.map((p) => dirname(resolve(cwd, p))))] : patterns, cwd);
  // Named files are checked one by one below; their directories matching nothing is no news.
  const notices: Notice[] = expansion.problems.filter((p) => !onlyFiles || !/: (matched no Go files|no such file or directory)$/.test(p)).map((p) => ({ level: 'error' as const, message: p }));
  const reportOnly = onlyFiles ? new Set(patterns.map((p) => resolve(cwd, p))) : undefined;
  if (reportOnly) {
    // Their directories were listed instead; a named file that is not there is still an error.
    const listed = new Set(expansion.files);
    for (const p of patterns) if (!listed.has(resolve(cwd, p))) notices.push({ level: 'error', message: `${p}: ${existsSync(resolve(cwd, p)) ? 'not a regular .go file' : 'no such file or directory'}` });
  }
  const files = onlyFiles ? expansion.files.filter((f) => reportOnly!.has(f) || !f.endsWith('_test.go') || tests) : expansion.files;

  const build = hostBuildContext(tags);
  const jobs = flags.has('jobs') ? Number(flags.get('jobs')) : undefined;
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError('--jobs: expected a whole number of at least 1');
  // --no-prefilter (not in --help) exists for the equivalence test: it must change no finding.
  const engine = { jobs, prefilter: flags.get('no-prefilter') !== 'true', unusedDirectives: flags.get('report-unused-suppressions') === 'true' };
  // Files done of total and elapsed time on a terminal, for runs over a second; never in pipes, CI or machine output.
  const progress = (await import('./progress.js')).startProgress({ stream: process.stderr, env: process.env, format, toFile: flags.has('output') });
  if (progress) Object.assign(engine, { onProgress: progress.update });
  const fixing = flags.get('fix') === 'true';
  // What --fix may edit is read before linting: a file that changes after this is refused, not overwritten.
  const snapshot = fixing ? (await import('./fix.js')).readTexts((reportOnly ? [...reportOnly] : files).filter((f) => !excluded?.(f))) : null;
  await testPause('after-walk');
  let result: LintResult = await lintFiles(files, { tests, maxFileSize, build, rules, excluded, reportOnly, ...engine });
  progress?.stop();
  if (fixing) {
    const { applyFixes } = await import('./fix.js');
    await testPause('before-fix');
    const outcome = applyFixes(result.findings, snapshot!, { dryRun: flags.get('dry-run') === 'true', cwd });
    notices.push(...outcome.notices);
    if (flags.get('dry-run') === 'true') await writeStdout(outcome.diff);
    else if (outcome.changed.length) {
      process.stderr.write(`golint-leaks: fixed ${outcome.changed.length} file${outcome.changed.length === 1 ? '' : 's'}\n`);
      result = await lintFiles(files, { tests, maxFileSize, build, rules, excluded, reportOnly, ...engine });
    }
  }
  // Files of the package that were not named (a pre-commit hook's siblings) are analysed, not reported on.
  notices.push(...(reportOnly ? result.notices.filter((n) => !n.file || reportOnly.has(n.file)) : result.notices));
  const root = sourceRoot(cwd);
  assignFingerprints(result.findings, (abs) => relative(root, abs).split(sep).join('/'), (f) => lineText(f.location.file, f.location.line));
  if (adoption) {
    const { adoptionFilter } = await import('./baseline.js');
    result.findings = adoptionFilter(result.findings, adoption, notices, (abs) => relative(root, abs).split(sep).join('/'), reportOnly ?? files);
  }

  const unused: Finding[] = [];
  if (flags.get('report-unused-suppressions') === 'true') {
    const enabled = new Set(rules.map((r) => r.rule.meta.id));
    for (const { file, directive } of result.unusedDirectives) {
      // A directive naming only rules that did not run could not have matched.
      if (directive.rules.length && !directive.rules.some((r) => enabled.has(r))) continue;
      notices.push({ level: 'warning', file, line: directive.at.line, message: `unused suppression ${directive.text.trim()}: no finding to suppress` });
      unused.push({} as Finding);
    }
  }

  const linted = result.stats.files;
  const report = await render(format, result.findings, notices, { cwd, root, rules, verbose: flags.get('verbose') === 'true', successful: linted > 0 });
  if (flags.get('output')) {
    const out = resolve(cwd, flags.get('output')!);
    try {
      if (!existsSync(dirname(out))) throw Object.assign(new Error('no such directory'), { code: 'ENOENT' });
      if (!statSync(dirname(out)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      writeAtomic(out, report);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(dirname(out)) ? `no such directory ${displayPath(dirname(out), cwd)}` : describeError(e);
      process.stderr.write(`golint-leaks: cannot write ${flags.get('output')}: ${why}\n`);
      return 2;
    }
  } else await writeStdout(report);
  for (const n of notices) process.stderr.write(formatNotice(n, cwd) + '\n');
  if (flags.get('stats') === 'true') process.stderr.write(statsText(result.stats));

  // A hook given only files that the config excludes or the build constraints leave out has nothing to report.
  if (linted === 0 && onlyFiles && !notices.some((n) => n.level === 'error')) return 0;
  if (linted === 0) {
    if (!notices.length) process.stderr.write(`golint-leaks: no Go files to lint in ${patterns.join(' ')}\n`);
    return 2;
  }
  const reported = result.findings.filter((f) => !f.suppression).length + unused.length;
  return reported > 0 ? 1 : 0;
}

/**
 * Test seam for file-system races (test/robustness.test.ts): with
 * GOLINT_LEAKS_TEST_PAUSE=STAGE:MARKER the run creates MARKER at STAGE
 * (`after-walk`, `before-fix`) and waits, up to 30 s, until the test has
 * changed the tree and removed it. Nothing else is read from the variable.
 */
async function testPause(stage: string): Promise<void> {
  const spec = process.env['GOLINT_LEAKS_TEST_PAUSE'];
  if (!spec || !spec.startsWith(`${stage}:`)) return;
  const marker = spec.slice(stage.length + 1);
  writeFileSync(marker, stage);
  for (let waited = 0; existsSync(marker) && waited < 30_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

// Each file is read once: reading it per finding made fingerprinting
// quadratic (26,000 findings in one generated-looking file took minutes).
const fileLines = new Map<string, string[]>();
function lineText(file: string, line: number): string {
  let lines = fileLines.get(file);
  if (!lines) {
    try {
      lines = readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = [];
    }
    fileLines.set(file, lines);
  }
  return lines[line - 1] ?? '';
}

async function render(format: string, findings: Finding[], notices: Notice[], o: { cwd: string; root: string; rules: EnabledRule[]; verbose: boolean; successful: boolean }): Promise<string> {
  switch (format) {
    case 'json': {
      const { formatJson } = await import('../report/json.js');
      return formatJson(findings, notices, o.cwd, VERSION);
    }
    case 'sarif': {
      const { toSarif } = await import('../report/sarif.js');
      const levels = new Map<string, Severity>(o.rules.map((r) => [r.rule.meta.id, r.severity]));
      const { fitGitHubLimits, serializeSarif } = await import('../report/sarif-limits.js');
      const log = toSarif(findings, notices, { version: VERSION, root: o.root, rules: RULES as Rule[], levels, executionSuccessful: o.successful });
      notices.push(...fitGitHubLimits(log)); // over GitHub's upload limits: keep the most severe, say so
      return serializeSarif(log);
    }
    case 'github': {
      const { formatGithub } = await import('../report/github.js');
      return formatGithub(findings, o.cwd);
    }
    default:
      return formatText(findings, { cwd: o.cwd, color: !!useColor(process.stdout), verbose: o.verbose });
  }
}

// A closed pipe (`golint-leaks ./... | head`) drops the rest of the report;
// notices still go to stderr and the exit status still reflects the findings.
guardStdout();

const invokedDirectly = (() => {
  try {
    return resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url) || /golint-leaks$/.test(process.argv[1] ?? '');
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

export { displayPath };

/** `--stats`: how much the run did; the checker's bound is counted in states and steps, so these figures repeat run to run. */
function statsText(s: LintStats): string {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const lines = [`golint-leaks: ${n(s.files, 'file')} in ${n(s.packages, 'package')} (${s.skippedPackages} skipped by the prefilter), ${s.parsedFiles} parsed, ${n(s.graphs, 'control-flow graph')}`];
  if (s.checkerGroups) lines.push(`golint-leaks: ${checkerStatsText(s)}`);
  return lines.join('\n') + '\n';
}
