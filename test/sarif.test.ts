// SARIF as GitHub code scanning and other viewers read it. The output of every
// fixture folder, plus a tree with bad files, suppressions and odd file
// names, goes through Microsoft's validator (`Sarif.Multitool validate
// --rule-kind "Gh;Sarif"`, called directly: the npx wrapper runs through a
// shell, which splits the argument on `;`) and through the 2.1.0 JSON schema
// with ajv, because the validator exits 0 on errors and misses some schema
// errors. Then what the schema cannot say: ruleIndex points at the rule,
// fingerprints survive lines added above, URIs stay under %SRCROOT%, channel
// findings carry their path as a codeFlow, suppressions and fixes are there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { DEFAULT_CLIENT_GO, FIXTURES, REPO, SEND_LEAK_GO, cleanup, run, runAsync, tree } from './helpers/cli.js';
import { RULES } from '../rules/index.js';

const TOOL_DIR = join(REPO, 'node_modules/@microsoft/sarif-multitool-linux');
const MULTITOOL = join(TOOL_DIR, 'Sarif.Multitool');
const SCHEMA = join(TOOL_DIR, 'sarif-2.1.0.json');
const haveTool = process.platform === 'linux' && existsSync(MULTITOOL);

afterAll(cleanup);

const folders = readdirSync(FIXTURES).filter((n) => statSync(join(FIXTURES, n)).isDirectory()).sort();
const work = tree({}, 'sarif');
/** Input name → the SARIF log the binary wrote. */
const logs = new Map<string, Sarif.Log>();

async function lintToSarif(name: string, args: string[], cwd: string): Promise<Sarif.Log> {
  const out = join(work, `${name}.sarif`);
  const r = await runAsync(['--format', 'sarif', '--output', out, ...args], cwd);
  expect([0, 1], `${name}: exit ${r.code}: ${r.stderr}`).toContain(r.code);
  const log = JSON.parse(readFileSync(out, 'utf8')) as Sarif.Log;
  logs.set(name, log);
  return log;
}

/** A tree with what the fixtures lack: bad files (notifications), spaces and non-ASCII in paths, suppressions. */
const odd = tree({
  'go.mod': 'module example.com/odd\n',
  'dir with space/ünï.go': DEFAULT_CLIENT_GO('odd'),
  'dir with space/s.go': SEND_LEAK_GO('odd'),
  'dir with space/n.go': 'package odd\n\nimport "net/http"\n\nfunc N() {\n\t_, _ = http.Get("x") //nolint:http-default-client // a test double\n}\n',
  'bad/empty.go': '',
  'bad/binary.go': Buffer.from([0x70, 0, 0, 1]),
  'bad/broken.go': 'package bad\n\nimport "net/http"\n\nfunc F() {\n\t_, _ = http.Get("x")\n\tx := \n',
}, 'sarif-odd');

beforeAll(async () => {
  for (const f of folders) await lintToSarif(f, [`./fixtures/${f}/...`], REPO);
  await lintToSarif('odd', ['./...'], odd);
  // The channel rules on the path engine: one path, in the owner's thread.
  const conf = join(work, 'paths.yaml');
  writeFileSync(conf, 'rules:\n  chan-send-leak: { options: { engine: paths } }\n  chan-recv-leak: { options: { engine: paths } }\n');
  await lintToSarif('paths', ['--config', conf, '--rules', 'chan-send-leak,chan-recv-leak', './fixtures/chan-send-leak/...', './fixtures/chan-recv-leak/...'], REPO);
}, 600_000);

