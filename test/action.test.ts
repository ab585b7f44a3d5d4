/**
 * The GitHub Action (action.yml): its structure, and the scripts it runs.
 * The lint step's script runs as the runner would run it (bash -eo
 * pipefail, inputs in env, $GITHUB_OUTPUT a file) on a temp git repository;
 * its SARIF must pass the SARIF multitool's GitHub rules (`--rule-kind
 * Gh;Sarif`) with no error or warning, and the SARIF 2.1.0 schema. The
 * fail-on step must fail on findings at or above the threshold only, after
 * the upload step, which runs whatever the lint's exit status.
 *
 * GitHub's upload limits (25,000 results, 10 MB gzipped) are tested on
 * fitGitHubLimits directly: a run that big takes minutes to lint.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run, type RunResult } from '../scripts/oracle.js';
import { fitGitHubLimits, serializeSarif, GITHUB_LIMITS } from '../src/report/sarif-limits.js';
import { CLEAN_GO, CLI, LEAKY_GO, REPO_ROOT, git, tempDir, writeTree } from './helpers/worktree.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
  'continue-on-error'?: boolean | string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;
const steps = action.runs.steps;
const step = (pred: (s: Step) => boolean, what: string): Step => {
  const s = steps.find(pred);
  if (!s) throw new Error(`action.yml has no ${what} step`);
  return s;
};
const lintStep = () => step((s) => s.id === 'lint', 'lint (id: lint)');
const uploadStep = () => step((s) => !!s.uses?.startsWith('github/codeql-action/upload-sarif@'), 'upload-sarif');
const checkStep = () => step((s) => s.id === 'check', 'fail-on check (id: check)');

describe('action.yml structure', () => {
  it('is a composite action with name, description and the inputs patterns, config, fail-on', async () => {
    expect(action.name).toBe('golint-leaks');
    expect(action.description).toBeTruthy();
    expect(action.runs.using).toBe('composite');
    for (const input of ['patterns', 'config', 'fail-on']) {
      expect(action.inputs[input], input).toBeDefined();
      expect(action.inputs[input]!.description).toBeTruthy();
    }
    expect(action.inputs['patterns']!.default).toBe('./...');
    expect(['error', 'warning', 'note', 'none']).toContain(action.inputs['fail-on']!.default);
  });

  it('sets up Node, installs, runs with --format sarif --output, uploads, then applies fail-on, in that order', async () => {
    const setup = steps.findIndex((s) => !!s.uses?.startsWith('actions/setup-node@'));
    const install = steps.findIndex((s) => /npm (ci|install)/.test(s.run ?? ''));
    const lint = steps.indexOf(lintStep());
    const upload = steps.indexOf(uploadStep());
    const check = steps.indexOf(checkStep());
    expect(setup).toBeGreaterThanOrEqual(0);
    expect([setup, install, lint, upload, check]).toEqual([...[setup, install, lint, upload, check]].sort((a, b) => a - b));
    expect(new Set([setup, install, lint, upload, check]).size).toBe(5);
    expect(lintStep().run).toMatch(/--format sarif --output/);
    expect(uploadStep().with?.['sarif_file']).toMatch(/steps\.lint\.outputs\.sarif-file/);
  });

  it('uploads even when the lint found leaks (exit 1) or a step before failed', async () => {
    expect(uploadStep().if).toMatch(/always\(\)/);
    expect(checkStep().if).toMatch(/always\(\)/);
    // The lint step swallows the exit status into an output.
    expect(lintStep().run).toMatch(/\|\| status=\$\?/);
    expect(lintStep().run).toMatch(/exit 0\s*$/);
  });

  it('every run step names its shell and takes inputs through env, never pasted into the script', async () => {
    for (const s of steps.filter((x) => x.run)) {
      expect(s.shell, s.name).toBe('bash');
      expect(s.run, s.name).not.toMatch(/\$\{\{/);
    }
  });

  it('pins the actions it uses to a major version', async () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
  });
});

/** Runs a step's script as a runner does: `bash --noprofile --norc -eo pipefail FILE` (asynchronously: vitest's RPC times out if a worker blocks for 60 s). */
async function runStep(s: Step, env: Record<string, string>, cwd: string, dir: string): Promise<RunResult & { outputs: Record<string, string> }> {
  const script = join(dir, `${s.id}.sh`);
  const output = join(dir, `${s.id}.output`);
  writeFileSync(script, s.run!);
  writeFileSync(output, '');
  const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd,
    env: { ...process.env, GITHUB_OUTPUT: output, GOLINT_LEAKS: CLI, ...env },
    timeoutMs: 120_000,
  });
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(output, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) outputs[line.slice(0, i)] = line.slice(i + 1);
  }
  return { ...r, outputs };
}

