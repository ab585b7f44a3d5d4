// Unit tests of the Go-semantics layer on small snippets: the control-flow
// graph for every construct, channel facts, goroutine facts, summaries
// through package-local calls, and the seeds' shapes.
import { describe, expect, it } from 'vitest';
import { parseGo } from '../src/engine/parser.js';
import { readImports } from '../src/semantics/imports.js';
import { PackageSemantics, type SourceFile } from '../src/semantics/package.js';
import { iotaConstValue, type Node } from '../src/semantics/syntax.js';
import { constIntValue } from '../src/semantics/constants.js';
import type { Cfg, CfgNode } from '../src/semantics/cfg.js';
import { channelUses, goroutine, ownerShortfall } from '../src/semantics/leaks.js';
import { countText, fieldChannelFacts, fieldChannelOf, sharedChannel } from '../src/semantics/channels.js';
import { defaultImportName } from '../src/semantics/imports.js';
import { selfWakingCase } from '../src/semantics/timers.js';

function pkgOf(...sources: string[]): PackageSemantics {
  const files: SourceFile[] = sources.map((text, i) => {
    const tree = parseGo(text);
    return { path: `/virtual/f${i}.go`, text, tree, root: tree.rootNode, imports: readImports(tree.rootNode), generated: false, isTest: false };
  });
  return new PackageSemantics(files, 'p');
}

function fn(pkg: PackageSemantics, name: string): Node {
  const f = pkg.funcs.get(name) ?? [...pkg.methods.entries()].find(([k]) => k.endsWith(`.${name}`))?.[1];
  if (!f) throw new Error(`no func ${name}`);
  return f;
}

/** The graph node whose statement starts with `prefix` (trimmed source text). */
function at(g: Cfg, prefix: string): CfgNode {
  const n = g.nodes.find((x) => x.ast && x.ast.text.trim().startsWith(prefix));
  if (!n) throw new Error(`no node ${prefix}:\n${g.toText((a) => a.startPosition.row + 1)}`);
  return n;
}

const texts = (path: CfgNode[] | null) => path?.map((n) => n.ast?.text.split('\n')[0] ?? n.kind) ?? null;

const wrap = (body: string, extra = '') => `package p\n\nimport (\n\t"os"\n\t"log"\n\t"runtime"\n\t"testing"\n\t"context"\n\t"time"\n)\n\nvar _ = os.Exit\nvar _ = log.Fatal\nvar _ = runtime.Goexit\nvar _ = time.After\nvar _ context.Context\nvar _ *testing.T\n${extra}\nfunc f(a, b bool, xs []int, ch chan int, t *testing.T, ctx context.Context) int {\n${body}\n}\n`;

