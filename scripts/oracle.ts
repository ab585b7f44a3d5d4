/**
 * The fixture oracle: runs every fixture driver (`shape_test.go` beside
 * `shape.go`) under goleak and compares what happened at run time with what
 * the fixture claims (see fixtures/README.md).
 *
 *   node dist/scripts/oracle.js [--fixtures <dir>] [--no-linter] [--json]
 *
 * prints one row per fixture: the linter's verdict (the fixture's claim,
 * from its `// want` lines; plus the built linter's actual findings when
 * dist/src/cli/main.js exists), the run-time verdict (leak, clean, or
 * policy) and whether they agree. Exit status 1 when any row disagrees.
 *
 * A disagreement is:
 * - a fixture with a `// want` whose driver leaves no goroutine behind;
 * - a leak whose goroutine is not blocked on any `// want` line of the fixture
 *   (the driver leaks for another reason than the one claimed);
 * - a fixture without a `// want` (and not `// oracle:policy`) whose driver
 *   leaks;
 * - a fixture without a driver, or whose driver prints no ORACLE line;
 * - an ORACLE line for a file that is not a fixture.
 *
 * Policy fixtures (first line `// oracle:policy <reason>`) are exempt: their
 * run-time verdict is shown, never judged.
 *
 * Also exported for the tests: the temporary GOPATH that the compile check
 * and the oracle share, and the fixture and ORACLE-line parsers.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------
// Go toolchain and the temporary GOPATH

/** Debian's GOPATH entry with go.uber.org/goleak and golang.org/x/crypto. */
export const DEBIAN_GOCODE = '/usr/share/gocode';
/** Import path of the fixtures directory inside the temporary GOPATH. */
export const FIXTURES_IMPORT_PATH = 'golint-leaks/fixtures';

export interface GoToolchain {
  ok: boolean;
  /** `go version` output when ok, the reason otherwise. */
  detail: string;
}