const multitool = join(REPO_ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

/** The SARIF multitool's GitHub rules: returns the problems it reports at error or warning level. */
async function githubValidate(file: string, dir: string): Promise<string[]> {
  const out = join(dir, 'validation.sarif');
  const r = await run(multitool, ['validate', '--rule-kind', 'Gh;Sarif', '--log', 'ForceOverwrite', '--output', out, file], { timeoutMs: 120_000 });
  if (!existsSync(out)) throw new Error(`Sarif.Multitool wrote no ${out} (exit ${String(r.code)}):\n${r.stdout}\n${r.stderr}`);
  const log = JSON.parse(readFileSync(out, 'utf8')) as Sarif.Log;
  const problems: string[] = [];
  for (const runLog of log.runs) {
    for (const res of runLog.results ?? []) {
      const level = res.level ?? 'warning';
      if (level === 'error' || level === 'warning') problems.push(`${level} ${res.ruleId ?? ''}: ${res.message.text ?? JSON.stringify(res.message)}`);
    }
    for (const inv of runLog.invocations ?? []) {
      for (const n of inv.toolExecutionNotifications ?? []) if (n.level === 'error') problems.push(`validator: ${n.message.text ?? ''}`);
      if (inv.executionSuccessful === false) problems.push('validator did not complete');
    }
  }
  return problems;
}

function schemaErrors(log: unknown): unknown {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json'), 'utf8')) as object;
  // CommonJS modules: under NodeNext the default import is module.exports.
  const ajv = new ajv2020.default({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  return validate(log) ? null : validate.errors;
}

describe('the action runs golint-leaks and gates on fail-on', () => {
  let work: string;
  let repo: string;
  beforeAll(() => {
    work = tempDir('action');
    repo = join(work, 'repo');
    writeTree(repo, {
      'go.mod': 'module example.com/svc\n\ngo 1.19\n',
      'svc/worker/worker.go': LEAKY_GO,
      'svc/pool/pool.go': CLEAN_GO,
      'svc/.golint-leaks.yaml': 'rules:\n  http-default-client: off\n',
    });
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'a leak');
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('writes SARIF on findings without failing the step, and the SARIF passes GitHub validation', async () => {
    const dir = join(work, 'leak');
    mkdirSync(dir);
    const s = lintStep();
    const r = await runStep(s, { PATTERNS: './...', CONFIG: '.golint-leaks.yaml', ARGS: '', SARIF_FILE: 'out/../golint-leaks.sarif' }, join(repo, 'svc'), dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.outputs['sarif-written']).toBe('true');
    const sarifPath = r.outputs['sarif-file']!;
    expect(sarifPath.startsWith('/')).toBe(true);
    const log = JSON.parse(readFileSync(sarifPath, 'utf8')) as Sarif.Log;
    const results = log.runs[0]!.results!;
    expect(results.map((x) => x.ruleId)).toEqual(['chan-send-leak']);
    // URIs relative to the repository root, not the working directory.
    expect(results[0]!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'svc/worker/worker.go', uriBaseId: '%SRCROOT%' });
    expect(results[0]!.partialFingerprints).toBeDefined();
    expect(schemaErrors(log)).toBeNull();
    expect(await githubValidate(sarifPath, dir)).toEqual([]);

    const check = checkStep();
    const env = { EXIT_CODE: r.outputs['exit-code']!, SARIF: sarifPath };
    const onError = await runStep(check, { ...env, FAIL_ON: 'error' }, repo, dir);
    expect(onError.code, onError.stdout + onError.stderr).toBe(1);
    expect(onError.outputs['findings']).toBe('1');
    expect((await runStep(check, { ...env, FAIL_ON: 'note' }, repo, dir)).code).toBe(1);
    const none = await runStep(check, { ...env, FAIL_ON: 'none' }, repo, dir);
    expect(none.code).toBe(0);
    expect(none.outputs['findings']).toBe('0');
    const bad = await runStep(check, { ...env, FAIL_ON: 'sometimes' }, repo, dir);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/::error .*fail-on/);
  });

  it('passes fail-on when the findings are less severe, and on a clean package', async () => {
    const dir = join(work, 'clean');
    mkdirSync(dir);
    const r = await runStep(lintStep(), { PATTERNS: './pool/...\n', CONFIG: '', ARGS: '', SARIF_FILE: join(dir, 'clean.sarif') }, join(repo, 'svc'), dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['exit-code']).toBe('0');
    const log = JSON.parse(readFileSync(join(dir, 'clean.sarif'), 'utf8')) as Sarif.Log;
    expect(log.runs[0]!.results).toEqual([]);
    expect(await githubValidate(join(dir, 'clean.sarif'), dir)).toEqual([]);
    const check = await runStep(checkStep(), { FAIL_ON: 'note', EXIT_CODE: '0', SARIF: join(dir, 'clean.sarif') }, repo, dir);
    expect(check.code).toBe(0);
    // A warning-level finding does not fail fail-on: error.
    const warned: Sarif.Log = JSON.parse(readFileSync(join(dir, 'clean.sarif'), 'utf8')) as Sarif.Log;
    warned.runs[0]!.results = [{ ruleId: 'recv-no-timeout', level: 'warning', message: { text: 'w' } }, { ruleId: 'chan-send-leak', level: 'error', message: { text: 'e' }, suppressions: [{ kind: 'inSource' }] }];
    writeFileSync(join(dir, 'warned.sarif'), JSON.stringify(warned));
    expect((await runStep(checkStep(), { FAIL_ON: 'error', EXIT_CODE: '1', SARIF: join(dir, 'warned.sarif') }, repo, dir)).code).toBe(0);
    expect((await runStep(checkStep(), { FAIL_ON: 'warning', EXIT_CODE: '1', SARIF: join(dir, 'warned.sarif') }, repo, dir)).code).toBe(1);
  });

  it('passes args through: a baseline hides the recorded finding from the SARIF and from fail-on', async () => {
    const dir = join(work, 'args');
    mkdirSync(dir);
    const svc = join(repo, 'svc');
    const w = await run(process.execPath, [CLI, '--write-baseline', join(dir, 'baseline.json'), './...'], { cwd: svc });
    expect(w.code, w.stderr).toBe(0);
    const r = await runStep(lintStep(), { PATTERNS: './worker/... ./pool/...', CONFIG: '', ARGS: `--baseline ${join(dir, 'baseline.json')}`, SARIF_FILE: 'b.sarif' }, svc, dir);
    expect(r.outputs['exit-code'], r.stderr).toBe('0');
    const log = JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8')) as Sarif.Log;
    expect(log.runs[0]!.results).toEqual([]);
    expect((await runStep(checkStep(), { FAIL_ON: 'note', EXIT_CODE: '0', SARIF: r.outputs['sarif-file']! }, repo, dir)).code).toBe(0);
  });

  it('the validator is not vacuous: a result without message text or rule id fails it', async () => {
    const dir = join(work, 'control');
    mkdirSync(dir);
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x', rules: [] } }, results: [{ message: {}, locations: [] }] }] };
    writeFileSync(join(dir, 'bad.sarif'), JSON.stringify(log));
    const problems = await githubValidate(join(dir, 'bad.sarif'), dir);
    expect(problems.join('\n')).toMatch(/GH1015|SARIF1010/);
  });

  it('a usage or configuration error fails the check step, after writing what it could', async () => {
    const dir = join(work, 'bad');
    mkdirSync(dir);
    const r = await runStep(lintStep(), { PATTERNS: './...', CONFIG: 'missing.yaml', ARGS: '', SARIF_FILE: 'x.sarif' }, join(repo, 'svc'), dir);
    expect(r.code).toBe(0);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stdout).toMatch(/::error title=golint-leaks::/);
    const check = await runStep(checkStep(), { FAIL_ON: 'none', EXIT_CODE: '2', SARIF: join(dir, 'x.sarif') }, repo, dir);
    expect(check.code).toBe(2);
  });
});

describe("GitHub's upload limits", () => {
  const rule = (id: string): Sarif.ReportingDescriptor => ({ id, shortDescription: { text: id }, properties: { tags: Array.from({ length: 12 }, (_, i) => `t${i}`) } });
  const result = (i: number, level: Sarif.Result.level, suppressed = false): Sarif.Result => ({
    ruleId: `r-${level}`,
    level,
    message: { text: `finding ${i} ${'x'.repeat(40)}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: `f${i % 97}.go`, uriBaseId: '%SRCROOT%' }, region: { startLine: i + 1 } } }],
    partialFingerprints: { 'golintLeaksFingerprint/v1': `${i}`.padStart(32, '0') },
    ...(suppressed ? { suppressions: [{ kind: 'inSource' as const }] } : {}),
  });
  const makeLog = (results: Sarif.Result[]): Sarif.Log => ({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'golint-leaks', rules: [rule('r-error'), rule('r-warning'), rule('r-note')] } }, results, invocations: [{ executionSuccessful: true }] }],
  });

  it('keeps everything, untouched but for rule tags, under the limits', async () => {
    const log = makeLog([result(0, 'note'), result(1, 'error')]);
    const notices = fitGitHubLimits(log);
    expect(notices).toEqual([]);
    expect(log.runs[0]!.results!.length).toBe(2);
    expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications).toBeUndefined();
    expect(log.runs[0]!.tool.driver.rules![0]!.properties!.tags!.length).toBe(GITHUB_LIMITS.maxTags);
  });

  it('over 25,000 results keeps the most severe, in their order, and says so', async () => {
    // 10,000 notes, 12,000 warnings, 8,000 errors, 1,000 suppressed errors, interleaved.
    const levels: [Sarif.Result.level, boolean][] = [];
    for (let i = 0; i < 31_000; i++) levels.push(i % 31 === 0 ? ['error', true] : i % 3 === 0 ? ['note', false] : i % 3 === 1 ? ['warning', false] : ['error', false]);
    const log = makeLog(levels.map(([lv, sup], i) => result(i, lv, sup)));
    const before = log.runs[0]!.results!.filter((r) => !r.suppressions);
    const notices = fitGitHubLimits(log);
    const kept = log.runs[0]!.results!;
    expect(kept.length).toBe(25_000);
    const count = (rs: Sarif.Result[], lv: string) => rs.filter((r) => r.level === lv && !r.suppressions).length;
    // Every unsuppressed error and warning stays; notes fill what is left.
    expect(count(kept, 'error')).toBe(count(before, 'error'));
    expect(count(kept, 'warning')).toBe(count(before, 'warning'));
    expect(count(kept, 'note')).toBe(25_000 - count(before, 'error') - count(before, 'warning'));
    expect(kept.some((r) => r.suppressions)).toBe(false);
    const lines = kept.map((r) => r.locations![0]!.physicalLocation!.region!.startLine!);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.level).toBe('warning');
    expect(notices[0]!.message).toMatch(/^SARIF: 31000 results exceed GitHub code scanning's limit of 25000 per upload; kept the 25000 most severe results and left out 6000 \(/);
    expect(notices[0]!.message).toMatch(/\(1000 suppressed, 5000 note\)|\(5000 note, 1000 suppressed\)/);
    expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!.message.text).toBe(notices[0]!.message);
    expect(schemaErrors(log)).toBeNull();
  });

  it('over the gzipped size keeps the most severe results that fit', async () => {
    const results: Sarif.Result[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = result(i, i < 100 ? 'error' : 'note');
      // Incompressible text, so that size tracks the number of results.
      r.message.text = `finding ${i} ${[0, 1, 2, 3, 4].map((j) => createHash('sha512').update(`${i}.${j}`).digest('base64')).join('')}`;
      results.push(r);
    }
    const log = makeLog(results);
    const limits = { ...GITHUB_LIMITS, maxGzipBytes: 200_000 };
    expect(gzipSync(serializeSarif(log)).length).toBeGreaterThan(limits.maxGzipBytes);
    const notices = fitGitHubLimits(log, limits);
    expect(gzipSync(serializeSarif(log)).length).toBeLessThanOrEqual(limits.maxGzipBytes);
    const kept = log.runs[0]!.results!;
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.filter((r) => r.level === 'error').length).toBe(100);
    expect(notices.at(-1)!.message).toMatch(/MB gzipped, over GitHub code scanning's .* kept the \d+ most severe results and left out \d+ \(\d+ note\)/);
  });

  it('the CLI applies them: 25,001 findings upload as the 25,000 most severe, with a notice', async () => {
    const dir = tempDir('limits');
    try {
      // 25,000 http-default-client notes and one chan-send-leak error.
      const files: Record<string, string> = { 'go.mod': 'module example.com/big\n\ngo 1.19\n', 'worker/worker.go': LEAKY_GO };
      for (let f = 0; f < 250; f++) {
        const funcs = Array.from({ length: 100 }, (_, i) => `func f${f}_${i}(u string) { http.Get(u) }`);
        files[`calls/f${String(f).padStart(3, '0')}.go`] = `package calls\n\nimport "net/http"\n\n${funcs.join('\n')}\n`;
      }
      writeTree(dir, files);
      const r = await run(process.execPath, [CLI, '--format', 'sarif', '--output', 'big.sarif', './...'], { cwd: dir, timeoutMs: 280_000 });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/SARIF: 25001 results exceed GitHub code scanning's limit of 25000 per upload; kept the 25000 most severe results and left out 1 \(1 note\)/);
      const log = JSON.parse(readFileSync(join(dir, 'big.sarif'), 'utf8')) as Sarif.Log;
      const results = log.runs[0]!.results!;
      expect(results).toHaveLength(25_000);
      expect(results.filter((x) => x.ruleId === 'chan-send-leak')).toHaveLength(1);
      expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications!.map((n) => n.message.text).join('\n')).toMatch(/25001 results exceed/);
      expect(gzipSync(readFileSync(join(dir, 'big.sarif'))).length).toBeLessThan(GITHUB_LIMITS.maxGzipBytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('trims code flows GitHub would cut anyway', async () => {
    const r = result(1, 'error');
    r.codeFlows = [{ threadFlows: [{ locations: Array.from({ length: 1500 }, (_, i) => ({ executionOrder: i + 1, location: { message: { text: `${i}` } } })) }] }];
    const log = makeLog([r]);
    const notices = fitGitHubLimits(log);
    expect(log.runs[0]!.results![0]!.codeFlows![0]!.threadFlows[0]!.locations).toHaveLength(GITHUB_LIMITS.maxThreadFlowLocations);
    expect(notices[0]!.message).toMatch(/trimmed 1 code flows/);
  });
});
