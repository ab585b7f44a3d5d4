/**
 * The performance benchmark (issue 9): how the whole lint compares with
 * parsing every file, on any Go tree.
 *
 *   npm run bench -- DIR [--workers N] [--runs K] [--no-vendor] [--no-scaling]
 *
 * Lints every package under DIR as `golint-leaks DIR/... DIR/vendor/...`
 * would (the vendored tree included, because that is what a 10,000-file
 * repository is made of; `--no-vendor` leaves it out) and prints, each the
 * median of K runs (default 3) of a whole process timed from outside:
 *
 *   - files and MB linted;
 *   - parse-only time: the same files read and parsed by tree-sitter on the
 *     same number of workers, nothing else (the yardstick of issue 9);
 *   - lint time: the real CLI (`dist/src/cli/main.js --format json`);
 *   - lint / parse, MB/s, peak RSS (of the process, worker threads included);
 *   - the speed-up of 2 workers over 1, and how many cores one worker
 *     already keeps busy (its CPU time over its wall time: V8 compiles and
 *     collects on threads of its own), which bounds that speed-up;
 *   - a scaling line: lint time per MB on a quarter, a half and all of the
 *     packages (taken in a fixed pseudo-random order), with the parse-only
 *     time of the same subset (a quarter may hold more or less code the
 *     rules look at than the whole) and the fixed start-up (the CLI on a
 *     package of one empty file);
 *   - one package of about ten files, as a pre-commit hook lints it (the
 *     CLI on that directory, workers left to the CLI), against `node -e 0`;
 *   - how many functions got a control-flow graph, of how many there are;
 *   - the goroutine groups the leak checker explored, and how many hit its
 *     bound (schedules past it are not explored); with `--paths` the channel
 *     rules run on the path engine instead, for every timed run.
 *
 * Wall time and peak RSS come from GNU time (`/usr/bin/time`) when it is
 * installed; otherwise wall time is measured here and RSS is not shown.
 * Runs of different commands are interleaved, so a machine whose speed
 * drifts moves all of them alike.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandPatterns } from '../src/cli/patterns.js';
import { hostBuildContext } from '../src/engine/buildtags.js';
import { checkerStatsText, lintFiles, type LintStats } from '../src/engine/lint.js';
import { fileMayReport, needsOf } from '../src/engine/prefilter.js';
import { RULES } from '../rules/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../src/cli/main.js');
const SELF = fileURLToPath(import.meta.url);
const GNU_TIME = '/usr/bin/time';

interface Args {
  dir: string;
  workers: number;
  runs: number;
  vendor: boolean;
  scaling: boolean;
  paths: boolean;
}

function parseCli(argv: string[]): Args {
  const a: Args = { dir: '', workers: availableParallelism(), runs: 3, vendor: true, scaling: true, paths: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const val = () => { const v = argv[++i]; if (v === undefined) usage(`${x} needs a value`); return v!; };
    if (x === '--workers' || x === '--jobs') a.workers = positiveInt(val(), x);
    else if (x === '--runs') a.runs = positiveInt(val(), x);
    else if (x === '--no-vendor') a.vendor = false;
    else if (x === '--no-scaling') a.scaling = false;
    else if (x === '--paths') a.paths = true;
    else if (x === '--help' || x === '-h') usage();
    else if (x.startsWith('-')) usage(`unknown flag ${x}`);
    else a.dir = resolve(x);
  }
  if (!a.dir) usage('which directory?');
  return a;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${flag}: expected a whole number of at least 1`);
  return n;
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`bench: ${problem}\n`);
  process.stderr.write('usage: npm run bench -- DIR [--workers N] [--runs K] [--no-vendor] [--no-scaling] [--paths]\n');
  process.exit(problem ? 2 : 0);
}

/** The package directories the lint would visit, with their .go files' bytes. */
function packageDirs(a: Args): { dir: string; bytes: number; files: number }[] {
  const patterns = [`${a.dir}/...`];
  if (a.vendor && existsSync(join(a.dir, 'vendor'))) patterns.push(`${a.dir}/vendor/...`);
  const { files } = expandPatterns(patterns, a.dir);
  const byDir = new Map<string, { dir: string; bytes: number; files: number }>();
  for (const f of files) {
    const d = dirname(f);
    const e = byDir.get(d) ?? { dir: d, bytes: 0, files: 0 };
    e.bytes += statSync(f).size;
    e.files++;
    byDir.set(d, e);
  }
  return [...byDir.values()];
}

