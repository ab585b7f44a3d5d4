// Control-flow graph of one function body (declaration, method or literal),
// at statement granularity, in the spirit of go/analysis's ctrlflow.
//
// Nodes are statements plus a few synthetic points that leak questions need:
//  - `loopDone`: a loop left because its condition failed or its range ended,
//    distinct from a `break`, so "drained every value" can be told apart from
//    "left the receive loop early";
//  - `comm`: one node per `select` case; the communication happens on it;
//  - `exit`: the function's normal return; `abort`: panic, os.Exit, log.Fatal,
//    t.Fatal, runtime.Goexit — paths that never return normally.
// Deferred calls run on every exit: `defer` statements are ordinary nodes and
// queries that care (a deferred drain) check whether one was passed.
import type { Node } from './syntax.js';
import { blockStatements, nodeKey, unparen, selectorParts } from './syntax.js';

export type CfgKind =
  | 'entry' | 'exit' | 'abort' | 'stmt' | 'cond' | 'loopHead' | 'loopDone' | 'join'
  | 'switch' | 'case' | 'select' | 'comm' | 'range';

export interface CfgNode {
  id: number;
  kind: CfgKind;
  /** The statement (or condition, case, communication) this node stands for. */
  ast: Node | null;
  succ: number[];
  pred: number[];
  /** For loopHead/loopDone/range: the for statement. */
  loop?: Node;
}

/** Calls that never return to the caller. The qualifier is checked through imports by the resolver. */
export interface NoReturnOracle {
  isNoReturnCall(call: Node): boolean;
}

export class Cfg {
  readonly nodes: CfgNode[] = [];
  readonly entry: CfgNode;
  readonly exit: CfgNode;
  readonly abort: CfgNode;
  private readonly byAst = new Map<number, CfgNode>();

  constructor(readonly fn: Node, noReturn: NoReturnOracle) {
    this.entry = this.add('entry', null);
    this.exit = this.add('exit', null);
    this.abort = this.add('abort', null);
    new Builder(this, noReturn).build(fn.childForFieldName('body'));
  }

  add(kind: CfgKind, ast: Node | null): CfgNode {
    const n: CfgNode = { id: this.nodes.length, kind, ast, succ: [], pred: [] };
    this.nodes.push(n);
    if (ast && (kind === 'stmt' || kind === 'comm' || kind === 'range' || kind === 'cond' || kind === 'case' || kind === 'select' || kind === 'switch')) {
      const k = nodeKey(ast);
      if (!this.byAst.has(k)) this.byAst.set(k, n);
    }
    return n;
  }

  edge(a: CfgNode, b: CfgNode): void {
    if (a.succ.includes(b.id)) return;
    a.succ.push(b.id);
    b.pred.push(a.id);
  }

  /** The graph node of a statement, or of the innermost statement (or select case) containing `n`. */
  nodeOf(n: Node): CfgNode | null {
    let cur: Node | null = n;
    const body = this.fn.childForFieldName('body');
    while (cur && (!body || cur.startIndex >= body.startIndex)) {
      const hit = this.byAst.get(nodeKey(cur));
      if (hit && hit.ast && hit.ast.endIndex === cur.endIndex) return hit;
      if (cur.type === 'func_literal' && cur.startIndex !== this.fn.startIndex) {
        // Inside a nested literal: the statement that holds the literal stands for it.
      }
      cur = cur.parent;
    }
    return null;
  }

  /**
   * A path from `from` to the normal exit that enters no node for which
   * `blocked` holds, as a list of nodes (from first to exit), or null.
   * `from` itself is not tested. Breadth-first, so the path is a shortest one.
   */
  pathToExit(from: CfgNode, blocked: (n: CfgNode) => boolean): CfgNode[] | null {
    return this.pathTo(from, this.exit, blocked);
  }

  pathTo(from: CfgNode, to: CfgNode, blocked: (n: CfgNode) => boolean): CfgNode[] | null {
    const prev = new Int32Array(this.nodes.length).fill(-2);
    prev[from.id] = -1;
    const queue = [from.id];
    for (let qi = 0; qi < queue.length; qi++) {
      const id = queue[qi]!;
      if (id === to.id && id !== from.id) break;
      for (const s of this.nodes[id]!.succ) {
        if (prev[s] !== -2) continue;
        if (s !== to.id && blocked(this.nodes[s]!)) continue;
        prev[s] = id;
        queue.push(s);
      }
    }
    if (prev[to.id] === -2) return null;
    const path: CfgNode[] = [];
    for (let id = to.id; id !== -1; id = prev[id]!) path.push(this.nodes[id]!);
    return path.reverse();
  }

