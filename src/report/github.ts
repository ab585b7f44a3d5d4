// GitHub Actions workflow commands: each finding becomes an annotation on the
// pull request's diff. Values are escaped as the runner expects.
import type { Finding } from '../engine/finding.js';
import { displayPath } from './text.js';

const LEVEL = { error: 'error', warning: 'warning', note: 'notice' } as const;

function escData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escProp(s: string): string {
  return escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(findings: Finding[], cwd: string): string {
  return findings.filter((f) => !f.suppression).map((f) => {
    const l = f.location;
    return `::${LEVEL[f.severity]} file=${escProp(displayPath(l.file, cwd))},line=${l.line},col=${l.column},endLine=${l.endLine},endColumn=${l.endColumn},title=${escProp(f.ruleId)}::${escData(f.message)}`;
  }).join('\n') + (findings.some((f) => !f.suppression) ? '\n' : '');
}
