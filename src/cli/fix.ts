// `--fix`: applies the rules' provably safe edits. Each file is re-read and
// compared with what was linted (a file changed meanwhile is refused), edited
// in memory, re-parsed (an edit that would break the syntax aborts that
// file), then written through a temporary file in the same directory and
// renamed, keeping permissions, line endings and a byte-order mark.
import { readFileSync, statSync } from 'node:fs';
import type { Finding, Notice } from '../engine/finding.js';
import { parseGo } from '../engine/parser.js';
import { describeError, writeAtomic } from './output.js';
import { displayPath } from '../report/text.js';

export interface FixOutcome {
  changed: string[];
  diff: string;
  notices: Notice[];
}

/**
 * The files --fix may edit, read before linting (BOM stripped, as the engine
 * reads them): the edits' offsets index this text, and a file whose content
 * differs from it when the fix is written was changed meanwhile. A file
 * missing from the map is outside the patterns and is never touched.
 */
export function readTexts(files: string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const f of files) {
    try {
      out.set(f, readFileSync(f, 'utf8').replace(/^\ufeff/, ''));
    } catch {
      out.set(f, null);
    }
  }
  return out;
}

export function applyFixes(findings: Finding[], linted: Map<string, string | null>, opts: { dryRun: boolean; cwd: string }): FixOutcome {
  const byFile = new Map<string, { start: number; end: number; text: string }[]>();
  for (const f of findings) {
    if (!f.fix || f.suppression) continue;
    for (const e of f.fix.edits) {
      const list = byFile.get(e.file) ?? [];
      if (!list.some((x) => x.start === e.start && x.end === e.end && x.text === e.text)) list.push(e);
      byFile.set(e.file, list);
    }
  }
  const out: FixOutcome = { changed: [], diff: '', notices: [] };
  for (const [file, edits] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!linted.has(file)) {
      out.notices.push({ level: 'error', file, message: 'not fixed: the fix edits this file, which is outside the given patterns' });
      continue;
    }
    const before = linted.get(file);
    let raw: Buffer;
    try { raw = readFileSync(file); } catch (e) {
      out.notices.push({ level: 'error', file, message: `not fixed: cannot read: ${describeError(e)}` });
      continue;
    }
    const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
    const current = raw.toString('utf8').slice(bom ? 1 : 0);
    if (before === null || before === undefined || current !== before) {
      out.notices.push({ level: 'error', file, message: 'not fixed: the file changed since it was linted' });
      continue;
    }
    const sorted = [...edits].sort((a, b) => b.start - a.start);
    if (sorted.some((e) => e.start < 0 || e.start > e.end || e.end > current.length)) {
      out.notices.push({ level: 'error', file, message: 'not fixed: an edit lies outside the file' });
      continue;
    }
    // Two different edits at one point (two insertions) conflict as much as overlapping ranges do.
    if (sorted.some((e, i) => i > 0 && (e.end > sorted[i - 1]!.start || (e.start === sorted[i - 1]!.start && e.end === sorted[i - 1]!.end)))) {
      out.notices.push({ level: 'error', file, message: 'not fixed: overlapping edits' });
      continue;
    }
    let text = current;
    for (const e of sorted) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    // Only a file that parses is fixed, and only into one that still parses:
    // on a half-edited file we cannot tell a new syntax error from an old one.
    if (parseGo(current).rootNode.hasError) {
      out.notices.push({ level: 'warning', file, message: 'not fixed: the file has syntax errors' });
      continue;
    }
    if (parseGo(text).rootNode.hasError) {
      out.notices.push({ level: 'error', file, message: 'not fixed: the edit would not parse' });
      continue;
    }
    if (opts.dryRun) {
      out.diff += unifiedDiff(displayPath(file, opts.cwd), current, text);
      continue;
    }
    try {
      writeAtomic(file, (bom ? '\ufeff' : '') + text, statSync(file).mode & 0o7777);
      out.changed.push(file);
    } catch (e) {
      out.notices.push({ level: 'error', file, message: `not fixed: cannot write: ${describeError(e)}` });
    }
  }
  return out;
}

/** A unified diff with three lines of context, one hunk per group of changed lines. */
export function unifiedDiff(name: string, a: string, b: string): string {
  const A = a.split('\n');
  const B = b.split('\n');
  if (a === b) return '';
  // Edits here never add or remove lines in bulk; pair lines by index around changed runs.
  let pre = 0;
  while (pre < A.length && pre < B.length && A[pre] === B[pre]) pre++;
  let suf = 0;
  while (suf < A.length - pre && suf < B.length - pre && A[A.length - 1 - suf] === B[B.length - 1 - suf]) suf++;
  const changesA = A.slice(pre, A.length - suf);
  const changesB = B.slice(pre, B.length - suf);
  const hunks: string[] = [];
  if (changesA.length === changesB.length) {
    // Line-for-line changes: group runs of differing lines.
    let i = 0;
    while (i < changesA.length) {
      if (changesA[i] === changesB[i]) { i++; continue; }
      let j = i;
      while (j < changesA.length && (changesA[j] !== changesB[j] || (j + 1 < changesA.length && changesA.slice(j, j + 7).some((l, k) => l !== changesB[j + k])))) j++;
      hunks.push(hunk(A, B, pre + i, pre + j, pre + i, pre + j));
      i = j;
    }
  } else hunks.push(hunk(A, B, pre, A.length - suf, pre, B.length - suf));
  return `--- a/${name}\n+++ b/${name}\n${hunks.join('')}`;
}

function hunk(A: string[], B: string[], a0: number, a1: number, b0: number, b1: number): string {
  const ctx = 3;
  const s = Math.max(0, a0 - ctx);
  const e = Math.min(A.length, a1 + ctx);
  const lines = [
    ...A.slice(s, a0).map((l) => ` ${l}`),
    ...A.slice(a0, a1).map((l) => `-${l}`),
    ...B.slice(b0, b1).map((l) => `+${l}`),
    ...A.slice(a1, e).map((l) => ` ${l}`),
  ];
  // Hunks start after an identical prefix, so old and new line numbers agree at `s`.
  const newLen = (a0 - s) + (b1 - b0) + (e - a1);
  return `@@ -${s + 1},${e - s} +${s + 1},${newLen} @@\n${lines.join('\n')}\n`;
}
