// Lexical scopes and bindings of one function declaration (with every
// function literal nested in it). Built lazily, only for functions a rule asks
// about, in one iterative walk: deeply nested code must not overflow the stack.
//
// Every identifier in expression position is resolved to the Binding that
// declares it, following Go's rules: a local's scope starts after its
// declaration (`x := x + 1` reads the outer x), `:=` redeclares only new names
// of the current scope, `if`/`for`/`switch`/case clauses open scopes.
import type { Node } from './syntax.js';
import { nodeKey } from './syntax.js';

export type BindingKind = 'var' | 'param' | 'result' | 'receiver' | 'const' | 'func' | 'type' | 'range' | 'typeswitch';

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The declaring identifier. */
  ident: Node;
  /** The declaring statement, spec or parameter declaration. */
  decl: Node;
  /** The initializer aligned with this name (`x` in `a, x := 1, f()` → `f()`), or null. */
  value: Node | null;
  /** When one multi-value call initializes several names, this name's result index. */
  valueIndex: number;
  /** The declared type, where written. */
  type: Node | null;
  /** Function (declaration, method or literal) whose scope declares it; null at package level. */
  fn: Node | null;
  /** Identifier uses, excluding the declaration. */
  refs: Node[];
  /** Right-hand sides assigned later (`x = e`), each with its assignment statement. */
  assigns: { stmt: Node; value: Node | null }[];
}

type Scope = Map<string, Binding>;
type Task = Node | (() => void);

/** Resolved identifiers of one top-level function declaration. */
export class FunctionScopes {
  /** nodeKey(identifier) → binding, for declarations and references alike. */
  private readonly byIdent = new Map<number, Binding>();
  readonly bindings: Binding[] = [];

  constructor(readonly root: Node, private readonly outer: (name: string) => Binding | null) {
    this.build();
  }

  /** The binding an identifier (use or declaration) resolves to inside this function, or null. */
  lookup(ident: Node): Binding | null {
    return this.byIdent.get(nodeKey(ident)) ?? null;
  }

  private build(): void {
    const scopes: Scope[] = [];
    const fnStack: Node[] = [];
    const tasks: Task[] = [];
    const push = (...ts: Task[]) => {
      for (let i = ts.length - 1; i >= 0; i--) tasks.push(ts[i]!);
    };
    const open = () => scopes.push(new Map());
    const close = () => scopes.pop();
    const resolve = (name: string): Binding | null => {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const b = scopes[i]!.get(name);
        if (b) return b;
      }
      return this.outer(name);
    };
    const ref = (id: Node) => {
      if (id.text === '_') return;
      const b = resolve(id.text);
      if (b) {
        b.refs.push(id);
        this.byIdent.set(nodeKey(id), b);
      }
    };
    const declare = (id: Node, kind: BindingKind, decl: Node, value: Node | null, valueIndex: number, type: Node | null) => {
      if (id.text === '_') return;
      const b: Binding = { name: id.text, kind, ident: id, decl, value, valueIndex, type, fn: fnStack[fnStack.length - 1] ?? null, refs: [], assigns: [] };
      scopes[scopes.length - 1]!.set(id.text, b);
      this.byIdent.set(nodeKey(id), b);
      this.bindings.push(b);
    };
    /** `a, b := x, y` aligns names with values; `a, b := f()` gives both the call and an index. */
    const declareList = (names: Node[], values: Node[], kind: BindingKind, decl: Node, type: Node | null, redeclare: boolean) => {
      names.forEach((id, i) => {
        if (id.type !== 'identifier') return;
        const value = values.length === names.length ? values[i]! : values.length === 1 ? values[0]! : null;
        const valueIndex = values.length === names.length ? 0 : i;
        const existing = redeclare ? scopes[scopes.length - 1]!.get(id.text) : undefined;
        if (existing) {
          existing.refs.push(id);
          existing.assigns.push({ stmt: decl, value });
          this.byIdent.set(nodeKey(id), existing);
        } else declare(id, kind, decl, value, valueIndex, type);
      });
    };
    const params = (list: Node | null, kind: BindingKind) => {
      if (!list) return;
      for (const p of list.namedChildren) {
        if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
        const type = p.childForFieldName('type');
        for (const c of p.namedChildren) if (c.type === 'identifier') declare(c, kind, p, null, 0, type);
      }
    };
    const visitChildren = (n: Node) => push(...n.namedChildren);
    const withScope = (...ts: Task[]) => push(open, ...ts, close);

    const fnEnter = (fn: Node) => {
      push(
        () => { fnStack.push(fn); open(); },
        () => {
          params(fn.childForFieldName('receiver'), 'receiver');
          params(fn.childForFieldName('parameters'), 'param');
          const result = fn.childForFieldName('result');
          if (result?.type === 'parameter_list') params(result, 'result');
        },
        // Parameters, results and the body's top-level declarations share one
        // block in Go: `err :=` at the top of a body reuses a named result.
        ...(fn.childForFieldName('body')?.namedChildren ?? []),
        () => { close(); fnStack.pop(); },
      );
    };

