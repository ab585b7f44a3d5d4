/**
 * Rule documentation from one source: each rule's `meta.docs` in
 * rules/<id>.ts. This script
 *
 * 1. reads every rules/*.ts with ts-morph and checks, in the source, that it
 *    default-exports `defineRule({ meta: { id, docs: {...} } })`, that the id
 *    is the file's name, and that `docs` has each section (what it finds, why
 *    it leaks, the leaking example, the fix, options, the incident), each a
 *    non-empty string, and nothing else (a misspelt key would silently drop a
 *    section from every output);
 * 2. checks that the registry (rules/index.ts) lists exactly those rules;
 * 3. renders docs/rules/<id>.md and docs/rules/README.md with the renderer
 *    that SARIF's `help.markdown` uses (src/report/docs.ts), so the page, the
 *    SARIF help and `golint-leaks explain` cannot drift apart.
 *
 *   node dist/scripts/gen-docs.js            write docs/rules/
 *   node dist/scripts/gen-docs.js --check    exit 1 if docs/rules/ is stale
 *
 * ts-morph is a devDependency: the CLI never loads this file.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, Project, SyntaxKind, type Expression, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { RULES } from '../rules/index.js';
import type { RuleMeta } from '../src/engine/rule.js';
import { ruleHelpMarkdown } from '../src/report/docs.js';

/** The sections of `meta.docs`, in the order the pages show them. */
export const DOC_SECTIONS = ['whatItFinds', 'whyItLeaks', 'example', 'fix', 'options', 'incident'] as const;

export interface RuleSourceCheck {
  /** Path relative to the repository root. */
  file: string;
  /** `meta.id` as written in the source, if found. */
  id?: string;
  problems: string[];
}

/** The repository root: where package.json and rules/ are, from this file (scripts/ or dist/scripts/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rules'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('gen-docs: cannot find the repository root');
    dir = up;
  }
}

/** Checks one rule file's source text (see the header); `file` names it in problems. */
export function checkRuleSource(file: string, text: string, project = new Project({ useInMemoryFileSystem: true })): RuleSourceCheck {
  const sf = project.createSourceFile(`/check/${basename(file)}`, text, { overwrite: true });
  const out: RuleSourceCheck = { file, problems: [] };
  const problem = (node: Node | undefined, msg: string) => out.problems.push(`${file}${node ? `:${node.getStartLineNumber()}` : ''}: ${msg}`);
  const meta = metaObject(sf);
  if (!meta) {
    problem(undefined, 'no `export default defineRule({ meta: {...}, create })`');
    return out;
  }
  const idInit = initializer(meta, 'id');
  const id = idInit && Node.isStringLiteral(idInit) ? idInit.getLiteralValue() : undefined;
  if (!id) problem(meta, '`meta.id` is not a string literal');
  else {
    out.id = id;
    const expected = basename(file).replace(/\.ts$/, '');
    if (id !== expected) problem(idInit, `\`meta.id\` is ${JSON.stringify(id)} but the file is named ${expected}.ts`);
  }
  for (const key of ['short', 'full', 'severity']) if (!initializer(meta, key)) problem(meta, `\`meta.${key}\` is missing`);
  const docs = initializer(meta, 'docs');
  if (!docs || !Node.isObjectLiteralExpression(docs)) {
    problem(meta, '`meta.docs` is missing or not an object literal');
    return out;
  }
  for (const prop of docs.getProperties()) {
    const name = Node.isPropertyAssignment(prop) || Node.isShorthandPropertyAssignment(prop) ? prop.getName() : undefined;
    if (!name || !(DOC_SECTIONS as readonly string[]).includes(name)) problem(prop, `\`meta.docs\` has ${name ? `an unknown section ${name}` : 'a spread or computed entry'} (sections: ${DOC_SECTIONS.join(', ')})`);
  }
  for (const section of DOC_SECTIONS) {
    const init = initializer(docs, section);
    if (!init) {
      problem(docs, `\`meta.docs.${section}\` is missing`);
      continue;
    }
    const why = emptyText(init);
    if (why) problem(init, `\`meta.docs.${section}\` ${why}`);
  }
  return out;
}

/** The object literal of `meta` in `export default defineRule({ meta: {...} })`. */
function metaObject(sf: SourceFile): ObjectLiteralExpression | undefined {
  for (const assignment of sf.getExportAssignments()) {
    if (assignment.isExportEquals()) continue;
    const call = assignment.getExpression();
    if (!Node.isCallExpression(call) || call.getExpression().getText() !== 'defineRule') continue;
    const arg = call.getArguments()[0];
    if (!arg || !Node.isObjectLiteralExpression(arg)) continue;
    const meta = initializer(arg, 'meta');
    if (meta && Node.isObjectLiteralExpression(meta)) return meta;
  }
  return undefined;
}

function initializer(obj: ObjectLiteralExpression, key: string): Expression | undefined {
  const prop = obj.getProperty(key);
  return prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
}

