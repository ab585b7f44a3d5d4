// In-source suppressions in the forms Go developers already write:
//   //nolint                          every rule (golangci-lint)
//   //nolint:rule-a,rule-b // reason  named rules; other linters' names do not match ours
//   //lint:ignore rule-a reason       the next line (staticcheck)
//   //lint:file-ignore rule-a reason  the whole file
// A nolint applies to its own line and, written on the first line of a
// statement or declaration, to findings anywhere inside it.
import type { Node } from '../semantics/syntax.js';

export interface Directive {
  kind: 'nolint' | 'ignore' | 'file-ignore';
  /** Rule ids; empty means all (bare //nolint). */
  rules: string[];
  reason: string;
  /** Line the directive covers directly (its own for nolint, the next for lint:ignore). */
  line: number;
  /** Where it is written. */
  at: { line: number; column: number };
  text: string;
  used: boolean;
}

/** Names that select every golint-leaks rule. */
const TOOL_NAMES = new Set(['golint-leaks', 'golintleaks', 'all']);

export function parseDirectives(comments: Node[]): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const text = c.text;
    const line = c.startPosition.row + 1;
    const at = { line, column: c.startPosition.column + 1 };
    let m = /^\/\/\s?nolint(?::([\w,-]+))?(?:\s*\/\/\s*(.*))?\s*$/.exec(text);
    if (m) {
      out.push({ kind: 'nolint', rules: m[1] ? m[1].split(',').filter(Boolean) : [], reason: (m[2] ?? '').trim(), line, at, text, used: false });
      continue;
    }
    m = /^\/\/lint:(ignore|file-ignore)\s+(\S+)\s*(.*)$/.exec(text);
    if (m) {
      out.push({ kind: m[1] === 'ignore' ? 'ignore' : 'file-ignore', rules: m[2]!.split(','), reason: m[3]!.trim(), line: m[1] === 'ignore' ? line + 1 : 0, at, text, used: false });
    }
  }
  return out;
}

function names(d: Directive, ruleId: string): boolean {
  return d.rules.length === 0 || d.rules.some((r) => r === ruleId || TOOL_NAMES.has(r));
}

/**
 * The directive that suppresses a finding of `ruleId` whose node is `node`,
 * or null. `lines` are the finding's line and the first lines of the
 * statements and declarations that enclose it.
 */
export function matchDirective(directives: Directive[], ruleId: string, lines: number[]): Directive | null {
  for (const d of directives) {
    if (!names(d, ruleId)) continue;
    if (d.kind === 'file-ignore' || lines.includes(d.line)) return d;
  }
  return null;
}

const ENCLOSING = /(_statement|_declaration|_spec|^keyed_element|^field_declaration)$/;

/** The finding's own line plus the first line of every enclosing statement or declaration. */
export function coveringLines(node: Node): number[] {
  const lines = [node.startPosition.row + 1];
  for (let cur: Node | null = node; cur && cur.type !== 'source_file'; cur = cur.parent) {
    if (ENCLOSING.test(cur.type) || cur.type === 'func_literal') {
      const l = cur.startPosition.row + 1;
      if (!lines.includes(l)) lines.push(l);
    }
  }
  return lines;
}
