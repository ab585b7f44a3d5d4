// `golint-leaks dump`: read goroutine dumps and point back at the code.
//
// The CLI calls `runDump` with the arguments after the `dump` subcommand.

import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeDump, type Analysis } from './analyze.js';
import { growth } from './growth.js';
import { readInput } from './input.js';
import { parseDump } from './parse.js';
import { renderJson, renderText, suspiciousRows, type Report, type ReportRow } from './report.js';
import { renderSarif, type FrameMapper, type SarifTool } from './sarif.js';
import { SourceIndex } from './source.js';
import { isUserFunc } from './symbols.js';
import type { ParsedDump, StaticFinding } from './types.js';

export type { StaticFinding } from './types.js';

export interface DumpIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** Lints the packages holding these absolute files; used to link groups to findings. */
  linkFindings?: (files: string[]) => Promise<StaticFinding[]>;
  /** Where `-` reads from; defaults to process.stdin (tests pass a stream). */
  stdin?: NodeJS.ReadableStream;
}

export const DUMP_HELP = `Usage: golint-leaks dump [options] FILE|URL|- [FILE|URL|-]...

Read Go goroutine dumps, group the goroutines by stack and wait reason, say
which groups look leaked and which static rule of golint-leaks describes the
code that leaks them, and point at that code.

Inputs
  FILE   a debug=2 dump (/debug/pprof/goroutine?debug=2, runtime.Stack, a
         panic or SIGQUIT traceback) or a debug=1 profile (?debug=1)
  -      read a dump from standard input
  URL    http(s)://HOST:PORT/debug/pprof/goroutine?debug=2 is fetched; this is
         the only case in which the command uses the network

Modes
  one input         snapshot: one row per group, ranked by count, then by
                    longest wait
  two or more       growth: the inputs are dumps of the same program in time
                    order; each group's count in every dump and its change
                    from the first to the last. A group that grew is
                    suspicious, including HTTP keep-alive connection loops,
                    which are normal in a single dump
  --merge           treat all inputs as one snapshot (dumps of several
                    replicas, or a traceback split over files)

Options
  -f, --format FMT  text (default), json, or sarif (SARIF 2.1.0: one result
                    per suspicious group, with the stack as a code flow,
                    innermost frame first; URIs relative to the git
                    repository holding the source directory)
  -s, --source DIR  map stack frames onto the Go files under DIR (default: the
                    current directory) by longest path suffix, so dumps from
                    other machines and containers map too; a group mapped
                    to source shows the static finding on the same line
      --ignore PFX  groups with a frame whose function starts with PFX are
                    normal (repeatable), e.g. --ignore github.com/golang/glog.
      --timeout SEC give up fetching a URL after SEC seconds (default 30)
  -h, --help        show this help

Verdicts
  suspicious  matches a leak shape: blocked channel send or receive in user
              code, HTTP callers stuck in a round trip (and their connection
              loops), SSH handshakes without a deadline, or growth
  normal      expected in a healthy process: idle keep-alive connections,
              signal handling, HTTP server connections, the main goroutine
  unknown     blocked, but no rule describes the shape

Selects
  A dump says that a goroutine waits in select, not on which channels, and a
  select with a timer, ticker or time.After case wakes by itself. Where the
  parked frame maps to --source, the select on that line is read: with such
  a case the group is normal (suspicious in growth mode if it grows: loops
  started and never stopped). Without the source, a select that has waited
  less than a minute (no wait time in a debug=2 dump; debug=1 shows none) is
  unknown, because a ticker loop looks exactly like that; one parked for
  minutes stays suspicious, since only a timer longer than the wait could
  still wake it.

Exit status
  0  no suspicious group
  1  suspicious groups found
  2  usage error, or no goroutine could be read from an input

Examples
  golint-leaks dump goroutines.txt
  golint-leaks dump 'http://localhost:6060/debug/pprof/goroutine?debug=2' --source ~/src/app
  kubectl logs app-7d9f --previous | golint-leaks dump -
  golint-leaks dump before.txt after.txt
  golint-leaks dump --format sarif goroutines.txt > dump.sarif
`;

