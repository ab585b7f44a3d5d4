// Property-based fuzzing of the whole lint pipeline (issue 10): generated and
// mutated Go goes through load, parse, semantics, every rule and every
// reporter, and must come out the other side. Invariants for every input:
//   - lintFiles never throws, and no rule reports an internal error (a stack
//     overflow in our own recursion shows up as one);
//   - every notice is one line, every finding points into an input file at a
//     line and column that exist;
//   - the JSON report parses, the SARIF report validates against the 2.1.0
//     schema (ajv, when the schema ships on this platform) and keeps URIs
//     relative, without `..`;
//   - every Nth input also goes through the built binary: exit 0, 1 or 2, no
//     stack trace, stdout in the asked-for format, one-line stderr messages.
// Inputs: real fixtures truncated at a token, with bytes flipped, lines deleted
// or duplicated, NUL bytes and invalid UTF-8 inserted, a BOM, CRLF endings;
// token soup; nesting thousands deep (blocks, parentheses, func literals,
// if/for/select/switch, composite literals, types). `--big` adds a 10 MB file
// and a 100,000-line function; `--truncate-all` truncates every fixture at
// every token.
//
//   npm run fuzz -- --runs 10000 [--seed N] [--binary-every 50] [--big] [--truncate-all]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { RULES } from '../rules/index.js';
import type { Rule } from '../src/engine/rule.js';
import { lintFiles, type LintResult } from '../src/engine/lint.js';
import { hostBuildContext } from '../src/engine/buildtags.js';
import { assignFingerprints } from '../src/engine/finding.js';
import { formatJson } from '../src/report/json.js';
import { toSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { formatGithub } from '../src/report/github.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root, from scripts/ (vitest) or dist/scripts/ (the built script). */
export const REPO = existsSync(join(HERE, '../package.json')) ? resolve(HERE, '..') : resolve(HERE, '../..');
export const BIN = join(REPO, 'dist/src/cli/main.js');
const SCHEMA = join(REPO, 'node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json');

// ------------------------------------------------------------------ seeds

/** Every .go file under fixtures/ (drivers included: they are real Go too). */
export function fixtureSeeds(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const stack = [join(REPO, 'fixtures')];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.go')) out.push({ name: relative(REPO, p), text: readFileSync(p, 'utf8') });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Go tokens, roughly as the scanner splits them: enough to cut a file between two. */
const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|`[^`]*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[\p{L}_][\p{L}\p{N}_]*|0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?i?|<<=|>>=|&\^=|\.\.\.|&&|\|\||<-|\+\+|--|==|!=|<=|>=|:=|<<|>>|&\^|[-+*/%&|^]=|\S/gu;

/** End offsets of every token of `text`. */
export function tokenEnds(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(TOKEN)) out.push(m.index! + m[0].length);
  return out;
}

const SOUP = [
  'package', 'p', 'import', '"net/http"', '"context"', '"golang.org/x/crypto/ssh"', 'func', 'go', 'defer', 'chan', 'select', 'case', 'default',
  'for', 'range', 'if', 'else', 'switch', 'return', 'break', 'continue', 'goto', 'L', ':', 'fallthrough', 'var', 'const', 'type', 'struct',
  'interface', 'map', 'make', 'close', 'len', 'new', 'ch', 'done', 'ctx', 'ctx.Done()', 'x', 'err', 'nil', 'http', '.', 'Get', 'Client',
  'Timeout', 'ssh', 'Dial', 'wg', 'Wait', '<-', '=', ':=', '==', '+', '-', '*', '&', '!', '(', ')', '[', ']', '{', '}', ',', ';', '...',
  '0', '1', '"s"', '`raw`', "'c'", '1.5', '0x1f', 'struct{}', 'int', 'string', 'error', '\n', '\n', ' ', '\t', '// want "x"', '//nolint',
  '//lint:ignore chan-send-leak r', '/*', '*/', 'time.After(1)', 'http.Client{}', '&http.Client{}', 'go func() {', '}()', 'ch <- 1', '<-ch',
];

