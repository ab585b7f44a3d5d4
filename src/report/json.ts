// Machine-readable output: one JSON document with findings (paths relative to
// the working directory, 1-based byte columns), notices and the tool version.
import type { Finding, Notice } from '../engine/finding.js';
import { displayPath } from './text.js';

export function formatJson(findings: Finding[], notices: Notice[], cwd: string, version: string): string {
  const rel = (p: string) => displayPath(p, cwd);
  return JSON.stringify({
    version,
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      path: rel(f.location.file),
      line: f.location.line,
      column: f.location.column,
      endLine: f.location.endLine,
      endColumn: f.location.endColumn,
      message: f.message,
      fingerprint: f.fingerprint,
      steps: f.steps.map((s) => ({ path: rel(s.file), line: s.line, column: s.column, message: s.message })),
      ...(f.fix ? { fix: { description: f.fix.description, edits: f.fix.edits.map((e) => ({ path: rel(e.file), line: e.region.line, column: e.region.column, endLine: e.region.endLine, endColumn: e.region.endColumn, text: e.text })) } } : {}),
      ...(f.suppression ? { suppressed: { justification: f.suppression.justification } } : {}),
    })),
    notices: notices.map((n) => ({ level: n.level, message: n.message, ...(n.file ? { path: rel(n.file) } : {}), ...(n.line ? { line: n.line } : {}) })),
  }, null, 2) + '\n';
}
