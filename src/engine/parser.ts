// One tree-sitter parser per thread. Trees hold native memory the JS heap
// does not see; callers drop their references after each package and let the
// event loop turn so the finalizers free them.
import Parser from 'tree-sitter';
import Go from 'tree-sitter-go';

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

export function goParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Go as unknown as Parser.Language);
  }
  return parser;
}

/** Parses Go source; large inputs go through the callback form so no single buffer limit applies. */
export function parseGo(text: string): Parser.Tree {
  const p = goParser();
  if (text.length < 1 << 20) return p.parse(text);
  return p.parse((index: number) => (index < text.length ? text.slice(index, index + 65536) : null));
}