/** Why a section's text is not usable (empty, or not text we can see), or undefined when it is. */
function emptyText(e: Expression): string | undefined {
  if (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) return e.getLiteralValue().trim() ? undefined : 'is empty';
  if (Node.isTemplateExpression(e)) return undefined;
  // ['line', 'line'].join('\n'): how Go examples are written, one line per element.
  if (Node.isCallExpression(e)) {
    const callee = e.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'join') {
      const arr = callee.getExpression();
      if (Node.isArrayLiteralExpression(arr)) {
        const els = arr.getElements();
        if (!els.length) return 'is an empty list of lines';
        const bad = els.find((el) => !Node.isStringLiteral(el) && !Node.isNoSubstitutionTemplateLiteral(el));
        if (bad) return `has a line that is not a string literal (${bad.getKindName()})`;
        return els.some((el) => (el.asKind(SyntaxKind.StringLiteral) ?? el.asKindOrThrow(SyntaxKind.NoSubstitutionTemplateLiteral)).getLiteralValue().trim()) ? undefined : 'has only blank lines';
      }
    }
  }
  return `is not a string literal, template or list of lines joined (${e.getKindName()})`;
}

/** Checks every rules/*.ts (index.ts is the registry) and that the registry lists exactly those rules. */
export function checkRuleSources(root = repoRoot()): RuleSourceCheck[] {
  const rulesDir = join(root, 'rules');
  const project = new Project({ useInMemoryFileSystem: true });
  const checks = readdirSync(rulesDir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => checkRuleSource(relative(root, join(rulesDir, f)), readFileSync(join(rulesDir, f), 'utf8'), project));
  const inSource = new Set(checks.map((c) => c.id).filter((id): id is string => !!id));
  const registered = new Set(RULES.map((r) => r.meta.id));
  const registry: RuleSourceCheck = { file: 'rules/index.ts', problems: [] };
  for (const id of inSource) if (!registered.has(id)) registry.problems.push(`rules/index.ts: rules/${id}.ts is not in RULES`);
  for (const id of registered) if (!inSource.has(id)) registry.problems.push(`rules/index.ts: RULES has ${id}, which has no rules/${id}.ts`);
  for (const r of RULES) {
    for (const s of DOC_SECTIONS) if (!r.meta.docs[s]?.trim()) registry.problems.push(`rules/${r.meta.id}.ts: meta.docs.${s} is empty at run time`);
  }
  return [...checks, registry];
}

const HEADER = (id: string) => `<!-- Generated from rules/${id}.ts (meta.docs) by scripts/gen-docs.ts: edit the rule, then run npm run docs. -->\n\n`;

/** The pages, by path relative to the repository root. */
export function renderDocs(rules: readonly { meta: RuleMeta }[] = RULES): Map<string, string> {
  const pages = new Map<string, string>();
  for (const r of rules) pages.set(`docs/rules/${r.meta.id}.md`, HEADER(r.meta.id) + ruleHelpMarkdown(r.meta));
  const index = [
    '<!-- Generated from rules/*.ts by scripts/gen-docs.ts: run npm run docs. -->',
    '',
    '# Rules',
    '',
    '`golint-leaks rules` lists these; `golint-leaks explain RULE` prints a page in the terminal.',
    '',
    '| rule | default severity | finds |',
    '|---|---|---|',
    ...rules.map((r) => `| [\`${r.meta.id}\`](${r.meta.id}.md) | ${r.meta.severity}${r.meta.enabledByDefault === false ? ' (off by default)' : ''} | ${r.meta.short} |`),
    '',
  ].join('\n');
  pages.set('docs/rules/README.md', index);
  return pages;
}

/** Pages whose file is missing or differs, and files in docs/rules/ that no rule generates. */
export function staleDocs(root = repoRoot(), pages = renderDocs()): string[] {
  const stale: string[] = [];
  for (const [rel, text] of pages) {
    const p = join(root, rel);
    if (!existsSync(p)) stale.push(`${rel}: missing`);
    else if (readFileSync(p, 'utf8') !== text) stale.push(`${rel}: differs from rules/ (stale)`);
  }
  const dir = join(root, 'docs', 'rules');
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (!pages.has(`docs/rules/${f}`)) stale.push(`docs/rules/${f}: no rule generates it`);
  return stale;
}

function main(argv: string[]): number {
  const root = repoRoot();
  const problems = checkRuleSources(root).flatMap((c) => c.problems);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${p}\n`);
    return 1;
  }
  const pages = renderDocs();
  if (argv.includes('--check')) {
    const stale = staleDocs(root, pages);
    for (const s of stale) process.stderr.write(`${s}\n`);
    if (stale.length) process.stderr.write('docs/rules/ is stale: run npm run docs and commit the result\n');
    return stale.length ? 1 : 0;
  }
  for (const [rel, text] of pages) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (!existsSync(p) || readFileSync(p, 'utf8') !== text) {
      writeFileSync(p, text);
      process.stdout.write(`wrote ${rel}\n`);
    }
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
