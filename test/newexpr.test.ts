// Go 1.26's new(expr), which tree-sitter-go 0.25.0 rejects, parses as a call
// (src/engine/newexpr.ts): no ERROR node, the same offsets, the original text.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'tree-sitter';
import Go from 'tree-sitter-go';
import { parseGo } from '../src/engine/parser.js';
import { newCallOffsets } from '../src/engine/newexpr.js';
import { isSkippedDir } from '../scripts/oracle.js';
import { FIXTURES, cleanup, run, tree } from './helpers/cli.js';

afterAll(cleanup);

type Node = Parser.SyntaxNode;

function raw(text: string): Parser.Tree {
  const p = new Parser();
  p.setLanguage(Go as unknown as Parser.Language);
  return p.parse(text);
}

function newCalls(root: Node): Node[] {
  return root.descendantsOfType('call_expression').filter((c) => c.childForFieldName('function')?.text === 'new');
}

function everyNode(root: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => { out.push(n); for (const c of n.children) walk(c); };
  walk(root);
  return out;
}

const SRC = `package p

// "new(" in a comment, and a string: "new(0)"
type Snap struct{ Term, Index *uint64 }

var é = "ü new(1) ü"

func f(walSnaps []W, idx int, m M) *Snap {
	a := new(int)
	b := new([]int)
	c := new(map[string]int)
	_, _, _ = a, b, c
	_ = new(uint64(m.ID))
	_ = new(0)
	_ = new(T{A: 1})
	_ = new (-1)
	return &Snap{
		Term:  new(walSnaps[idx].GetTerm()),
		Index: new(walSnaps[idx].GetIndex()),
	}
}
`;

describe('new(expr) (Go 1.26)', () => {
  it('the grammar rejects it; parseGo does not', () => {
    expect(raw(SRC).rootNode.hasError).toBe(true);
    expect(parseGo(SRC).rootNode.hasError).toBe(false);
  });

  it('every node has the offsets, positions and text of the original; nothing reads nEw', () => {
    const root = parseGo(SRC).rootNode;
    expect(root.text).toBe(SRC);
    for (const n of everyNode(root)) {
      expect(n.text).toBe(SRC.slice(n.startIndex, n.endIndex));
      expect(n.text).not.toContain('nEw');
      const before = SRC.slice(0, n.startIndex).split('\n');
      expect(n.startPosition).toEqual({ row: before.length - 1, column: before[before.length - 1]!.length }); // tree-sitter counts UTF-16 units here
    }
  });

  it('new(expr) is a call with an argument list holding the expression; new(T) keeps its type argument', () => {
    const root = parseGo(SRC).rootNode;
    const args = newCalls(root).map((c) => {
      const a = c.childForFieldName('arguments')!;
      return `${c.childForFieldName('function')!.type} ${a.type} ${a.namedChild(0)!.type} ${a.namedChild(0)!.text}`;
    });
    expect(args).toEqual([
      'identifier argument_list type_identifier int',
      'identifier argument_list slice_type []int',
      'identifier argument_list map_type map[string]int',
      'identifier argument_list call_expression uint64(m.ID)',
      'identifier argument_list int_literal 0',
      'identifier argument_list composite_literal T{A: 1}',
      'identifier argument_list unary_expression -1',
      'identifier argument_list call_expression walSnaps[idx].GetTerm()',
      'identifier argument_list call_expression walSnaps[idx].GetIndex()',
    ]);
  });

  it('finds new calls outside comments and literals only', () => {
    const offsets = newCallOffsets(SRC);
    expect(offsets.map((o) => SRC.slice(o, SRC.indexOf('\n', o)).trim().slice(0, 12))).toEqual([
      'new(int)', 'new([]int)', 'new(map[stri', 'new(uint64(m', 'new(0)', 'new(T{A: 1})', 'new (-1)', 'new(walSnaps', 'new(walSnaps',
    ]);
    expect(newCallOffsets('package p\n\nfunc (x X) f() { x.new(1); renew(2) }\n')).toEqual([]);
  });

  it('a real syntax error stays one, at its line; the new(expr) beside it still parses', () => {
    const text = 'package p\n\nfunc f() {\n\tx := new(g())\n\tif {\n}\n';
    const root = parseGo(text).rootNode;
    expect(root.hasError).toBe(true);
    const call = newCalls(root)[0]!;
    expect(call.hasError).toBe(false);
    expect(call.childForFieldName('arguments')!.namedChild(0)!.type).toBe('call_expression');
    expect(root.text).toBe(text);
  });

  it('a func named new and a new that is not a call are left alone', () => {
    const text = 'package p\n\nfunc new(x int) *int { return &x }\n\nvar v = new(1)\n\nfunc g() { _ = new; if { }\n';
    const root = parseGo(text).rootNode;
    expect(root.descendantsOfType('function_declaration')[0]!.childForFieldName('name')!.text).toBe('new');
    expect(newCalls(root)).toHaveLength(1);
    expect(root.text).toBe(text);
  });

  it('a file over 1 MB (parsed through the callback) reads its original text too', () => {
    const pad = `// ${'x'.repeat(100)}\n`.repeat(11000);
    const text = `package p\n\n${pad}var v = new(f())\n`;
    expect(text.length).toBeGreaterThan(1 << 20);
    const root = parseGo(text).rootNode;
    expect(root.hasError).toBe(false);
    const call = newCalls(root)[0]!;
    expect(call.text).toBe('new(f())');
  });
});

