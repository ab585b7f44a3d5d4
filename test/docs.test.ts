/**
 * Rule documentation from one source (rules/<id>.ts `meta.docs`):
 * - every rule file has every section (checked in the source by ts-morph);
 * - docs/rules/ is what scripts/gen-docs.ts renders now (stale docs fail CI:
 *   run `npm run docs`);
 * - the page, SARIF's help.markdown and `golint-leaks explain` say the same;
 * - each Example, wrapped into a Go file with its imports and the helper
 *   declarations below, is reported by its rule, and each Fix is silent;
 *   both compile (`go vet`, GOPATH mode) when Go is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { checkRuleSource, checkRuleSources, renderDocs, staleDocs, DOC_SECTIONS } from '../scripts/gen-docs.js';
import { DEBIAN_GOCODE, goToolchain, run } from '../scripts/oracle.js';
import { hostBuildContext } from '../src/engine/buildtags.js';
import { lintFiles } from '../src/engine/lint.js';
import { toSarif } from '../src/report/sarif.js';
import { CLI, REPO_ROOT, tempDir } from './helpers/worktree.js';

/**
 * What the examples leave out to stay short: helpers they call and types they
 * use. Keyed by rule; shared by the Example and the Fix. A new rule whose
 * example calls a helper adds it here (go vet names what is undefined).
 */
const SUPPORT: Record<string, string> = {
  'chan-send-leak': 'func lookup(id string) int { return len(id) }',
  'chan-recv-leak': 'var errEmpty = errors.New("empty item")\n\nfunc handle(job string) {}',
  'recv-no-timeout': [
    'type commit struct{ id string }',
    '',
    'type branch struct {',
    '\tcommits chan commit',
    '\tdeleted chan struct{}',
    '}',
    '',
    'func (b *branch) publish(c commit) {}',
    '',
    '// The per-branch goroutine that the example is the body of.',
    'func newBranch() *branch {',
    '\tb := &branch{commits: make(chan commit), deleted: make(chan struct{}, 1)}',
    '\tgo b.watch()',
    '\treturn b',
    '}',
  ].join('\n'),
  'http-client-no-timeout': 'type registry struct {\n\tbase   string\n\tclient *http.Client\n}',
  'sync-leak': 'type Cache struct {\n\tmu   sync.Mutex\n\thits int\n}',
};

/** Packages the examples may use, by the name they are referred to. */
const IMPORTS: Record<string, string> = {
  bytes: 'bytes', context: 'context', errors: 'errors', fmt: 'fmt', http: 'net/http', io: 'io', log: 'log',
  net: 'net', os: 'os', ssh: 'golang.org/x/crypto/ssh', strings: 'strings', sync: 'sync', time: 'time',
};

/** A Go file: package clause, the imports the code refers to (pkg.Name), the code. */
function goFile(pkg: string, code: string): string {
  const used = Object.keys(IMPORTS).filter((name) => new RegExp(`(^|[^\\w.])${name}\\.[A-Z]`, 'm').test(stripComments(code)));
  const imports = used.length ? `import (\n${used.map((n) => `\t"${IMPORTS[n]}"`).join('\n')}\n)\n\n` : '';
  return `package ${pkg}\n\n${imports}${code}\n`;
}

