// The byte-level prefilter: before anything is parsed, decide from the source
// text which packages can produce a finding. Most files of a real repository
// have no `go` statement and import neither net/http nor x/crypto/ssh; a
// package none of whose files does costs a regular-expression scan instead of
// a tree-sitter parse, a semantic model and a rule dispatch.
//
// The unit of the decision is the package, never the file: the semantic model
// is package-wide (function summaries, struct fields closed in another file,
// `methodsByName` being unambiguous, globals shadowing imports), so a package
// that can report is parsed whole, exactly as without the prefilter. A file
// whose only channel use is `for range s.events` or `close(s.done)` therefore
// still counts wherever its package has a `go` statement.
//
// The filter must never say "nothing here" where a rule could report. Every
// shortcut below errs towards parsing: unterminated comments and strings fall
// back to treating their contents as code, an import path is looked for
// anywhere in the file (a comment mentioning "net/http" costs a parse, never a
// finding), and a rule this table does not know turns the filter off.

/**
 * Where a rule can report, in terms of the source text. Derived from each
 * rule's visitors and the semantics they ask (see the table); checked by
 * test/equivalence.test.ts, which lints with and without the filter.
 */
export interface RuleScope {
  /** The rule visits only `go_statement`: packages without one cannot report. */
  goStatement?: boolean;
  /**
   * The rule reports only on nodes of a file that imports one of these paths:
   * its visitors bail out unless a qualifier resolves, through that file's
   * imports, to the path.
   */
  imports?: readonly string[];
  /**
   * The rule also reports in a package that takes a lock (`.Lock()` or
   * `.RLock()` in its text) or calls Do: a goroutine that locks a mutex it
   * already holds, or calls a Once's Do from inside the function that Do
   * runs, needs no `go` statement around it.
   */
  lockCall?: boolean;
}

const NET_HTTP = 'net/http';
const SSH = 'golang.org/x/crypto/ssh';

/**
 * Every rule's scope. chan-send-leak, chan-recv-leak and recv-no-timeout have
 * only a `go_statement` visitor; sync-leak (and the channel rules on the
 * checker engine) report what the checker finds in groups rooted at a
 * function with a `go` statement, so a package without one has none, except
 * that sync-leak also roots a group at a function that takes a lock twice, or
 * reaches a Once's Do from inside the function Do runs. The http rules resolve `http.Client`,
 * `http.Get`, `http.DefaultClient` (and a local holding it, which is declared
 * in the same function, hence the same file) through the visited file's
 * import table; ssh-handshake-no-deadline returns unless the callee resolves
 * to x/crypto/ssh the same way. Dot imports are imports of the same path.
 */
export const RULE_SCOPES: Readonly<Record<string, RuleScope>> = {
  'chan-send-leak': { goStatement: true },
  'chan-recv-leak': { goStatement: true },
  'recv-no-timeout': { goStatement: true },
  'sync-leak': { goStatement: true, lockCall: true },
  'http-client-no-timeout': { imports: [NET_HTTP] },
  'http-default-client': { imports: [NET_HTTP] },
  'ssh-handshake-no-deadline': { imports: [SSH] },
};

/** What the enabled rules need from a package's text, or null when some rule is not in the table (no filtering). */
export interface Needs {
  goStatement: boolean;
  lockCall: boolean;
  /** Import paths, each with the two literal spellings Go accepts (`"p"` and `` `p` ``). */
  imports: string[];
  literals: string[];
}

export function needsOf(ruleIds: readonly string[]): Needs | null {
  let goStatement = false;
  let lockCall = false;
  const imports = new Set<string>();
  for (const id of ruleIds) {
    const scope = RULE_SCOPES[id];
    if (!scope) return null;
    if (scope.goStatement) goStatement = true;
    if (scope.lockCall) lockCall = true;
    for (const p of scope.imports ?? []) imports.add(p);
  }
  const paths = [...imports];
  return { goStatement, lockCall, imports: paths, literals: paths.flatMap((p) => [`"${p}"`, `\`${p}\``]) };
}

/**
 * Comments and string, raw string and rune literals (skipped), or a `go`
 * keyword. Lexed left to right as Go does, so `"//"` is a string and `'"'` a
 * rune. An unterminated block comment or literal does not match its
 * alternative; the scan then goes on inside it as if it were code, which can
 * only find more. `\b` treats non-ASCII letters as boundaries, so `ägo` counts
 * as `go`: again, more, never less.
 */
const GO_TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|\bgo\b/g;

/** A Lock or RLock call, or a Do call (a sync.Once's, which waits for its function), anywhere in the text. */
const LOCK_TEXT = /\.R?Lock\(\)|\.Do\(/;

/** Whether the text has a `go` keyword outside comments and literals: a possible `go_statement`. */
export function hasGoKeyword(text: string): boolean {
  // Most files never spell `go` as a word at all; skip the lexer for them.
  if (!/\bgo\b/.test(text)) return false;
  GO_TOKEN.lastIndex = 0;
  for (let m = GO_TOKEN.exec(text); m; m = GO_TOKEN.exec(text)) {
    if (m[0] === 'go') return true;
  }
  return false;
}

/**
 * Whether a file's syntax tree can hold a node of this type, by its text:
 * false only for a `go_statement` in a file without the keyword.
 */
export function mayContain(type: string, text: string): boolean {
  return type !== 'go_statement' || hasGoKeyword(text);
}

/** Whether one file, by its text alone, can make its package reportable. */
export function fileMayReport(text: string, needs: Needs): boolean {
  for (const lit of needs.literals) if (text.includes(lit)) return true;
  // In a comment or a string too: more parses, never a finding less.
  if (needs.lockCall && LOCK_TEXT.test(text)) return true;
  // `wg.Go(f)` (Go 1.25's WaitGroup): the leak checker starts a goroutine there too.
  return needs.goStatement && (hasGoKeyword(text) || text.includes('.Go('));
}

/**
 * Whether a file may hold a suppression directive (`//nolint`, `// nolint`,
 * `//lint:ignore`, `//lint:file-ignore`): such a file in a package that cannot
 * report is parsed alone, for its comments, when unused directives are wanted.
 */
export function mayHaveDirective(text: string): boolean {
  return text.includes('nolint') || text.includes('//lint:');
}

/** Whether a parsed file imports a path a rule needs; the exact check behind `imports`. */
export function ruleAppliesTo(ruleId: string, importPaths: ReadonlySet<string>): boolean {
  const scope = RULE_SCOPES[ruleId];
  if (!scope?.imports) return true;
  return scope.imports.some((p) => importPaths.has(p));
}