/**
 * Each go126/ fixture (new(expr), Go 1.26) has a twin one folder up that
 * spells the same code with new(T) and an assignment on the same lines, and
 * compiles with Debian's Go: the compile check vets it and the oracle runs
 * its driver. Every rule over both must give the same findings, line for line.
 */
const PAIRS = [
  ['chan-send-leak/go126/new_expr.go', 'chan-send-leak/new_then_assign.go'],
  ['chan-send-leak/go126/ok_new_expr.go', 'chan-send-leak/ok_new_then_assign.go'],
] as const;

interface JsonFinding { path: string; line: number; column: number; ruleId: string; message: string }

describe('go126/ fixtures: new(expr) gets the findings of new(T) plus an assignment', () => {
  it('go126/ is skipped by the compile check and the oracle (Go 1.19 rejects new(expr)), like go121/', () => {
    expect(isSkippedDir('chan-send-leak/go126')).toBe(true);
    expect(isSkippedDir('ssh-handshake-no-deadline/go121')).toBe(true);
    expect(isSkippedDir('chan-send-leak')).toBe(false);
    expect(isSkippedDir('go119')).toBe(false);
  });

  it('every go126/ file has a twin: line for line, the grammar rejects one and accepts the other', () => {
    expect(readdirSync(join(FIXTURES, 'chan-send-leak/go126')).sort()).toEqual(PAIRS.map(([e]) => e.split('/').pop()).sort());
    for (const [expr, twin] of PAIRS) {
      const e = readFileSync(join(FIXTURES, expr), 'utf8');
      const t = readFileSync(join(FIXTURES, twin), 'utf8');
      expect(e.split('\n').length, expr).toBe(t.split('\n').length);
      expect(raw(e).rootNode.hasError, expr).toBe(true);
      expect(raw(t).rootNode.hasError, twin).toBe(false);
    }
  });

  it.each([
    ['', ''],
    [' (channel rules on the path engine)', 'rules:\n  chan-send-leak: { options: { engine: paths } }\n  chan-recv-leak: { options: { engine: paths } }\n'],
  ])('all rules over the go126/ package and over its twins, each copied to a package of its own: the same report%s', (_, config) => {
    // Same file names on both sides, so that the reports compare as text.
    const files: Record<string, string> = config ? { '.golint-leaks.yaml': config } : {};
    PAIRS.forEach(([expr, twin], i) => {
      files[`expr/f${i}.go`] = readFileSync(join(FIXTURES, expr), 'utf8');
      files[`twin/f${i}.go`] = readFileSync(join(FIXTURES, twin), 'utf8');
    });
    const d = tree(files, 'newexpr');
    const lint = (dir: string) => {
      const r = run(['--format', 'json', `./${dir}`], d);
      expect(r.stderr).toBe('');
      const j = JSON.parse(r.stdout) as { findings: JsonFinding[]; notices: unknown[] };
      // The fingerprint hashes the path; everything else must match.
      const findings = j.findings.map((f) => ({ ...f, fingerprint: undefined }));
      return { notices: j.notices, findings: JSON.parse(JSON.stringify(findings).split(`${dir}/`).join('')) as JsonFinding[] };
    };
    const expr = lint('expr');
    const twin = lint('twin');
    expect(expr.notices).toEqual([]);
    expect(twin.notices).toEqual([]);
    expect(expr.findings).toEqual(twin.findings);
    const wants = PAIRS.reduce((n, [e]) => n + (readFileSync(join(FIXTURES, e), 'utf8').match(/\/\/ want /g) ?? []).length, 0);
    expect(expr.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`)).toHaveLength(wants);
  });

  it('--fix edits the original text of a new(expr) file, never the text the parser read', () => {
    const d = tree({}, 'newexpr-fix');
    copyFileSync(join(FIXTURES, 'chan-send-leak/go126/new_expr.go'), join(d, 'f.go'));
    const before = readFileSync(join(d, 'f.go'), 'utf8');
    const r = run(['--fix', '--rules', 'chan-send-leak', './...'], d);
    expect(r.stderr).toBe('golint-leaks: fixed 1 file\n');
    const after = readFileSync(join(d, 'f.go'), 'utf8');
    expect(after).toBe(before.replace('make(chan *Snapshot)', 'make(chan *Snapshot, 1)').replace('make(chan uint64)', 'make(chan uint64, 1)'));
    expect(after).not.toContain('nEw');
  });
});
