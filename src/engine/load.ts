// Reading source files and grouping them into packages. Bad input never stops
// the run: an unreadable, binary, non-UTF-8 or oversized file gets one notice
// and the rest is linted.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Notice } from './finding.js';
import type Parser from 'tree-sitter';
import { fileNameMatches, headerMatches, tagsToInclude, type BuildContext } from './buildtags.js';

export interface LoadedFile {
  path: string;
  text: string;
  packageName: string;
  generated: boolean;
  isTest: boolean;
  /**
   * Set when the file's build constraint does not hold but these custom tags
   * (not given with --tags) would make it hold: linted unless it redeclares
   * what the package's other files declare (admitTagged).
   */
  needsTags?: string[];
  /** A tree parsed before linting (to read what the file declares), kept so it is parsed once. */
  tree?: Parser.Tree;
}

export interface PackageUnit {
  dir: string;
  name: string;
  files: LoadedFile[];
  /** Of an external test package (`foo_test`), the files of the package it tests, in the same directory (undertest.ts). */
  tested?: LoadedFile[];
}

export interface LoadOptions {
  tests: boolean;
  maxFileSize: number;
  build: BuildContext;
  /** Absolute paths to leave out (config `exclude`). */
  excluded?: (abs: string) => boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Go's convention for generated files: this line before the package clause. */
const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

export function readSource(path: string, opts: LoadOptions, notices: Notice[]): LoadedFile | null {
  const name = basename(path);
  const isTest = name.endsWith('_test.go');
  if (isTest && !opts.tests) return null;
  if (!fileNameMatches(name, opts.build)) return null;
  let buf: Buffer;
  try {
    const st = statSync(path);
    if (st.size > opts.maxFileSize) {
      notices.push({ level: 'warning', file: path, message: `skipped: file is ${(st.size / 1048576).toFixed(1)} MB, over the ${(opts.maxFileSize / 1048576).toFixed(1)} MB limit (maxFileSize)` });
      return null;
    }
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    notices.push({ level: 'error', file: path, message: `cannot read: ${code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'file vanished during the run' : code ?? (e as Error).message}` });
    return null;
  }
  if (buf.subarray(0, 8000).includes(0)) {
    notices.push({ level: 'error', file: path, message: 'skipped: binary file (contains NUL bytes)' });
    return null;
  }
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    notices.push({ level: 'error', file: path, line: at.line, message: `skipped: not valid UTF-8 (first bad byte on line ${at.line})` });
    return null;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // Go accepts a leading BOM
  const header = headerOf(text);
  if (header === null) {
    if (text.trim() === '') notices.push({ level: 'warning', file: path, message: 'skipped: empty file' });
    else notices.push({ level: 'error', file: path, line: 1, message: 'skipped: expected a package clause' });
    return null;
  }
  const file: LoadedFile = { path, text, packageName: header.pkg, generated: GENERATED.test(header.text), isTest };
  if (!headerMatches(header.text, opts.build)) {
    const tags = tagsToInclude(header.text, opts.build);
    if (!tags) return null; // another platform, `ignore`, or a tag --tags turned off
    file.needsTags = tags;
  }
  return file;
}

/** The comments and blank lines before the package clause, and the package name. */
export function headerOf(text: string): { text: string; pkg: string } | null {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { i++; continue; }
    if (text.startsWith('//', i)) { const e = text.indexOf('\n', i); i = e < 0 ? n : e + 1; continue; }
    if (text.startsWith('/*', i)) { const e = text.indexOf('*/', i + 2); if (e < 0) return null; i = e + 2; continue; }
    break;
  }
  const m = /^package\s+([\p{L}_][\p{L}\p{N}_]*)/u.exec(text.slice(i, i + 200));
  return m ? { text: text.slice(0, i), pkg: m[1]! } : null;
}

function firstInvalidUtf8(buf: Buffer): { line: number } {
  let line = 1;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0x0a) { line++; continue; }
    if (b < 0x80) continue;
    const len = b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len === 0 || i + len > buf.length) return { line };
    try { utf8.decode(buf.subarray(i, i + len)); } catch { return { line }; }
    i += len - 1;
  }
  return { line };
}

/** Groups files by directory and package clause: `foo` and `foo_test` in one directory are two packages. */
export function groupPackages(files: LoadedFile[]): PackageUnit[] {
  const byKey = new Map<string, PackageUnit>();
  for (const f of files) {
    const dir = dirname(f.path);
    const key = `${dir}\0${f.packageName}`;
    let unit = byKey.get(key);
    if (!unit) { unit = { dir, name: f.packageName, files: [] }; byKey.set(key, unit); }
    unit.files.push(f);
  }
  for (const unit of byKey.values()) {
    if (unit.name.endsWith('_test')) unit.tested = byKey.get(`${unit.dir}\0${unit.name.slice(0, -'_test'.length)}`)?.files;
  }
  return [...byKey.values()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Files behind custom build tags (`//go:build e2e`) are where end-to-end
 * helpers live, and `go vet` never sees them without `-tags`. They are linted
 * as if their tags were set, unless one declares at package level a name
 * that another file of its package in the build already declares: then it is
 * an alternative to that file (`e2e` beside `!e2e`, `purego` beside
 * `!purego`), and merging both would give the package two of everything. Such
 * a file is left out, as the go tool leaves it out, and counted for the
 * notice. Files are taken in path order, each admitted one adding its names.
 * `names` is asked only of packages that have a tagged file.
 */
export function admitTagged(files: LoadedFile[], names: (f: LoadedFile) => string[]): { files: LoadedFile[]; leftOut: LoadedFile[] } {
  if (!files.some((f) => f.needsTags)) return { files, leftOut: [] };
  const byPkg = new Map<string, LoadedFile[]>();
  for (const f of files) {
    const key = `${dirname(f.path)}\0${f.packageName}`;
    const pkg = byPkg.get(key);
    if (pkg) pkg.push(f);
    else byPkg.set(key, [f]);
  }
  const leftOut = new Set<LoadedFile>();
  for (const pkg of byPkg.values()) {
    const tagged = pkg.filter((f) => f.needsTags).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (tagged.length === 0) continue;
    const declared = new Set<string>();
    for (const f of pkg) if (!f.needsTags) for (const n of names(f)) declared.add(n);
    for (const f of tagged) {
      const mine = names(f);
      if (mine.some((n) => declared.has(n))) { leftOut.add(f); continue; }
      for (const n of mine) declared.add(n);
    }
  }
  return { files: files.filter((f) => !leftOut.has(f)), leftOut: files.filter((f) => leftOut.has(f)) };
}