// ------------------------------------------------------------------ inputs

type Op =
  | { k: 'flip'; at: number; byte: number }
  | { k: 'delLine'; at: number }
  | { k: 'dupLine'; at: number }
  | { k: 'swapLines'; at: number; to: number }
  | { k: 'nul'; at: number }
  | { k: 'badUtf8'; at: number; which: number }
  | { k: 'cut'; at: number; len: number }
  | { k: 'splice'; at: number; from: number; len: number };

export type FuzzInput =
  | { t: 'mutate'; seed: number; ops: Op[]; bom: boolean; crlf: boolean }
  | { t: 'truncate'; seed: number; token: number; bom: boolean; crlf: boolean }
  | { t: 'soup'; tokens: number[]; header: boolean }
  | { t: 'nest'; shape: NestShape; depth: number; inGoroutine: boolean }
  | { t: 'pair'; a: number; b: number; opsA: Op[]; opsB: Op[] };

export const NEST_SHAPES = ['blocks', 'parens', 'funcs', 'gos', 'ifs', 'fors', 'selects', 'switches', 'composite', 'types', 'unary', 'binary', 'index', 'calls', 'labels', 'elseif'] as const;
export type NestShape = (typeof NEST_SHAPES)[number];

const BAD_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xc0, 0xaf])];

function opArb(): fc.Arbitrary<Op> {
  const at = fc.nat();
  return fc.oneof(
    fc.record({ k: fc.constant('flip' as const), at, byte: fc.nat({ max: 255 }) }),
    fc.record({ k: fc.constant('delLine' as const), at }),
    fc.record({ k: fc.constant('dupLine' as const), at }),
    fc.record({ k: fc.constant('swapLines' as const), at, to: fc.nat() }),
    fc.record({ k: fc.constant('nul' as const), at }),
    fc.record({ k: fc.constant('badUtf8' as const), at, which: fc.nat({ max: BAD_UTF8.length - 1 }) }),
    fc.record({ k: fc.constant('cut' as const), at, len: fc.nat({ max: 200 }) }),
    fc.record({ k: fc.constant('splice' as const), at, from: fc.nat(), len: fc.nat({ max: 300 }) }),
  );
}

export function inputArb(seedCount: number): fc.Arbitrary<FuzzInput> {
  const seed = fc.nat({ max: seedCount - 1 });
  const ops = fc.array(opArb(), { minLength: 1, maxLength: 6 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ t: fc.constant('mutate' as const), seed, ops, bom: fc.boolean(), crlf: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('truncate' as const), seed, token: fc.nat(), bom: fc.boolean(), crlf: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('soup' as const), tokens: fc.array(fc.nat({ max: SOUP.length - 1 }), { maxLength: 400 }), header: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('nest' as const), shape: fc.constantFrom(...NEST_SHAPES), depth: fc.integer({ min: 1, max: 1200 }), inGoroutine: fc.boolean() }).map(capNesting) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('pair' as const), a: seed, b: seed, opsA: fc.array(opArb(), { maxLength: 3 }), opsB: fc.array(opArb(), { maxLength: 3 }) }) },
  );
}

/**
 * Depths the semantics layer gets through in seconds. Every `.parent` of a
 * tree-sitter node walks down from the root, so `enclosingFunction` on a node
 * n levels deep costs O(n²), and a shape with an operation per level O(n³):
 * with a goroutine in the function, 400 nested selects took 56 s and 500
 * over 100 s, 1000 nested func literals 13 s (reported, not ours to fix).
 * Those shapes stay shallow here; `deepNesting` runs the others thousands deep.
 */
