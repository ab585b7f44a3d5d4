// The engine: packages in, findings out. For each package it parses the
// files, builds the package's semantic model, gives every enabled rule a
// context per file, and dispatches the indexed node types to the rules'
// visitors. Nothing here knows Go semantics or any rule.
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fullCollection } from './heap.js';
import type Parser from 'tree-sitter';
import type { Rule, ReportDescriptor, Severity } from './rule.js';
import { formatMessage } from './rule.js';
import type { Finding, Location, Notice, FileEdit } from './finding.js';
import { compareFindings } from './finding.js';
import { admitTagged, groupPackages, readSource, type LoadOptions, type LoadedFile, type PackageUnit } from './load.js';
import { parseGo } from './parser.js';
import { withTested } from './undertest.js';
import { fileMayReport, mayContain, mayHaveDirective, needsOf, ruleAppliesTo } from './prefilter.js';
import { PackageSemantics, INDEXED_TYPES, type SourceFile } from '../semantics/package.js';
import { readImports } from '../semantics/imports.js';
import { checkerStats } from '../checker/index.js';
import type { BoundKind } from '../checker/explore.js';
import { packageLevelNames, type Node } from '../semantics/syntax.js';
import { coveringLines, matchDirective, parseDirectives, type Directive } from '../suppress/directives.js';