describe('control-flow graph', () => {
  it('if / else if / else: each branch reaches the join, a return branch does not', () => {
    const pkg = pkgOf(wrap('\tif a {\n\t\treturn 1\n\t} else if b {\n\t\txs = nil\n\t} else {\n\t\txs = xs[:0]\n\t}\n\treturn 0'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    const ret1 = at(g, 'return 1');
    expect(g.pathToExit(g.entry, (n) => n === at(g, 'return 0'))).not.toBeNull(); // via return 1
    expect(g.mustPass(g.entry, (n) => n === at(g, 'return 0') || n === ret1)).toBe(true);
    expect(texts(g.pathToExit(g.entry, (n) => n === ret1 || n.ast?.text === 'xs = nil'))).toContain('xs = xs[:0]');
  });

  it('expression switch with fallthrough, and no default falls past', () => {
    const pkg = pkgOf(wrap('\tswitch len(xs) {\n\tcase 0:\n\t\txs = nil\n\t\tfallthrough\n\tcase 1:\n\t\treturn 1\n\t}\n\treturn 2'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    // `xs = nil` falls through into case 1's body: it cannot reach `return 2`.
    const nilAssign = at(g, 'xs = nil');
    expect(g.pathTo(nilAssign, at(g, 'return 2'), () => false)).toBeNull();
    expect(g.pathTo(nilAssign, at(g, 'return 1'), () => false)).not.toBeNull();
    // no default: the switch itself can fall past to return 2
    expect(g.pathTo(g.entry, at(g, 'return 2'), (n) => n.kind === 'case')).not.toBeNull();
  });

  it('type switch: one edge per clause, default present', () => {
    const pkg = pkgOf(wrap('\tvar v interface{} = a\n\tswitch x := v.(type) {\n\tcase int:\n\t\treturn x\n\tdefault:\n\t\t_ = x\n\t}\n\treturn 0'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    const sw = g.nodes.find((n) => n.kind === 'switch')!;
    expect(sw.succ.map((id) => g.nodes[id]!.kind)).toEqual(['case', 'case']);
  });

  it('select: one node per case; no default means no way past; select {} blocks forever', () => {
    const pkg = pkgOf(wrap('\tselect {\n\tcase v := <-ch:\n\t\treturn v\n\tcase <-ctx.Done():\n\t}\n\tselect {\n\tcase ch <- 1:\n\tdefault:\n\t}\n\tselect {}'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    const sels = g.nodes.filter((n) => n.kind === 'select');
    expect(sels).toHaveLength(3);
    expect(sels[0]!.succ.map((id) => g.nodes[id]!.kind)).toEqual(['comm', 'comm']);
    expect(sels[1]!.succ.map((id) => g.nodes[id]!.kind)).toEqual(['comm', 'case']);
    expect(sels[2]!.succ).toEqual([]);
    // The only way out is `return v`: the final empty select never completes.
    expect(texts(g.pathToExit(g.entry, () => false))).toEqual(['entry', 'select {', 'v := <-ch', 'return v', 'exit']);
  });

  it('for in its three forms: condition loops have loopDone, `for {}` has none', () => {
    const pkg = pkgOf(wrap('\tfor i := 0; i < 3; i++ {\n\t\txs = append(xs, i)\n\t}\n\tfor a {\n\t\ta = false\n\t}\n\tfor {\n\t\tif b {\n\t\t\tbreak\n\t\t}\n\t}\n\treturn 0'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    expect(g.nodes.filter((n) => n.kind === 'loopHead')).toHaveLength(3);
    expect(g.nodes.filter((n) => n.kind === 'loopDone' && n.pred.length > 0)).toHaveLength(2);
    expect(g.onCycle(at(g, 'xs = append'))).toBe(true);
    // `for {}` is left only through its break
    expect(g.pathToExit(g.entry, (n) => n.ast?.type === 'break_statement')).toBeNull();
  });

  it('for range over channels, slices, maps, integers and functions', () => {
    const pkg = pkgOf(wrap('\tfor v := range ch {\n\t\t_ = v\n\t}\n\tfor i := range xs {\n\t\t_ = i\n\t}\n\tfor k := range map[int]int{} {\n\t\t_ = k\n\t}\n\tfor i := range 10 {\n\t\t_ = i\n\t}\n\tfor x := range seq {\n\t\t_ = x\n\t}\n\treturn 0', 'func seq(yield func(int) bool) {}\n'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    const ranges = g.nodes.filter((n) => n.kind === 'range');
    expect(ranges).toHaveLength(5);
    for (const r of ranges) expect(g.onCycle(r)).toBe(true);
  });

  it('labelled break and continue leave the outer loop', () => {
    const pkg = pkgOf(wrap('outer:\n\tfor _, x := range xs {\n\t\tfor {\n\t\t\tif x > 0 {\n\t\t\t\tcontinue outer\n\t\t\t}\n\t\t\tbreak outer\n\t\t}\n\t}\n\treturn 0'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    const brk = at(g, 'break outer');
    const cont = at(g, 'continue outer');
    expect(g.pathTo(brk, at(g, 'return 0'), () => false)).not.toBeNull();
    expect(g.nodes[cont.succ[0]!]!.kind).toBe('range');
  });

  it('goto jumps to its label', () => {
    const pkg = pkgOf(wrap('retry:\n\tif a {\n\t\ta = false\n\t\tgoto retry\n\t}\n\treturn 0'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    expect(g.onCycle(at(g, 'goto retry'))).toBe(true);
  });

  it('calls that do not return: panic, os.Exit, log.Fatal, t.Fatal, runtime.Goexit', () => {
    for (const call of ['panic("x")', 'os.Exit(1)', 'log.Fatalf("x")', 't.Fatal("x")', 'runtime.Goexit()']) {
      const pkg = pkgOf(wrap(`\tif a {\n\t\t${call}\n\t}\n\treturn 0`));
      const g = pkg.cfgOf(fn(pkg, 'f'));
      const n = at(g, call);
      expect(n.succ, call).toEqual([g.abort.id]);
    }
    // A local function named panic-like is not special.
    const pkg = pkgOf(wrap('\tif a {\n\t\tfatal()\n\t}\n\treturn 0', 'func fatal() {}\n'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    expect(at(g, 'fatal()').succ).not.toContain(g.abort.id);
  });

  it('st.t.Fatalf through a struct field of type *testing.T does not return; a Fatalf of another field type does', () => {
    const extra = 'type tester struct {\n\tt *testing.T\n\tl logger\n}\n\ntype logger struct{}\n\nfunc (logger) Fatalf(string, ...any) {}\n\nvar st = &tester{}\n';
    const pkg = pkgOf(wrap('\tif a {\n\t\tst.t.Fatalf("x")\n\t}\n\tif b {\n\t\tst.l.Fatalf("y")\n\t}\n\treturn 0', extra));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    expect(at(g, 'st.t.Fatalf("x")').succ).toEqual([g.abort.id]);
    expect(at(g, 'st.l.Fatalf("y")').succ).not.toContain(g.abort.id);
  });

  it('defer statements are nodes on the path; return goes to exit', () => {
    const pkg = pkgOf(wrap('\tdefer close(ch)\n\tif a {\n\t\treturn 1\n\t}\n\treturn 0'));
    const g = pkg.cfgOf(fn(pkg, 'f'));
    expect(g.mustPass(g.entry, (n) => n.ast?.type === 'defer_statement')).toBe(true);
    expect(at(g, 'return 1').succ).toEqual([g.exit.id]);
  });

  it('paths come back as node lists, and function literals have their own graph', () => {
    const pkg = pkgOf(wrap('\tgo func() {\n\t\tch <- 1\n\t}()\n\tif a {\n\t\treturn 1\n\t}\n\t<-ch\n\treturn 0'));
    const f = fn(pkg, 'f');
    const g = pkg.cfgOf(f);
    const recv = at(g, '<-ch');
    expect(texts(g.pathToExit(at(g, 'go func'), (n) => n === recv))).toEqual(['go func() {', 'a', 'return 1', 'exit']);
    const lit = f.descendantsOfType('func_literal')[0]!;
    expect(pkg.cfgOf(lit).nodes.some((n) => n.ast?.text === 'ch <- 1')).toBe(true);
    expect(g.nodes.some((n) => n.ast?.text === 'ch <- 1')).toBe(false);
  });
});

describe('imports and bindings', () => {
  it('resolves aliases, dot and blank imports, and shadowing', () => {
    const pkg = pkgOf('package p\n\nimport (\n\tnethttp "net/http"\n\t. "strings"\n\t_ "embed"\n\t"gopkg.in/yaml.v3"\n)\n\nfunc f() {\n\tnethttp.Get("x")\n\t_ = yaml.Marshal\n\t_ = ToUpper("a")\n\thttp := 1\n\t_ = http\n}\n');
    const file = pkg.files[0]!;
    expect(file.imports.byName.get('nethttp')).toBe('net/http');
    expect(file.imports.byName.get('yaml')).toBe('gopkg.in/yaml.v3');
    expect(file.imports.dot).toEqual(['strings']);
    const call = pkg.nodesOfType(file, 'call_expression').find((c) => c.text.startsWith('nethttp.Get'))!;
    expect(pkg.isCallTo(call, 'net/http', 'Get')).toBe(true);
    const upper = pkg.nodesOfType(file, 'call_expression').find((c) => c.text.startsWith('ToUpper'))!;
    expect(pkg.qualifiedName(upper.childForFieldName('function')!)).toEqual({ path: 'strings', name: 'ToUpper' });
    expect(defaultImportName('github.com/x/y/v2')).toBe('y');
  });

  it('a local named like an import shadows it', () => {
    const pkg = pkgOf('package p\n\nimport "net/http"\n\ntype fake struct{}\n\nfunc (fake) Get(string) {}\n\nfunc f() {\n\thttp := fake{}\n\thttp.Get("x")\n}\n');
    const call = pkg.nodesOfType(pkg.files[0]!, 'call_expression').find((c) => c.text.startsWith('http.Get'))!;
    expect(pkg.isCallTo(call, 'net/http', 'Get')).toBe(false);
  });

  it('scopes: x := x reads the outer x; := redeclares only new names; params and range vars bind', () => {
    const pkg = pkgOf('package p\n\nfunc f(x int, ys []int) (err error) {\n\tif true {\n\t\tx := x + 1\n\t\t_ = x\n\t}\n\tfor i, y := range ys {\n\t\t_, _ = i, y\n\t}\n\ta, err := 1, error(nil)\n\t_ = a\n\treturn err\n}\n');
    const f = fn(pkg, 'f');
    const ids = f.descendantsOfType('identifier');
    const xs = ids.filter((i) => i.text === 'x');
    // declaration param x, then `x :=` (new binding), then `x + 1` (reads the param)
    const param = pkg.resolve(xs[0]!)!;
    expect(param.kind).toBe('param');
    expect(pkg.resolve(xs[2]!)).toBe(param);
    expect(pkg.resolve(xs[1]!)).not.toBe(param);
    const errs = ids.filter((i) => i.text === 'err');
    expect(pkg.resolve(errs[1]!)!.kind).toBe('result'); // `a, err :=` reuses the result
    expect(pkg.resolve(ids.find((i) => i.text === 'y' && i.parent?.type === 'expression_list' && i.parent.parent?.type === 'range_clause')!)!.kind).toBe('range');
  });
});

describe('channel facts', () => {
  it('capacity: none, constant, named constant, len(x), variable, unknown', () => {
    const pkg = pkgOf('package p\n\nconst n = 4\n\nfunc f(xs []int, k int) {\n\ta := make(chan int)\n\tb := make(chan int, 2)\n\tc := make(chan int, n)\n\td := make(chan int, len(xs))\n\te := make(chan int, k)\n\tg := make(chan int, k*2)\n\t_, _, _, _, _, _ = a, b, c, d, e, g\n}\n');
    const uses = channelUses(pkg, fn(pkg, 'f'));
    expect(uses.map((u) => `${u.channel.binding.name}=${countText(u.channel.capacity)}`)).toEqual(['a=0', 'b=2', 'c=4', 'd=len(xs)', 'e=k', 'g=unknown']);
  });

  it('element type and every operation: send, receive forms, range, select, close, defer close, len', () => {
    const pkg = pkgOf('package p\n\nimport "time"\n\nfunc f() {\n\tc := make(chan string)\n\tdefer close(c)\n\tgo func() {\n\t\tc <- "x"\n\t}()\n\tv := <-c\n\tw, ok := <-c\n\t_, _, _ = v, w, ok\n\tfor range c {\n\t}\n\tselect {\n\tcase s := <-c:\n\t\t_ = s\n\tcase <-time.After(time.Second):\n\t}\n\t_ = len(c)\n}\n');
    const [u] = channelUses(pkg, fn(pkg, 'f'));
    expect(u!.channel.elemType).toBe('string');
    expect(u!.escape).toBeNull();
    const kinds = u!.placed.map((p) => `${p.op.kind}:${p.where}${p.deferred ? ':deferred' : ''}${p.op.select ? `:select(${p.op.select.others.length})` : ''}`);
    expect(kinds).toEqual(['close:owner:deferred', 'send:goroutine', 'recv:owner', 'recv:owner', 'range:owner', 'recv:owner:select(1)', 'len:owner']);
  });

  it('escapes: returned, stored in a field, map, slice, global, sent on a channel, passed outside, closure handed away', () => {
    const cases: Record<string, string> = {
      returned: 'return c',
      field: 's.c = c',
      map: 'm["k"] = c',
      slice: 'cs = append(cs, c)',
      global: 'global = c',
      sent: 'cc <- c',
      outside: 'signal.Notify(c)',
      closure: 'run(func() { c <- 1 })',
    };
    for (const [name, stmt] of Object.entries(cases)) {
      const src = `package p\n\nimport "os/signal"\n\nvar _ = signal.Notify\nvar global chan int\n\ntype S struct{ c chan int }\n\nfunc run(f func()) { go f() }\n\nfunc f(s *S, m map[string]chan int, cs []chan int, cc chan chan int) chan int {\n\tc := make(chan int)\n\t${stmt}\n\treturn nil\n}\n`;
      const [u] = channelUses(pkgOf(src), fn(pkgOf(src), 'f'));
      const pkg = pkgOf(src);
      const use = channelUses(pkg, fn(pkg, 'f'))[0]!;
      void u;
      expect(use.escape, name).not.toBeNull();
    }
  });

  it('follows aliases and parameters of package-local functions (summaries), and keeps them out of escapes', () => {
    const pkg = pkgOf('package p\n\nfunc worker(out chan<- int) {\n\tout <- 1\n}\n\nfunc drain(in <-chan int) {\n\t<-in\n}\n\nfunc f() {\n\tc := make(chan int)\n\td := c\n\tgo worker(d)\n\tdrain(c)\n}\n');
    const [u] = channelUses(pkg, fn(pkg, 'f'));
    expect(u!.escape).toBeNull();
    expect(u!.placed.map((p) => `${p.op.kind}:${p.where}`)).toEqual(['send:goroutine', 'recv:owner']);
    expect(u!.placed[0]!.op.via?.text).toBe('worker(d)');
  });

  it('struct field channels are tracked per field across methods and files', () => {
    const a = 'package p\n\ntype branch struct {\n\tcommits chan int\n\tdeleted chan struct{}\n}\n\nfunc newBranch() *branch {\n\treturn &branch{commits: make(chan int), deleted: make(chan struct{})}\n}\n\nfunc (b *branch) watch() {\n\tfor {\n\t\t<-b.commits\n\t}\n}\n';
    const b = 'package p\n\nfunc (b *branch) remove() {\n\tclose(b.deleted)\n}\n';
    const pkg = pkgOf(a, b);
    const recv = pkg.nodesOfType(pkg.files[0]!, 'unary_expression').find((u) => u.text === '<-b.commits')!;
    const fc = fieldChannelOf(pkg, recv.childForFieldName('operand')!)!;
    expect(fc).toEqual({ typeName: 'branch', field: 'commits' });
    const facts = fieldChannelFacts(pkg, fc);
    expect(facts.madeHere).toBe(true);
    expect(facts.ops.some((o) => o.kind === 'close')).toBe(false);
    const del = fieldChannelFacts(pkg, { typeName: 'branch', field: 'deleted' });
    expect(del.ops.some((o) => o.kind === 'close')).toBe(true);
    expect(sharedChannel(pkg, recv.childForFieldName('operand')!)!.neverClosed).toBe(true);
  });

  it('selectors are found by their selected name, however they are spelled', () => {
    // A name after a comment or a line break, a non-ASCII name, a name that is
    // a suffix of another (`done` / `isdone`), a method value, and a missing
    // field in a half-typed file: the index reads each name as tree-sitter does.
    const a = 'package p\n\ntype s struct{ done, isdone, é chan int }\n\nfunc f(x *s) {\n\tclose(x.done)\n\tclose(x./* c */done)\n\tclose(x.\n\t\tdone)\n\tclose(x.isdone)\n\tclose(x.é)\n\tg := x.done\n\t_ = g\n}\n';
    const b = 'package p\n\nfunc h(y *s) {\n\ty.\n}\n';
    const pkg = pkgOf(a, b);
    const all = pkg.allNodesOfType('selector_expression').map(({ node }) => node);
    for (const name of ['done', 'isdone', 'é', '']) {
      const expected = all.filter((n) => (n.childForFieldName('field')?.text ?? null) === name).map((n) => n.startIndex);
      expect(pkg.selectorsNamed(name).map((n) => n.startIndex), name).toEqual(expected);
    }
    expect(pkg.selectorsNamed('done')).toHaveLength(4);
    expect(pkg.selectorsNamed('nothing')).toEqual([]);
  });
});

describe('goroutine facts', () => {
  it('what a go statement runs and how many it starts', () => {
    const pkg = pkgOf('package p\n\ntype S struct{}\n\nfunc (s *S) fetch(c chan int) { c <- 1 }\n\nfunc work(c chan int) { c <- 1 }\n\nfunc f(xs []int, n int, s *S) {\n\tc := make(chan int)\n\tgo func() { c <- 1 }()\n\tfor range xs {\n\t\tgo work(c)\n\t}\n\tfor i := 0; i < n; i++ {\n\t\tgo s.fetch(c)\n\t}\n\tfor i := 0; i < 3; i++ {\n\t\tgo work(c)\n\t}\n}\n');
    const gos = pkg.nodesOfType(pkg.files[0]!, 'go_statement').map((g) => goroutine(pkg, g));
    expect(gos.map((g) => `${g.kind}:${countText(g.count)}`)).toEqual(['literal:1', 'func:len(xs)', 'func:n', 'func:3']);
    expect(gos[2]!.target?.type).toBe('method_declaration');
  });

  it('a goto loop starts many; a goto elsewhere, or the word in a comment, does not', () => {
    const src = 'package p\n\nfunc work(c chan int) { c <- 1 }\n\n'
      + 'func loop(c chan int, n int) {\nagain:\n\tgo work(c)\n\tn--\n\tif n > 0 {\n\t\tgoto again\n\t}\n}\n\n'
      + 'func forward(c chan int, b bool) {\n\tif b {\n\t\tgoto done\n\t}\n\tgo work(c)\ndone:\n}\n\n'
      + 'func comment(c chan int) {\n\t// no goto here\n\tgo work(c)\n}\n\n'
      + 'func plain(c chan int) {\n\tgo work(c)\n}\n';
    const pkg = pkgOf(src);
    const gos = pkg.nodesOfType(pkg.files[0]!, 'go_statement').map((g) => goroutine(pkg, g));
    expect(gos.map((g) => countText(g.count))).toEqual(['many', '1', '1', '1']);
    // Only the functions whose text holds `goto` (the comment's too) needed a graph: not plain().
    expect(pkg.cfgCount).toBe(3);
  });
});

describe('seed shapes', () => {
  const shortfall = (src: string, name: string, kinds: string[]) => {
    const pkg = pkgOf(src);
    const owner = fn(pkg, name);
    const [u] = channelUses(pkg, owner);
    const goStmt = pkg.nodesOfType(pkg.files[0]!, 'go_statement')[0]!;
    const g = goroutine(pkg, goStmt);
    const matching = u!.placed.filter((p) => p.where === 'owner' && kinds.includes(p.op.kind));
    return ownerShortfall(pkg, owner, goStmt, matching, 1, g.count, (op) => op.kind === 'close');
  };

  it('worker sends on an unbuffered result channel while the parent returns on an error', () => {
    const s = shortfall('package p\n\nfunc f(fail bool) int {\n\tc := make(chan int)\n\tgo func() { c <- 1 }()\n\tif fail {\n\t\treturn 0\n\t}\n\treturn <-c\n}\n', 'f', ['recv']);
    expect(s?.exitStmt?.text).toBe('return 0');
  });

  it('select with time.After before the receive', () => {
    const s = shortfall('package p\n\nimport "time"\n\nfunc f() int {\n\tc := make(chan int)\n\tgo func() { c <- 1 }()\n\tselect {\n\tcase v := <-c:\n\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}\n', 'f', ['recv']);
    expect(s?.exitStmt?.text).toBe('return 0');
  });

  it('fan-in loop with an early return, and the same loop without it', () => {
    const leak = 'package p\n\nfunc f(xs []int) error {\n\tc := make(chan error)\n\tfor _, x := range xs {\n\t\tgo func(x int) { c <- nil }(x)\n\t}\n\tfor range xs {\n\t\tif err := <-c; err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n\treturn nil\n}\n';
    const pkg = pkgOf(leak);
    const owner = fn(pkg, 'f');
    const [u] = channelUses(pkg, owner);
    const goStmt = pkg.nodesOfType(pkg.files[0]!, 'go_statement')[0]!;
    const g = goroutine(pkg, goStmt);
    const recvs = u!.placed.filter((p) => p.where === 'owner' && p.op.kind === 'recv');
    const s = ownerShortfall(pkg, owner, goStmt, recvs, Infinity, g.count, () => false);
    expect(s?.exitStmt?.text).toBe('return err');
    const ok = leak.replace('\t\t\treturn err\n', '\t\t\t_ = err\n');
    const pkg2 = pkgOf(ok);
    const owner2 = fn(pkg2, 'f');
    const [u2] = channelUses(pkg2, owner2);
    const go2 = pkg2.nodesOfType(pkg2.files[0]!, 'go_statement')[0]!;
    expect(ownerShortfall(pkg2, owner2, go2, u2!.placed.filter((p) => p.where === 'owner' && p.op.kind === 'recv'), Infinity, goroutine(pkg2, go2).count, () => false)).toBeNull();
  });

  it('range loop with break: the loop is left before the senders finish', () => {
    const pkg = pkgOf('package p\n\nfunc f(xs []int) bool {\n\tc := make(chan int)\n\tfor _, x := range xs {\n\t\tgo func(x int) { c <- x }(x)\n\t}\n\tfor i := 0; i < len(xs); i++ {\n\t\tif <-c == 0 {\n\t\t\tbreak\n\t\t}\n\t}\n\treturn true\n}\n');
    const owner = fn(pkg, 'f');
    const [u] = channelUses(pkg, owner);
    const goStmt = pkg.nodesOfType(pkg.files[0]!, 'go_statement')[0]!;
    const s = ownerShortfall(pkg, owner, goStmt, u!.placed.filter((p) => p.where === 'owner'), Infinity, goroutine(pkg, goStmt).count, () => false);
    expect(s).not.toBeNull();
    expect(s!.path.some((n) => n.ast?.type === 'break_statement')).toBe(true);
  });

  it('a struct method loop waiting on a field channel nothing closes', () => {
    const pkg = pkgOf('package p\n\ntype w struct{ in chan int }\n\nfunc start() *w {\n\tx := &w{in: make(chan int)}\n\tgo x.loop()\n\treturn x\n}\n\nfunc (x *w) loop() {\n\tfor v := range x.in {\n\t\t_ = v\n\t}\n}\n');
    const range = pkg.nodesOfType(pkg.files[0]!, 'range_clause')[0]!;
    const shared = sharedChannel(pkg, range.childForFieldName('right')!);
    expect(shared).toMatchObject({ kind: 'field', neverClosed: true });
  });
});

describe('timers: select cases that wake by themselves', () => {
  it('time.After/Tick (any alias), .C and .C(), deadline contexts and locals bound to them', () => {
    const pkg = pkgOf(`package p
import (
	"context"
	t "time"
)
func f(ctx context.Context, stop chan struct{}, tk *t.Ticker, clk interface{ C() <-chan t.Time }) {
	dl, cancel := context.WithTimeout(ctx, t.Second)
	defer cancel()
	timeout := t.After(t.Second)
	moved := t.After(t.Second)
	moved = stop2()
	select { case <-t.After(t.Second): case <-stop: }
	select { case <-t.Tick(t.Second): case <-stop: }
	select { case v := <-tk.C: _ = v; case <-stop: }
	select { case <-clk.C(): case <-stop: }
	select { case <-dl.Done(): case <-stop: }
	select { case <-timeout: case <-stop: }
	select { case <-ctx.Done(): case <-stop: }
	select { case <-moved: case <-stop: }
	select { case stop <- struct{}{}: case <-stop: }
}
func stop2() <-chan t.Time { return nil }
`);
    const selects = fn(pkg, 'f').descendantsOfType('select_statement');
    const woken = selects.map((s) => selfWakingCase(pkg, s)?.childForFieldName('communication')?.text ?? null);
    expect(woken).toEqual(['<-t.After(t.Second)', '<-t.Tick(t.Second)', 'v := <-tk.C', '<-clk.C()', '<-dl.Done()', '<-timeout', null, null, null]);
  });
});

describe('constants declared with iota', () => {
  it('gives each its number, repeating the last expression, and null where it cannot', () => {
    const tree = parseGo(`package p

type Kind uint8

const (
	_ Kind = iota
	KA
	KB
	KC = 1 << iota
	KD
	KE, KF = iota * 10, iota + 100
	KG = len("x")
)
`);
    const value = (name: string) => {
      const id = tree.rootNode.descendantsOfType('identifier').find((x) => x.text === name && x.parent?.type === 'const_spec')!;
      return iotaConstValue(id);
    };
    expect(['KA', 'KB', 'KC', 'KD', 'KE', 'KF', 'KG'].map(value)).toEqual([1, 2, 8, 16, 50, 105, null]);
  });
});

describe('integer constant expressions', () => {
  it('folds them as the compiler does, through other constants and conversions, and leaves the rest unknown', () => {
    const pkg = pkgOf(`package p

import "time"

const (
	KiB       = 1 << 10
	splitSize = 128 * KiB
	limit     = int64(splitSize) - 1
	half      = -limit / 2
	mask      = 0xff &^ 0x0f
	maxInt    = int(^uint(0) >> 1)
	wait      = 3 * time.Second
	pi        = 3.14
	shifted   = KiB >> 3
	flags     = Kind(2) | 4
	minusOne  = ^0
	unsigned  uint8 = 0
	allOnes   = ^unsigned
)

type Kind int

func f() {}
`);
    const value = (name: string) => {
      const b = pkg.files[0]!.root.descendantsOfType('identifier').find((x) => x.text === name && x.parent?.type === 'const_spec')!;
      return constIntValue(pkg, b);
    };
    expect(['KiB', 'splitSize', 'limit', 'half', 'mask', 'maxInt', 'wait', 'pi', 'shifted', 'flags', 'minusOne', 'allOnes'].map(value))
      .toEqual([1024, 131072, 131071, -65535, 0xf0, null, null, null, 128, null, -1, null]);
  });
});
