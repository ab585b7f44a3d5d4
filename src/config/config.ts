// The configuration file: `.golint-leaks.yaml` (or `.yml`, `.json`) found by
// walking up from the working directory, or `--config FILE`. Data only: YAML
// is parsed without custom tags and nothing in it is executed. Every unknown
// key, wrong type or unknown rule id is an error naming the file, the key and
// what was expected (exit 2), like go vet's flags.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Rule, Severity } from '../engine/rule.js';

export interface RuleSetting {
  enabled: boolean;
  severity?: Severity;
  options: Record<string, unknown>;
}

export interface Config {
  /** The file it came from, or null for defaults. */
  path: string | null;
  rules: Map<string, RuleSetting>;
  /** Path globs (relative to the config file's directory) to leave out. */
  exclude: string[];
  maxFileSize: number;
  tests: boolean | null;
  tags: string[];
}

export class ConfigError extends Error {}

export const CONFIG_NAMES = ['.golint-leaks.yaml', '.golint-leaks.yml', '.golint-leaks.json'];
const TOP_KEYS = ['rules', 'exclude', 'maxFileSize', 'tests', 'tags'];
const SEVERITIES = ['error', 'warning', 'note'];

export function findConfig(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const n of CONFIG_NAMES) if (existsSync(join(dir, n))) return join(dir, n);
    if (dirname(dir) === dir) return null;
  }
}

export function defaultConfig(rules: readonly Rule[]): Config {
  return {
    path: null,
    rules: new Map(rules.map((r) => [r.meta.id, { enabled: r.meta.enabledByDefault !== false, options: defaultOptions(r) }])),
    exclude: [],
    maxFileSize: 5 * 1024 * 1024,
    tests: null,
    tags: [],
  };
}

function defaultOptions(r: Rule): Record<string, unknown> {
  return { ...(r.meta.options ?? {}) };
}

export function loadConfig(path: string, rules: readonly Rule[]): Config {
  let raw: unknown;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseDataYaml(text, path);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const cfg = defaultConfig(rules);
  cfg.path = path;
  if (raw === null || raw === undefined) return cfg;
  const err = (key: string, expected: string) => new ConfigError(`${path}: ${key}: expected ${expected}`);
  if (!isObject(raw)) throw err('(top level)', 'a mapping with keys ' + TOP_KEYS.join(', '));
  for (const [k, v] of Object.entries(raw)) {
    switch (k) {
      case 'rules': {
        if (!isObject(v)) throw err('rules', 'a mapping from rule id to on/off/severity or {severity, options}');
        for (const [id, setting] of Object.entries(v)) {
          const rule = rules.find((r) => r.meta.id === id);
          if (!rule) throw err(`rules.${id}`, `a known rule id (one of: ${rules.map((r) => r.meta.id).join(', ')})`);
          cfg.rules.set(id, ruleSetting(id, setting, rule, err));
        }
        break;
      }
      case 'exclude':
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw err('exclude', 'a list of path globs');
        cfg.exclude = v as string[];
        break;
      case 'maxFileSize':
        cfg.maxFileSize = parseSize(v, () => err('maxFileSize', 'a size in bytes or with a unit (512KB, 5MB)'));
        break;
      case 'tests':
        if (typeof v !== 'boolean') throw err('tests', 'true or false');
        cfg.tests = v;
        break;
      case 'tags':
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw err('tags', 'a list of build tags');
        cfg.tags = v as string[];
        break;
      default:
        throw err(k, `a known key (one of: ${TOP_KEYS.join(', ')})`);
    }
  }
  return cfg;
}

/**
 * YAML as plain data: the core schema, no merge keys, aliases capped (an
 * anchor bomb is an error, not a hang), and no explicit tags at all, so
 * neither `!!js/function`-style custom tags nor `!!binary`/`!!set` turn a
 * value into something other than strings, numbers, booleans, lists and maps.
 */
