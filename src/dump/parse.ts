// Parsers for the two text formats of Go goroutine dumps.
//
// debug=2 (`/debug/pprof/goroutine?debug=2`, `runtime.Stack(buf, true)`,
// panic tracebacks, SIGQUIT dumps): one block per goroutine,
//
//   goroutine 19 [chan send, 5 minutes, locked to thread]:
//   main.leakSend.func1(0xc000012345)
//   	/src/app/main.go:92 +0x25
//   created by main.leakSend in goroutine 1      (Go 1.21+; older: no "in goroutine")
//   	/src/app/main.go:91 +0x6a
//
// debug=1 (`?debug=1`): one record per distinct stack, with a count and no
// wait reason; runtime frames at the top are hidden by pprof,
//
//   goroutine profile: total 13
//   2 @ 0x43af16 0x40716c 0x66b605 0x467ca1
//   #	0x66b604	main.leakSend.func1+0x24	/src/app/main.go:92
//
// Both parsers are line-based and forgiving: text outside goroutine blocks
// (a panic message, log lines, `exit status 2`) is skipped, and a broken
// block is reported with its line number while what it held so far is kept.

import type { CreatedBy, DumpFormat, Frame, Goroutine, ParsedDump, ParseIssue } from './types.js';

const DEBUG2_HEADER = /^goroutine (\d+)(?: gp=\S+)?(?: m=\S+)?(?: mp=\S+)? \[([^\]]*)\]:\s*$/;
// A file line: tab, path, `:line`, then optionally ` +0x1d` and, with
// GOTRACEBACK=crash, ` fp=0x.. sp=0x.. pc=0x..`. The greedy path keeps
// Windows drive letters (`C:/Go/src/x.go:12`).
const FILE_LINE = /^\s+(.+):(\d+)(?:\s+\+0x[0-9a-fA-F]+)?(?:\s+\S.*)?$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?\s*$/;
const DEBUG1_TOTAL = /^goroutine profile: total (\d+)\s*$/;
const DEBUG1_RECORD = /^(\d+) @(?: 0x[0-9a-fA-F]+)*\s*$/;
const DEBUG1_FRAME = /^#\s+0x[0-9a-fA-F]+\s+(\S+?)\+0x[0-9a-fA-F]+(?:\s+(.+):(\d+))?\s*$/;
const DEBUG1_NOSYMBOL = /^#\s+0x[0-9a-fA-F]+\s*$/;
const PANIC_LINE = /^(?:panic: |fatal error: |SIGQUIT|SIG[A-Z]+: )/;

/** Splits text into lines, accepting CRLF. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Which format the text is in, judged by its first recognisable line, so a
 * panic message or log prefix before a debug=2 traceback does not matter.
 */
export function detectFormat(text: string): DumpFormat | null {
  for (const line of splitLines(text)) {
    if (DEBUG1_TOTAL.test(line) || DEBUG1_RECORD.test(line)) return 'debug=1';
    if (DEBUG2_HEADER.test(line)) return 'debug=2';
  }
  return null;
}

export function parseDump(text: string, name: string): ParsedDump {
  // `?debug=0` (and `go tool pprof -proto`) is a gzipped protobuf: say how
  // to get text instead of reporting binary garbage line by line.
  if (text.startsWith('\u001f\u008b') || text.startsWith('\u001f\ufffd')) {
    return emptyDump(name, [
      { line: 0, message: 'binary pprof profile (debug=0); fetch /debug/pprof/goroutine?debug=2 or ?debug=1 instead' },
    ]);
  }
  const format = detectFormat(text);
  if (format === 'debug=1') return parseDebug1(text, name);
  if (format === 'debug=2') return parseDebug2(text, name);
  return emptyDump(name, [
    { line: 0, message: 'no goroutine found: expected a debug=2 dump ("goroutine 1 [running]:") or a debug=1 profile ("1 @ 0x...")' },
  ]);
}

function emptyDump(name: string, issues: ParseIssue[]): ParsedDump {
  return { name, format: null, goroutines: [], issues, total: null, panic: null };
}

/**
 * The function name of a debug=2 frame line, without the argument list.
 * The arguments are the last balanced parenthesised group; the name itself
 * may contain parentheses (`net/http.(*persistConn).readLoop(0xc0001)`).
 */
