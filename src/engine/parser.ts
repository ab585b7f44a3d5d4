// One tree-sitter parser per thread. Trees hold native memory the JS heap
// does not see; callers drop their references after each package and let the
// event loop turn so the finalizers free them.
import Parser from 'tree-sitter';
import Go from 'tree-sitter-go';
import { parseAcceptingNewExpr } from './newexpr.js';

let parser: Parser | null = null;

/**
 * The binding keeps a native cache entry (a weak reference with a finalizer,
 * about 0.5 KB of malloc'd memory) for every node object it hands to JS, so
 * that it can return the same object for the same node later. Nothing here
 * relies on that identity (nodes are compared by range and type: `sameNode`,
 * `nodeKey`), and on a large package the cache costs more than the tree
 * itself, in memory and in time. Turned off; if a future binding renames
 * these methods, the cache simply stays on.
 */
const treeProto = (Parser as unknown as { Tree?: { prototype: Record<string, unknown> } }).Tree?.prototype;
if (treeProto && typeof treeProto['_cacheNode'] === 'function' && typeof treeProto['_cacheNodes'] === 'function' && process.env['GOLINT_LEAKS_NODE_CACHE'] !== '1') {
  treeProto['_cacheNode'] = () => undefined;
  treeProto['_cacheNodes'] = () => undefined;
}

/**
 * Node properties the semantics layer reads millions of times, answered in
 * JS instead of by a native call each:
 *
 * - `type` and `typeId`: the binding makes one subclass per named node type
 *   and means to put the type's name on its prototype, but that assignment
 *   hits the inherited getter and is silently dropped, so every `node.type`
 *   is a native call. A node's class is chosen by its symbol, so the first
 *   answer for a class is every instance's answer: it is stored on that
 *   class's prototype. Error and anonymous nodes share the base class and
 *   keep the native getters.
 * - `startIndex` and `startPosition`: a node object carries tree-sitter's
 *   TSNode context (start byte, row and column, in UTF-16 bytes) in its
 *   fields 2 to 4, which is what the native getters read.
 *
 * Any of these missing from a future binding leaves its native getter alone;
 * GOLINT_LEAKS_NODE_CACHE=1 (which also keeps the node cache) turns them off
 * for comparison.
 */
function speedUpNodeProperties(): void {
  const base = (Parser as unknown as { SyntaxNode?: { prototype: object } }).SyntaxNode?.prototype;
  if (!base || process.env['GOLINT_LEAKS_NODE_CACHE'] === '1') return;
  const perClass = (name: string) => {
    const native = Object.getOwnPropertyDescriptor(base, name)?.get;
    if (!native) return;
    Object.defineProperty(base, name, {
      configurable: true,
      get(this: object) {
        const value: unknown = native.call(this);
        const proto = Object.getPrototypeOf(this) as object;
        if (proto !== base && value !== undefined) Object.defineProperty(proto, name, { value, configurable: true });
        return value;
      },
    });
  };
  perClass('type');
  perClass('typeId');
  const fields = (n: object) => n as Record<number, number>;
  // Checked against the native getters on a node off the first line and column, past a non-ASCII rune.
  const ids = goParserRaw().parse('package p\n\nvar é, x = 1, 2\n').rootNode.descendantsOfType('identifier');
  const spec = ids[ids.length - 1] as unknown as (Record<number, number> & { startIndex: number; startPosition: { row: number; column: number } }) | undefined;
  if (!spec || spec.startIndex !== fields(spec)[2]! >>> 1 || spec.startPosition.row !== fields(spec)[3] || spec.startPosition.column !== fields(spec)[4]! >>> 1) return;
  Object.defineProperty(base, 'startIndex', { configurable: true, get(this: object) { return fields(this)[2]! >>> 1; } });
  Object.defineProperty(base, 'startPosition', { configurable: true, get(this: object) { return { row: fields(this)[3]!, column: fields(this)[4]! >>> 1 }; } });
  memoiseStructure(base);
}