const DEPTH_CAP: Partial<Record<NestShape, number>> = { selects: 150, funcs: 300, gos: 150 };
const DEPTH_CAP_IN_GOROUTINE: Partial<Record<NestShape, number>> = { selects: 100, unary: 150, ifs: 300, fors: 300, funcs: 200 };
function capNesting<T extends { shape: NestShape; depth: number; inGoroutine: boolean }>(x: T): T {
  const cap = Math.min(DEPTH_CAP[x.shape] ?? Infinity, x.inGoroutine ? DEPTH_CAP_IN_GOROUTINE[x.shape] ?? Infinity : Infinity);
  return x.depth > cap ? { ...x, depth: cap } : x;
}

function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) { out.push(buf.subarray(s, i + 1)); s = i + 1; }
  if (s < buf.length) out.push(buf.subarray(s));
  return out;
}

export function applyOps(src: Buffer, ops: Op[]): Buffer {
  let b = src;
  for (const op of ops) {
    const at = b.length ? op.at % (b.length + 1) : 0;
    switch (op.k) {
      case 'flip': if (b.length) { b = Buffer.from(b); b[at % b.length] = op.byte; } break;
      case 'nul': b = Buffer.concat([b.subarray(0, at), Buffer.from([0]), b.subarray(at)]); break;
      case 'badUtf8': b = Buffer.concat([b.subarray(0, at), BAD_UTF8[op.which]!, b.subarray(at)]); break;
      case 'cut': b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + op.len))]); break;
      case 'splice': {
        const from = b.length ? op.from % b.length : 0;
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + op.len), b.subarray(at)]);
        break;
      }
      default: {
        const ls = lines(b);
        if (!ls.length) break;
        const i = op.at % ls.length;
        if (op.k === 'delLine') ls.splice(i, 1);
        else if (op.k === 'dupLine') ls.splice(i, 0, ls[i]!);
        else { const j = op.to % ls.length; [ls[i], ls[j]] = [ls[j]!, ls[i]!]; }
        b = Buffer.concat(ls);
      }
    }
  }
  return b;
}

function encode(text: string | Buffer, bom: boolean, crlf: boolean): Buffer {
  let b = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  if (crlf) b = Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]) : b;
}

/** Deeply nested Go of one shape; `depth` levels. */
export function nested(shape: NestShape, depth: number, inGoroutine: boolean): string {
  const r = (s: string, n = depth) => s.repeat(n);
  let body: string;
  switch (shape) {
    case 'blocks': body = `ch := make(chan int)\n${r('{\n')}ch <- 1\n${r('}\n')}`; break;
    case 'parens': body = `x := ${r('(')}1${r(')')}\n_ = x\n`; break;
    case 'funcs': body = `ch := make(chan int)\n${r('func() {\n')}ch <- 1\n${r('}()\n')}`; break;
    case 'gos': body = `ch := make(chan int)\n${r('go func() {\n')}ch <- 1\n${r('}()\n')}return\n`; break;
    case 'ifs': body = `ch := make(chan int)\n${r('if x {\n')}go func() { ch <- 1 }()\nreturn\n${r('}\n')}<-ch\n`; break;
    case 'fors': body = `ch := make(chan int)\n${r('for {\n')}go func() { ch <- 1 }()\nbreak\n${r('}\n')}`; break;
    case 'selects': body = `ch := make(chan int)\n${r('select {\ncase <-ch:\n')}return\n${r('}\n')}`; break;
    case 'switches': body = `${r('switch {\ncase x:\n')}return\n${r('}\n')}`; break;
    case 'composite': body = `v := ${r('[]any{')}1${r('}')}\n_ = v\n`; break;
    case 'types': body = `var v ${r('[]')}${r('chan ')}int\n_ = v\n`; break;
    case 'unary': body = `y := ${r('-')}1\n_ = y\nz := ${r('<-')}make(chan int)\n_ = z\n`; break;
    case 'binary': body = `y := 1${r(' + 1')}\n_ = y\nb := x${r(' && x')}\n_ = b\n`; break;
    case 'index': body = `var a []int\n_ = a${r('[0]')}\n`; break;
    case 'calls': body = `f := func(v ...any) any { return nil }\n_ = ${r('f(')}${r(')')}\n`; break;
    case 'labels': body = `${Array.from({ length: depth }, (_, i) => `L${i}:\n`).join('')}return\n`; break;
    case 'elseif': body = `ch := make(chan int)\ngo func() { ch <- 1 }()\nif x {\nreturn\n${r('} else if x {\nreturn\n')}}\n<-ch\n`; break;
  }
  // A goroutine at the top makes the channel rules build F's whole CFG, so the
  // builder walks every level of the nesting below it.
  const fn = `func F(x bool) {\nfirst := make(chan int)\ngo func() { first <- 1 }()\n${body}<-first\n}\n`;
  return `package p\n\n${inGoroutine ? `func G() {\n\tgo func() {\n\t\tvar x bool\n\t\t_ = x\n${body}\t}()\n}\n\n` : ''}${fn}`;
}

