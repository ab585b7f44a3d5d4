// go vet's format: `path:line:col: message (rule-id)`, paths relative to the
// working directory. Colour only on a terminal, honouring NO_COLOR and
// FORCE_COLOR. `--verbose` adds the evidence path as indented notes.
import { relative } from 'node:path';
import type { Finding, Notice } from '../engine/finding.js';

export interface TextOptions {
  cwd: string;
  color: boolean;
  verbose: boolean;
}

export function useColor(stream: NodeJS.WriteStream | NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== 'false';
  return !!(stream as NodeJS.WriteStream).isTTY;
}

export function displayPath(abs: string, cwd: string): string {
  const r = relative(cwd, abs);
  return r.startsWith('..') ? abs : r || '.';
}

export function formatText(findings: Finding[], opts: TextOptions): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const f of findings) {
    if (f.suppression) continue;
    const pos = `${displayPath(f.location.file, opts.cwd)}:${f.location.line}:${f.location.column}`;
    const sev = f.severity === 'error' ? '31' : f.severity === 'warning' ? '33' : '36';
    out.push(`${c('1', pos)}: ${f.message} ${c(sev, `(${f.ruleId})`)}`);
    if (opts.verbose) {
      // A schedule is numbered: the order of the steps is the evidence.
      const numbered = f.steps.some((s) => s.thread);
      f.steps.forEach((s, i) => out.push(`\t${numbered ? `${i + 1}. ` : ''}${displayPath(s.file, opts.cwd)}:${s.line}:${s.column}: ${s.message ?? ''}`));
      if (f.fix) out.push(`\tfix: ${f.fix.description} (apply with --fix)`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

export function formatNotice(n: Notice, cwd: string): string {
  const where = n.file ? `${displayPath(n.file, cwd)}${n.line ? `:${n.line}` : ''}: ` : '';
  return `golint-leaks: ${where}${n.message}`;
}
