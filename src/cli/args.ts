// Flag parsing in the go tool's spirit: `-flag value`, `--flag=value`,
// booleans as `--tests=false`, `--` ends flags. Unknown flags are usage errors.

export interface ParsedArgs {
  flags: Map<string, string>;
  positional: string[];
}

export class UsageError extends Error {}

export interface FlagSpec {
  /** Takes a value (otherwise boolean). */
  value: boolean;
  alias?: string;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  const aliases = new Map(Object.entries(spec).filter(([, s]) => s.alias).map(([k, s]) => [s.alias!, k]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { positional.push(a); continue; }
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a)!;
    const name = aliases.get(m[1]!) ?? m[1]!;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown flag: ${a}`);
    if (s.value) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw new UsageError(`flag needs a value: ${a}`);
      flags.set(name, v);
    } else {
      const v = m[2] ?? 'true';
      if (v !== 'true' && v !== 'false') throw new UsageError(`flag ${a}: expected true or false`);
      flags.set(name, v);
    }
  }
  return { flags, positional };
}

export function listFlag(v: string | undefined): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}
