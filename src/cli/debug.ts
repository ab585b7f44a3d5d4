// `golint-leaks debug cfg FILE[:FUNC] [--dot]`, `debug facts FILE` and `debug check FILE`: what the
// semantics layer sees, for rule authors and for bug reports.
import { resolve, dirname } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { admitTagged, readSource, groupPackages, headerOf, type LoadOptions, type LoadedFile } from '../engine/load.js';
import { parseGo } from '../engine/parser.js';
import { PackageSemantics, type SourceFile } from '../semantics/package.js';
import { withTested } from '../engine/undertest.js';
import { readImports } from '../semantics/imports.js';
import { FUNCTION_TYPES, lineOf, packageLevelNames, type Node } from '../semantics/syntax.js';
import { channelUses, goroutine } from '../semantics/leaks.js';
import { countText } from '../semantics/channels.js';
import { displayName } from '../semantics/goroutines.js';
import type { Notice } from '../engine/finding.js';
import { checkPackage } from '../checker/index.js';
import { BOUND_STATS } from '../engine/lint.js';

/** Loads the package holding `file` (every file of its directory with the same package clause). */
export function loadPackageOf(file: string, opts: LoadOptions): { pkg: PackageSemantics; target: SourceFile } | { error: string } {
  const abs = resolve(file);
  const notices: Notice[] = [];
  let me = readSource(abs, { ...opts, tests: true }, notices);
  if (!me && notices.length === 0) {
    // Named explicitly but built only for another platform: inspect it anyway, with the siblings of its build.
    const text = readFileSync(abs, 'utf8').replace(/^\ufeff/, '');
    const header = headerOf(text);
    if (header) me = { path: abs, text, packageName: header.pkg, generated: false, isTest: abs.endsWith('_test.go') };
  }
  if (!me) return { error: notices[0]?.message ?? `${file}: not a Go source file` };
  const dir = dirname(abs);
  const siblings = readdirSync(dir).filter((n) => n.endsWith('.go')).map((n) => resolve(dir, n)).filter((p) => p !== abs);
  const self = me;
  // Its package's siblings, and those of the package an external test package tests (undertest.ts).
  const tested = self.packageName.endsWith('_test') ? self.packageName.slice(0, -'_test'.length) : null;
  const read = siblings.map((p) => readSource(p, { ...opts, tests: true }, notices)).filter((f): f is LoadedFile => !!f && (f.packageName === self.packageName || f.packageName === tested));
  // The siblings the lint would take with it: a tagged one that redeclares a name of the others stays out.
  // The named file itself is always in, as if its tags were set.
  const names = (f: LoadedFile) => packageLevelNames((f.tree ??= parseGo(f.text)).rootNode);
  const loaded = [self, ...admitTagged([{ ...self, needsTags: undefined }, ...read], names).files.filter((f) => f.path !== self.path)];
  const unit = groupPackages(loaded).find((u) => u.name === self.packageName)!;
  const own: SourceFile[] = unit.files.map((f) => {
    const tree = f.tree ?? parseGo(f.text);
    return { path: f.path, text: f.text, tree, root: tree.rootNode, imports: readImports(tree.rootNode), generated: f.generated, isTest: f.isTest };
  });
  const files = unit.tested?.length ? withTested(unit, own) : own;
  return { pkg: new PackageSemantics(files, unit.name), target: files.find((f) => f.path === abs)! };
}

function functionsOf(pkg: PackageSemantics, f: SourceFile): Node[] {
  return [...pkg.nodesOfType(f, 'function_declaration'), ...pkg.nodesOfType(f, 'method_declaration'), ...pkg.nodesOfType(f, 'func_literal')]
    .filter((n) => FUNCTION_TYPES.has(n.type))
    .sort((a, b) => a.startIndex - b.startIndex);
}