  /** Every path from `from` to exit passes a node satisfying `p`. */
  mustPass(from: CfgNode, p: (n: CfgNode) => boolean): boolean {
    return this.pathToExit(from, p) === null;
  }

  /** Nodes reachable from `from` (excluding it unless on a cycle). */
  reachableFrom(from: CfgNode): Set<number> {
    const seen = new Set<number>();
    const stack = [...from.succ];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...this.nodes[id]!.succ);
    }
    return seen;
  }

  /** Whether `n` lies on a cycle (it can execute more than once per call). */
  onCycle(n: CfgNode): boolean {
    return this.reachableFrom(n).has(n.id);
  }

  /**
   * Fewest `weight` units collected on any path from `from` to exit
   * (0-1-infinity weights, Dijkstra over a small graph). Returns the cost and the path.
   */
  cheapestPathToExit(from: CfgNode, weight: (n: CfgNode) => number): { cost: number; path: CfgNode[] } | null {
    const n = this.nodes.length;
    const dist = new Float64Array(n).fill(Infinity);
    const prev = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    dist[from.id] = 0;
    for (;;) {
      let u = -1;
      for (let i = 0; i < n; i++) if (!done[i] && dist[i]! < Infinity && (u === -1 || dist[i]! < dist[u]!)) u = i;
      if (u === -1) break;
      done[u] = 1;
      if (u === this.exit.id) break;
      for (const s of this.nodes[u]!.succ) {
        const w = weight(this.nodes[s]!);
        const d = dist[u]! + w;
        if (d < dist[s]!) { dist[s] = d; prev[s] = u; }
      }
    }
    if (dist[this.exit.id] === Infinity) return null;
    const path: CfgNode[] = [];
    for (let id = this.exit.id; id !== -1; id = prev[id]!) { path.push(this.nodes[id]!); if (id === from.id) break; }
    return { cost: dist[this.exit.id]!, path: path.reverse() };
  }

  /** Text rendering for `golint-leaks debug cfg`. */
  toText(lineOf: (n: Node) => number): string {
    const label = (c: CfgNode) => `${c.id}:${c.kind}${c.ast ? `@${lineOf(c.ast)} ${c.ast.text.split('\n')[0]!.slice(0, 50)}` : ''}`;
    return this.nodes.map((c) => `${label(c)} -> ${c.succ.join(', ') || '(none)'}`).join('\n');
  }

  toDot(lineOf: (n: Node) => number, name: string): string {
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const lines = [`digraph "${esc(name)}" {`, '  node [shape=box, fontname="monospace"];'];
    for (const c of this.nodes) {
      const text = c.ast ? `${c.kind} L${lineOf(c.ast)}\\n${esc(c.ast.text.split('\n')[0]!.slice(0, 40))}` : c.kind;
      lines.push(`  n${c.id} [label="${text}"];`);
      for (const s of c.succ) lines.push(`  n${c.id} -> n${s};`);
    }
    lines.push('}');
    return lines.join('\n');
  }
}

/** Statement nesting the builder follows; real code stays far below it. */
const MAX_NESTING = 400;

interface LoopCtx { label: string | null; breakTo: CfgNode; continueTo: CfgNode }
interface SwitchCtx { label: string | null; breakTo: CfgNode }

/**
 * Builds the graph with an explicit work list rather than recursion on the
 * syntax tree: generated code nests thousands of blocks deep.
 */
class Builder {
  private readonly labels = new Map<string, CfgNode>();
  private readonly pendingGotos: { from: CfgNode; label: string }[] = [];

  constructor(private readonly g: Cfg, private readonly noReturn: NoReturnOracle) {}

  build(body: Node | null): void {
    const end = this.seq(blockStatements(body), [this.g.entry], [], null);
    for (const e of end) this.g.edge(e, this.g.exit);
    for (const { from, label } of this.pendingGotos) {
      const target = this.labels.get(label);
      if (target) this.g.edge(from, target);
    }
  }

  /**
   * Lays out a statement list after the nodes in `preds`; returns the nodes
   * that fall through to whatever follows. Nested statement lists recurse, but
   * only along statement nesting, and `deepest` guards against runaway depth.
   */
  private seq(stmts: Node[], preds: CfgNode[], ctx: (LoopCtx | SwitchCtx)[], pendingLabel: string | null, depth = 0): CfgNode[] {
    let cur = preds;
    for (const s of stmts) cur = this.stmt(s, cur, ctx, depth);
    void pendingLabel;
    return cur;
  }