/**
 * A tree never changes once parsed (a fix re-parses), so what a node's
 * children, fields, parent, end and text are is asked of the binding once
 * per node and then answered from a table kept per tree: the leak checker
 * re-evaluates the same statements at every state, and each of these is a
 * native call that builds new node objects. The table is keyed by the
 * node's id (fields 0 and 1 of a node object, as the binding's own cache
 * keys it) and lives as long as its tree. Arrays are handed out as copies.
 */
function memoiseStructure(base: object): void {
  const tables = new WeakMap<object, Map<number, Record<string, unknown>>>();
  // The node objects the memoised accessors hand out are the same objects every time, so
  // each also keeps its table entry itself: the checker asks the same nodes millions of times.
  const own = Symbol('facts');
  const factsOf = (n: Facts): Record<string, unknown> => {
    const mine = n[own];
    if (mine) return mine;
    let t = tables.get(n.tree);
    if (!t) { t = new Map(); tables.set(n.tree, t); }
    const id = n[0]! + n[1]! * 4294967296;
    let f = t.get(id);
    if (!f) { f = {}; t.set(id, f); }
    n[own] = f;
    return f;
  };
  type Facts = Record<number, number> & { tree: object; [own]?: Record<string, unknown> };
  const getter = (name: string, copy: boolean) => {
    const native = Object.getOwnPropertyDescriptor(base, name)?.get;
    if (!native) return;
    Object.defineProperty(base, name, {
      configurable: true,
      get(this: Facts) {
        const f = factsOf(this);
        let v = f[name];
        if (v === undefined) { v = native.call(this); f[name] = v === undefined ? null : v; }
        return copy && Array.isArray(v) ? v.slice() : v;
      },
    });
  };
  const method = (name: string, copy: boolean) => {
    const native = (base as Record<string, unknown>)[name];
    if (typeof native !== 'function') return;
    Object.defineProperty(base, name, {
      configurable: true,
      writable: true,
      value(this: Facts, arg: unknown) {
        if (typeof arg !== 'string' && typeof arg !== 'number') return (native as (a: unknown) => unknown).call(this, arg);
        const f = factsOf(this);
        const k = `${name}:${arg}`;
        let v = f[k];
        if (v === undefined) { v = (native as (a: unknown) => unknown).call(this, arg); f[k] = v === undefined ? null : v; }
        return copy && Array.isArray(v) ? v.slice() : v;
      },
    });
  };
  getter('parent', false);
  getter('endIndex', false);
  getter('text', false);
  getter('children', true);
  getter('namedChildren', true);
  method('childForFieldName', false);
  method('childrenForFieldName', true);
  method('child', false);
  method('namedChild', false);
}

function goParserRaw(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Go as unknown as Parser.Language);
  }
  return parser;
}

let sped = false;

export function goParser(): Parser {
  if (!sped) {
    sped = true;
    speedUpNodeProperties();
  }
  return goParserRaw();
}

/** Parses one string: large inputs go through the callback form so no single buffer limit applies. */
function parseText(text: string): Parser.Tree {
  const p = goParser();
  if (text.length < 1 << 20) return p.parse(text);
  return p.parse(chunksOf(text));
}

function chunksOf(text: string): (index: number) => string | null {
  return (index: number) => (index < text.length ? text.slice(index, index + 65536) : null);
}

/**
 * Parses Go source. Go 1.26's `new(expr)`, which the grammar rejects, is
 * parsed from a copy of the text with those calls' `new` respelled (see
 * newexpr.ts); the tree's text is the original's either way.
 */
export function parseGo(text: string): Parser.Tree {
  return parseAcceptingNewExpr(text, parseText(text), parseText, (tree) => {
    // The binding reads node text from `tree.input`: the string given to
    // parse, or the callback for a large one. Same length, same offsets.
    const t = tree as unknown as { input: unknown };
    t.input = typeof t.input === 'string' ? text : chunksOf(text);
  });
}