function stripComments(code: string): string {
  return code.replace(/\/\/.*$/gm, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

describe('rule sources (ts-morph)', () => {
  it('every rules/*.ts has meta.id = its file name and every docs section, and RULES lists them all', () => {
    const checks = checkRuleSources(REPO_ROOT);
    expect(checks.flatMap((c) => c.problems)).toEqual([]);
    expect(checks.filter((c) => c.id).map((c) => c.id).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
  });

  it('names a missing section, an unknown one and an empty one', () => {
    const src = [
      "import { defineRule } from '../src/engine/rule.js';",
      'export default defineRule({',
      '  meta: {',
      "    id: 'my-rule', short: 's', full: 'f', severity: 'error',",
      "    docs: { whatItFinds: 'x', whyItLeaks: '', example: ['a', 'b'].join('\\n'), fix: 'y', incident: 'z', exampel: 'typo' },",
      '  },',
      '  create() { return {}; },',
      '});',
    ].join('\n');
    const problems = checkRuleSource('rules/my-rule.ts', src).problems.join('\n');
    expect(problems).toMatch(/rules\/my-rule\.ts:5: `meta\.docs` has an unknown section exampel/);
    expect(problems).toMatch(/`meta\.docs\.whyItLeaks` is empty/);
    expect(problems).toMatch(/`meta\.docs\.options` is missing/);
    expect(checkRuleSource('rules/other-name.ts', src).problems.join('\n')).toMatch(/`meta\.id` is "my-rule" but the file is named other-name\.ts/);
    expect(checkRuleSource('rules/x.ts', 'export const x = 1;').problems).toEqual(['rules/x.ts: no `export default defineRule({ meta: {...}, create })`']);
  });
});

describe('docs/rules/ is generated from the rules', () => {
  it('is up to date (run `npm run docs` and commit if not)', () => {
    expect(staleDocs(REPO_ROOT)).toEqual([]);
  });

  it('notices a stale page', () => {
    const pages = renderDocs();
    const [first] = pages.keys();
    const dir = tempDir('docs');
    try {
      for (const [rel, text] of pages) {
        mkdirSync(join(dir, 'docs', 'rules'), { recursive: true });
        writeFileSync(join(dir, rel), rel === first ? text.replace('## Fix', '## Fixed') : text);
      }
      writeFileSync(join(dir, 'docs', 'rules', 'old-rule.md'), '# old\n');
      expect(staleDocs(dir, pages)).toEqual([`${first}: differs from rules/ (stale)`, 'docs/rules/old-rule.md: no rule generates it']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SARIF help, the page and `explain` come from the same text', async () => {
    const log = toSarif([], [], { version: '0', root: REPO_ROOT, rules: RULES, executionSuccessful: true });
    const pages = renderDocs();
    for (const d of log.runs[0]!.tool.driver.rules!) {
      const page = pages.get(`docs/rules/${d.id}.md`)!;
      expect(page.endsWith(d.help!.markdown!), d.id).toBe(true);
      expect(d.helpUri).toMatch(new RegExp(`/docs/rules/${d.id}\\.md$`));
      const explain = await run(process.execPath, [CLI, 'explain', d.id], {});
      expect(explain.code).toBe(0);
      expect(explain.stdout.trim()).toBe(d.help!.text!.trim());
      const rule = RULES.find((r) => r.meta.id === d.id)!;
      for (const s of DOC_SECTIONS) {
        const first = rule.meta.docs[s]!.split('\n')[0]!;
        expect(page, `${d.id} page shows ${s}`).toContain(first);
        expect(explain.stdout, `${d.id} explain shows ${s}`).toContain(first);
      }
    }
  });

  it('`golint-leaks rules` lists every rule with its default severity', () => {
    const r = spawnSync(process.execPath, [CLI, 'rules'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const rule of RULES) expect(r.stdout).toMatch(new RegExp(`^${rule.meta.id}\\s+${rule.meta.severity}\\s+${escape(rule.meta.short)}${rule.meta.enabledByDefault === false ? ' \\(off by default\\)' : ''}$`, 'm'));
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the examples in the docs', () => {
  let gopath: string;
  const dirOf = (id: string, kind: 'example' | 'fix') => join(gopath, 'src', 'docexamples', id.replace(/-/g, ''), kind);

  beforeAll(() => {
    gopath = tempDir('docs-gopath');
    for (const rule of RULES) {
      for (const kind of ['example', 'fix'] as const) {
        const dir = dirOf(rule.meta.id, kind);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${kind}.go`), goFile(kind, rule.meta.docs[kind]));
        const support = SUPPORT[rule.meta.id];
        if (support) writeFileSync(join(dir, 'support.go'), goFile(kind, support));
      }
    }
  });
  afterAll(() => {
    if (gopath) rmSync(gopath, { recursive: true, force: true });
  });

  const lint = async (dir: string) => {
    const rules = RULES.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}) } }));
    const files = ['example.go', 'fix.go', 'support.go'].map((f) => join(dir, f)).filter((f) => { try { readFileSync(f); return true; } catch { return false; } });
    const r = await lintFiles(files, { tests: false, maxFileSize: 5 * 1048576, build: hostBuildContext(), rules });
    return r.findings.filter((f) => !f.suppression);
  };

  for (const rule of RULES) {
    const id = rule.meta.id;
    it(`${id}: the Example is reported by ${id}`, async () => {
      const findings = await lint(dirOf(id, 'example'));
      const own = findings.filter((f) => f.ruleId === id);
      expect(own.length, `${id}'s Example is not reported by ${id} (findings: ${findings.map((f) => `${f.ruleId} line ${f.location.line}`).join(', ') || 'none'})\n${readFileSync(join(dirOf(id, 'example'), 'example.go'), 'utf8')}`).toBeGreaterThan(0);
      expect(own.every((f) => f.location.file.endsWith('example.go')), 'findings in the example, not the helpers').toBe(true);
    });

    it(`${id}: the Fix is silent`, async () => {
      const findings = await lint(dirOf(id, 'fix'));
      expect(findings.map((f) => `${f.ruleId} at ${f.location.file.split('/').pop()}:${f.location.line}: ${f.message}`), `${id}'s Fix is reported`).toEqual([]);
    });
  }

  const go = goToolchain();
  if (!go.ok) {
    if (process.env.CI === 'true') it('has a Go toolchain (required in CI)', () => { throw new Error(`CI=true but ${go.detail}`); });
    else it.skip(`go vet of the examples (skipped: ${go.detail})`, () => {});
    return;
  }
  for (const rule of RULES) {
    it(`${rule.meta.id}: Example and Fix compile (go vet)`, async () => {
      const env = { ...process.env, GOPATH: `${gopath}:${DEBIAN_GOCODE}`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '', GOWORK: 'off' };
      const pkgs = ['example', 'fix'].map((k) => `docexamples/${rule.meta.id.replace(/-/g, '')}/${k}`);
      const r = await run('go', ['vet', ...pkgs], { env, cwd: gopath, timeoutMs: 300_000 });
      expect(r.code, `go vet ${pkgs.join(' ')}:\n${r.stdout}${r.stderr}`).toBe(0);
    });
  }
});