function parseDataYaml(text: string, path: string): unknown {
  const { LineCounter, parseDocument, visit, isPair, isScalar } = yamlLibrary();
  const lines = new LineCounter();
  const doc = parseDocument(text, { customTags: [], schema: 'core', merge: false, uniqueKeys: true, logLevel: 'silent', lineCounter: lines });
  if (doc.errors.length) throw new Error(doc.errors[0]!.message);
  let tagged: { key: string; tag: string; line: number } | null = null;
  visit(doc, (_key, node, ancestors) => {
    if (tagged || !node || typeof node !== 'object' || !('tag' in node) || !(node as { tag?: string }).tag) return;
    const keys = ancestors.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : '?'));
    const range = (node as { range?: [number, number, number] }).range;
    tagged = { key: keys.join('.') || '(top level)', tag: (node as { tag: string }).tag.replace('tag:yaml.org,2002:', '!!'), line: range ? lines.linePos(range[0]).line : 0 };
    return visit.BREAK;
  });
  if (tagged) {
    const t = tagged as { key: string; tag: string; line: number };
    throw new ConfigError(`${path}:${t.line}: ${t.key}: expected plain data; YAML tags such as ${t.tag} are not allowed`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** Loaded on first use: most runs have no YAML config, and loading the library is a third of a small run's start-up. */
let yaml: typeof Yaml | null = null;
function yamlLibrary(): typeof Yaml {
  return (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

function ruleSetting(id: string, v: unknown, rule: Rule, err: (k: string, e: string) => ConfigError): RuleSetting {
  const base: RuleSetting = { enabled: true, options: defaultOptions(rule) };
  if (v === 'off' || v === false) return { ...base, enabled: false };
  if (v === 'on' || v === true) return base;
  if (typeof v === 'string') {
    if (!SEVERITIES.includes(v)) throw err(`rules.${id}`, `on, off, or a severity (${SEVERITIES.join(', ')})`);
    return { ...base, severity: v as Severity };
  }
  if (!isObject(v)) throw err(`rules.${id}`, 'on, off, a severity, or {enabled, severity, options}');
  for (const [k, x] of Object.entries(v)) {
    if (k === 'enabled') {
      if (typeof x !== 'boolean') throw err(`rules.${id}.enabled`, 'true or false');
      base.enabled = x;
    } else if (k === 'severity') {
      if (typeof x !== 'string' || !SEVERITIES.includes(x)) throw err(`rules.${id}.severity`, `one of ${SEVERITIES.join(', ')}`);
      base.severity = x as Severity;
    } else if (k === 'options') {
      if (!isObject(x)) throw err(`rules.${id}.options`, 'a mapping');
      const known = rule.meta.options ?? {};
      for (const [ok, ov] of Object.entries(x)) {
        if (!(ok in known)) throw err(`rules.${id}.options.${ok}`, Object.keys(known).length ? `one of: ${Object.keys(known).join(', ')}` : 'no options (this rule takes none)');
        const def = known[ok];
        const okType = Array.isArray(def) ? Array.isArray(ov) && ov.every((e) => typeof e === 'string') : typeof ov === typeof def;
        if (!okType) throw err(`rules.${id}.options.${ok}`, Array.isArray(def) ? 'a list of strings' : `a ${typeof def}`);
        base.options[ok] = ov;
      }
    } else throw err(`rules.${id}.${k}`, 'one of: enabled, severity, options');
  }
  return base;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseSize(v: unknown, fail: () => Error): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v);
  if (typeof v !== 'string') throw fail();
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$/i.exec(v);
  if (!m) throw fail();
  const unit = (m[2] ?? 'B').toUpperCase().replace('I', '');
  const mult = unit === 'KB' ? 1024 : unit === 'MB' ? 1048576 : unit === 'GB' ? 1073741824 : 1;
  return Math.floor(Number(m[1]) * mult);
}

/** Minimal glob → RegExp: `**` spans directories, `*` and `?` do not. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') { re += '.*'; i++; if (glob[i + 1] === '/') i++; }
      else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
