// What a rule is: `meta` (identity, documentation, messages) plus `create`,
// which returns visitors keyed by syntax node type, ESLint-style. The engine
// gathers those node types once per file and dispatches; rules ask the
// semantics layer everything else and report through the context.
import type { Node } from '../semantics/syntax.js';
import type { IndexedType, PackageSemantics, SourceFile } from '../semantics/package.js';

export type Severity = 'error' | 'warning' | 'note';

export interface RuleDocs {
  /** What it finds (prose). */
  whatItFinds: string;
  /** Why it leaks (prose). */
  whyItLeaks: string;
  /** Go code that the rule reports. */
  example: string;
  /** The fixed Go code, which the rule keeps silent on. */
  fix: string;
  /** Options, suppression advice. */
  options?: string;
  /** Where the shape comes from. */
  incident?: string;
}

export interface RuleMeta {
  id: string;
  /** One line, lowercase, no period. */
  short: string;
  /** One paragraph. */
  full: string;
  severity: Severity;
  precision: 'very-high' | 'high' | 'medium';
  tags: string[];
  fixable: boolean;
  /** Message templates by id; `{name}` placeholders are filled from report data. */
  messages: Record<string, string>;
  docs: RuleDocs;
  /** False for an opt-in rule: it runs only when the config names it or `--rules` chooses it. */
  enabledByDefault?: boolean;
  /** Options and their defaults; the config's `rules.<id>.options` must match these keys and types. */
  options?: Record<string, string[] | number | boolean | string>;
  /**
   * Rules whose finding on the same operation stands for this rule's: when
   * one of them, enabled, reports the place this rule reports, this rule's
   * finding is left out (one finding per blocked operation, the one whose
   * message says more about it).
   */
  defersTo?: string[];
}

export interface ReportStep {
  node: Node;
  message: string;
  /** The goroutine that takes this step, when the evidence is a schedule (one SARIF threadFlow per goroutine). */
  thread?: string;
}

export interface TextEdit {
  /**
   * A node of the file the offsets index, when that is not the file of the
   * reported node: a send in worker.go whose fix edits the make in main.go.
   */
  node?: Node;
  /** Byte-free offsets into the file's JS string (tree-sitter start/end index). */
  start: number;
  end: number;
  text: string;
}

export interface ReportDescriptor {
  node: Node;
  messageId: string;
  data?: Record<string, string | number>;
  /** The evidence path, in execution order: make → go → blocking op → exit. */
  steps?: ReportStep[];
  /** Other places the message refers to. */
  related?: ReportStep[];
  /** A provably safe edit, offered under --fix and as SARIF `fixes`. */
  fix?: { description: string; edits: TextEdit[] };
}

export interface RuleContext {
  readonly pkg: PackageSemantics;
  readonly file: SourceFile;
  readonly options: Readonly<Record<string, unknown>>;
  report(d: ReportDescriptor): void;
}

export type Visitors = Partial<Record<IndexedType, (node: Node) => void>>;

export interface Rule {
  meta: RuleMeta;
  create(ctx: RuleContext): Visitors;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Fills `{name}` placeholders. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}