/** The files (name → bytes) of one fuzz input: one package, usually one file. */
export function materialize(input: FuzzInput, seeds: { name: string; text: string }[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  switch (input.t) {
    case 'mutate': files.set('a.go', encode(applyOps(Buffer.from(seeds[input.seed]!.text, 'utf8'), input.ops), input.bom, input.crlf)); break;
    case 'truncate': {
      const text = seeds[input.seed]!.text;
      const ends = tokenEnds(text);
      const cut = ends.length ? ends[input.token % ends.length]! : 0;
      files.set('a.go', encode(text.slice(0, cut), input.bom, input.crlf));
      break;
    }
    case 'soup': files.set('a.go', Buffer.from((input.header ? 'package p\n' : '') + input.tokens.map((i) => SOUP[i]).join(' '), 'utf8')); break;
    case 'nest': files.set('a.go', Buffer.from(nested(input.shape, input.depth, input.inGoroutine), 'utf8')); break;
    case 'pair': {
      // Two files of one package: cross-file facts (a worker in one, its caller in the other).
      const rename = (t: string) => t.replace(/^package\s+\w+/m, 'package p');
      files.set('a.go', applyOps(Buffer.from(rename(seeds[input.a]!.text), 'utf8'), input.opsA));
      files.set('b.go', applyOps(Buffer.from(rename(seeds[input.b]!.text), 'utf8'), input.opsB));
      break;
    }
  }
  return files;
}

// ------------------------------------------------------------------ checks

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
let sarifValidator: Validator | null | undefined;

async function validatorForSarif(): Promise<Validator | null> {
  if (sarifValidator !== undefined) return sarifValidator;
  if (!existsSync(SCHEMA)) return (sarifValidator = null);
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const { default: addFormats } = await import('ajv-formats');
  const AjvCtor = ((Ajv2020 as unknown as { default?: unknown }).default ?? Ajv2020) as new (o: object) => { compile(s: unknown): Validator };
  const ajv = new AjvCtor({ allErrors: true, strict: false });
  const add = ((addFormats as unknown as { default?: (a: unknown) => void }).default ?? (addFormats as unknown as (a: unknown) => void));
  add(ajv);
  sarifValidator = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  return sarifValidator;
}

const ALL_RULES = RULES.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.options ?? {}) } }));

export interface CheckOptions {
  maxFileSize?: number;
  /** Also run the built binary over the directory. */
  binary?: boolean;
}

