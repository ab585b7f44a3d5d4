// The analysistest-style harness: each rule runs alone over its fixture
// folder (recursively, drivers excluded), and every finding must sit on a
// line carrying a `// want "regexp"` that matches its message, and every
// `want` must be met. Files without a `want` are near-misses.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RULES } from '../rules/index.js';
import { lintFiles } from '../src/engine/lint.js';
import { hostBuildContext } from '../src/engine/buildtags.js';
import { expandPatterns } from '../src/cli/patterns.js';
import { KNOWN_FP, goFiles, lintRuleOver } from './helpers/fixtures.js';
import { parseFixture } from '../scripts/oracle.js';

const FIXTURES = resolve(__dirname, '../fixtures');

describe('fixtures: // want annotations match findings exactly', () => {
  for (const rule of RULES) {
    const dir = join(FIXTURES, rule.meta.id);
    it(`${rule.meta.id}`, async () => {
      const result = await lintRuleOver(rule.meta.id, dir);
      const problems: string[] = [];
      const findingsByLine = new Map<string, string[]>();
      for (const f of result.findings) {
        if (f.suppression) continue;
        const key = `${relative(FIXTURES, f.location.file)}:${f.location.line}`;
        findingsByLine.set(key, [...(findingsByLine.get(key) ?? []), f.message]);
      }
      const wanted = new Set<string>();
      for (const file of goFiles(dir)) {
        const claim = parseFixture(readFileSync(file, 'utf8'));
        for (const w of claim.wants) {
          const key = `${relative(FIXTURES, file)}:${w.line}`;
          wanted.add(key);
          const msgs = [...(findingsByLine.get(key) ?? [])];
          for (const p of w.patterns) {
            const i = msgs.findIndex((m) => new RegExp(p).test(m));
            if (i === -1) problems.push(`${key}: missing finding matching ${JSON.stringify(p)}${msgs.length ? ` (got: ${msgs.join(' | ')})` : ''}`);
            else msgs.splice(i, 1);
          }
          for (const m of msgs) problems.push(`${key}: unexpected finding: ${m}`);
        }
      }
      // Known false positives (fixtures/README.md): findings are expected there, and one must remain,
      // so that the day the analysis handles the shape, this test asks to promote it to a near-miss.
      const knownFp = new Set(goFiles(dir).filter((f) => KNOWN_FP.test(readFileSync(f, 'utf8'))).map((f) => relative(FIXTURES, f)));
      for (const [key, msgs] of findingsByLine) {
        if (wanted.has(key) || knownFp.has(key.replace(/:\d+$/, ''))) continue;
        for (const m of msgs) problems.push(`${key}: unexpected finding: ${m}`);
      }
      for (const f of knownFp) if (![...findingsByLine.keys()].some((k) => k.startsWith(`${f}:`))) problems.push(`${f}: marked as a known false positive but no longer reported: remove the marker`);
      for (const n of result.notices) if (n.message.startsWith('internal error')) problems.push(`${n.file}: ${n.message}`);
      expect(problems).toEqual([]);
    });
  }

  it('one finding per blocked operation across rules (all rules over all fixtures)', async () => {
    const { files } = expandPatterns([`${FIXTURES}/...`], FIXTURES);
    const result = await lintFiles(files, {
      ...({ jobs: 1 } as object), // in-process: this checks rules, not scheduling
      tests: false, maxFileSize: 5 * 1048576, build: hostBuildContext(),
      rules: RULES.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}) } })),
    });
    const byOp = new Map<string, string[]>();
    for (const f of result.findings) {
      const k = `${relative(FIXTURES, f.location.file)}:${f.location.line}:${f.location.column}`;
      byOp.set(k, [...(byOp.get(k) ?? []), f.ruleId]);
    }
    expect([...byOp].filter(([, rules]) => rules.length > 1)).toEqual([]);
  });

  it('every rule has at least as many near-misses as flagged fixtures', () => {
    for (const rule of RULES) {
      const files = goFiles(join(FIXTURES, rule.meta.id));
      const flagged = files.filter((f) => parseFixture(readFileSync(f, 'utf8')).wants.length > 0).length;
      const near = files.length - flagged;
      expect.soft(flagged, `${rule.meta.id} flagged fixtures`).toBeGreaterThanOrEqual(8);
      expect.soft(near, `${rule.meta.id} near-misses (${near}) vs flagged (${flagged})`).toBeGreaterThanOrEqual(Math.min(flagged, 8));
    }
  });
});