class UsageError extends Error {}

interface Options {
  inputs: string[];
  format: 'text' | 'json' | 'sarif';
  source: string | null;
  ignore: string[];
  merge: boolean;
  timeoutMs: number;
  help: boolean;
}

function parseOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        source: { type: 'string', short: 's' },
        ignore: { type: 'string', multiple: true },
        merge: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  }
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, not "${values.timeout ?? ''}"`);
  }
  if (positionals.filter((p) => p === '-').length > 1) {
    throw new UsageError('standard input (-) can be read only once');
  }
  return {
    inputs: positionals,
    format,
    source: values.source ?? null,
    ignore: values.ignore ?? [],
    merge: values.merge ?? false,
    timeoutMs: timeout * 1000,
    help: values.help ?? false,
  };
}

/** Concatenates dumps for --merge; ids may repeat across processes and only label goroutines. */
function mergeDumps(dumps: ParsedDump[]): ParsedDump {
  const formats = new Set(dumps.map((d) => d.format));
  const [only] = formats;
  return {
    name: dumps.map((d) => d.name).join(' + '),
    format: formats.size === 1 && only !== undefined ? only : null,
    goroutines: dumps.flatMap((d) => d.goroutines),
    issues: [],
    total: null,
    panic: dumps.find((d) => d.panic !== null)?.panic ?? null,
  };
}

/** Attaches, to each group mapped to source, the static finding on the same line. */
function attachFindings(rows: ReportRow[], findings: readonly StaticFinding[]): void {
  for (const { group } of rows) {
    const source = group.source;
    if (!source) continue;
    // Exact line only: a finding a few lines away is about another
    // operation, and a wrong link is worse than none.
    const here = findings.filter((f) => path.resolve(f.file) === source.file && f.line === source.line);
    const best = here.find((f) => f.ruleId === group.classification.ruleId) ?? here[0];
    if (best) group.finding = { ...best, sameRule: best.ruleId === group.classification.ruleId };
  }
}

export async function runDump(argv: string[], io: DumpIO): Promise<number> {
  const warn = (message: string): void => {
    io.stderr.write(`golint-leaks dump: ${message}\n`);
  };
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    warn(`${err.message}\nRun "golint-leaks dump --help" for usage.`);
    return 2;
  }
  if (options.help) {
    await writeAll(io.stdout, DUMP_HELP);
    return 0;
  }
  if (options.inputs.length === 0) {
    warn('no dump given: pass a file, a URL or - for standard input\nRun "golint-leaks dump --help" for usage.');
    return 2;
  }

  const sourceRoot = path.resolve(io.cwd, options.source ?? '.');
  if (options.source !== null) {
    const stat = await fs.stat(sourceRoot).catch(() => null);
    if (!stat?.isDirectory()) {
      warn(`--source ${options.source}: not a directory`);
      return 2;
    }
  }

  const dumps: ParsedDump[] = [];
  for (const input of options.inputs) {
    let text: string;
    try {
      text = await readInput(input, { cwd: io.cwd, stdin: io.stdin ?? process.stdin, timeoutMs: options.timeoutMs });
    } catch (err) {
      warn(err instanceof Error ? err.message : String(err));
      return 2;
    }
    const dump = parseDump(text, input);
    for (const issue of dump.issues) {
      io.stderr.write(`${input}${issue.line > 0 ? `:${issue.line}` : ''}: ${issue.message}\n`);
    }
    dumps.push(dump);
  }

  const analysed = options.merge ? [mergeDumps(dumps)] : dumps;
  const empty = analysed.filter((d) => d.goroutines.length === 0);
  if (empty.length === analysed.length || (analysed.length > 1 && empty.length > 0)) {
    // Growth needs every dump; a snapshot needs something to show.
    warn(`nothing readable in ${empty.map((d) => d.name).join(', ')}`);
    return 2;
  }

  // Indexing the tree is the slow part; skip it when no frame could map.
  const hasUserFrames = analysed.some((d) => d.goroutines.some((g) => g.frames.some((f) => isUserFunc(f.func))));
  const source = hasUserFrames ? await SourceIndex.build(sourceRoot) : null;
  if (source?.truncated) warn(`${sourceRoot}: too many files, indexed only part of the tree`);

  const analyses: Analysis[] = [];
  for (const dump of analysed) analyses.push(await analyzeDump(dump, { source, ignore: options.ignore }));

  let rows: ReportRow[];
  let matchedBy: Report['matchedBy'] = null;
  const first = analyses[0];
  if (analyses.length === 1 && first) {
    rows = first.groups.map((group) => ({ group, counts: null, delta: null }));
  } else {
    const result = growth(analyses);
    matchedBy = result.matchedBy;
    rows = result.rows.map((r) => ({ group: r.group, counts: r.counts, delta: r.delta }));
  }

  if (io.linkFindings) {
    const files = [...new Set(rows.flatMap((r) => (r.group.source ? [r.group.source.file] : [])))].sort();
    if (files.length > 0) {
      try {
        attachFindings(rows, await io.linkFindings(files));
      } catch (err) {
        warn(`could not lint the mapped sources: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  const report: Report = {
    mode: analyses.length > 1 ? 'growth' : 'snapshot',
    inputs: dumps,
    rows,
    sourceRoot,
    matchedBy,
    cwd: io.cwd,
  };
  // Only user frames: a standard library path that happens to share a
  // suffix with a file of the tree is not that file.
  const mapFrame: FrameMapper = (frame) => {
    if (!source || !isUserFunc(frame.func)) return null;
    const mapped = source.map(frame.file);
    return mapped.kind === 'mapped' ? mapped.file : null;
  };
  const text =
    options.format === 'json'
      ? renderJson(report)
      : options.format === 'sarif'
        ? renderSarif(report, mapFrame, repositoryRoot(sourceRoot), await sarifTool(warn))
        : renderText(report);
  await writeAll(io.stdout, text);
  return suspiciousRows(report).length > 0 ? 1 : 0;
}

