// Mapping file paths printed by a dumped process onto a local source tree.
//
// The dump usually comes from another machine or container, so its paths
// (`/go/src/github.com/x/y/pkg/a.go`, `C:\build\pkg\a.go`) rarely exist
// here. We match by the longest common path suffix against the `.go` files
// under the source directory and refuse to guess when two files tie.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Directories that never hold the code a dump points at. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);
/** Stop walking huge trees (someone ran the command in `/`); mapping is best effort. */
const MAX_FILES = 200_000;

export type MapResult =
  | { kind: 'mapped'; file: string; relative: string }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'missing' };

function components(file: string): string[] {
  return file.replace(/\\/g, '/').split('/').filter((c) => c !== '' && c !== '.');
}

export class SourceIndex {
  /** Relative paths (with `/`) by base name. */
  private readonly byBase = new Map<string, string[]>();
  private readonly lineCache = new Map<string, string[] | null>();

  private constructor(
    readonly root: string,
    readonly truncated: boolean,
  ) {}

  static async build(root: string): Promise<SourceIndex> {
    const files: string[] = [];
    let truncated = false;
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return; // unreadable directories are simply not candidates
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (files.length >= MAX_FILES) {
          truncated = true;
          return;
        }
        const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
        // Symlinks are not followed: they can loop, and a linked tree is
        // usually a second copy of files we already index.
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) await walk(path.join(dir, entry.name), childRel);
        } else if (entry.isFile() && entry.name.endsWith('.go')) {
          files.push(childRel);
        }
      }
    };
    await walk(root, '');
    const index = new SourceIndex(root, truncated);
    for (const rel of files) {
      const base = rel.slice(rel.lastIndexOf('/') + 1);
      const list = index.byBase.get(base);
      if (list) list.push(rel);
      else index.byBase.set(base, [rel]);
    }
    return index;
  }

  /** Maps a path from the dump to a file under the root. */
  map(dumpFile: string): MapResult {
    const want = components(dumpFile);
    const base = want[want.length - 1];
    if (base === undefined) return { kind: 'missing' };
    const candidates = this.byBase.get(base);
    if (!candidates) return { kind: 'missing' };
    // The dump was taken on this machine from this very tree: exact hit.
    const resolved = path.resolve(this.root);
    for (const rel of candidates) {
      if (path.join(resolved, rel) === path.resolve(dumpFile)) {
        return { kind: 'mapped', file: path.join(resolved, rel), relative: rel };
      }
    }
    let best: string[] = [];
    let bestScore = 0;
    for (const rel of candidates) {
      const have = rel.split('/');
      let score = 0;
      while (
        score < have.length &&
        score < want.length &&
        have[have.length - 1 - score] === want[want.length - 1 - score]
      ) {
        score++;
      }
      // A shared base name alone is no evidence (`client.go` of a vendored
      // library vs. the user's own `cmd/x/client.go`), unless the candidate
      // sits right at the root, where its whole relative path matched.
      if (score < 2 && score < have.length) continue;
      if (score > bestScore) {
        bestScore = score;
        best = [rel];
      } else if (score === bestScore) {
        best.push(rel);
      }
    }
    const only = best[0];
    if (best.length === 1 && only !== undefined) {
      return { kind: 'mapped', file: path.join(resolved, only), relative: only };
    }
    return best.length > 1 ? { kind: 'ambiguous', candidates: best } : { kind: 'missing' };
  }

  /** One line (1-based) of a mapped file, or null if unreadable. */
  async line(file: string, line: number): Promise<string | null> {
    let lines = this.lineCache.get(file);
    if (lines === undefined) {
      try {
        lines = (await fs.readFile(file, 'utf8')).split(/\r?\n/);
      } catch {
        lines = null;
      }
      this.lineCache.set(file, lines);
    }
    return lines?.[line - 1] ?? null;
  }
}

/**
 * Infers the wait reason from the source line a goroutine is parked on.
 *
 * Only used for debug=1 records, which hide the runtime frames that name
 * the wait. The top frame being user code means the line called straight
 * into the runtime, i.e. it is a channel operation or a select; this tells
 * which. Returns null when the line does not say (both a send and a
 * receive, or neither).
 */
export function stateFromSourceLine(text: string): string | null {
  // Drop string/rune literals and comments so `"<-"` or `// ch <- v` do not count.
  const code = text
    .replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\/\/.*$/, '')
    .replace(/\/\*.*?\*\//g, '');
  if (/\bselect\s*\{\s*\}/.test(code)) return 'select (no cases)';
  if (/\bselect\s*\{/.test(code)) return 'select';
  // Channel types are not operations.
  const ops = code.replace(/<-\s*chan\b/g, 'chan').replace(/\bchan\s*<-/g, 'chan');
  let send = false;
  let receive = false;
  const arrow = /<-/g;
  for (let m = arrow.exec(ops); m !== null; m = arrow.exec(ops)) {
    const before = ops.slice(0, m.index).trimEnd();
    const word = /([A-Za-z_]\w*)$/.exec(before)?.[1];
    // `x <- v` and `s.ch[i] <- v` send; `v := <-ch`, `case <-ch`, `return <-ch` receive.
    const sendsHere =
      /[\w)\]]$/.test(before) && !(word !== undefined && ['return', 'case', 'go', 'defer', 'range'].includes(word));
    if (sendsHere) send = true;
    else receive = true;
  }
  if (send && !receive) return 'chan send';
  if (receive && !send) return 'chan receive';
  if (!send && !receive && /\brange\b/.test(ops)) return 'chan receive';
  return null;
}
