// The engine: packages in, findings out. For each package it parses the
// files, builds the package's semantic model, gives every enabled rule a
// context per file, and dispatches the indexed node types to the rules'
// visitors. Nothing here knows Go semantics or any rule.
import type { Rule, ReportDescriptor, Severity } from './rule.js';
import { formatMessage } from './rule.js';
import type { Finding, Location, Notice, FileEdit } from './finding.js';
import { compareFindings } from './finding.js';
import { groupPackages, readSource, type LoadOptions, type LoadedFile, type PackageUnit } from './load.js';
import { parseGo } from './parser.js';
import { PackageSemantics, INDEXED_TYPES, type SourceFile } from '../semantics/package.js';
import { readImports } from '../semantics/imports.js';
import type { Node } from '../semantics/syntax.js';
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
}

export interface LintStats {
  files: number;
  packages: number;
  parsedFiles: number;
  graphs: number;
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
  const notices: Notice[] = [];
  const loaded: LoadedFile[] = [];
  for (const p of paths) {
    if (opts.excluded?.(p)) continue;
    const f = readSource(p, opts, notices);
    if (f) loaded.push(f);
  }
  const units = groupPackages(loaded);
  const result: LintResult = { findings: [], notices, unusedDirectives: [], stats: { files: loaded.length, packages: units.length, parsedFiles: 0, graphs: 0 } };
  let sinceYield = 0;
  for (const unit of units) {
    lintPackage(unit, opts, result);
    sinceYield += unit.files.length;
    // Let finalizers free the native trees of the packages already done.
    if (sinceYield >= 32) { sinceYield = 0; await new Promise((r) => setImmediate(r)); }
  }
  result.findings.sort(compareFindings);
  return result;
}

export function lintPackage(unit: PackageUnit, opts: LintOptions, result: LintResult): void {
  const files: SourceFile[] = [];
  for (const f of unit.files) {
    let tree;
    try {
      tree = parseGo(f.text);
    } catch (e) {
      result.notices.push({ level: 'error', file: f.path, message: `cannot parse: ${(e as Error).message}` });
      continue;
    }
    const root = tree.rootNode;
    if (root.hasError) {
      const err = firstError(root);
      result.notices.push({ level: 'warning', file: f.path, line: err, message: `syntax error at line ${err}; linted the parts that parsed` });
    }
    files.push({ path: f.path, text: f.text, tree, root, imports: readImports(root), generated: f.generated, isTest: f.isTest });
  }
  result.stats.parsedFiles += files.length;
  if (files.length === 0) return;
  const pkg = new PackageSemantics(files, unit.name);
  const raw: { file: SourceFile; rule: EnabledRule; d: ReportDescriptor }[] = [];
  for (const file of files) {
    const handlers = new Map<string, { rule: EnabledRule; fn: (n: Node) => void }[]>();
    for (const er of opts.rules) {
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
  const directives = new Map<SourceFile, Directive[]>();
  const directivesOf = (f: SourceFile) => {
    let d = directives.get(f);
    if (!d) { d = parseDirectives(f.root.descendantsOfType('comment')); directives.set(f, d); }
    return d;
  };
  const seen = new Set<string>();
  for (const { file: reportFile, rule, d } of raw) {
    const file = pkg.fileOf(d.node);
    void reportFile;
    if (file.generated) continue; // facts count, findings in generated code are not actionable
    if (opts.reportOnly && !opts.reportOnly.has(file.path)) continue;
    const loc = locate(pkg, d.node);
    const key = `${rule.rule.meta.id}:${loc.file}:${loc.line}:${loc.column}`;
    if (seen.has(key)) continue; // one finding per operation, however many paths reach it
    seen.add(key);
    const finding: Finding = {
      ruleId: rule.rule.meta.id,
      severity: rule.severity,
      message: formatMessage(rule.rule.meta.messages[d.messageId] ?? d.messageId, d.data),
      location: loc,
      steps: (d.steps ?? []).map((s) => ({ ...locate(pkg, s.node), message: s.message })),
      related: (d.related ?? []).map((s) => ({ ...locate(pkg, s.node), message: s.message })),
      fingerprint: '',
    };
    if (d.fix) {
      finding.fix = {
        description: d.fix.description,
        edits: d.fix.edits.map((e): FileEdit => ({ file: file.path, start: e.start, end: e.end, text: e.text, region: rangeLocation(file, e.start, e.end) })),
      };
    }
    const dir = matchDirective(directivesOf(file), finding.ruleId, coveringLines(d.node));
    if (dir) {
      dir.used = true;
      finding.suppression = { kind: 'inSource', justification: dir.reason || '(no reason given)', directive: dir.text };
    }
    result.findings.push(finding);
  }
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