/** Lints `dir` (holding `names`) in-process and checks every invariant; returns the problems found. */
export async function checkDir(dir: string, names: string[], o: CheckOptions = {}): Promise<{ problems: string[]; result: LintResult | null; ms: number }> {
  const problems: string[] = [];
  const paths = names.map((n) => join(dir, n)).sort();
  // One input lints synchronously; let timers and I/O run between inputs (a
  // test runner's heartbeat times out when hundreds run as one macrotask).
  await new Promise((r) => setImmediate(r));
  const t0 = performance.now();
  let result: LintResult;
  try {
    // No prefilter: it would skip, unparsed, every input without a token some
    // rule looks for (most deep-nesting shapes), and the point is to push each
    // input through the parser, the semantics and every rule. The binary runs
    // below keep the default, so both paths are fuzzed.
    result = await lintFiles(paths, { tests: true, maxFileSize: o.maxFileSize ?? 5 * 1048576, build: hostBuildContext(), rules: ALL_RULES, jobs: 1, prefilter: false } as Parameters<typeof lintFiles>[1]);
  } catch (e) {
    return { problems: [`lintFiles threw: ${(e as Error).stack ?? String(e)}`], result: null, ms: performance.now() - t0 };
  }
  const ms = performance.now() - t0;
  for (const n of result.notices) {
    if (/internal error|call stack/i.test(n.message)) problems.push(`internal error notice: ${n.message}`);
    if (/\n/.test(n.message)) problems.push(`notice is not one line: ${JSON.stringify(n.message)}`);
    if (n.file && !paths.includes(n.file)) problems.push(`notice names a file that is not an input: ${n.file}`);
  }
  const texts = new Map<string, string[]>();
  for (const f of result.findings) {
    const l = f.location;
    if (!paths.includes(l.file)) { problems.push(`finding in a file that is not an input: ${l.file}`); continue; }
    let ls = texts.get(l.file);
    if (!ls) { ls = readFileSync(l.file, 'utf8').replace(/^\ufeff/, '').split('\n'); texts.set(l.file, ls); }
    const line = ls[l.line - 1];
    if (line === undefined || l.line < 1) problems.push(`finding at line ${l.line} of a ${ls.length}-line file`);
    else if (l.column < 1 || l.column > Buffer.byteLength(line, 'utf8') + 1) problems.push(`finding at column ${l.column} of a ${Buffer.byteLength(line, 'utf8')}-byte line`);
    if (l.endLine < l.line || (l.endLine === l.line && l.endColumn < l.column)) problems.push(`finding ends before it starts: ${l.line}:${l.column}-${l.endLine}:${l.endColumn}`);
    if (!f.message || /\n/.test(f.message) || /\{\w+\}|undefined|NaN/.test(f.message)) problems.push(`bad message: ${JSON.stringify(f.message)}`);
    for (const e of f.fix?.edits ?? []) if (!paths.includes(e.file)) problems.push(`fix edits a file that is not an input: ${e.file}`);
  }
  try {
    assignFingerprints(result.findings, (abs) => relative(dir, abs), () => '');
    const json = JSON.parse(formatJson(result.findings, result.notices, dir, '0.0.0-fuzz')) as { findings: unknown[] };
    if (json.findings.length !== result.findings.length) problems.push('json: finding count differs');
    const sarif = toSarif(result.findings, result.notices, { version: '0.0.0', root: dir, rules: RULES as Rule[], executionSuccessful: result.stats.files > 0 });
    const text = JSON.stringify(sarif);
    const v = await validatorForSarif();
    if (v && !v(JSON.parse(text))) problems.push(`sarif: schema errors ${JSON.stringify(v.errors).slice(0, 500)}`);
    for (const m of text.matchAll(/"uri":"([^"]*)"/g)) if (/(^|\/)\.\.(\/|$)/.test(m[1]!)) problems.push(`sarif: uri escapes the root: ${m[1]}`);
    formatText(result.findings, { cwd: dir, color: true, verbose: true });
    formatGithub(result.findings, dir);
  } catch (e) {
    problems.push(`reporter threw: ${(e as Error).stack ?? String(e)}`);
  }
  if (o.binary) problems.push(...checkBinary(dir));
  return { problems, result, ms };
}

