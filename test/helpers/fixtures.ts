// Shared by the fixture harnesses (fixtures.test.ts, checker.test.ts): one
// rule alone over a fixture folder, and the folder's fixture files.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../rules/index.js';
import { lintFiles } from '../../src/engine/lint.js';
import { hostBuildContext } from '../../src/engine/buildtags.js';
import { expandPatterns } from '../../src/cli/patterns.js';

/** The marker of a near-miss the analysis cannot yet prove safe (fixtures/README.md). */
export const KNOWN_FP = /^\/\/ known false positive: \S/m;

/** Runs one rule alone over `dir` (recursively), with its default options and `options` over them. */
export async function lintRuleOver(ruleId: string, dir: string, options: Record<string, unknown> = {}) {
  const rule = RULES.find((r) => r.meta.id === ruleId)!;
  const { files } = expandPatterns([`${dir}/...`], dir);
  return lintFiles(files, {
    ...({ jobs: 1 } as object),
    tests: false,
    maxFileSize: 5 * 1048576,
    build: hostBuildContext(),
    rules: [{ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}), ...options } }],
  });
}

/** The fixture files under `dir`: .go files that are not drivers. */
export function goFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...goFiles(p));
    else if (name.endsWith('.go') && !name.endsWith('_test.go')) out.push(p);
  }
  return out;
}
