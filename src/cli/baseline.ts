// Baselines: adopt golint-leaks on old code by recording today's findings
// (`--write-baseline FILE`) and hiding them afterwards (`--baseline FILE`),
// so that only new leaks fail the build. Entries match by the fingerprint
// SARIF carries as `partialFingerprints` (rule, file relative to the
// repository root, message without line numbers, the text of the line): code
// that moves up or down its file keeps its entry, code that changes gets
// reported again. The file is sorted JSON so that it diffs well in review;
// rule, file, line and message are there for the reader, only the
// fingerprint matches.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ConfigError } from '../config/config.js';
import type { Finding, Notice } from '../engine/finding.js';
import { changedLines, isNew, type ChangedLines } from './newfromrev.js';
import { writeAtomic } from './output.js';

export const BASELINE_VERSION = 1;
export const FINGERPRINT_KIND = 'golintLeaksFingerprint/v1';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

export interface Baseline {
  version: number;
  fingerprintKind: string;
  findings: BaselineEntry[];
}

/** A baseline that cannot be read or written: exit status 2, like a bad config file. */
export class BaselineError extends ConfigError {}

export function readBaseline(path: string, shown: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BaselineError(`--baseline ${shown}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create it with --write-baseline)' : (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`--baseline ${shown}: not JSON: ${(e as Error).message}`);
  }
  const b = data as Partial<Baseline>;
  if (!b || typeof b !== 'object' || !Array.isArray(b.findings)) throw new BaselineError(`--baseline ${shown}: not a golint-leaks baseline (no "findings" list)`);
  if (b.version !== BASELINE_VERSION) throw new BaselineError(`--baseline ${shown}: version ${String(b.version)}, expected ${BASELINE_VERSION}`);
  if (b.fingerprintKind !== FINGERPRINT_KIND) throw new BaselineError(`--baseline ${shown}: fingerprints of kind ${String(b.fingerprintKind)}, expected ${FINGERPRINT_KIND}: write it again with --write-baseline`);
  b.findings.forEach((e, i) => {
    if (!e || typeof e.fingerprint !== 'string' || !/^[0-9a-f]{8,64}$/.test(e.fingerprint)) throw new BaselineError(`--baseline ${shown}: findings[${i}] has no valid "fingerprint"`);
  });
  return b as Baseline;
}

/** The baseline of these findings (suppressed ones are handled in the source and left out). */
export function makeBaseline(findings: readonly Finding[], relPath: (abs: string) => string): Baseline {
  const entries = findings
    .filter((f) => !f.suppression)
    .map((f): BaselineEntry => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: relPath(f.location.file), line: f.location.line, message: f.message }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)));
  return { version: BASELINE_VERSION, fingerprintKind: FINGERPRINT_KIND, findings: entries };
}

export function writeBaseline(path: string, baseline: Baseline): void {
  writeAtomic(path, JSON.stringify(baseline, null, 2) + '\n');
}

/**
 * Splits findings into those the baseline does not know (kept) and those it
 * records (hidden); `unmatched` are baseline entries no finding matched: fixed,
 * or changed enough to be reported again.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { kept: Finding[]; hidden: Finding[]; unmatched: BaselineEntry[] } {
  const known = new Map(baseline.findings.map((e) => [e.fingerprint, e]));
  const matched = new Set<string>();
  const kept: Finding[] = [];
  const hidden: Finding[] = [];
  for (const f of findings) {
    if (known.has(f.fingerprint)) {
      hidden.push(f);
      matched.add(f.fingerprint);
    } else kept.push(f);
  }
  return { kept, hidden, unmatched: baseline.findings.filter((e) => !matched.has(e.fingerprint)) };
}

/** What --new-from-rev, --baseline and --write-baseline ask for, checked before linting. */
export interface Adoption {
  changed?: ChangedLines;
  rev?: string;
  baseline?: Baseline;
  baselineShown?: string;
  writePath?: string;
  writeShown?: string;
}

export function prepareAdoption(flags: Map<string, string>, cwd: string): Adoption {
  const a: Adoption = {};
  const rev = flags.get('new-from-rev');
  if (rev !== undefined) {
    if (!rev) throw new ConfigError('--new-from-rev: expected a git revision');
    a.rev = rev;
    a.changed = changedLines(rev, cwd);
  }
  const base = flags.get('baseline');
  if (base !== undefined) {
    a.baselineShown = base;
    a.baseline = readBaseline(resolve(cwd, base), base);
  }
  const write = flags.get('write-baseline');
  if (write !== undefined) {
    const path = resolve(cwd, write);
    if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw new BaselineError(`--write-baseline ${write}: no such directory ${relative(cwd, dirname(path)) || '.'}`);
    a.writePath = path;
    a.writeShown = write;
  }
  return a;
}

/**
 * Applies --write-baseline (record every unsuppressed finding, then hide
 * them: the run succeeds), --baseline (hide recorded findings) and
 * --new-from-rev (hide findings whose path did not change), in that order.
 * Fingerprints must be assigned first, over all findings, so that they do
 * not depend on what is hidden. `scope` holds the files whose findings this
 * run reports: baseline entries elsewhere are not "unmatched".
 */
export function adoptionFilter(findings: Finding[], a: Adoption, notices: Notice[], relPath: (abs: string) => string, scope: Iterable<string>): Finding[] {
  let out = findings;
  if (a.writePath) {
    const b = makeBaseline(out, relPath);
    try {
      writeBaseline(a.writePath, b);
    } catch (e) {
      throw new BaselineError(`--write-baseline ${a.writeShown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    notices.push({ level: 'note', message: `wrote ${b.findings.length} finding${b.findings.length === 1 ? '' : 's'} to the baseline ${a.writeShown}` });
    out = applyBaseline(out, b).kept;
  }
  if (a.baseline) {
    const r = applyBaseline(out, a.baseline);
    out = r.kept;
    const inScope = new Set([...scope].map(relPath));
    const stale = r.unmatched.filter((e) => inScope.has(e.file));
    if (stale.length) notices.push({ level: 'note', message: `${stale.length} entr${stale.length === 1 ? 'y' : 'ies'} of the baseline ${a.baselineShown} matched no finding (fixed, or changed and reported again): --write-baseline ${a.baselineShown} drops them` });
  }
  if (a.changed) {
    const changed = a.changed;
    out = out.filter((f) => isNew(f, changed));
  }
  return out;
}
