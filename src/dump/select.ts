// What a goroutine dump does not show: the cases of the `select` a
// goroutine is parked in. The traceback names the function and the line of
// the `select` keyword, and nothing about its channels, so a loop waiting on
// a ticker and a stop channel looks exactly like one waiting on a stop
// channel alone. Where the frame maps to a file under --source, that file is
// parsed and the select on that line is read; whether a case wakes by itself
// (a timer, a ticker, time.After, a deadline context) is Go semantics, asked
// of src/semantics/timers.ts.

import { promises as fs } from 'node:fs';
import { parseGo } from '../engine/parser.js';
import { readImports } from '../semantics/imports.js';
import { PackageSemantics } from '../semantics/package.js';
import type { Node } from '../semantics/syntax.js';
import { selfWakingCase } from '../semantics/timers.js';

/** The select a frame is parked in, as read from the source. */
export interface SelectCases {
  /** The first case that wakes by itself, as written (`case <-t.C`), or null when none does. */
  selfWaking: string | null;
  /** Line of that case, or of the select when none. */
  line: number;
}

/** Source files larger than this are not parsed for a select (generated code). */
const MAX_BYTES = 4 * 1024 * 1024;

/** Reads selects out of source files, parsing each file once. */
export class SelectReader {
  private readonly packages = new Map<string, PackageSemantics | null>();

  /**
   * The select statement starting on `line` of `file` (the line a parked
   * goroutine's frame points at), or null when the file cannot be read or
   * has no select there: a stale checkout, or another program's file.
   */
  async at(file: string, line: number): Promise<SelectCases | null> {
    const pkg = await this.load(file);
    if (!pkg) return null;
    const select = selectOnLine(pkg.files[0]!.root, line);
    if (!select) return null;
    const c = selfWakingCase(pkg, select);
    if (!c) return { selfWaking: null, line };
    const head = c.childForFieldName('communication')?.text ?? '';
    return { selfWaking: `case ${head.replace(/\s+/g, ' ')}`, line: c.startPosition.row + 1 };
  }

  private async load(file: string): Promise<PackageSemantics | null> {
    let pkg = this.packages.get(file);
    if (pkg !== undefined) return pkg;
    pkg = null;
    try {
      const stat = await fs.stat(file);
      if (stat.isFile() && stat.size <= MAX_BYTES) {
        const text = await fs.readFile(file, 'utf8');
        const tree = parseGo(text);
        // One file is enough: a select's timer cases are spelled out where it
        // is written (`time.After`, `t.C`), and locals resolve within it.
        pkg = new PackageSemantics(
          [{ path: file, text, tree, root: tree.rootNode, imports: readImports(tree.rootNode), generated: false, isTest: file.endsWith('_test.go') }],
          'dump',
        );
      }
    } catch {
      pkg = null; // unreadable or unparsable: the cases stay unknown
    }
    this.packages.set(file, pkg);
    return pkg;
  }
}

/** The innermost select statement whose `select` keyword is on `line` (1-based). */
function selectOnLine(root: Node, line: number): Node | null {
  const row = line - 1;
  let best: Node | null = null;
  for (const s of root.descendantsOfType('select_statement')) {
    if (s.startPosition.row === row && (!best || s.startIndex > best.startIndex)) best = s;
  }
  return best;
}
