// SARIF 2.1.0 for GitHub code scanning and other viewers. Rules come from the
// same meta as `explain` and the docs; results carry the evidence path as a
// codeFlow, related locations, fixes, in-source suppressions and fingerprints
// that survive unrelated edits. URIs are relative to the source root
// (%SRCROOT%) and never escape it; columns are UTF-16 code units, declared as
// such in `columnKind`.
import { pathToFileURL } from 'node:url';
import { relative, sep } from 'node:path';
import type * as Sarif from 'sarif';
import type { Finding, Location, Notice } from '../engine/finding.js';
import type { Rule, Severity } from '../engine/rule.js';
import { HOMEPAGE, helpUri, ruleHelpMarkdown, ruleHelpText } from './docs.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  version: string;
  /** Absolute source root (the repository root). */
  root: string;
  rules: readonly Rule[];
  /** Severity actually in force per rule (config may change the default). */
  levels?: Map<string, Severity>;
  executionSuccessful: boolean;
}

function artifact(file: string, root: string): Sarif.ArtifactLocation {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function region(l: Location): Sarif.Region {
  return { startLine: l.line, startColumn: l.column16, endLine: l.endLine, endColumn: l.endColumn16 };
}

function physical(l: Location, root: string): Sarif.PhysicalLocation {
  return { artifactLocation: artifact(l.file, root), region: region(l) };
}

export function toSarif(findings: Finding[], notices: Notice[], opts: SarifOptions): Sarif.Log {
  const ruleIndex = new Map(opts.rules.map((r, i) => [r.meta.id, i]));
  const driver: Sarif.ToolComponent = {
    name: 'golint-leaks',
    version: opts.version,
    semanticVersion: opts.version,
    informationUri: HOMEPAGE,
    rules: opts.rules.map((r): Sarif.ReportingDescriptor => ({
      id: r.meta.id,
      name: r.meta.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.meta.short },
      fullDescription: { text: r.meta.full },
      help: { text: ruleHelpText(r.meta), markdown: ruleHelpMarkdown(r.meta) },
      helpUri: helpUri(r.meta.id),
      defaultConfiguration: { level: opts.levels?.get(r.meta.id) ?? r.meta.severity },
      properties: { tags: r.meta.tags, precision: r.meta.precision, 'problem.severity': severityWord(r.meta.severity) },
    })),
  };
  const results: Sarif.Result[] = findings.map((f) => {
    const res: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
      level: f.severity,
      message: { text: f.message },
      locations: [{ physicalLocation: physical(f.location, opts.root) }],
      partialFingerprints: { 'golintLeaksFingerprint/v1': f.fingerprint },
    };
    if (res.ruleIndex === -1) delete res.ruleIndex;
    if (f.related.length) {
      res.relatedLocations = f.related.map((l, i) => ({ id: i + 1, physicalLocation: physical(l, opts.root), message: { text: l.message ?? '' } }));
    }
    if (f.steps.length) {
      // A schedule is one threadFlow per goroutine; executionOrder interleaves them.
      const threads = new Map<string, Sarif.ThreadFlowLocation[]>();
      f.steps.forEach((s, i) => {
        const t = s.thread ?? '';
        const list = threads.get(t) ?? [];
        list.push({ executionOrder: i + 1, location: { physicalLocation: physical(s, opts.root), message: { text: s.message ?? '' } } });
        threads.set(t, list);
      });
      res.codeFlows = [{
        message: { text: threads.size > 1 ? 'a schedule in which the goroutine gets stuck' : 'how the goroutine gets stuck' },
        threadFlows: [...threads].map(([t, locations]) => (t ? { id: t, message: { text: `goroutine ${t}` }, locations } : { locations })),
      }];
    }
    if (f.fix) {
      const byFile = new Map<string, Sarif.Replacement[]>();
      for (const e of f.fix.edits) {
        const list = byFile.get(e.file) ?? [];
        list.push({ deletedRegion: region(e.region), insertedContent: { text: e.text } });
        byFile.set(e.file, list);
      }
      res.fixes = [{ description: { text: f.fix.description }, artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: artifact(file, opts.root), replacements })) }];
    }
    if (f.suppression) res.suppressions = [{ kind: 'inSource', justification: f.suppression.justification }];
    return res;
  });
  const run: Sarif.Run = {
    tool: { driver },
    originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(opts.root.endsWith(sep) ? opts.root : opts.root + sep).href } },
    columnKind: 'utf16CodeUnits',
    results,
    invocations: [{
      executionSuccessful: opts.executionSuccessful,
      toolExecutionNotifications: notices.map((n): Sarif.Notification => ({
        level: n.level,
        message: { text: n.message },
        ...(n.file ? { locations: [{ physicalLocation: { artifactLocation: artifact(n.file, opts.root), ...(n.line ? { region: { startLine: n.line } } : {}) } }] } : {}),
      })),
    }],
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

function severityWord(s: Severity): string {
  return s === 'note' ? 'recommendation' : s;
}