export function goToolchain(): GoToolchain {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error) return { ok: false, detail: `go not runnable: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, detail: `go version exited ${r.status}: ${r.stderr.trim()}` };
  return { ok: true, detail: r.stdout.trim() };
}

export interface Gopath {
  /** The temporary GOPATH root (its src/golint-leaks/fixtures links to the fixtures). */
  root: string;
  fixturesDir: string;
  /** Environment for `go` commands: GOPATH mode, no network. */
  env: NodeJS.ProcessEnv;
  /** Import path of a package directory given relative to the fixtures dir. */
  importPath(relDir: string): string;
  /** Turns paths inside the temporary GOPATH back into fixture paths. */
  unmap(text: string): string;
  cleanup(): void;
}

/**
 * Creates a temporary GOPATH whose src/golint-leaks/fixtures is a symlink to
 * fixturesDir, so fixture packages import golint-leaks/fixtures/internal/oracle.
 */
export function makeGopath(fixturesDir: string): Gopath {
  const abs = resolve(fixturesDir);
  const root = mkdtempSync(join(tmpdir(), 'golint-leaks-gopath-'));
  const parent = join(root, 'src', 'golint-leaks');
  mkdirSync(parent, { recursive: true });
  const link = join(parent, 'fixtures');
  symlinkSync(abs, link, 'dir');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOPATH: `${root}:${DEBIAN_GOCODE}`,
    GO111MODULE: 'off',
    GOPROXY: 'off',
    GOFLAGS: '',
    GOWORK: 'off',
  };
  if (!env.GOCACHE && !env.HOME && !env.XDG_CACHE_HOME) env.GOCACHE = join(root, 'cache');
  return {
    root,
    fixturesDir: abs,
    env,
    importPath: (relDir) => (relDir === '' || relDir === '.' ? FIXTURES_IMPORT_PATH : `${FIXTURES_IMPORT_PATH}/${toPosix(relDir)}`),
    unmap: (text) =>
      text
        .split(link)
        .join(abs)
        .split(`src/${FIXTURES_IMPORT_PATH}/`)
        .join(`${abs}/`),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/**
 * Directories the compile check and the oracle skip: `go121/`, `go126/`, any
 * `go1NN/` folder of code that needs a newer Go than Debian's 1.19.
 */
export function isSkippedDir(relDir: string): boolean {
  return toPosix(relDir).split('/').some((d) => { const m = /^go1(\d+)$/.exec(d); return !!m && Number(m[1]) > 19; });
}

/**
 * Every directory below fixturesDir holding .go files, relative and
 * slash-separated, sorted; go1NN/ folders (isSkippedDir), testdata and the names the go tool
 * ignores (leading . or _) are left out.
 */
export function listGoPackages(fixturesDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (rel !== '' && entries.some((e) => e.isFile() && e.name.endsWith('.go'))) out.push(rel);
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      if (e.name.startsWith('.') || e.name.startsWith('_') || e.name === 'testdata' || e.name === 'node_modules') continue;
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (isSkippedDir(childRel)) continue;
      walk(join(dir, e.name), childRel);
    }
  };
  walk(resolve(fixturesDir), '');
  return out.sort();
}

/** The packages of listGoPackages that have drivers (*_test.go files). */
export function listDriverPackages(fixturesDir: string): string[] {
  return listGoPackages(fixturesDir).filter((rel) =>
    readdirSync(join(fixturesDir, rel)).some((f) => f.endsWith('_test.go')),
  );
}

// ---------------------------------------------------------------------------
// Processes

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: null, stdout, stderr: stderr + String(err), timedOut });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut });
    });
  });
}

/** Runs fn over items with at most limit calls in flight; keeps the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** `go vet` of one fixture package; output mapped back to fixture paths. */
export async function goVet(gp: Gopath, relDir: string): Promise<{ ok: boolean; output: string }> {
  const r = await run('go', ['vet', gp.importPath(relDir)], { env: gp.env, cwd: gp.root, timeoutMs: 300_000 });
  const output = gp.unmap(`${r.stdout}${r.stderr}`).trim();
  return { ok: r.code === 0 && !r.timedOut, output: r.timedOut ? `timed out\n${output}` : output };
}

// ---------------------------------------------------------------------------
// Fixture claims

export interface Want {
  line: number;
  patterns: string[];
}

export interface FixtureClaim {
  wants: Want[];
  /** The reason after `// oracle:policy` on the first line, or null. */
  policy: string | null;
  /**
   * Lines marked `// oracle:blocks`: where a flagged fixture's goroutine
   * blocks when that is not the finding's line (a stored http.DefaultClient
   * is reported where it is stored; the request hangs where it is sent).
   */
  blocks: number[];
}