  private link(preds: CfgNode[], n: CfgNode): void {
    for (const p of preds) this.g.edge(p, n);
  }

  private stmt(s: Node, preds: CfgNode[], ctx: (LoopCtx | SwitchCtx)[], depth: number, label: string | null = null): CfgNode[] {
    // Each level costs up to three frames (stmt, seq or forStmt/switchStmt, stmt)
    // with native getters in them: ~1000 nested ifs overflowed the main
    // thread's stack at the old limit of 2000 (scripts/fuzz.ts, `nest ifs`).
    if (depth > MAX_NESTING) {
      // Pathological nesting: treat the rest as one opaque statement rather than overflow.
      const n = this.g.add('stmt', s);
      this.link(preds, n);
      return [n];
    }
    const d = depth + 1;
    switch (s.type) {
      case 'block':
        return this.seq(blockStatements(s), preds, ctx, null, d);
      case 'labeled_statement': {
        const name = s.namedChildren.find((c) => c.type === 'label_name')?.text ?? '';
        const inner = s.namedChildren.find((c) => c.type !== 'label_name' && c.type !== 'comment');
        const anchor = this.g.add('join', s);
        this.link(preds, anchor);
        this.labels.set(name, anchor);
        return inner ? this.stmt(inner, [anchor], ctx, d, name) : [anchor];
      }
      case 'return_statement': {
        const n = this.g.add('stmt', s);
        this.link(preds, n);
        this.g.edge(n, this.g.exit);
        return [];
      }
      case 'break_statement':
      case 'continue_statement': {
        const n = this.g.add('stmt', s);
        this.link(preds, n);
        const lbl = s.namedChildren.find((c) => c.type === 'label_name')?.text ?? null;
        for (let i = ctx.length - 1; i >= 0; i--) {
          const c = ctx[i]!;
          if (lbl && c.label !== lbl) continue;
          if (s.type === 'continue_statement') {
            if (!('continueTo' in c)) continue;
            this.g.edge(n, c.continueTo);
          } else this.g.edge(n, c.breakTo);
          break;
        }
        return [];
      }
      case 'goto_statement': {
        const n = this.g.add('stmt', s);
        this.link(preds, n);
        const lbl = s.namedChildren.find((c) => c.type === 'label_name')?.text;
        if (lbl) this.pendingGotos.push({ from: n, label: lbl });
        return [];
      }
      case 'fallthrough_statement': {
        const n = this.g.add('stmt', s);
        this.link(preds, n);
        (n as CfgNode & { fallthrough?: boolean }).fallthrough = true;
        return [n];
      }
      case 'if_statement': {
        let cur = preds;
        const init = s.childForFieldName('initializer');
        if (init) cur = this.stmt(init, cur, ctx, d);
        const cond = this.g.add('cond', s.childForFieldName('condition') ?? s);
        this.link(cur, cond);
        const out = this.stmt(s.childForFieldName('consequence')!, [cond], ctx, d);
        const alt = s.childForFieldName('alternative');
        if (alt) out.push(...this.stmt(alt, [cond], ctx, d));
        else out.push(cond);
        return out;
      }
      case 'for_statement':
        return this.forStmt(s, preds, ctx, d, label);
      case 'expression_switch_statement':
      case 'type_switch_statement':
        return this.switchStmt(s, preds, ctx, d, label);
      case 'select_statement':
        return this.selectStmt(s, preds, ctx, d, label);
      case 'expression_statement': {
        const n = this.g.add('stmt', s);
        this.link(preds, n);
        const call = unparen(s.namedChild(0) ?? s);
        if (call.type === 'call_expression' && this.noReturn.isNoReturnCall(call)) {
          this.g.edge(n, this.g.abort);
          return [];
        }
        return [n];
      }
      case 'empty_statement':
      case 'comment':
        return preds;
      default: {
        const n = this.g.add('stmt', s);
        this.link(preds, n);
        return [n];
      }
    }
  }