/** The built binary over `dir`, in JSON and SARIF. */
export function checkBinary(dir: string, extraArgs: string[] = []): string[] {
  const problems: string[] = [];
  if (!existsSync(BIN)) return [`${BIN} is missing: run npm run build`];
  for (const format of ['json', 'sarif', 'text']) {
    const r = spawnSync(process.execPath, [BIN, '--format', format, ...extraArgs, './...'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
    const where = `binary --format ${format}`;
    if (r.error) { problems.push(`${where}: ${r.error.message}`); continue; }
    if (![0, 1, 2].includes(r.status ?? -1)) problems.push(`${where}: exit ${r.status} ${r.signal ?? ''}`);
    if (/^\s+at .+\(?.*:\d+:\d+\)?$/m.test(r.stderr) || /internal error/.test(r.stderr)) problems.push(`${where}: stack trace or internal error: ${r.stderr.slice(0, 400)}`);
    for (const l of r.stderr.split('\n')) if (l && !l.startsWith('golint-leaks: ')) problems.push(`${where}: stray stderr line: ${l.slice(0, 200)}`);
    if (format !== 'text') {
      try { JSON.parse(r.stdout); } catch (e) { problems.push(`${where}: stdout is not JSON: ${(e as Error).message}`); }
    }
  }
  return problems;
}

// ------------------------------------------------------------------ running

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Every Nth input also through the binary; 0 never. */
  binaryEvery: number;
  log?: (s: string) => void;
  /** Where failing inputs are saved. */
  failDir?: string;
  /** Print each input before linting it (to find a hang). */
  trace?: boolean;
}

export interface FuzzStats {
  runs: number;
  failures: number;
  byType: Record<string, number>;
  binaryRuns: number;
  slowest: { ms: number; what: string }[];
  ms: number;
  counterexample?: string;
}

export function describe(input: FuzzInput, seeds: { name: string }[]): string {
  switch (input.t) {
    case 'mutate': return `mutate ${seeds[input.seed]!.name} ${JSON.stringify(input.ops)}${input.bom ? ' +bom' : ''}${input.crlf ? ' +crlf' : ''}`;
    case 'truncate': return `truncate ${seeds[input.seed]!.name} at token ${input.token}${input.bom ? ' +bom' : ''}${input.crlf ? ' +crlf' : ''}`;
    case 'soup': return `soup of ${input.tokens.length} tokens`;
    case 'nest': return `nest ${input.shape} x${input.depth}${input.inGoroutine ? ' in a goroutine' : ''}`;
    case 'pair': return `pair ${seeds[input.a]!.name} + ${seeds[input.b]!.name}`;
  }
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzStats> {
  const seeds = fixtureSeeds();
  const root = mkdtempSync(join(tmpdir(), 'golint-leaks-fuzz-'));
  const stats: FuzzStats = { runs: 0, failures: 0, byType: {}, binaryRuns: 0, slowest: [], ms: 0 };
  const t0 = performance.now();
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(inputArb(seeds.length), async (input) => {
        const dir = join(root, `r${n++}`);
        mkdirSync(dir);
        try {
          const files = materialize(input, seeds);
          for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
          if (o.trace) o.log?.(`fuzz: #${n} ${describe(input, seeds).slice(0, 300)}`);
          const binary = o.binaryEvery > 0 && n % o.binaryEvery === 0;
          const { problems, ms } = await checkDir(dir, [...files.keys()], { binary });
          stats.runs++;
          stats.byType[input.t] = (stats.byType[input.t] ?? 0) + 1;
          if (binary) stats.binaryRuns++;
          if (stats.slowest.length < 5 || ms > stats.slowest[stats.slowest.length - 1]!.ms) {
            stats.slowest.push({ ms, what: describe(input, seeds) });
            stats.slowest.sort((a, b) => b.ms - a.ms).splice(5);
          }
          if (o.log && stats.runs % 500 === 0) o.log(`fuzz: ${stats.runs} runs, ${((performance.now() - t0) / 1000).toFixed(0)}s`);
          if (problems.length) {
            stats.failures++;
            if (o.failDir) {
              const id = createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 12);
              const fd = join(o.failDir, id);
              mkdirSync(fd, { recursive: true });
              for (const [name, bytes] of files) writeFileSync(join(fd, name), bytes);
              writeFileSync(join(fd, 'PROBLEMS.txt'), `${describe(input, seeds)}\n${problems.join('\n')}\n`);
            }
            throw new Error(`${describe(input, seeds)}:\n  ${problems.join('\n  ')}`);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: o.runs, seed: o.seed, endOnFailure: false },
    );
  } catch (e) {
    stats.counterexample = (e as Error).message;
  } finally {
    rmSync(root, { recursive: true, force: true });
    stats.ms = performance.now() - t0;
  }
  return stats;
}

/** Every fixture cut at every token (or every `step`th): the half-typed file of a pre-commit hook. */
export async function truncateAll(o: { step?: number; limit?: number; log?: (s: string) => void } = {}): Promise<{ inputs: number; problems: string[]; ms: number }> {
  const seeds = fixtureSeeds().slice(0, o.limit);
  const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-trunc-'));
  const problems: string[] = [];
  let inputs = 0;
  const t0 = performance.now();
  try {
    for (const s of seeds) {
      const ends = tokenEnds(s.text);
      for (let i = 0; i < ends.length; i += o.step ?? 1) {
        writeFileSync(join(dir, 'a.go'), s.text.slice(0, ends[i]));
        const r = await checkDir(dir, ['a.go']);
        inputs++;
        if (r.problems.length) problems.push(`${s.name} cut after token ${i}: ${r.problems.join('; ')}`);
      }
      o.log?.(`truncate: ${s.name} (${ends.length} tokens), ${inputs} inputs so far`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { inputs, problems, ms: performance.now() - t0 };
}

/**
 * Nesting thousands deep, for the shapes whose handling recurses (statement
 * lists in the CFG builder, expressions, types): no stack overflow, no
 * internal error. Depths as given, each shape outside a goroutine.
 */
export async function deepNesting(depths: Partial<Record<NestShape, number>>): Promise<{ what: string; ms: number; problems: string[] }[]> {
  const out: { what: string; ms: number; problems: string[] }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-deep-'));
  try {
    for (const [shape, depth] of Object.entries(depths) as [NestShape, number][]) {
      writeFileSync(join(dir, 'a.go'), nested(shape, depth, false));
      const r = await checkDir(dir, ['a.go']);
      out.push({ what: `${shape} x${depth}`, ms: r.ms, problems: r.problems });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The depths of the full run (`--big`): thousands deep, except where the O(n³) above makes minutes of it. */
export const DEEP_FULL: Partial<Record<NestShape, number>> = {
  blocks: 5000, parens: 10_000, funcs: 1000, gos: 1000, ifs: 3000, fors: 3000, selects: 300, switches: 5000, composite: 5000,
  types: 5000, unary: 5000, binary: 5000, index: 5000, calls: 5000, labels: 5000, elseif: 3000,
};

/** A 10 MB file and a 100,000-line function, in-process (limit raised) and through the binary (default limit). */
export async function bigInputs(o: { log?: (s: string) => void } = {}): Promise<{ name: string; ms: number; problems: string[]; notices: string[] }[]> {
  const out: { name: string; ms: number; problems: string[]; notices: string[] }[] = [];
  const cases: [string, () => string][] = [
    ['10 MB file', () => {
      // Shaped like generated code (protobuf getters), with a leaking goroutine
      // every 500 functions: thousands of goroutines in one file take the
      // channel rules quadratic time (isLastChannelOp and waitsIn scan the
      // whole file's operations per goroutine; reported, not ours to fix).
      const getter = (i: number) => `func (m *Msg${i % 97}) GetField${i}() string {\n\tif m != nil && m.field${i} != nil {\n\t\treturn *m.field${i}\n\t}\n\treturn ""\n}\n\n`;
      const leak = (i: number) => `func f${i}(xs []int) int {\n\tch := make(chan int)\n\tgo func() { ch <- len(xs) }()\n\tif len(xs) == 0 {\n\t\treturn 0\n\t}\n\treturn <-ch\n}\n\n`;
      const parts = ['package p\n\n', ...Array.from({ length: 97 }, (_, i) => `type Msg${i} struct{ ${Array.from({ length: 8 }, (_, k) => `field${k} *string`).join('; ')} }\n`)];
      let size = 0;
      for (let i = 0; size < 10 * 1048576; i++) { const s = i % 500 === 0 ? leak(i) : getter(i); parts.push(s); size += s.length; }
      return parts.join('');
    }],
    ['100,000-line function', () => `package p\n\nfunc F(ch chan int, x int) {\n${'\tx++\n'.repeat(50_000)}${'\tif x > 0 {\n\t\tx--\n\t}\n'.repeat(16_000)}\tgo func() { ch <- x }()\n}\n`],
  ];
  for (const [name, make] of cases) {
    const dir = mkdtempSync(join(tmpdir(), 'golint-leaks-big-'));
    try {
      writeFileSync(join(dir, 'big.go'), make());
      const r = await checkDir(dir, ['big.go'], { maxFileSize: 64 * 1048576 });
      const problems = [...r.problems, ...checkBinary(dir)];
      out.push({ name, ms: r.ms, problems, notices: r.result?.notices.map((n) => n.message) ?? [] });
      o.log?.(`big: ${name}: ${(statSync(join(dir, 'big.go')).size / 1048576).toFixed(1)} MB, ${r.result?.findings.length ?? 0} findings in ${(r.ms / 1000).toFixed(1)}s, ${problems.length} problems`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

async function cli(argv: string[]): Promise<number> {
  const num = (flag: string, def: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const runs = num('--runs', 1000);
  const seed = num('--seed', Date.now() % 2 ** 31);
  const binaryEvery = num('--binary-every', 100);
  const log = (s: string) => process.stderr.write(s + '\n');
  let failed = false;
  log(`fuzz: ${runs} runs, seed ${seed}, every ${binaryEvery}th input through the binary`);
  const stats = await runFuzz({ runs, seed, binaryEvery, log, trace: argv.includes('--trace'), failDir: join(tmpdir(), 'golint-leaks-fuzz-failures') });
  const survived = stats.runs - stats.failures;
  process.stdout.write(`fuzz: ${survived} of ${stats.runs} inputs survived (seed ${seed}, ${(stats.ms / 1000).toFixed(1)}s, ${stats.binaryRuns} also through the binary)\n`);
  process.stdout.write(`  by kind: ${Object.entries(stats.byType).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  process.stdout.write(`  slowest: ${stats.slowest.map((s) => `${s.what.slice(0, 80)} ${s.ms.toFixed(0)}ms`).join('; ')}\n`);
  if (stats.counterexample) { failed = true; process.stdout.write(`  FAILED (inputs saved under ${join(tmpdir(), 'golint-leaks-fuzz-failures')}):\n${stats.counterexample}\n`); }
  if (argv.includes('--truncate-all')) {
    const t = await truncateAll({ log });
    process.stdout.write(`truncate: ${t.inputs - t.problems.length} of ${t.inputs} truncated fixtures survived (${(t.ms / 1000).toFixed(1)}s)\n`);
    if (t.problems.length) { failed = true; process.stdout.write(t.problems.slice(0, 20).join('\n') + '\n'); }
  }
  if (argv.includes('--big')) {
    for (const d of await deepNesting(DEEP_FULL)) {
      process.stdout.write(`deep: ${d.what}: ${(d.ms / 1000).toFixed(1)}s, ${d.problems.length ? `PROBLEMS: ${d.problems.join('; ')}` : 'ok'}\n`);
      if (d.problems.length) failed = true;
    }
    for (const b of await bigInputs({ log })) {
      process.stdout.write(`big: ${b.name}: ${(b.ms / 1000).toFixed(1)}s in-process, ${b.problems.length ? `PROBLEMS: ${b.problems.join('; ')}` : 'ok'}\n`);
      if (b.problems.length) failed = true;
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`fuzz: ${(e as Error).stack}\n`); process.exitCode = 1; });
}
