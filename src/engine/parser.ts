// One tree-sitter parser per thread. Trees hold native memory the JS heap
// does not see; callers drop their references after each package and let the
// event loop turn so the finalizers free them.
import Parser from 'tree-sitter';
import Go from 'tree-sitter-go';

let parser: Parser | null = null;

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
