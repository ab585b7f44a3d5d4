// Types shared by the `golint-leaks dump` modules.
//
// Frames are kept innermost first, as both dump formats print them, and
// hold the function name without arguments or `+0x` offsets so that two
// goroutines parked on the same line compare equal across processes.

/** A finding of the static linter, as the CLI hands it to `runDump`. */
export interface StaticFinding {
  ruleId: string;
  /** Absolute path. */
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface Frame {
  /** Fully qualified Go symbol, e.g. `net/http.(*persistConn).readLoop`. */
  func: string;
  /** File as printed by the dumped process (may be from another machine). */
  file: string;
  line: number;
}

export interface CreatedBy extends Frame {
  /** Go 1.21+ prints `created by F in goroutine N`; older dumps do not. */
  goroutine: number | null;
}

export type DumpFormat = 'debug=1' | 'debug=2';

export interface Goroutine {
  /** Goroutine id; null in debug=1 records, which aggregate many goroutines. */
  id: number | null;
  /** 1 for a debug=2 goroutine, the record count for debug=1. */
  count: number;
  /** Wait reason as printed (`chan send`, `IO wait`); null when the dump has none. */
  state: string | null;
  waitMinutes: number | null;
  lockedToThread: boolean;
  frames: Frame[];
  createdBy: CreatedBy | null;
  /** The traceback said `...additional frames elided...`. */
  elided: boolean;
  /** The input ended or broke inside this goroutine; frames are what could be read. */
  truncated: boolean;
  /** 1-based line of the goroutine's header in its input. */
  line: number;
}

export interface ParseIssue {
  /** 1-based line number in the input (0 when it concerns the whole input). */
  line: number;
  message: string;
}

export interface ParsedDump {
  /** File name, `-` or URL the dump came from. */
  name: string;
  format: DumpFormat | null;
  goroutines: Goroutine[];
  issues: ParseIssue[];
  /** `goroutine profile: total N` of debug=1 dumps. */
  total: number | null;
  /** First line of a panic or fatal error preceding a traceback. */
  panic: string | null;
}

/**
 * `suspicious`: matches a leak shape (exit code 1). `normal`: known to be
 * expected in a healthy process. `unknown`: blocked, but no rule describes it.
 */
export type Verdict = 'suspicious' | 'normal' | 'unknown';

/** Where a group's wait reason came from. */
export type StateSource = 'dump' | 'stack' | 'source' | 'none';

export interface Classification {
  verdict: Verdict;
  /** The static rule that reports this shape in source, if any. */
  ruleId: string | null;
  /** One sentence saying why, for humans. */
  reason: string;
  /**
   * Index of the frame to look at: where the rule points (the blocking
   * operation, or the call into the library), or for unknown groups the
   * first user frame. Null when no frame is the user's (transport loops).
   */
  siteIndex: number | null;
}

export interface SourceLocation {
  /** Absolute path under the source directory. */
  file: string;
  /** Path relative to the source directory, with `/` separators. */
  relative: string;
  line: number;
  /** Which frame of the group was mapped. */
  frameIndex: number;
}

export interface LinkedFinding extends StaticFinding {
  /** The finding's rule is the one the dump classification names. */
  sameRule: boolean;
}

export interface Group {
  /** Frames + wait reason + creation site: what makes goroutines one group. */
  key: string;
  /** Frames only, without leading runtime frames: compares debug=1 with debug=2. */
  stackKey: string;
  count: number;
  state: string | null;
  stateSource: StateSource;
  longestWaitMinutes: number | null;
  lockedToThread: number;
  frames: Frame[];
  createdBy: CreatedBy | null;
  goroutineIds: number[];
  truncated: boolean;
  /** First frame in user code (package path with a dot, or `main`). */
  userFrameIndex: number | null;
  classification: Classification;
  source: SourceLocation | null;
  finding: LinkedFinding | null;
}

export interface DumpAnalysis {
  dump: ParsedDump;
  groups: Group[];
}

/** One row of growth mode: a group followed across two or more dumps. */
export interface GrowthRow {
  /** The group as seen in the latest dump that has it. */
  group: Group;
  /** Count in each dump, in input order (0 where absent). */
  counts: number[];
  /** Last count minus first count. */
  delta: number;
}