/** A fixed pseudo-random order, so a quarter is a fair sample of the tree and the same on every run. */
function shuffled<T extends { dir: string }>(xs: T[]): T[] {
  const key = (s: string) => createHash('sha1').update(s).digest('hex');
  return [...xs].sort((a, b) => (key(a.dir) < key(b.dir) ? -1 : 1));
}

function prefix<T extends { bytes: number }>(xs: T[], fraction: number): T[] {
  const total = xs.reduce((s, x) => s + x.bytes, 0);
  const out: T[] = [];
  let sum = 0;
  for (const x of xs) {
    if (sum >= total * fraction) break;
    out.push(x);
    sum += x.bytes;
  }
  return out;
}

interface Run { wall: number; cpu: number | null; rssMB: number | null }

const scratch = mkdtempSync(join(tmpdir(), 'golint-leaks-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** One whole process, timed from outside. Arguments go through a file: thousands of directories do not fit a command line everywhere. */
function timeOnce(args: string[]): Run {
  const timeFile = join(scratch, 'time');
  const haveTime = existsSync(GNU_TIME);
  const cmd = haveTime ? GNU_TIME : process.execPath;
  const argv = haveTime ? ['-f', '%e %M %U %S', '-o', timeFile, process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.slice(0, 3).join(' ')} ... exited with ${r.status}: ${r.stderr?.toString().slice(-2000)}`);
  if (!haveTime) return { wall, cpu: null, rssMB: null };
  const [e, kb, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(/\s+/).map(Number);
  return { wall: e!, cpu: user! + sys!, rssMB: kb! / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Summary { wall: number; cpu: number | null; rssMB: number | null; spread: string }

function summary(runs: Run[]): Summary {
  const walls = runs.map((r) => r.wall);
  const cpus = runs.map((r) => r.cpu).filter((x): x is number => x !== null);
  const rss = runs.map((r) => r.rssMB).filter((x): x is number => x !== null);
  return {
    wall: median(walls),
    cpu: cpus.length ? median(cpus) : null,
    rssMB: rss.length ? Math.max(...rss) : null,
    spread: `${Math.min(...walls).toFixed(2)}..${Math.max(...walls).toFixed(2)}`,
  };
}

/** `12.34 s (min..max), cpu 20.1 s`: wall time, and the CPU time of all threads (user + system). */
function timing(s: Summary): string {
  return `${s.wall.toFixed(2)} s (${s.spread})${s.cpu === null ? '' : `, cpu ${s.cpu.toFixed(2)} s`}`;
}

function argsFile(dirs: string[]): string {
  const p = join(scratch, `dirs-${dirs.length}.txt`);
  writeFileSync(p, dirs.join('\n'));
  return p;
}

/** The real binary, as a user runs it, on the listed package directories (its JSON report goes to a file). */
const CHANNEL_RULES = ['chan-send-leak', 'chan-recv-leak'];
/** `--config` of every CLI run: the channel rules on the path engine with --paths, else the defaults. */
let configArgs: string[] = [];
const lintCmd = (list: string, jobs: number) => [CLI, ...configArgs, '--format', 'json', '--output', join(scratch, 'report.json'), '--jobs', String(jobs), '--', ...readFileSync(list, 'utf8').split('\n')];
const parseCmd = (list: string, jobs: number, count = false) => [SELF, '--child', count ? 'count' : 'parse', list, String(jobs)];

/**
 * Child mode: `bench.js --child parse LISTFILE JOBS` reads and parses the
 * files of the listed directories, as the lint loads them, on the same
 * number of workers, and nothing else; `--child count ...` also counts the
 * functions (untimed: that is one more walk of every tree).
 */
async function child(mode: string, list: string, jobs: number): Promise<void> {
  const dirs = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const { files } = expandPatterns(dirs, process.cwd());
  const r = await lintFiles(files, { tests: true, maxFileSize: 5 * 1048576, build: hostBuildContext(), rules: [], jobs, parseOnly: true, countFunctions: mode === 'count' });
  process.stdout.write(JSON.stringify(r.stats) + '\n');
}

async function bench(a: Args): Promise<void> {
  const t0 = Date.now();
  const dirs = packageDirs(a);
  const files = dirs.reduce((s, d) => s + d.files, 0);
  const bytes = dirs.reduce((s, d) => s + d.bytes, 0);
  const mb = bytes / 1048576;
  const all = argsFile(dirs.map((d) => d.dir));
  const w = a.workers;
  const say = (s: string) => process.stdout.write(s + '\n');
  if (a.paths) {
    const config = join(scratch, 'paths.yaml');
    writeFileSync(config, `rules:\n${CHANNEL_RULES.map((r) => `  ${r}: { options: { engine: paths } }\n`).join('')}`);
    configArgs = ['--config', config];
  }
  const vendored = a.vendor && existsSync(join(a.dir, 'vendor'));
  say(`${a.dir}: ${files} files, ${mb.toFixed(1)} MB, ${dirs.length} directories${vendored ? ' (vendor/ included)' : ''}; ${a.runs} runs each, median`);

  // Every command is run once per round, in the same order, so that a
  // machine whose speed drifts during the bench moves all figures alike
  // (the scaling subsets included: run in blocks of their own, they were
  // measured at another speed than the whole tree).
  const order = shuffled(dirs);
  const subsets = a.scaling ? [0.25, 0.5].map((fraction) => {
    const subset = prefix(order, fraction);
    return { name: fraction === 0.5 ? 'half' : 'quarter', mb: subset.reduce((s, d) => s + d.bytes, 0) / 1048576, list: argsFile(subset.map((d) => d.dir)) };
  }) : [];
  // Start-up: the CLI on a package of one empty file (a directory with no Go file is an error).
  const empty = mkdtempSync(join(scratch, 'empty-'));
  writeFileSync(join(empty, 'p.go'), 'package p\n');
  const commands: [string, string[]][] = [
    ['parseN', parseCmd(all, w)],
    ['lintN', lintCmd(all, w)],
    ...(w !== 1 ? [['lint1', lintCmd(all, 1)], ['parse1', parseCmd(all, 1)]] as [string, string[]][] : []),
    ...subsets.flatMap((x): [string, string[]][] => [[`lint-${x.name}`, lintCmd(x.list, w)], [`parse-${x.name}`, parseCmd(x.list, w)]]),
    ...(a.scaling ? [['startup', [CLI, ...configArgs, '--format', 'json', '--output', join(scratch, 'report.json'), empty]]] as [string, string[]][] : []),
  ];
  const runs = new Map<string, Run[]>(commands.map(([name]) => [name, []]));
  for (let i = 0; i < a.runs; i++) for (const [name, args] of commands) runs.get(name)!.push(timeOnce(args));
  const of = (name: string) => summary(runs.get(name)!);
  const pN = of('parseN');
  const lN = of('lintN');
  const rss = (r: { rssMB: number | null }) => (r.rssMB === null ? 'n/a' : `${r.rssMB.toFixed(0)} MB`);
  say(`parse-only  ${w} worker${w === 1 ? '' : 's'}: ${timing(pN)}  ${(mb / pN.wall).toFixed(1)} MB/s  peak RSS ${rss(pN)}`);
  say(`lint        ${w} worker${w === 1 ? '' : 's'}: ${timing(lN)}  ${(mb / lN.wall).toFixed(1)} MB/s  peak RSS ${rss(lN)}`);
  say(`lint / parse-only: ${(lN.wall / pN.wall).toFixed(2)}${lN.cpu !== null && pN.cpu !== null ? ` (cpu ${(lN.cpu / pN.cpu).toFixed(2)})` : ''}`);
  if (w !== 1) {
    const p1 = of('parse1');
    const l1 = of('lint1');
    say(`parse-only  1 worker: ${timing(p1)}  peak RSS ${rss(p1)}`);
    say(`lint        1 worker: ${timing(l1)}  peak RSS ${rss(l1)}`);
    say(`speed-up ${w} workers over 1: lint ${(l1.wall / lN.wall).toFixed(2)}x, parse-only ${(p1.wall / pN.wall).toFixed(2)}x`);
    if (l1.cpu !== null && p1.cpu !== null) {
      // One worker is one JS thread, but V8 compiles and collects beside it:
      // the cores it already uses bound what more workers can add.
      const busy = (s: Summary) => s.cpu! / s.wall;
      say(`cores kept busy by 1 worker: lint ${busy(l1).toFixed(2)}, parse-only ${busy(p1).toFixed(2)} (so ${w} cores can give at most ${(w / busy(l1)).toFixed(2)}x and ${(w / busy(p1)).toFixed(2)}x)`);
    }
  }
  if (a.scaling) {
    const startup = of('startup');
    const line = (name: string, sMB: number, r: Summary, p: Summary) => {
      const perMB = (x: number) => `${(x / sMB * 1000).toFixed(0)} ms/MB`;
      return `${name} ${sMB.toFixed(1)} MB: lint ${perMB(r.wall)} (${perMB(r.wall - startup.wall)} net of start-up), parse-only ${perMB(p.wall)}, lint / parse-only ${(r.wall / p.wall).toFixed(2)} (RSS ${rss(r)})`;
    };
    const parts = [...subsets.map((x) => line(x.name, x.mb, of(`lint-${x.name}`), of(`parse-${x.name}`))), line('all', mb, lN, pN)];
    say(`start-up (the CLI on a package of one empty file): ${timing(startup)}`);
    say(`scaling, time per MB (${w} worker${w === 1 ? '' : 's'}):\n  ${parts.join('\n  ')}`);
  }
  onePackage(dirs, a.runs, say);
  // Counts, from one in-process run of each.
  const { files: goFiles } = expandPatterns(dirs.map((d) => d.dir), a.dir);
  const rules = RULES.filter((rule) => rule.meta.enabledByDefault !== false).map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}), ...(a.paths && CHANNEL_RULES.includes(rule.meta.id) ? { engine: 'paths' } : {}) } }));
  const lint: LintStats = (await lintFiles(goFiles, { tests: true, maxFileSize: 5 * 1048576, build: hostBuildContext(), rules, jobs: w })).stats;
  const parsed = JSON.parse(spawnSync(process.execPath, parseCmd(all, w, true), { maxBuffer: 1 << 26 }).stdout.toString()) as LintStats;
  say(`packages: ${lint.packages}, ${lint.skippedPackages} left unparsed by the prefilter; files parsed by the lint: ${lint.parsedFiles} of ${lint.files} for this platform (${(lint.parsedBytes / 1048576).toFixed(1)} of ${(parsed.parsedBytes / 1048576).toFixed(1)} MB)`);
  say(`functions: ${parsed.functions}, control-flow graphs built: ${lint.graphs} (${(100 * lint.graphs / Math.max(1, parsed.functions)).toFixed(1)}%)`);
  if (lint.checkerGroups) say(checkerStatsText(lint));
  say(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

/**
 * A pre-commit hook's run: the CLI on one package of about ten files, timed
 * from process start to exit. The package is one the prefilter lets through
 * (a skipped one would only measure start-up): of the directories with 8 to
 * 12 files, the one of median size.
 */
function onePackage(dirs: { dir: string; bytes: number; files: number }[], runs: number, say: (s: string) => void): void {
  const needs = needsOf(RULES.map((r) => r.meta.id));
  const candidates = dirs
    .filter((d) => d.files >= 8 && d.files <= 12)
    .filter((d) => !needs || expandPatterns([d.dir], d.dir).files.some((f) => fileMayReport(readFileSync(f, 'utf8'), needs)))
    .sort((x, y) => x.bytes - y.bytes || (x.dir < y.dir ? -1 : 1));
  const pick = candidates[candidates.length >> 1];
  if (!pick) { say('one package: no directory of 8 to 12 files with code the rules look at'); return; }
  const n = Math.max(runs, 10);
  const lint = summary(Array.from({ length: n }, () => timeOnce([CLI, ...configArgs, '--format', 'json', '--output', join(scratch, 'report.json'), pick.dir])));
  const node = summary(Array.from({ length: n }, () => timeOnce(['-e', '0'])));
  say(`one package (${pick.dir}, ${pick.files} files, ${(pick.bytes / 1024).toFixed(0)} KB; ${n} runs): ${timing(lint)}; node -e 0: ${timing(node)}`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]!, argv[2]!, Number(argv[3]));
else await bench(parseCli(argv));
