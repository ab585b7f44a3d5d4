// Which names can hold a value that decides a synchronisation.
//
// Most of what a group's goroutines compute never decides whether one of them
// blocks: the authority string a constructor picks on five paths, a counter a
// reader goroutine bumps per line, a log prefix. Kept exactly, each such value
// splits one state into as many as it has values, and the search spends its
// budget telling apart states that block and wake in the same ways. The
// machine stores a plain value (a number, a string, a boolean, an unknown's
// facts) under a name outside the set computed here as a bare unknown, so
// those states become one (Machine.assignTo, Machine.newFrame).
//
// A name is relevant when a value stored under it can reach a test or an
// operation whose outcome the machine uses:
// - seeds: the names read by a condition (`if`, `for`, `switch` and its cases,
//   a type switch), by a channel operation's operands, a range's operand, an
//   index or slice bound, an address taken (`&x`: a store through the pointer
//   is not a store under the name), a call whose callee the model cannot name,
//   or a call into the packages whose functions the machine models by value
//   (time, context, sync, atomic, testing, os, runtime);
// - then backwards through every assignment (the names an assignment reads
//   become relevant when the name it writes is), through calls (an argument
//   when the parameter of a function of that name is), and through results
//   (what a function of that name returns when the name is).
//
// Names, not bindings: every `err` of the package is one name, every field
// `done` of any struct one name. That can only make more names relevant, never
// fewer, so conflating them costs reduction, not soundness. The set is a
// syntactic over-approximation of the values a test can read: a value stored
// under a name outside it is never read by a test, so replacing it with an
// unknown removes no schedule and adds none.
import type { Node } from '../semantics/syntax.js';
import { callArgs, unparen } from '../semantics/syntax.js';
import type { PackageSemantics } from '../semantics/package.js';

/** Import paths whose functions the machine evaluates by their arguments' values (durations, counts, deltas). */
const MODELLED_PACKAGES = /^(?:time|context|sync|sync\/atomic|testing|os|runtime|math|errors|golang\.org\/x\/sync\/.*)$/;
/** Methods the machine models on sync and atomic values: their arguments are counts, deltas and stored values. */
const MODELLED_METHODS = new Set(['Add', 'Done', 'Wait', 'Go', 'Do', 'Store', 'Swap', 'CompareAndSwap', 'Load', 'Reset', 'Stop', 'Lock', 'Unlock', 'RLock', 'RUnlock', 'TryLock', 'Signal', 'Broadcast', 'SetLimit', 'TryGo']);
/** Predeclared types: a call of one is a conversion, which reads its operand and nothing else. */
const PREDECLARED_TYPES = new Set(['bool', 'byte', 'rune', 'string', 'error', 'any', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'float32', 'float64', 'complex64', 'complex128']);
const BUILTINS = new Set(['append', 'cap', 'clear', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'print', 'println', 'real', 'recover']);
const FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The key a function's results are known by: its name, or a literal's position. */
const literalKey = (lit: Node) => `@lit:${lit.startIndex}`;

export class Relevance {
  /** What a name reads from, and the seeds: sets held by reference, some filled after they are added. */
  private readonly edges = new Map<string, Set<string>[]>();
  private readonly seeds: Set<string>[] = [];
  /** Parameter names of the package's functions and methods by function name (one list per declaration), and receivers. */
  private readonly params = new Map<string, string[][]>();
  private readonly receivers = new Map<string, string[]>();
  /** Names a call cannot resolve by: variables, parameters and fields, which may hold any function. */
  private readonly valueNames = new Set<string>();
  readonly names: Set<string>;

  constructor(private readonly pkg: PackageSemantics) {
    for (const f of pkg.files) this.declare(f.tree.rootNode);
    for (const f of pkg.files) this.walk(f.tree.rootNode);
    this.names = this.close();
  }

  /** Whether a value stored under `name` may decide a synchronisation. */
  has(name: string): boolean {
    return this.names.has(name);
  }

