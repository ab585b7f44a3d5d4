// Package patterns as the go tool reads them: `./...`, `dir/...`, `dir`,
// `file.go`. `...` skips vendor/, testdata/, node_modules/ and directories
// whose name starts with `.` or `_`, and never follows a symlinked directory
// (which also makes symlink loops harmless).
import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Expansion {
  /** Absolute paths of .go files, sorted, deduplicated. */
  files: string[];
  /** Patterns that matched nothing or could not be read. */
  problems: string[];
}

const SKIP_DIRS = new Set(['vendor', 'testdata', 'node_modules']);

export function skipDir(name: string): boolean {
  return SKIP_DIRS.has(name) || name.startsWith('.') || name.startsWith('_');
}

export function expandPatterns(patterns: string[], cwd: string): Expansion {
  const files = new Set<string>();
  const problems: string[] = [];
  for (const pattern of patterns) {
    const recursive = pattern === '...' || pattern.endsWith('/...');
    const base = resolve(cwd, recursive ? (pattern === '...' ? '.' : pattern.slice(0, -4) || '/') : pattern);
    let st;
    try {
      st = statSync(base);
    } catch (e) {
      problems.push(`${pattern}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
      continue;
    }
    const before = files.size;
    if (st.isFile()) {
      if (base.endsWith('.go')) files.add(base);
      else problems.push(`${pattern}: not a .go file`);
      continue;
    }
    if (recursive) walk(base, files, problems);
    else listDir(base, files, problems);
    if (files.size === before && !problems.some((p) => p.startsWith(pattern))) problems.push(`${pattern}: matched no Go files`);
  }
  return { files: [...files].sort(), problems };
}

function readDir(dir: string, problems: string[]): Dirent[] | null {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    problems.push(`${dir}: cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return null;
  }
}

function listDir(dir: string, files: Set<string>, problems: string[]): void {
  for (const e of readDir(dir, problems) ?? []) {
    if (!e.name.endsWith('.go')) continue;
    const p = join(dir, e.name);
    if (e.isFile()) files.add(p);
    else if (e.isSymbolicLink()) {
      try { if (statSync(p).isFile()) files.add(p); } catch { problems.push(`${p}: broken symlink`); }
    }
  }
}

/** Iterative: deep trees must not overflow the stack. */
function walk(root: string, files: Set<string>, problems: string[]): void {
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    const entries = readDir(dir, problems);
    if (!entries) continue;
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!skipDir(e.name)) stack.push(p);
      } else if (e.name.endsWith('.go')) {
        if (e.isFile()) files.add(p);
        else if (e.isSymbolicLink()) {
          try { if (lstatSync(p) && statSync(p).isFile()) files.add(p); } catch { problems.push(`${p}: broken symlink`); }
        }
      }
    }
  }
}