export function frameFunc(line: string): string | null {
  const text = line.trimEnd();
  if (!text.endsWith(')')) return null;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === ')') depth++;
    else if (ch === '(') {
      depth--;
      if (depth === 0) {
        const name = text.slice(0, i);
        return name.length > 0 && !/\s/.test(name) ? name : null;
      }
    }
  }
  return null;
}

/** Parses `chan receive, 5 minutes, locked to thread`. */
function parseState(bracket: string): { state: string; minutes: number | null; locked: boolean } {
  const parts = bracket.split(', ');
  // `(scan)` is a transient GC flag, not part of why the goroutine waits.
  const state = (parts[0] ?? '').replace(/ \(scan\)$/, '');
  let minutes: number | null = null;
  let locked = false;
  for (const part of parts.slice(1)) {
    const m = /^(\d+) minutes?$/.exec(part);
    if (m) minutes = Number(m[1]);
    else if (part === 'locked to thread') locked = true;
  }
  return { state, minutes, locked };
}

/**
 * Dumps written with a fixed `runtime.Stack` buffer, or cut by a log
 * shipper, stop mid-line; a broken last line then means truncation rather
 * than a malformed dump.
 */
function cutLineOf(text: string, lines: readonly string[]): number {
  return text.endsWith('\n') ? -1 : lines.length;
}

function parseDebug2(text: string, name: string): ParsedDump {
  const lines = splitLines(text);
  const cutLine = cutLineOf(text, lines);
  const broken = (lineNo: number, what: string): string =>
    lineNo === cutLine ? `truncated (input ends mid-line): ${what}` : `malformed ${what}`;
  const goroutines: Goroutine[] = [];
  const issues: ParseIssue[] = [];
  let panic: string | null = null;
  let current: Goroutine | null = null;
  // A function (or `created by`) line waiting for its file line.
  let pending: { func: string; created: boolean; goroutine: number | null; line: number } | null = null;

  const closePending = (why: string): void => {
    if (!pending || !current) return;
    issues.push({ line: pending.line, message: `${why}: frame "${pending.func}" has no file:line` });
    current.truncated = true;
    pending = null;
  };
  const finish = (why: string): void => {
    if (!current) return;
    closePending(why);
    if (current.frames.length === 0 && !current.truncated && current.state !== 'running') {
      issues.push({ line: current.line, message: `${why}: goroutine ${current.id ?? '?'} has no frames` });
      current.truncated = true;
    }
    goroutines.push(current);
    current = null;
  };

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const header = DEBUG2_HEADER.exec(line);
    if (header) {
      finish('goroutine block ended early');
      const { state, minutes, locked } = parseState(header[2] ?? '');
      current = {
        id: Number(header[1]),
        count: 1,
        state,
        waitMinutes: minutes,
        lockedToThread: locked,
        frames: [],
        createdBy: null,
        elided: false,
        truncated: false,
        line: lineNo,
      };
      return;
    }
    if (!current) {
      // Outside a block: keep the panic message, skip everything else.
      if (panic === null && PANIC_LINE.test(line)) panic = line.trim();
      return;
    }
    const g: Goroutine = current;
    if (line.trim() === '') {
      finish('truncated');
      return;
    }
    if (pending) {
      const file = FILE_LINE.exec(line);
      if (file) {
        const frame: Frame = { func: pending.func, file: file[1] ?? '', line: Number(file[2]) };
        if (pending.created) {
          const created: CreatedBy = { ...frame, goroutine: pending.goroutine };
          g.createdBy = created;
        } else {
          g.frames.push(frame);
        }
        pending = null;
        return;
      }
      if (/^\s/.test(line)) {
        issues.push({ line: lineNo, message: broken(lineNo, `file:line for frame "${pending.func}": "${line.trim()}"`) });
        g.truncated = true;
        pending = null;
        return;
      }
      closePending('truncated');
    }
    if (/^\s/.test(line)) {
      const trimmed = line.trim();
      // Printed when another thread runs the goroutine (panic tracebacks).
      if (/stack unavailable$/.test(trimmed)) return;
      issues.push({ line: lineNo, message: `unexpected indented line in goroutine ${g.id ?? '?'}: "${trimmed}"` });
      g.truncated = true;
      return;
    }
    if (line.startsWith('...additional frames elided...')) {
      g.elided = true;
      return;
    }
    // `created by` is always a goroutine's last entry, and `go run` appends
    // `exit status 2` right after a traceback: either way, any other text
    // here follows a complete block rather than breaking it.
    if (g.createdBy !== null || /^exit status \d+$/.test(line)) {
      finish('truncated');
      return;
    }
    const created = CREATED_BY.exec(line);
    if (created) {
      pending = {
        func: created[1] ?? '',
        created: true,
        goroutine: created[2] === undefined ? null : Number(created[2]),
        line: lineNo,
      };
      return;
    }
    const func = frameFunc(line);
    if (func === null) {
      issues.push({ line: lineNo, message: broken(lineNo, `frame in goroutine ${g.id ?? '?'}: "${line.trim()}"`) });
      g.truncated = true;
      return;
    }
    pending = { func, created: false, goroutine: null, line: lineNo };
  });
  finish('truncated');

  if (goroutines.length === 0) {
    issues.push({ line: 0, message: 'no goroutine could be read' });
  }
  return { name, format: 'debug=2', goroutines, issues, total: null, panic };
}