    const visit = (n: Node) => {
      switch (n.type) {
        case 'function_declaration':
        case 'method_declaration':
        case 'func_literal':
          fnEnter(n);
          return;
        case 'identifier':
          ref(n);
          return;
        case 'block':
        case 'expression_case':
        case 'default_case':
        case 'type_case':
          withScope(...n.namedChildren);
          return;
        case 'short_var_declaration': {
          const left = n.childForFieldName('left')?.namedChildren ?? [];
          const right = n.childForFieldName('right')?.namedChildren ?? [];
          push(...right, () => declareList(left, right, 'var', n, null, true));
          return;
        }
        case 'var_declaration':
        case 'const_declaration': {
          const specs: Node[] = [];
          for (const c of n.namedChildren) {
            if (c.type === 'var_spec' || c.type === 'const_spec') specs.push(c);
            else if (c.type === 'var_spec_list' || c.type === 'const_spec_list') specs.push(...c.namedChildren.filter((s) => s.type === 'var_spec' || s.type === 'const_spec'));
          }
          for (const spec of specs) {
            const nameNodes = spec.childrenForFieldName('name').filter((c) => c.type === 'identifier');
            const values = spec.childForFieldName('value')?.namedChildren ?? [];
            const type = spec.childForFieldName('type');
            push(...values, () => declareList(nameNodes, values, n.type === 'const_declaration' ? 'const' : 'var', spec, type, false));
          }
          return;
        }
        case 'assignment_statement': {
          const left = n.childForFieldName('left')?.namedChildren ?? [];
          const right = n.childForFieldName('right')?.namedChildren ?? [];
          push(...right, ...left, () => {
            left.forEach((l, i) => {
              if (l.type !== 'identifier') return;
              const b = this.lookup(l);
              if (b) b.assigns.push({ stmt: n, value: right.length === left.length ? right[i]! : right[0] ?? null });
            });
          });
          return;
        }
        case 'if_statement':
          withScope(...n.namedChildren);
          return;
        case 'for_statement': {
          const range = n.namedChildren.find((c) => c.type === 'range_clause');
          if (range) {
            const left = range.childForFieldName('left')?.namedChildren ?? [];
            const right = range.childForFieldName('right');
            const defines = range.children.some((c) => c.type === ':=');
            const body = n.childForFieldName('body');
            withScope(
              ...(right ? [right] : []),
              () => { if (defines) left.forEach((id, i) => { if (id.type === 'identifier') declare(id, 'range', range, right, i, null); }); },
              ...(defines ? [] : left),
              ...(body ? [body] : []),
            );
          } else withScope(...n.namedChildren);
          return;
        }
        case 'expression_switch_statement':
          withScope(...n.namedChildren);
          return;
        case 'type_switch_statement': {
          const alias = n.childForFieldName('alias');
          const value = n.childForFieldName('value');
          const rest = n.namedChildren.filter((c) => c.type === 'type_case' || c.type === 'default_case' || c.type === 'short_var_declaration' || c.type === 'assignment_statement' || c.type === 'expression_statement' || c.type === 'inc_statement' || c.type === 'dec_statement');
          const init = n.childForFieldName('initializer');
          withScope(
            ...(init ? [init] : []),
            ...(value ? [value] : []),
            () => { for (const id of alias?.namedChildren ?? []) if (id.type === 'identifier') declare(id, 'typeswitch', n, value, 0, null); },
            ...rest.filter((c) => !init || c.startIndex !== init.startIndex),
          );
          return;
        }
        case 'communication_case': {
          const comm = n.childForFieldName('communication');
          const rest = n.namedChildren.filter((c) => !comm || c.startIndex !== comm.startIndex);
          if (comm?.type === 'receive_statement' && comm.children.some((c) => c.type === ':=')) {
            const left = comm.childForFieldName('left')?.namedChildren ?? [];
            const right = comm.childForFieldName('right');
            withScope(...(right ? [right] : []), () => declareList(left, right ? [right] : [], 'var', comm, null, false), ...rest);
          } else withScope(...n.namedChildren);
          return;
        }
        case 'selector_expression': {
          const operand = n.childForFieldName('operand');
          if (operand) push(operand);
          return;
        }
        case 'keyed_element': {
          // In a struct literal the key names a field, not a variable; in a map
          // or slice literal it is an expression. The literal's type decides.
          const key = n.childForFieldName('key');
          const value = n.childForFieldName('value');
          const lit = n.parent?.parent;
          const t = lit?.type === 'composite_literal' ? lit.childForFieldName('type') : null;
          const keyIsExpr = !!t && (t.type === 'map_type' || t.type === 'slice_type' || t.type === 'array_type' || t.type === 'implicit_length_array_type');
          push(...(key && keyIsExpr ? [key] : key && key.namedChild(0)?.type !== 'identifier' ? [key] : []), ...(value ? [value] : []));
          return;
        }
        case 'labeled_statement':
        case 'break_statement':
        case 'continue_statement':
        case 'goto_statement':
          push(...n.namedChildren.filter((c) => c.type !== 'label_name'));
          return;
        case 'field_identifier':
        case 'type_identifier':
        case 'package_identifier':
        case 'comment':
        case 'interpreted_string_literal':
        case 'raw_string_literal':
        case 'int_literal':
          return;
        default:
          visitChildren(n);
      }
    };

    open(); // package-level declarations (var x = func() {...}) declare into a root scope
    push(this.root);
    while (tasks.length) {
      const t = tasks.pop()!;
      if (typeof t === 'function') t();
      else visit(t);
    }
  }
}