  private forStmt(s: Node, preds: CfgNode[], ctx: (LoopCtx | SwitchCtx)[], d: number, label: string | null): CfgNode[] {
    const body = s.childForFieldName('body');
    const range = s.namedChildren.find((c) => c.type === 'range_clause');
    const clause = s.namedChildren.find((c) => c.type === 'for_clause');
    const condExpr = clause ? clause.childForFieldName('condition') : s.namedChildren.find((c) => c !== body && c.type !== 'comment' && c.type !== 'block') ?? null;
    let cur = preds;
    const init = clause?.childForFieldName('initializer');
    if (init) cur = this.stmt(init, cur, ctx, d);
    // `for range ch` receives on its head: the head is a 'range' node keyed on the range clause.
    const head = range ? this.g.add('range', range) : this.g.add('loopHead', condExpr ?? s);
    head.loop = s;
    this.link(cur, head);
    const after = this.g.add('join', null);
    const done = this.g.add('loopDone', s);
    done.loop = s;
    const infinite = !range && !condExpr;
    if (!infinite) {
      this.g.edge(head, done);
      this.g.edge(done, after);
    }
    const update = clause?.childForFieldName('update');
    let continueTo = head;
    if (update) {
      const u = this.g.add('stmt', update);
      this.g.edge(u, head);
      continueTo = u;
    }
    const inner: LoopCtx = { label, breakTo: after, continueTo };
    const bodyEnd = this.seq(blockStatements(body), [head], [...ctx, inner], null, d);
    this.link(bodyEnd, continueTo);
    return after.pred.length || !infinite ? [after] : [];
  }

  private switchStmt(s: Node, preds: CfgNode[], ctx: (LoopCtx | SwitchCtx)[], d: number, label: string | null): CfgNode[] {
    let cur = preds;
    const init = s.childForFieldName('initializer');
    if (init) cur = this.stmt(init, cur, ctx, d);
    const sw = this.g.add('switch', s);
    this.link(cur, sw);
    const after = this.g.add('join', null);
    const inner: SwitchCtx = { label, breakTo: after };
    const clauses = s.namedChildren.filter((c) => c.type === 'expression_case' || c.type === 'type_case' || c.type === 'default_case');
    let hasDefault = false;
    let fallFrom: CfgNode[] = [];
    for (const c of clauses) {
      if (c.type === 'default_case') hasDefault = true;
      const caseNode = this.g.add('case', c);
      this.g.edge(sw, caseNode);
      const stmts = c.namedChildren.filter((x) => x.type === 'statement_list').flatMap((l) => l.namedChildren.filter((y) => y.type !== 'comment'));
      const ends = this.seq(stmts, [caseNode, ...fallFrom], [...ctx, inner], null, d);
      fallFrom = [];
      for (const e of ends) {
        if ((e as CfgNode & { fallthrough?: boolean }).fallthrough) fallFrom.push(e);
        else this.g.edge(e, after);
      }
    }
    if (!hasDefault) this.g.edge(sw, after);
    return [after];
  }

  private selectStmt(s: Node, preds: CfgNode[], ctx: (LoopCtx | SwitchCtx)[], d: number, label: string | null): CfgNode[] {
    const sel = this.g.add('select', s);
    this.link(preds, sel);
    const after = this.g.add('join', null);
    const inner: SwitchCtx = { label, breakTo: after };
    for (const c of s.namedChildren) {
      if (c.type !== 'communication_case' && c.type !== 'default_case') continue;
      const comm = c.type === 'communication_case' ? c.childForFieldName('communication') : null;
      const caseNode = comm ? this.g.add('comm', comm) : this.g.add('case', c);
      this.g.edge(sel, caseNode);
      const stmts = c.namedChildren.filter((x) => x.type === 'statement_list').flatMap((l) => l.namedChildren.filter((y) => y.type !== 'comment'));
      const ends = this.seq(stmts, [caseNode], [...ctx, inner], null, d);
      this.link(ends, after);
    }
    // `select {}` blocks forever: nothing follows.
    return after.pred.length ? [after] : [];
  }
}

/** Standard no-return calls by import path and name (`t.Fatal` is matched by method name on a testing receiver). */
export const NO_RETURN_FUNCS: Record<string, Set<string>> = {
  os: new Set(['Exit']),
  log: new Set(['Fatal', 'Fatalf', 'Fatalln', 'Panic', 'Panicf', 'Panicln']),
  runtime: new Set(['Goexit']),
  'k8s.io/klog': new Set(['Fatal', 'Fatalf', 'Exit', 'Exitf']),
  'k8s.io/klog/v2': new Set(['Fatal', 'Fatalf', 'Exit', 'Exitf']),
  // testify's require stops the test with t.FailNow; these fail unconditionally.
  'github.com/stretchr/testify/require': new Set(['Fail', 'FailNow', 'Failf', 'FailNowf']),
};

/** `t.Fatal(...)`, `b.FailNow()`: testing's methods that stop the goroutine. */
export const TESTING_NO_RETURN_METHODS = new Set(['Fatal', 'Fatalf', 'FailNow', 'Skip', 'Skipf', 'SkipNow']);

export function calleeSelector(call: Node): { operand: Node; field: string } | null {
  return selectorParts(call.childForFieldName('function') ?? call);
}
