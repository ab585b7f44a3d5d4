// What the engine hands to reporters: findings with resolved positions
// (1-based lines, 1-based byte columns as go vet prints them), evidence
// steps, optional fix, suppression state and a fingerprint that survives
// unrelated edits above the finding.
import { createHash } from 'node:crypto';
import type { Severity } from './rule.js';

export interface Location {
  /** Absolute path. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The same columns in UTF-16 code units, for SARIF's `columnKind: utf16CodeUnits`. */
  column16: number;
  endColumn16: number;
  message?: string;
  /** For evidence steps of a schedule: the goroutine that takes the step. */
  thread?: string;
}

export interface FileEdit {
  file: string;
  /** Offsets into the file's text (JS string indices). */
  start: number;
  end: number;
  text: string;
  /** Positions for SARIF `replacements`. */
  region: Location;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  location: Location;
  steps: Location[];
  related: Location[];
  fix?: { description: string; edits: FileEdit[] };
  suppression?: { kind: 'inSource'; justification: string; directive: string };
  /** Stable across unrelated edits: rule, file, message without line numbers, the line's text, occurrence. */
  fingerprint: string;
}

export interface Notice {
  level: 'error' | 'warning' | 'note';
  message: string;
  file?: string;
  line?: number;
}

export function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.location.file, b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Fingerprints hash what identifies a finding to a reader: rule, file (relative
 * to the source root), message with line numbers removed, and the trimmed text
 * of its line; identical ones are numbered in order. Adding lines above leaves
 * all of these unchanged.
 */
export function assignFingerprints(findings: Finding[], relPath: (abs: string) => string, lineText: (f: Finding) => string): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const base = [f.ruleId, relPath(f.location.file), f.message.replace(/\bline \d+/g, 'line N'), lineText(f).trim()].join('\0');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    f.fingerprint = createHash('sha256').update(`${base}\0${n}`).digest('hex').slice(0, 32);
  }
}