const WANT_RE = /\/\/\s*want\s+((?:"(?:[^"\\]|\\.)*"|`[^`]*`)(?:\s+(?:"(?:[^"\\]|\\.)*"|`[^`]*`))*)/;
const PATTERN_RE = /"((?:[^"\\]|\\.)*)"|`([^`]*)`/g;
const BLOCKS_RE = /\/\/\s*oracle:blocks\b/;

export function parseFixture(source: string): FixtureClaim {
  const lines = source.split('\n');
  const wants: Want[] = [];
  const blocks: number[] = [];
  lines.forEach((text, i) => {
    if (BLOCKS_RE.test(text)) blocks.push(i + 1);
    const m = WANT_RE.exec(text);
    if (!m || m[1] === undefined) return;
    const patterns: string[] = [];
    for (const p of m[1].matchAll(PATTERN_RE)) {
      if (p[1] !== undefined) patterns.push(JSON.parse(`"${p[1]}"`) as string);
      else if (p[2] !== undefined) patterns.push(p[2]);
    }
    wants.push({ line: i + 1, patterns });
  });
  const first = (lines[0] ?? '').replace(/\r$/, '');
  const pm = /^\/\/ oracle:policy\s+(\S.*)$/.exec(first);
  return { wants, policy: pm && pm[1] !== undefined ? pm[1].trim() : null, blocks };
}

// ---------------------------------------------------------------------------
// ORACLE lines

export interface OracleLine {
  /** `<rule-folder>/<fixture>`, e.g. chan-send-leak/early_return.go */
  fixture: string;
  verdict: 'leak' | 'clean';
  /** First fixture function on the leaked stack, or '-'. */
  func: string;
  /** Blocked fixture locations (`file.go:line`), empty when clean or unknown. */
  locations: string[];
}

export function parseOracleLines(stdout: string): OracleLine[] {
  const out: OracleLine[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith('ORACLE\t')) continue;
    const cols = line.split('\t');
    const fixture = cols[1];
    const verdict = cols[2];
    if (fixture === undefined || (verdict !== 'leak' && verdict !== 'clean')) continue;
    const locs = cols[4] ?? '-';
    out.push({
      fixture,
      verdict,
      func: cols[3] ?? '-',
      locations: locs === '-' || locs === '?' ? [] : locs.split(','),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Running the drivers

export interface DriverRun {
  lines: OracleLine[];
  /** Problems running drivers: build failures, tests that printed no ORACLE line. */
  problems: { pkg: string; test?: string; message: string }[];
}

export interface RunDriversOptions {
  concurrency?: number;
  /** Per test process. */
  timeoutMs?: number;
}

/**
 * Builds each driver package's test binary, then runs every Test function in
 * a process of its own (a leaking driver costs goleak about half a second of
 * retries; processes overlap while they sleep). Equivalent to
 * `go test -v -count=1` over the packages, with drivers isolated.
 */
export async function runDrivers(gp: Gopath, pkgs: readonly string[], opts: RunDriversOptions = {}): Promise<DriverRun> {
  const concurrency = opts.concurrency ?? Math.max(4, cpus().length * 4);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const binDir = join(gp.root, 'bin');
  mkdirSync(binDir, { recursive: true });
  const problems: DriverRun['problems'] = [];

  const built = await mapLimit(pkgs, Math.max(1, Math.min(2, cpus().length)), async (pkg) => {
    const bin = join(binDir, `${pkg.replace(/[/\\]/g, '__')}.test`);
    const r = await run('go', ['test', '-c', '-o', bin, gp.importPath(pkg)], { env: gp.env, cwd: gp.root, timeoutMs: 600_000 });
    if (r.code !== 0 || !existsSync(bin)) {
      problems.push({ pkg, message: `go test -c failed: ${gp.unmap(`${r.stdout}${r.stderr}`).trim()}` });
      return { pkg, bin: null, tests: [] as string[] };
    }
    const list = await run(bin, ['-test.list', '.*'], { env: gp.env, cwd: join(gp.fixturesDir, pkg), timeoutMs: 60_000 });
    const tests = list.stdout
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => /^Test\w*$/.test(s));
    return { pkg, bin, tests };
  });

  const jobs = built.flatMap((b) => (b.bin === null ? [] : b.tests.map((test) => ({ pkg: b.pkg, bin: b.bin as string, test }))));
  const outputs = await mapLimit(jobs, concurrency, async (job) => {
    const r = await run(job.bin, ['-test.run', `^${job.test}$`, '-test.count', '1', '-test.timeout', `${Math.ceil(timeoutMs / 1000)}s`], {
      env: gp.env,
      cwd: join(gp.fixturesDir, job.pkg),
      timeoutMs: timeoutMs + 10_000,
    });
    const lines = parseOracleLines(r.stdout);
    if (lines.length === 0) {
      const tail = gp.unmap(`${r.stdout}${r.stderr}`).trim().split('\n').slice(-15).join('\n');
      problems.push({
        pkg: job.pkg,
        test: job.test,
        message: `${job.test} printed no ORACLE line (exit ${r.timedOut ? 'timeout' : String(r.code)})${tail ? `:\n${tail}` : ''}`,
      });
    }
    return lines;
  });
  return { lines: outputs.flat(), problems };
}

// ---------------------------------------------------------------------------
// The built linter (optional column)

export interface LinterFinding {
  ruleId: string;
  path: string;
  line: number;
  column?: number;
  message: string;
}

export type LinterResult = { ok: true; findings: LinterFinding[] } | { ok: false; error: string };

export function linterCli(repoRoot: string): string {
  return join(repoRoot, 'dist', 'src', 'cli', 'main.js');
}

/**
 * Runs `node dist/src/cli/main.js --format json --rules <rule> <dir>` with cwd
 * repoRoot and returns the findings with absolute paths. Each fixture folder
 * is one rule's, run alone as the fixture harness runs it (sync-leak, off by
 * default, among them).
 */
export async function runLinter(repoRoot: string, dir: string, rule: string): Promise<LinterResult> {
  const cli = linterCli(repoRoot);
  const arg = relative(repoRoot, dir) || '.';
  const r = await run(process.execPath, [cli, '--format', 'json', '--rules', rule, arg.startsWith('..') ? dir : arg], {
    cwd: repoRoot,
    timeoutMs: 120_000,
  });
  try {
    const parsed = JSON.parse(r.stdout) as { findings?: (LinterFinding & { suppressed?: unknown })[] };
    // Suppressed findings (//nolint, //lint:ignore) are carried in JSON but are not the linter's verdict.
    const findings = (parsed.findings ?? []).filter((f) => !f.suppressed).map((f) => ({ ...f, path: resolve(repoRoot, f.path) }));
    return { ok: true, findings };
  } catch {
    const why = r.timedOut ? 'timed out' : `exit ${String(r.code)}`;
    return { ok: false, error: `${why}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 5).join(' | ')}` };
  }
}

// ---------------------------------------------------------------------------
// The oracle

export type ClaimKind = 'flagged' | 'near-miss' | 'policy';
export type RuntimeVerdict = 'leak' | 'clean' | 'none';

export interface OracleRow {
  /** `<rule-folder>/<file>` relative to the fixtures dir. */
  fixture: string;
  claim: ClaimKind;
  wantLines: number[];
  /** flagged / silent from the claim. */
  linterSays: 'flagged' | 'silent';
  /** Actual findings of the built linter for this file and rule, when run. */
  linterActual: 'flagged' | 'silent' | 'error' | 'n/a';
  linterLines: number[];
  runtime: RuntimeVerdict;
  runtimeFunc: string;
  runtimeLocations: string[];
  agree: boolean;
  /** Why not, when !agree. */
  reason: string;
}

export interface OracleReport {
  fixturesDir: string;
  rows: OracleRow[];
  /** Disagreements not tied to one fixture file (stray ORACLE lines, builds). */
  extra: string[];
  disagreements: string[];
  linterRan: boolean;
  linterError?: string;
}

export interface OracleOptions extends RunDriversOptions {
  fixturesDir: string;
  /** Repository root, for the built linter; defaults to the fixtures dir's parent. */
  repoRoot?: string;
  /** Run dist/src/cli/main.js when it exists (default true). */
  linter?: boolean;
  /** Restrict to these package dirs (relative to fixturesDir). */
  packages?: string[];
}

export async function runOracle(opts: OracleOptions): Promise<OracleReport> {
  const fixturesDir = resolve(opts.fixturesDir);
  const repoRoot = resolve(opts.repoRoot ?? dirname(fixturesDir));
  const pkgs = opts.packages ?? listDriverPackages(fixturesDir);
  const gp = makeGopath(fixturesDir);
  let driverRun: DriverRun;
  try {
    driverRun = await runDrivers(gp, pkgs, opts);
  } finally {
    gp.cleanup();
  }

  const useLinter = (opts.linter ?? true) && existsSync(linterCli(repoRoot));
  const linterByPkg = new Map<string, LinterResult>();
  if (useLinter) {
    const results = await mapLimit(pkgs, 2, (pkg) => runLinter(repoRoot, join(fixturesDir, pkg), pkg.split(/[\\/]/)[0]!));
    pkgs.forEach((pkg, i) => linterByPkg.set(pkg, results[i] as LinterResult));
  }

  const byFixture = new Map<string, OracleLine[]>();
  for (const l of driverRun.lines) {
    const list = byFixture.get(l.fixture) ?? [];
    list.push(l);
    byFixture.set(l.fixture, list);
  }

  const rows: OracleRow[] = [];
  const known = new Set<string>();
  for (const pkg of pkgs) {
    const dir = join(fixturesDir, pkg);
    const rule = pkg.split('/')[0] ?? pkg;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && statSync(join(dir, f)).isFile())
      .sort();
    const buildProblem = driverRun.problems.find((p) => p.pkg === pkg && p.test === undefined);
    for (const file of files) {
      const key = `${pkg}/${file}`;
      known.add(key);
      const claim = parseFixture(readFileSync(join(dir, file), 'utf8'));
      const wantLines = claim.wants.map((w) => w.line);
      const kind: ClaimKind = claim.policy !== null ? 'policy' : wantLines.length > 0 ? 'flagged' : 'near-miss';
      const reports = byFixture.get(key) ?? [];
      const runtime: RuntimeVerdict = reports.length === 0 ? 'none' : reports.some((r) => r.verdict === 'leak') ? 'leak' : 'clean';
      const leaked = reports.filter((r) => r.verdict === 'leak');
      const locations = [...new Set(leaked.flatMap((r) => r.locations))].sort();
      const func = leaked[0]?.func ?? '-';

      let linterActual: OracleRow['linterActual'] = 'n/a';
      let linterLines: number[] = [];
      const lr = linterByPkg.get(pkg);
      if (lr) {
        if (!lr.ok) linterActual = 'error';
        else {
          const abs = join(dir, file);
          const mine = lr.findings.filter((f) => f.path === abs && f.ruleId === rule);
          linterLines = [...new Set(mine.map((f) => f.line))].sort((a, b) => a - b);
          linterActual = linterLines.length > 0 ? 'flagged' : 'silent';
        }
      }

      let reason = '';
      if (runtime === 'none') {
        const driver = file.replace(/\.go$/, '_test.go');
        if (buildProblem) reason = `drivers of ${pkg} did not build`;
        else if (!existsSync(join(dir, driver))) reason = `no driver (${driver} is missing)`;
        else reason = `driver ${driver} printed no ORACLE line for ${file}`;
      } else if (kind === 'policy') {
        if (wantLines.length > 0) reason = 'policy fixture carries a // want';
      } else if (kind === 'flagged') {
        if (runtime === 'clean') reason = `claims a finding (// want on line ${wantLines.join(', ')}) but its driver leaves no goroutine behind`;
        else {
          const here = locations.filter((l) => l.startsWith(`${file}:`)).map((l) => Number(l.slice(file.length + 1)));
          if (locations.length > 0 && !here.some((n) => wantLines.includes(n) || claim.blocks.includes(n))) {
            const marked = claim.blocks.length ? ` or an // oracle:blocks line (${claim.blocks.join(', ')})` : '';
            reason = `leaks at ${locations.join(', ')}, not on a // want line (${wantLines.join(', ')})${marked}`;
          }
        }
      } else if (runtime === 'leak') {
        reason = `near-miss without // want, but its driver leaks (${func} at ${locations.join(', ') || '?'})`;
      }
      rows.push({
        fixture: key,
        claim: kind,
        wantLines,
        linterSays: wantLines.length > 0 ? 'flagged' : 'silent',
        linterActual,
        linterLines,
        runtime,
        runtimeFunc: func,
        runtimeLocations: locations,
        agree: reason === '',
        reason,
      });
    }
  }

  const extra: string[] = [];
  for (const p of driverRun.problems) {
    extra.push(p.test === undefined ? `${p.pkg}: ${p.message}` : `${p.pkg}: ${p.message}`);
  }
  for (const key of byFixture.keys()) {
    if (!known.has(key)) extra.push(`${key}: an ORACLE line names a file that is not a fixture of a driver package`);
  }
  const disagreements = [...rows.filter((r) => !r.agree).map((r) => `${r.fixture}: ${r.reason}`), ...extra];
  const report: OracleReport = { fixturesDir, rows, extra, disagreements, linterRan: useLinter };
  const firstError = [...linterByPkg.entries()].find(([, r]) => !r.ok);
  if (firstError && !firstError[1].ok) report.linterError = `${firstError[0]}: ${firstError[1].error}`;
  return report;
}

// ---------------------------------------------------------------------------
// Rendering

export function runtimeLabel(row: OracleRow): string {
  if (row.claim === 'policy') return row.runtime === 'none' ? 'policy (not run)' : `policy (${row.runtime})`;
  return row.runtime === 'none' ? 'not run' : row.runtime;
}

export function formatTable(report: OracleReport): string {
  const header = ['fixture', 'linter says', ...(report.linterRan ? ['linter actual'] : []), 'run-time says', 'agree?'];
  const body = report.rows.map((r) => {
    const says = r.wantLines.length > 0 ? `flagged (line ${r.wantLines.join(',')})` : 'silent';
    const actual = r.linterActual === 'flagged' ? `flagged (line ${r.linterLines.join(',')})` : r.linterActual;
    const rt = r.runtime === 'leak' && r.runtimeLocations.length > 0 ? `${runtimeLabel(r)} @ ${r.runtimeLocations.join(',')}` : runtimeLabel(r);
    return [r.fixture, says, ...(report.linterRan ? [actual] : []), rt, r.agree ? 'yes' : 'NO'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const fmt = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const lines = [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)];

  const count = (pred: (r: OracleRow) => boolean): number => report.rows.filter(pred).length;
  lines.push('');
  lines.push(
    `${report.rows.length} fixtures: ` +
      `${count((r) => r.claim === 'flagged')} flagged (${count((r) => r.claim === 'flagged' && r.runtime === 'leak')} leak), ` +
      `${count((r) => r.claim === 'near-miss')} safe near-misses (${count((r) => r.claim === 'near-miss' && r.runtime === 'clean')} clean), ` +
      `${count((r) => r.claim === 'policy')} policy (${count((r) => r.claim === 'policy' && r.runtime === 'leak')} leak at run time, exempt)`,
  );
  if (report.linterRan) {
    const mismatch = report.rows.filter(
      (r) => r.linterActual !== 'n/a' && (r.linterActual !== r.linterSays || r.linterLines.join(',') !== r.wantLines.join(',')),
    );
    lines.push(`linter: ${mismatch.length} file(s) where the built linter's findings differ from the fixture's // want lines${mismatch.length ? `: ${mismatch.map((r) => r.fixture).join(', ')}` : ''}`);
    if (report.linterError) lines.push(`linter error: ${report.linterError}`);
  } else {
    lines.push('linter: dist/src/cli/main.js not run (not built, or --no-linter); "linter says" is the fixtures\' claim');
  }
  lines.push(`disagreements: ${report.disagreements.length}`);
  for (const d of report.disagreements) lines.push(`  - ${d}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// CLI

/** The repository root: the nearest ancestor with package.json and fixtures/. */
export function findRepoRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(start);
    dir = up;
  }
}

async function main(argv: string[]): Promise<number> {
  let fixtures: string | undefined;
  let linter = true;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fixtures') fixtures = argv[++i];
    else if (a === '--no-linter') linter = false;
    else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node dist/scripts/oracle.js [--fixtures <dir>] [--no-linter] [--json]\n');
      return 0;
    } else {
      process.stderr.write(`oracle: unknown argument ${String(a)}\n`);
      return 2;
    }
  }
  const go = goToolchain();
  if (!go.ok) {
    process.stderr.write(`oracle: ${go.detail}\n`);
    return 2;
  }
  const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  const fixturesDir = resolve(fixtures ?? join(repoRoot, 'fixtures'));
  const report = await runOracle({ fixturesDir, repoRoot, linter });
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTable(report)}\n`);
  return report.disagreements.length === 0 ? 0 : 1;
}

const entry = process.argv[1];
if (entry !== undefined && existsSync(entry) && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`oracle: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