/**
 * Rule descriptors from the rules' own meta, the one source the linter's
 * SARIF and `explain` use too. Loaded only for SARIF, and optional: the
 * dump reader must keep working if the registry cannot load.
 */
async function sarifTool(warn: (message: string) => void): Promise<SarifTool> {
  const tool: SarifTool = { version: packageVersion(), informationUri: null, rule: () => undefined };
  try {
    const [{ ruleById }, docs] = await Promise.all([import('../../rules/index.js'), import('../report/docs.js')]);
    tool.informationUri = docs.HOMEPAGE;
    tool.rule = (id) => {
      const meta = ruleById(id)?.meta;
      if (!meta) return undefined;
      return {
        id,
        shortDescription: { text: meta.short },
        fullDescription: { text: meta.full },
        help: { text: docs.ruleHelpText(meta), markdown: docs.ruleHelpMarkdown(meta) },
        helpUri: docs.helpUri(id),
        defaultConfiguration: { level: meta.severity },
      };
    };
  } catch (err) {
    warn(`rule descriptions unavailable in SARIF: ${err instanceof Error ? err.message : String(err)}`);
  }
  return tool;
}

/** The package version, from package.json beside src/ (or dist/src/). */
function packageVersion(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(here, up), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'golint-leaks' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this level
    }
  }
  return null;
}

/** The git work tree holding `dir`, or `dir` itself: SARIF URIs are repository-relative. */
function repositoryRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

/**
 * Resolves once the stream has taken the text: reports run to megabytes,
 * and a pipe that is still draining when the CLI exits would lose the tail.
 */
function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