  private declare(root: Node): void {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'function_declaration' || n.type === 'method_declaration') {
        const name = n.childForFieldName('name')?.text;
        if (name) {
          const list = this.params.get(name) ?? [];
          list.push(paramNames(n.childForFieldName('parameters')));
          this.params.set(name, list);
          if (n.type === 'method_declaration') {
            const r = this.receivers.get(name) ?? [];
            r.push(...paramNames(n.childForFieldName('receiver')));
            this.receivers.set(name, r);
          }
        }
      }
      if (n.type === 'parameter_declaration' || n.type === 'variadic_parameter_declaration' || n.type === 'field_declaration') {
        for (const id of n.childrenForFieldName('name')) this.valueNames.add(id.text);
      }
      if (n.type === 'short_var_declaration' || n.type === 'var_spec') {
        const left = n.childForFieldName('left');
        for (const id of left ? left.namedChildren : n.childrenForFieldName('name')) if (id.type === 'identifier') this.valueNames.add(id.text);
      }
      for (const c of n.namedChildren) stack.push(c);
    }
  }

  private edge(target: string, from: Set<string>): void {
    const list = this.edges.get(target);
    if (list) list.push(from); else this.edges.set(target, [from]);
  }

  private seed(names: Set<string>): void {
    this.seeds.push(names);
  }

  private close(): Set<string> {
    const out = new Set<string>();
    const work = this.seeds.flatMap((s) => [...s]);
    while (work.length) {
      const x = work.pop()!;
      if (out.has(x)) continue;
      out.add(x);
      for (const set of this.edges.get(x) ?? []) for (const y of set) if (!out.has(y)) work.push(y);
    }
    return out;
  }

  /**
   * The names an expression reads. A function literal inside it counts as its
   * results' key (what it returns is read when the literal is called), not as
   * its body, whose own tests are seeds of their own; a struct literal's field
   * values are read under their field names (`T{f: x}` stores x as f).
   * Iterative, as every walk here: generated code nests thousands deep.
   */
  private reads(e: Node | null | undefined, out = new Set<string>()): Set<string> {
    // `body`: a literal's body, as a collection's (its elements read by the literal) or a struct's.
    const work: { n: Node; out: Set<string>; body?: 'collection' | 'struct' }[] = e ? [{ n: e, out }] : [];
    const value = (v: Node | null | undefined, into: Set<string>) => {
      const x = v?.type === 'literal_element' ? v.namedChild(0) : v;
      // An untyped literal body (`{1, 2}` in `[]T{{1, 2}}`) is a struct's.
      if (x) work.push(x.type === 'literal_value' ? { n: x, out: into, body: 'struct' } : { n: x, out: into });
    };
    while (work.length) {
      const { n, out: into, body } = work.pop()!;
      if (body) {
        for (const el of n.namedChildren) {
          if (el.type === 'keyed_element') {
            const k = el.childForFieldName('key') ?? el.namedChildren[0];
            const key = k?.type === 'literal_element' ? k.namedChild(0) : k;
            const v = el.childForFieldName('value') ?? el.namedChildren[1];
            if (body === 'struct' && (key?.type === 'identifier' || key?.type === 'field_identifier')) {
              const stored = new Set<string>();
              this.edge(key.text, stored);
              value(v, stored);
            } else {
              const keyReads = new Set<string>();
              this.seed(keyReads);
              if (key) work.push({ n: key, out: keyReads });
              value(v, into);
            }
          } else if (el.type !== 'comment') {
            // A positional struct element is stored under a field we do not name here.
            if (body === 'collection') value(el, into);
            else { const seeded = new Set<string>(); this.seed(seeded); value(el, seeded); }
          }
        }
        continue;
      }
      switch (n.type) {
        case 'identifier': case 'field_identifier':
          into.add(n.text);
          continue;
        case 'func_literal':
          into.add(literalKey(n));
          continue;
        case 'composite_literal': {
          const t = n.childForFieldName('type')?.type;
          const b = n.childForFieldName('body');
          if (b) work.push({ n: b, out: into, body: t === 'map_type' || t === 'slice_type' || t === 'array_type' ? 'collection' : 'struct' });
          continue;
        }
        case 'type_identifier': case 'package_identifier': case 'interpreted_string_literal': case 'raw_string_literal': case 'int_literal': case 'comment':
          continue;
      }
      for (const c of n.namedChildren) work.push({ n: c, out: into });
    }
    return out;
  }

  /** The name a store writes: `x`, the field of `o.f`, the collection of `m[k]`, the pointer of `*p`. */
  private target(e: Node): string | null {
    for (let t = unparen(e); ;) {
      switch (t.type) {
        case 'identifier': return t.text;
        case 'selector_expression': return t.childForFieldName('field')?.text ?? null;
        case 'index_expression': case 'unary_expression': {
          const operand = t.childForFieldName('operand');
          if (!operand) return null;
          t = unparen(operand);
          continue;
        }
      }
      return null;
    }
  }

  /** What storing into `lhs` reads besides the value: the operands and indices on the way to the target. */
  private targetReads(lhs: Node, out: Set<string>): void {
    for (let t: Node | null = unparen(lhs); t; ) {
      if (t.type === 'selector_expression') { this.reads(t.childForFieldName('operand'), out); return; }
      if (t.type === 'index_expression') this.reads(t.childForFieldName('index'), out);
      else if (t.type !== 'unary_expression') return;
      const operand = t.childForFieldName('operand');
      t = operand ? unparen(operand) : null;
    }
  }

  private assign(lefts: Node[], rights: Node[]): void {
    const pairwise = lefts.length === rights.length;
    lefts.forEach((l, i) => {
      const name = this.target(l);
      if (!name) { this.seed(this.reads(l)); return; }
      const from = new Set<string>();
      this.targetReads(l, from);
      if (pairwise) this.reads(rights[i], from); else for (const r of rights) this.reads(r, from);
      this.edge(name, from);
    });
  }

  private enclosingResults(n: Node): string | null {
    for (let cur = n.parent; cur; cur = cur.parent) {
      if (cur.type === 'func_literal') return literalKey(cur);
      if (cur.type === 'function_declaration' || cur.type === 'method_declaration') return cur.childForFieldName('name')?.text ?? null;
    }
    return null;
  }

  private call(n: Node): void {
    const fn = unparen(n.childForFieldName('function')!);
    const args = callArgs(n);
    const argReads = args.map((a) => this.reads(a));
    const seedArgs = () => { for (const r of argReads) this.seed(r); };
    if (fn.type === 'func_literal') { this.bindParams([paramNames(fn.childForFieldName('parameters'))], argReads); return; }
    // A conversion (`[]byte(s)`, `time.Duration(n)` aside) is read by whatever reads the call.
    if (fn.type.endsWith('_type')) return;
    if (fn.type === 'identifier') {
      const b = this.pkg.resolve(fn);
      if ((BUILTINS.has(fn.text) || PREDECLARED_TYPES.has(fn.text)) && !b) return; // read by whatever reads the call
      if (b?.kind === 'type') return;
      if (fn.text === 'panic' || fn.text === 'close') { seedArgs(); return; }
      const params = this.params.get(fn.text);
      if (params && !this.valueNames.has(fn.text)) { this.bindParams(params, argReads); return; }
      seedArgs();
      return;
    }
    if (fn.type === 'selector_expression') {
      const operand = fn.childForFieldName('operand')!;
      const name = fn.childForFieldName('field')!.text;
      const path = this.pkg.importPathOf(operand);
      if (path !== null) {
        // Another package's function: what it returns is read where the call is; only the packages
        // the machine evaluates by value, and pointers handed over (`json.Unmarshal(b, &v)`), decide more.
        if (MODELLED_PACKAGES.test(path) || args.some((a) => a.type === 'unary_expression' && a.child(0)?.type === '&')) seedArgs();
        return;
      }
      if (MODELLED_METHODS.has(name)) { seedArgs(); this.seed(this.reads(operand)); }
      const params = this.params.get(name);
      if (params && !this.valueNames.has(name)) {
        this.bindParams(params, argReads);
        for (const r of this.receivers.get(name) ?? []) this.edge(r, this.reads(operand));
        return;
      }
      // A method of another package's type: its arguments are stored into the receiver, as far as we know.
      const into = this.target(operand);
      if (into && !this.valueNames.has(name) && !this.receivers.has(name)) { for (const r of argReads) this.edge(into, r); return; }
      seedArgs();
      return;
    }
    seedArgs();
  }

  private bindParams(decls: string[][], argReads: Set<string>[]): void {
    for (const params of decls) {
      if (argReads.length === 1 && params.length > 1) { for (const p of params) this.edge(p, argReads[0]!); continue; }
      argReads.forEach((r, i) => {
        const p = params[Math.min(i, params.length - 1)];
        if (p) this.edge(p, r); else this.seed(r);
      });
    }
  }

  private walk(root: Node): void {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      this.visit(n);
      for (const c of n.namedChildren) stack.push(c);
    }
  }

  /** What one node seeds and links. */
  private visit(n: Node): void {
    switch (n.type) {
      case 'if_statement':
        this.seed(this.reads(n.childForFieldName('condition')));
        break;
      case 'for_statement':
        for (const c of n.namedChildren) if (c.type !== 'block' && c.type !== 'for_clause' && c.type !== 'range_clause' && c.type !== 'comment') this.seed(this.reads(c));
        break;
      case 'for_clause':
        this.seed(this.reads(n.childForFieldName('condition')));
        break;
      case 'range_clause': {
        const right = n.childForFieldName('right');
        this.seed(this.reads(right));
        const left = n.childForFieldName('left');
        if (left) this.assign(left.namedChildren, [right!]);
        break;
      }
      case 'expression_switch_statement':
        this.seed(this.reads(n.childForFieldName('value')));
        break;
      case 'expression_case':
        this.seed(this.reads(n.childForFieldName('value')));
        break;
      case 'type_switch_statement':
        this.seed(this.reads(n.childForFieldName('value')));
        for (const a of n.childrenForFieldName('alias')) this.seed(new Set([a.text]));
        break;
      case 'send_statement':
        this.seed(this.reads(n.childForFieldName('channel')));
        this.seed(this.reads(n.childForFieldName('value')));
        break;
      case 'receive_statement': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        this.seed(this.reads(right));
        if (left && right) this.assign(left.namedChildren, [right]);
        break;
      }
      case 'unary_expression': {
        const op = n.child(0)?.type;
        const operand = n.childForFieldName('operand');
        if (op === '<-') this.seed(this.reads(operand));
        if (op === '&' && operand) { const t = this.target(operand); if (t) this.seed(new Set([t])); }
        break;
      }
      case 'index_expression':
        this.seed(this.reads(n.childForFieldName('index')));
        break;
      case 'slice_expression':
        for (const f of ['start', 'end', 'capacity']) this.seed(this.reads(n.childForFieldName(f)));
        break;
      case 'assignment_statement': case 'short_var_declaration': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left && right) this.assign(left.namedChildren, right.namedChildren);
        break;
      }
      case 'var_spec': {
        const value = n.childForFieldName('value');
        if (value) this.assign(n.childrenForFieldName('name'), value.namedChildren);
        break;
      }
      case 'return_statement': {
        const key = this.enclosingResults(n);
        const list = n.namedChildren.find((c) => c.type === 'expression_list') ?? n.namedChildren[0];
        if (key && list) this.edge(key, this.reads(list));
        break;
      }
      case 'call_expression':
        this.call(n);
        break;
    }
    if (FUNCTIONS.has(n.type)) {
      // Named results are what a bare return returns.
      const key = n.type === 'func_literal' ? literalKey(n) : n.childForFieldName('name')?.text;
      const result = n.childForFieldName('result');
      if (key && result?.type === 'parameter_list') this.edge(key, new Set(paramNames(result)));
    }
  }
}

/** The names a parameter list declares, `_` and unnamed ones as ''. */
function paramNames(list: Node | null): string[] {
  if (!list) return [];
  const out: string[] = [];
  for (const d of list.namedChildren) {
    if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') continue;
    const names = d.childrenForFieldName('name');
    if (names.length === 0) out.push('');
    for (const id of names) out.push(id.text);
  }
  return out;
}