function parseDebug1(text: string, name: string): ParsedDump {
  const lines = splitLines(text);
  const cutLine = cutLineOf(text, lines);
  const goroutines: Goroutine[] = [];
  const issues: ParseIssue[] = [];
  let total: number | null = null;
  let current: Goroutine | null = null;
  // A frame whose file:line was wrapped onto the next line (as pasted into
  // web pages and chat); accepted when that next line is indented.
  let wrapped: { func: string; line: number } | null = null;

  const finish = (why: string): void => {
    if (!current) return;
    if (wrapped) {
      issues.push({ line: wrapped.line, message: `${why}: frame "${wrapped.func}" has no file:line` });
      current.truncated = true;
      wrapped = null;
    }
    if (current.frames.length === 0) {
      issues.push({ line: current.line, message: `${why}: record of ${current.count} goroutine(s) has no frames` });
      current.truncated = true;
    }
    goroutines.push(current);
    current = null;
  };

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const totalMatch = DEBUG1_TOTAL.exec(line);
    if (totalMatch) {
      finish('record ended early');
      total = Number(totalMatch[1]);
      return;
    }
    const record = DEBUG1_RECORD.exec(line);
    if (record) {
      finish('record ended early');
      current = {
        id: null,
        count: Number(record[1]),
        state: null,
        waitMinutes: null,
        lockedToThread: false,
        frames: [],
        createdBy: null,
        elided: false,
        truncated: false,
        line: lineNo,
      };
      return;
    }
    if (!current) return;
    const g: Goroutine = current;
    if (line.trim() === '') {
      finish('truncated');
      return;
    }
    if (wrapped) {
      const file = FILE_LINE.exec(line);
      if (file && !line.trimStart().startsWith('#')) {
        g.frames.push({ func: wrapped.func, file: file[1] ?? '', line: Number(file[2]) });
        wrapped = null;
        return;
      }
      issues.push({ line: wrapped.line, message: `truncated: frame "${wrapped.func}" has no file:line` });
      g.truncated = true;
      wrapped = null;
    }
    if (line.startsWith('# labels:')) return;
    const frame = DEBUG1_FRAME.exec(line);
    if (frame) {
      const func = frame[1] ?? '';
      if (frame[2] === undefined) wrapped = { func, line: lineNo };
      else g.frames.push({ func, file: frame[2], line: Number(frame[3]) });
      return;
    }
    if (DEBUG1_NOSYMBOL.test(line)) {
      // pprof prints bare PCs it cannot symbolize; keep the slot so stacks
      // with unknown frames still compare equal.
      g.frames.push({ func: '?', file: '?', line: 0 });
      return;
    }
    const what = `line in record of ${g.count} goroutine(s): "${line.trim()}"`;
    issues.push({ line: lineNo, message: lineNo === cutLine ? `truncated (input ends mid-line): ${what}` : `malformed ${what}` });
    g.truncated = true;
  });
  finish('truncated');

  const sum = goroutines.reduce((n, g) => n + g.count, 0);
  if (total !== null && sum !== total) {
    issues.push({
      line: 0,
      message: `"goroutine profile: total ${total}" but the records add up to ${sum}${sum < total ? ' (dump truncated?)' : ''}`,
    });
  }
  if (goroutines.length === 0) {
    issues.push({ line: 0, message: 'no goroutine record could be read' });
  }
  return { name, format: 'debug=1', goroutines, issues, total, panic: null };
}