export function debugCfg(spec: string, dot: boolean, opts: LoadOptions): { out: string; error?: string } {
  const m = /^(.*\.go)(?::(.+))?$/.exec(spec);
  if (!m) return { out: '', error: `expected FILE.go or FILE.go:FUNC, got ${spec}` };
  const loaded = loadPackageOf(m[1]!, opts);
  if ('error' in loaded) return { out: '', error: loaded.error };
  const { pkg, target } = loaded;
  const want = m[2];
  const out: string[] = [];
  for (const fn of functionsOf(pkg, target)) {
    const name = fn.type === 'func_literal' ? `func literal at line ${lineOf(fn)}` : displayName(fn);
    if (want && name !== want && fn.childForFieldName('name')?.text !== want) continue;
    const g = pkg.cfgOf(fn);
    out.push(dot ? g.toDot(lineOf, name) : `# ${name} (line ${lineOf(fn)})\n${g.toText(lineOf)}\n`);
  }
  if (want && out.length === 0) return { out: '', error: `no function ${want} in ${m[1]}` };
  return { out: out.join('\n') + '\n' };
}

export function debugFacts(file: string, opts: LoadOptions): { out: string; error?: string } {
  const loaded = loadPackageOf(file, opts);
  if ('error' in loaded) return { out: '', error: loaded.error };
  const { pkg, target } = loaded;
  const out: string[] = [];
  const line = (n: Node) => lineOf(n);
  for (const fn of functionsOf(pkg, target)) {
    const uses = channelUses(pkg, fn);
    const gos = pkg.nodesOfType(target, 'go_statement').filter((g) => g.startIndex > fn.startIndex && g.endIndex <= fn.endIndex).map((g) => goroutine(pkg, g)).filter((g) => g.owner.startIndex === fn.startIndex);
    if (!uses.length && !gos.length) continue;
    out.push(`func ${fn.type === 'func_literal' ? `literal at line ${line(fn)}` : displayName(fn)} (line ${line(fn)})`);
    for (const u of uses) {
      out.push(`  chan ${u.channel.binding.name}: make at line ${line(u.channel.make)}, elem ${u.channel.elemType}, capacity ${countText(u.channel.capacity)}${u.escape ? `, escapes at line ${line(u.escape.node)} (${u.escape.reason})` : ''}`);
      for (const p of u.placed) {
        const where = p.where === 'goroutine' ? `goroutine@${line(p.stmt!)}` : p.where === 'owner' ? `owner${p.deferred ? ' (deferred)' : ''}` : 'elsewhere';
        const sel = p.op.select ? ` in select${p.op.select.hasDefault ? ' with default' : ''}${p.op.select.others.length ? ` with ${p.op.select.others.length} other case(s)` : ''}` : '';
        out.push(`    ${p.op.kind} at line ${line(p.op.node)} [${where}]${sel}${p.op.via ? ` via call at line ${line(p.op.via)}` : ''}`);
      }
    }
    for (const g of gos) out.push(`  go at line ${line(g.stmt)}: runs ${g.kind === 'literal' ? 'a func literal' : g.target ? displayName(g.target) : 'unknown code'}, count ${countText(g.count)}`);
  }
  return { out: out.length ? out.join('\n') + '\n' : `no channels or goroutines in ${file}\n` };
}

/** `debug check FILE`: the leak checker's groups in FILE's package, their size, and every leak with its schedule. */
export function debugCheck(file: string, opts: LoadOptions): { out: string; error?: string } {
  const loaded = loadPackageOf(file, opts);
  if ('error' in loaded) return { out: '', error: loaded.error };
  const { pkg } = loaded;
  const r = checkPackage(pkg);
  const out = [`groups: ${r.groups}, states: ${r.states}, bounded: ${r.bounded}`];
  // Each group by its root: one that reached a bound was not searched whole, so a leak past it goes unreported.
  for (const g of r.runs) {
    const bound = g.bound ? `; reached the bound (${BOUND_STATS.find((b) => b.bound === g.bound)!.text})` : '';
    out.push(`${relativeName(pkg, g.root)}:${lineOf(g.root)}: group ${displayName(g.root)}: ${g.states} state${g.states === 1 ? '' : 's'}, ${g.steps} step${g.steps === 1 ? '' : 's'}${bound}`);
  }
  for (const l of r.leaks) {
    out.push(`${relativeName(pkg, l.op)}:${lineOf(l.op)}: ${l.proc} ${l.kind} blocked (root ${displayName(l.rootFn)})`);
    l.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s.message} (${lineOf(s.node)})`));
  }
  return { out: out.join('\n') + '\n' };
}

function relativeName(pkg: PackageSemantics, n: Node): string {
  return pkg.fileOf(n).path.split('/').pop() ?? '';
}