describe('SARIF validates', () => {
  it.skipIf(!haveTool)("Microsoft's validator (Gh;Sarif rules): zero errors, zero warnings", () => {
    const inputs = [...logs.keys()].map((n) => join(work, `${n}.sarif`));
    const out = join(work, 'validation.sarif');
    const r = spawnSync(MULTITOOL, ['validate', '--rule-kind', 'Gh;Sarif', '--output', out, ...inputs], { encoding: 'utf8', timeout: 300_000 });
    expect(r.error).toBeUndefined();
    expect(existsSync(out), r.stdout + r.stderr).toBe(true);
    const report = JSON.parse(readFileSync(out, 'utf8').replace(/^\ufeff/, '')) as Sarif.Log;
    const problems = (report.runs[0]?.results ?? [])
      .filter((x) => x.level === 'error' || x.level === 'warning' || x.level === undefined)
      .map((x) => `${x.level ?? 'warning'} ${x.ruleId} ${x.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''}: ${x.message.text ?? JSON.stringify(x.message.arguments)}`);
    expect(problems).toEqual([]);
    // The validator did run over every input (it reports nothing, not even a run, when it cannot read them).
    expect(report.runs[0]!.invocations?.[0]?.executionSuccessful).toBe(true);
  });

  it.skipIf(!existsSync(SCHEMA))('the SARIF 2.1.0 JSON schema (ajv)', () => {
    const AjvCtor = (Ajv2020 as unknown as { default?: typeof Ajv2020 }).default ?? Ajv2020;
    const ajv = new AjvCtor({ allErrors: true, strict: false });
    ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
    for (const [name, log] of logs) {
      const ok = validate(log);
      expect(ok ? [] : validate.errors, name).toEqual([]);
    }
  });

  it('a validator that is known to work: a broken log is flagged', () => {
    if (!haveTool) return;
    const broken = JSON.parse(JSON.stringify(logs.get('chan-send-leak'))) as Sarif.Log;
    delete (broken.runs[0]!.results![0] as { ruleId?: string }).ruleId;
    delete (broken.runs[0]!.results![0] as { ruleIndex?: number }).ruleIndex;
    const inp = join(work, 'broken.sarif.json');
    writeFileSync(inp, JSON.stringify(broken));
    const out = join(work, 'broken-validation.sarif');
    spawnSync(MULTITOOL, ['validate', '--rule-kind', 'Gh;Sarif', '--output', out, inp], { encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(readFileSync(out, 'utf8').replace(/^\ufeff/, '')) as Sarif.Log;
    expect((report.runs[0]?.results ?? []).some((x) => x.level === 'error')).toBe(true);
  });
});

function allLocations(log: Sarif.Log): Sarif.ArtifactLocation[] {
  const out: Sarif.ArtifactLocation[] = [];
  for (const run of log.runs) {
    for (const r of run.results ?? []) {
      for (const l of [...(r.locations ?? []), ...(r.relatedLocations ?? [])]) if (l.physicalLocation?.artifactLocation) out.push(l.physicalLocation.artifactLocation);
      for (const cf of r.codeFlows ?? []) for (const tf of cf.threadFlows) for (const s of tf.locations) if (s.location?.physicalLocation?.artifactLocation) out.push(s.location.physicalLocation.artifactLocation);
      for (const fx of r.fixes ?? []) for (const c of fx.artifactChanges) out.push(c.artifactLocation);
    }
    for (const inv of run.invocations ?? []) for (const n of inv.toolExecutionNotifications ?? []) for (const l of n.locations ?? []) if (l.physicalLocation?.artifactLocation) out.push(l.physicalLocation.artifactLocation);
  }
  return out;
}

describe('SARIF content', () => {
  it('tool.driver lists every rule with help, and each result\'s ruleIndex points at its rule', () => {
    for (const [name, log] of logs) {
      const run0 = log.runs[0]!;
      const rules = run0.tool.driver.rules!;
      expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
      for (const r of rules) {
        expect(r.help?.text, r.id).toBeTruthy();
        expect(r.help?.markdown, r.id).toMatch(/```go/);
        expect(r.helpUri, r.id).toMatch(/^https:\/\//);
      }
      for (const res of run0.results ?? []) {
        expect(res.ruleIndex, name).toBeTypeOf('number');
        expect(rules[res.ruleIndex!]!.id, name).toBe(res.ruleId);
        expect(res.partialFingerprints?.['golintLeaksFingerprint/v1'], name).toMatch(/^[0-9a-f]{32}$/);
      }
    }
  });

  it('every URI is relative to %SRCROOT%, percent-encoded, and never climbs with ..', () => {
    for (const [name, log] of logs) {
      const base = log.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri!;
      expect(base, name).toMatch(/^file:\/\/\/.*\/$/);
      for (const a of allLocations(log)) {
        expect(a.uriBaseId, `${name}: ${a.uri}`).toBe('%SRCROOT%');
        expect(a.uri!, name).not.toMatch(/^(\/|[a-z]+:)/i);
        expect(a.uri!.split('/'), name).not.toContain('..');
        expect(decodeURIComponent(a.uri!).length, name).toBeGreaterThan(0);
      }
    }
    const odd = allLocations(logs.get('odd')!).map((a) => a.uri);
    expect(odd).toContain('dir%20with%20space/%C3%BCn%C3%AF.go');
  });

  it('URIs are relative to the repository root, not the working directory', () => {
    const repo = tree({ 'svc/api/a.go': DEFAULT_CLIENT_GO('api') }, 'sarif-git');
    spawnSync('git', ['init', '-q'], { cwd: repo });
    const log = JSON.parse(run(['--format', 'sarif', './...'], join(repo, 'svc')).stdout) as Sarif.Log;
    expect(log.runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'svc/api/a.go', uriBaseId: '%SRCROOT%' });
    expect(log.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(`file://${repo}/`);
  });

  it('partialFingerprints stay the same when lines are added above', () => {
    const d = tree({}, 'sarif-fp');
    cpSync(join(FIXTURES, 'chan-send-leak'), join(d, 'p'), { recursive: true });
    const fps = () => {
      const log = JSON.parse(run(['--format', 'sarif', '--tests=false', './...'], d).stdout) as Sarif.Log;
      return log.runs[0]!.results!.map((r) => `${r.ruleId} ${r.locations![0]!.physicalLocation!.artifactLocation!.uri} ${r.partialFingerprints!['golintLeaksFingerprint/v1']}`);
    };
    const lines = () => (JSON.parse(run(['--format', 'sarif', '--tests=false', './...'], d).stdout) as Sarif.Log).runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.region!.startLine);
    const before = fps();
    const linesBefore = lines();
    expect(before.length).toBeGreaterThan(5);
    for (const f of (readdirSync(join(d, 'p'), { recursive: true }) as string[]).filter((n) => n.endsWith('.go'))) { // go126/ too
      const p = join(d, 'p', f);
      writeFileSync(p, `// Copyright header added later.\n//\n// Licensed under the Apache License.\n\n${readFileSync(p, 'utf8')}`);
    }
    expect(fps()).toEqual(before);
    expect(lines()).toEqual(linesBefore.map((l) => l + 4));
  });

  it('on the path engine, channel findings carry their path as a codeFlow, with related locations', () => {
    for (const rule of ['chan-send-leak', 'chan-recv-leak']) {
      const results = logs.get('paths')!.runs[0]!.results!.filter((r) => r.ruleId === rule && !r.suppressions?.length);
      expect(results.length, rule).toBeGreaterThan(3);
      for (const r of results) {
        const steps = r.codeFlows?.[0]?.threadFlows[0]?.locations ?? [];
        expect(steps.length, `${rule} ${r.message.text}`).toBeGreaterThanOrEqual(3);
        expect(steps.map((s) => s.executionOrder)).toEqual(steps.map((_, i) => i + 1));
        for (const s of steps) expect(s.location?.message?.text).toBeTruthy();
        expect(r.relatedLocations?.length ?? 0).toBeGreaterThan(0);
      }
    }
  });

  it('a channel finding is a schedule: one threadFlow per goroutine, executionOrder across them', () => {
    const results = ['chan-send-leak', 'chan-recv-leak'].flatMap((rule) => logs.get(rule)!.runs[0]!.results!.filter((r) => r.ruleId === rule && !r.suppressions?.length));
    expect(results.length).toBeGreaterThan(30);
    let multi = 0;
    for (const r of results) {
      const flows = r.codeFlows?.[0]?.threadFlows ?? [];
      const ids = flows.map((f) => f.id);
      expect(new Set(ids).size, r.message.text).toBe(ids.length);
      for (const f of flows) expect(f.id, r.message.text).toBeTruthy();
      const orders = flows.flatMap((f) => f.locations.map((l) => l.executionOrder!)).sort((a, b) => a - b);
      expect(orders, r.message.text).toEqual(orders.map((_, i) => i + 1));
      if (flows.length > 1) multi++;
    }
    // A goroutine that blocks was started by another: nearly every schedule has two threads or more.
    expect(multi).toBeGreaterThan(results.length / 2);
  });

  it('suppressed findings are carried with kind inSource and the justification', () => {
    const all = [...logs.values()].flatMap((l) => l.runs[0]!.results ?? []);
    const suppressed = all.filter((r) => r.suppressions?.length);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const r of suppressed) {
      expect(r.suppressions).toEqual([{ kind: 'inSource', justification: expect.any(String) }]);
      expect(r.suppressions![0]!.justification).not.toBe('');
    }
    const odd = logs.get('odd')!.runs[0]!.results!.find((r) => r.suppressions?.length)!;
    expect(odd.suppressions![0]!.justification).toBe('a test double');
  });

  it('fixable findings carry their fix, on the right file and region', () => {
    const d = tree({ 's.go': SEND_LEAK_GO('s') }, 'sarif-fix');
    const log = JSON.parse(run(['--format', 'sarif', '--rules', 'chan-send-leak', './...'], d).stdout) as Sarif.Log;
    const r = log.runs[0]!.results![0]!;
    expect(r.fixes).toEqual([{
      description: { text: 'buffer results for 1 value' },
      artifactChanges: [{
        artifactLocation: { uri: 's.go', uriBaseId: '%SRCROOT%' },
        replacements: [{ deletedRegion: { startLine: 6, startColumn: 26, endLine: 6, endColumn: 26 }, insertedContent: { text: ', 1' } }],
      }],
    }]);
    // Every fix in the fixtures names the file it edits and a region inside it.
    for (const res of logs.get('chan-send-leak')!.runs[0]!.results!) {
      for (const fx of res.fixes ?? []) {
        for (const c of fx.artifactChanges) {
          const text = readFileSync(join(REPO, decodeURIComponent(c.artifactLocation.uri!)), 'utf8').split('\n');
          for (const rep of c.replacements) expect(text[rep.deletedRegion.startLine! - 1], `${c.artifactLocation.uri}:${rep.deletedRegion.startLine}`).toMatch(/make\(chan /);
        }
      }
    }
  });

  it('bad files become toolExecutionNotifications; the run still counts as successful', () => {
    const inv = logs.get('odd')!.runs[0]!.invocations![0]!;
    expect(inv.executionSuccessful).toBe(true);
    const notes = (inv.toolExecutionNotifications ?? []).map((n) => `${n.level} ${n.locations?.[0]?.physicalLocation?.artifactLocation?.uri}`);
    expect(notes).toEqual(expect.arrayContaining(['error bad/binary.go', 'warning bad/empty.go', 'warning bad/broken.go']));
  });

  it('nothing lintable: executionSuccessful is false and the log still validates structurally', () => {
    const d = tree({ 'x/empty.go': '' }, 'sarif-none');
    mkdirSync(join(d, 'out'));
    const r = run(['--format', 'sarif', '--output', 'out/r.sarif', './...'], d);
    expect(r.code).toBe(2);
    const log = JSON.parse(readFileSync(join(d, 'out/r.sarif'), 'utf8')) as Sarif.Log;
    expect(log.runs[0]!.invocations![0]!.executionSuccessful).toBe(false);
    expect(log.runs[0]!.results).toEqual([]);
  });
});