export interface EnabledRule {
  rule: Rule;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface LintOptions extends LoadOptions {
  rules: EnabledRule[];
  /** Report only findings in these files (pre-commit: whole packages are analysed, given files reported). */
  reportOnly?: Set<string>;
  /**
   * Skip packages no enabled rule can report in, and rules in files they
   * cannot report in (see prefilter.ts). Default on; off only to prove that
   * it changes no finding (test/equivalence.test.ts, `--no-prefilter`).
   */
  prefilter?: boolean;
  /** Collect directives that matched nothing (default on; the CLI asks only under --report-unused-suppressions). */
  unusedDirectives?: boolean;
  /** Worker threads: 1 lints in this thread; default sized to the machine, and 1 for small inputs. */
  jobs?: number;
  /** The benchmark's yardstick: read and parse every file, lint nothing. */
  parseOnly?: boolean;
  /** With parseOnly: also count the functions (a walk of every tree, so not part of the timed yardstick). */
  countFunctions?: boolean;
  /** Called after each directory with the files done so far and the total (the CLI's progress line). */
  onProgress?: (done: number, total: number) => void;
}

export interface LintStats {
  files: number;
  packages: number;
  parsedFiles: number;
  /** Control-flow graphs built (lazily, for the functions a rule asked about). */
  graphs: number;
  /** Packages the prefilter found nothing to report in, left unparsed. */
  skippedPackages: number;
  /** Function declarations, methods and literals; counted only by parse-only runs that ask (countFunctions). */
  functions: number;
  /** Source bytes (UTF-16 code units) handed to tree-sitter. */
  parsedBytes: number;
  /** Files linted although their custom build tags are not set (load.ts: admitTagged). */
  taggedFiles: number;
  /** Leak checker (when a rule ran it): groups of goroutines explored, states visited, groups that hit the state bound. */
  checkerGroups: number;
  checkerStates: number;
  checkerBounded: number;
  /** The bounded groups by the bound they reached (explore.ts: BoundKind). */
  checkerBoundStates: number;
  checkerBoundSteps: number;
  checkerBoundSettle: number;
  checkerBoundGoroutines: number;
  checkerBoundDepth: number;
}

/** Each bound of the leak checker, the stat that counts the groups that reached it, and its name in `--stats`. */
export const BOUND_STATS: readonly { bound: BoundKind; stat: keyof LintStats; text: string }[] = [
  { bound: 'steps', stat: 'checkerBoundSteps', text: 'group steps' },
  { bound: 'settle', stat: 'checkerBoundSettle', text: 'steps between two synchronisations' },
  { bound: 'goroutines', stat: 'checkerBoundGoroutines', text: 'goroutines' },
  { bound: 'states', stat: 'checkerBoundStates', text: 'states' },
  { bound: 'depth', stat: 'checkerBoundDepth', text: 'expression depth' },
];

/**
 * The leak checker's line of `--stats` and the bench: groups, states, and the
 * groups that reached a bound, by which one (a count of work, so it repeats
 * run to run).
 */
export function checkerStatsText(s: LintStats): string {
  const pct = ((100 * s.checkerBounded) / Math.max(1, s.checkerGroups)).toFixed(1);
  const by = BOUND_STATS.filter((b) => s[b.stat] > 0).map((b) => `${b.text}: ${s[b.stat]}`);
  return `leak checker: ${s.checkerGroups} goroutine group${s.checkerGroups === 1 ? '' : 's'}, ${s.checkerStates} state${s.checkerStates === 1 ? '' : 's'}; ${s.checkerBounded} reached the bound (${pct}%: schedules past it are not explored)${by.length ? `; bounds reached: ${by.join(', ')}` : ''}`;
}

export interface LintResult {
  findings: Finding[];
  notices: Notice[];
  /** Directives that matched no finding (for --report-unused-suppressions). */
  unusedDirectives: { file: string; directive: Directive }[];
  stats: LintStats;
}

/** Lints the given .go files (absolute paths). */
export async function lintFiles(paths: string[], opts: LintOptions): Promise<LintResult> {
  const dirs = directories(paths, opts);
  const jobs = chooseJobs(opts.jobs, dirs);
  if (jobs > 1) {
    const { lintInWorkers, workersCanRun } = await import('./workers.js');
    if (workersCanRun(opts)) return lintInWorkers(dirs, opts, jobs);
  }
  const parts: DirResult[] = [];
  let sinceYield = 0;
  const total = dirs.reduce((n, d) => n + d.files.length, 0);
  let done = 0;
  for (const d of dirs) {
    const part = lintDirectory(d, opts);
    parts.push(part);
    opts.onProgress?.((done += d.files.length), total);
    sinceYield += part.stats.parsedFiles;
    // Native trees are freed by finalizers, which run only when the event
    // loop turns: without this, RSS grows with every package linted.
    if (releaseTrees(part.stats.parsedBytes) || sinceYield >= 32) { sinceYield = 0; await new Promise((r) => setImmediate(r)); }
  }
  return mergeResults(parts);
}

/**
 * A tree-sitter tree lives in malloc'd memory V8 does not see: a dead
 * package's trees wait for a major collection, which a small JS heap rarely
 * needs, so packages pile up (moby on one thread: 360 MB peak without this,
 * 176 MB with it). A full collection costs 10 to 40 ms, so one is forced only
 * after each MB of source parsed (about 25 MB of trees), 2.5% of the CPU
 * time; the finalizers then run when the caller lets the event loop turn.
 * Returns whether it collected. Per thread: each worker has its own.
 */
export function releaseTrees(parsedBytes: number): boolean {
  parsedSinceCollection += parsedBytes;
  if (parsedSinceCollection < COLLECT_EVERY) return false;
  parsedSinceCollection = 0;
  fullCollection();
  return true;
}

const COLLECT_EVERY = 1 << 20;
let parsedSinceCollection = 0;

/** The files of one directory, each with its index in the caller's list (for the order of notices). */
export interface DirectoryFiles {
  dir: string;
  files: { path: string; index: number }[];
  /** Bytes on disk, for scheduling; 0 when unknown. */
  bytes: number;
}

/** What one directory contributes; plain data, so that a worker can post it. */
export interface DirResult {
  /** Notices from reading, with the index of their file, merged in the caller's file order. */
  readNotices: { index: number; notice: Notice }[];
  notices: Notice[];
  findings: Finding[];
  unusedDirectives: { file: string; directive: Directive }[];
  stats: LintStats;
  /** Files left out behind custom build tags, counted by the tags that would include them (`e2e`, `e2e,integration`). */
  taggedOut: Record<string, number>;
}

/**
 * Groups paths by directory, in the order packages are linted (directory,
 * then package name: `groupPackages`). A directory can hold two packages
 * (`foo` and `foo_test`); they are split after reading.
 */
export function directories(paths: string[], opts: LintOptions): DirectoryFiles[] {
  const byDir = new Map<string, DirectoryFiles>();
  paths.forEach((path, index) => {
    if (opts.excluded?.(path)) return;
    const dir = dirname(path);
    let d = byDir.get(dir);
    if (!d) { d = { dir, files: [], bytes: 0 }; byDir.set(dir, d); }
    d.files.push({ path, index });
  });
  return [...byDir.values()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/** Below this many files a worker's start-up (about 0.1 s each) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 200;

function chooseJobs(requested: number | undefined, dirs: DirectoryFiles[]): number {
  if (requested !== undefined) return Math.max(1, Math.min(Math.floor(requested), dirs.length));
  let files = 0;
  for (const d of dirs) files += d.files.length;
  if (files < MIN_FILES_FOR_WORKERS || dirs.length < 2) return 1;
  return Math.min(availableParallelism(), dirs.length, 8);
}

/** Reads, prefilters and lints the packages of one directory. */
export function lintDirectory(d: DirectoryFiles, opts: LintOptions): DirResult {
  const out: DirResult = { readNotices: [], notices: [], findings: [], unusedDirectives: [], stats: emptyStats(), taggedOut: {} };
  let loaded: LoadedFile[] = [];
  const scratch: Notice[] = [];
  for (const { path, index } of d.files) {
    const f = readSource(path, opts, scratch);
    for (const n of scratch) out.readNotices.push({ index, notice: n });
    scratch.length = 0;
    if (f) loaded.push(f);
  }
  const tagged = admitTagged(loaded, declaredNames);
  loaded = tagged.files;
  for (const f of tagged.leftOut) { const k = f.needsTags!.join(','); out.taggedOut[k] = (out.taggedOut[k] ?? 0) + 1; }
  for (const f of loaded) if (f.needsTags) out.stats.taggedFiles++;
  out.stats.files = loaded.length;
  if (opts.parseOnly) {
    for (const f of loaded) {
      const parsed = parseFile(f, out.notices);
      if (!parsed) continue;
      out.stats.parsedFiles++;
      out.stats.parsedBytes += f.text.length;
      if (opts.countFunctions) out.stats.functions += parsed.root.descendantsOfType(['function_declaration', 'method_declaration', 'func_literal']).length;
    }
    return out;
  }
  const needs = opts.prefilter === false ? null : needsOf(opts.rules.map((r) => r.rule.meta.id));
  for (const unit of groupPackages(loaded)) {
    out.stats.packages++;
    if (needs && !unit.files.some((f) => fileMayReport(f.text, needs))) {
      out.stats.skippedPackages++;
      if (opts.unusedDirectives !== false) directivesOnly(unit, opts, out);
      continue;
    }
    lintPackage(unit, opts, out);
  }
  return out;
}

/** What a file declares at package level, from a tree parsed now and kept for linting. */
function declaredNames(f: LoadedFile): string[] {
  try {
    f.tree ??= parseGo(f.text);
  } catch {
    return []; // parseFile says why when the package is linted
  }
  return packageLevelNames(f.tree.rootNode);
}

/** Concatenates directory results in order: the same result a single pass over all packages gives. */
export function mergeResults(parts: DirResult[]): LintResult {
  const result: LintResult = { findings: [], notices: [], unusedDirectives: [], stats: emptyStats() };
  const read: { index: number; notice: Notice }[] = [];
  const taggedOut = new Map<string, number>();
  for (const p of parts) {
    read.push(...p.readNotices);
    for (const k of Object.keys(result.stats) as (keyof LintStats)[]) result.stats[k] += p.stats[k];
    for (const [k, n] of Object.entries(p.taggedOut)) taggedOut.set(k, (taggedOut.get(k) ?? 0) + n);
  }
  read.sort((a, b) => a.index - b.index);
  for (const r of read) result.notices.push(r.notice);
  for (const p of parts) {
    result.notices.push(...p.notices);
    result.findings.push(...p.findings);
    result.unusedDirectives.push(...p.unusedDirectives);
  }
  const tagNotice = taggedOutNotice(taggedOut);
  if (tagNotice) result.notices.push(tagNotice);
  result.findings.sort(compareFindings);
  return result;
}

/** A vendored tree can name dozens of tag sets (moby: 25); the notice names the most frequent. */
const MAX_TAG_SETS_SHOWN = 8;

/**
 * One line for every file a build tag kept out (admitTagged): how many, by
 * which tags, and the flag that lints them. Nothing is left out silently.
 */
export function taggedOutNotice(byTags: ReadonlyMap<string, number>): Notice | null {
  if (byTags.size === 0) return null;
  const total = [...byTags.values()].reduce((a, b) => a + b, 0);
  const list = [...byTags].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = list.slice(0, MAX_TAG_SETS_SHOWN);
  const more = list.length - shown.length;
  const tags = [...new Set(shown.flatMap(([k]) => k.split(',')))].sort();
  return {
    level: 'note',
    message: `${total} file${total === 1 ? '' : 's'} behind build tags left out (${shown.map(([k, n]) => `${k}: ${n}`).join(', ')}${more ? `, and ${more} more` : ''}): ${total === 1 ? 'it redeclares' : 'each redeclares'} a name another file of ${total === 1 ? 'its' : 'their'} package declares; lint ${total === 1 ? 'it' : 'them'} with --tags ${tags.join(',')}${more ? ',...' : ''}`,
  };
}

function emptyStats(): LintStats {
  return { files: 0, packages: 0, parsedFiles: 0, graphs: 0, skippedPackages: 0, functions: 0, parsedBytes: 0, taggedFiles: 0, checkerGroups: 0, checkerStates: 0, checkerBounded: 0, checkerBoundStates: 0, checkerBoundSteps: 0, checkerBoundSettle: 0, checkerBoundGoroutines: 0, checkerBoundDepth: 0 };
}

/**
 * A package no rule can report in: nothing to lint, but its suppression
 * directives are all unused, and `--report-unused-suppressions` says so. Only
 * files that spell one are parsed, alone, for their comments.
 */
function directivesOnly(unit: PackageUnit, opts: LintOptions, out: DirResult): void {
  for (const f of unit.files) {
    if (f.generated || (opts.reportOnly && !opts.reportOnly.has(f.path)) || !mayHaveDirective(f.text)) continue;
    const parsed = parseFile(f, out.notices);
    if (!parsed) continue;
    out.stats.parsedFiles++;
    out.stats.parsedBytes += f.text.length;
    for (const directive of parseDirectives(parsed.root.descendantsOfType('comment'))) out.unusedDirectives.push({ file: f.path, directive });
  }
}

function parseFile(f: LoadedFile, notices: Notice[]): { tree: Parser.Tree; root: Node } | null {
  let tree = f.tree;
  f.tree = undefined; // from here on the package's SourceFile holds it, and lets it go with the package
  try {
    tree ??= parseGo(f.text);
  } catch (e) {
    notices.push({ level: 'error', file: f.path, message: `cannot parse: ${(e as Error).message}` });
    return null;
  }
  const root = tree.rootNode;
  if (root.hasError) {
    const err = firstError(root);
    notices.push({ level: 'warning', file: f.path, line: err, message: `syntax error at line ${err}; linted the parts that parsed` });
  }
  return { tree, root };
}

export function lintPackage(unit: PackageUnit, opts: LintOptions, result: Pick<LintResult, 'findings' | 'notices' | 'unusedDirectives' | 'stats'>): void {
  const own: SourceFile[] = [];
  for (const f of unit.files) {
    const parsed = parseFile(f, result.notices);
    if (!parsed) continue;
    const { tree, root } = parsed;
    own.push({ path: f.path, text: f.text, tree, root, imports: readImports(root), generated: f.generated, isTest: f.isTest });
  }
  result.stats.parsedFiles += own.length;
  for (const f of own) result.stats.parsedBytes += f.text.length;
  if (own.length === 0) return;
  const all = unit.tested?.length ? withTested(unit, own) : own;
  // The files of a tested package read with its external tests are declarations only.
  const files = all.filter((f) => !f.underTest);
  const pkg = new PackageSemantics(all, unit.name);
  const gate = opts.prefilter !== false;
  const raw: { file: SourceFile; rule: EnabledRule; d: ReportDescriptor }[] = [];
  for (const file of files) {
    const handlers = new Map<string, { rule: EnabledRule; fn: (n: Node) => void }[]>();
    for (const er of opts.rules) {
      // A rule that can report only in files importing a path (net/http, x/crypto/ssh)
      // is not run on the others: its visitors would resolve every call there and bail.
      if (gate && !ruleAppliesTo(er.rule.meta.id, file.imports.paths)) continue;
      const ctx = {
        pkg, file, options: er.options,
        report: (d: ReportDescriptor) => { raw.push({ file, rule: er, d }); },
      };
      let visitors;
      try {
        visitors = er.rule.create(ctx);
      } catch (e) {
        result.notices.push(internalError(er.rule.meta.id, file.path, e));
        continue;
      }
      for (const [type, fn] of Object.entries(visitors)) {
        if (!fn) continue;
        const list = handlers.get(type) ?? [];
        list.push({ rule: er, fn });
        handlers.set(type, list);
      }
    }
    for (const type of INDEXED_TYPES) {
      const hs = handlers.get(type);
      if (!hs) continue;
      // Asking for a file's nodes walks its whole tree; when the text proves
      // there are none of this type, the question is not asked (the file of a
      // package with a goroutine elsewhere, which no rule reports in).
      if (gate && !mayContain(type, file.text)) continue;
      for (const node of pkg.nodesOfType(file, type)) {
        for (const h of hs) {
          try {
            h.fn(node);
          } catch (e) {
            result.notices.push(internalError(h.rule.rule.meta.id, file.path, e, node.startPosition.row + 1));
          }
        }
      }
    }
  }
  result.stats.graphs += pkg.cfgCount;
  const checked = checkerStats(pkg);
  if (checked) {
    result.stats.checkerGroups += checked.groups;
    result.stats.checkerStates += checked.states;
    result.stats.checkerBounded += checked.bounded;
    for (const b of BOUND_STATS) result.stats[b.stat] += checked.boundedBy[b.bound];
  }
  const directives = new Map<SourceFile, Directive[]>();
  const directivesOf = (f: SourceFile) => {
    let d = directives.get(f);
    // Every directive's text contains one of these; most files have neither, and their comments stay in C.
    if (!d) { d = mayHaveDirective(f.text) ? parseDirectives(f.root.descendantsOfType('comment')) : []; directives.set(f, d); }
    return d;
  };
  const seen = new Set<string>();
  const placeKey = (id: string, d: ReportDescriptor) => `${id}:${pkg.fileOf(d.node).path}:${d.node.startIndex}`;
  const reported = new Set(raw.map(({ rule, d }) => placeKey(rule.rule.meta.id, d)));
  for (const { file: reportFile, rule, d } of raw) {
    const file = pkg.fileOf(d.node);
    void reportFile;
    // Facts count; findings in generated code are not actionable, and a tested package is linted on its own.
    if (file.generated || file.underTest) continue;
    if (opts.reportOnly && !opts.reportOnly.has(file.path)) continue;
    if (rule.rule.meta.defersTo?.some((other) => reported.has(placeKey(other, d)))) continue;
    const loc = locate(pkg, d.node);
    const key = `${rule.rule.meta.id}:${loc.file}:${loc.line}:${loc.column}`;
    if (seen.has(key)) continue; // one finding per operation, however many paths reach it
    seen.add(key);
    const finding: Finding = {
      ruleId: rule.rule.meta.id,
      severity: rule.severity,
      message: formatMessage(rule.rule.meta.messages[d.messageId] ?? d.messageId, d.data),
      location: loc,
      steps: (d.steps ?? []).map((s) => ({ ...locate(pkg, s.node), message: s.message, ...(s.thread ? { thread: s.thread } : {}) })),
      related: (d.related ?? []).map((s) => ({ ...locate(pkg, s.node), message: s.message })),
      fingerprint: '',
    };
    if (d.fix) {
      finding.fix = {
        description: d.fix.description,
        edits: d.fix.edits.map((e): FileEdit => {
          const ef = e.node ? pkg.fileOf(e.node) : file; // offsets index the edited node's file, not the finding's
          return { file: ef.path, start: e.start, end: e.end, text: e.text, region: rangeLocation(ef, e.start, e.end) };
        }),
      };
    }
    const dir = matchDirective(directivesOf(file), finding.ruleId, coveringLines(d.node));
    if (dir) {
      dir.used = true;
      finding.suppression = { kind: 'inSource', justification: dir.reason || '(no reason given)', directive: dir.text };
    }
    result.findings.push(finding);
  }
  if (opts.unusedDirectives === false) return;
  for (const [f, ds] of directives) for (const d of ds) if (!d.used) result.unusedDirectives.push({ file: f.path, directive: d });
  // Directives in files with no finding at all are unused too.
  for (const f of files) if (!directives.has(f) && !f.generated && (!opts.reportOnly || opts.reportOnly.has(f.path))) {
    for (const d of directivesOf(f)) if (!d.used) result.unusedDirectives.push({ file: f.path, directive: d });
  }
}

function internalError(ruleId: string, path: string, e: unknown, line?: number): Notice {
  const msg = e instanceof Error ? e.message : String(e);
  return { level: 'error', file: path, line, message: `internal error in rule ${ruleId}: ${msg.split('\n')[0]}` };
}

function firstError(root: Node): number {
  const errs = root.descendantsOfType('ERROR');
  if (errs.length) return errs[0]!.startPosition.row + 1;
  // MISSING nodes are not found by type: walk with a cursor until one shows up.
  const c = root.walk();
  for (;;) {
    if (c.nodeIsMissing) return c.startPosition.row + 1;
    if (c.gotoFirstChild() || c.gotoNextSibling()) continue;
    for (;;) {
      if (!c.gotoParent()) return 1;
      if (c.gotoNextSibling()) break;
    }
  }
}

/** 1-based line and byte column (as go vet prints them) of a node's range. */
export function locate(pkg: PackageSemantics, node: Node): Location {
  const file = pkg.fileOf(node);
  return rangeLocation(file, node.startIndex, node.endIndex, node);
}

function rangeLocation(file: SourceFile, start: number, end: number, node?: Node): Location {
  const s = node ? node.startPosition : positionOf(file.text, start);
  const e = node ? node.endPosition : positionOf(file.text, end);
  return {
    file: file.path,
    line: s.row + 1,
    column: byteColumn(file.text, start, s.column),
    endLine: e.row + 1,
    endColumn: byteColumn(file.text, end, e.column),
    column16: s.column + 1,
    endColumn16: e.column + 1,
  };
}

function positionOf(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) { row++; lineStart = i + 1; }
  return { row, column: index - lineStart };
}

function byteColumn(text: string, index: number, column: number): number {
  const lineStart = index - column;
  const prefix = text.slice(lineStart, index);
  // ASCII-only prefixes (the common case) need no encoding.
  // eslint-disable-next-line no-control-regex
  return (/^[\x00-\x7f]*$/.test(prefix) ? prefix.length : Buffer.byteLength(prefix, 'utf8')) + 1;
}
