// Linting on every core: `jobs - 1` worker threads and this thread, each with
// its own tree-sitter parser and rule instances, take directories from one
// queue (a directory is read, split into its packages and linted whole, so
// package-wide facts never cross a thread). Results come back as plain data
// and are merged in directory order, so the output is the single-thread
// output, byte for byte.
//
// Threads rather than processes: a worker starts in ~50 ms against ~120 ms for
// a process, and a finding crosses by structured clone instead of JSON on a
// pipe. Each worker frees its trees as the main thread does, by letting its
// event loop turn between directories.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { RULES } from '../../rules/index.js';
import type { Severity } from './rule.js';
import type { BuildContext } from './buildtags.js';
import { lintDirectory, mergeResults, releaseTrees, type DirectoryFiles, type DirResult, type EnabledRule, type LintOptions, type LintResult } from './lint.js';

/** LintOptions without functions: what a worker is started with. */
interface WorkerInit {
  tests: boolean;
  maxFileSize: number;
  build: BuildContext;
  rules: { id: string; severity: Severity; options: Record<string, unknown> }[];
  reportOnly: string[] | null;
  prefilter: boolean;
  unusedDirectives: boolean;
  parseOnly: boolean;
  countFunctions: boolean;
}

type ToWorker = { seq: number; dir: DirectoryFiles } | { stop: true };
type FromWorker = { seq: number; result: DirResult } | { seq: number; error: string };

/**
 * Whether a worker can run this lint: this module is compiled JavaScript (a
 * test running the TypeScript source in-process cannot start a worker on it),
 * and every enabled rule is one the worker can load by id (a test may pass a
 * rule of its own).
 */
export function workersCanRun(opts: LintOptions): boolean {
  if (!import.meta.url.endsWith('.js')) return false;
  return opts.rules.every((er) => RULES.some((r) => r.meta.id === er.rule.meta.id && r === er.rule));
}

export async function lintInWorkers(dirs: DirectoryFiles[], opts: LintOptions, jobs: number): Promise<LintResult> {
  const init: WorkerInit = {
    tests: opts.tests,
    maxFileSize: opts.maxFileSize,
    build: opts.build,
    rules: opts.rules.map((er) => ({ id: er.rule.meta.id, severity: er.severity, options: er.options })),
    reportOnly: opts.reportOnly ? [...opts.reportOnly] : null,
    prefilter: opts.prefilter !== false,
    unusedDirectives: opts.unusedDirectives !== false,
    parseOnly: !!opts.parseOnly,
    countFunctions: !!opts.countFunctions,
  };
  // Worker threads take the largest directories first, so that a big package
  // is not the last one started while the others sit idle. This thread is
  // one of the `jobs`: it has every module loaded and its code already warm
  // (a worker costs a start-up and its own compilation of the same code), and
  // it takes the smallest directories from the other end, yielding after
  // each so that it keeps feeding the workers. Results keep directory order.
  const order = dirs.map((_, i) => i).sort((a, b) => dirs[b]!.files.length - dirs[a]!.files.length || a - b);
  const results: DirResult[] = new Array(dirs.length);
  let front = 0;
  let back = order.length;
  const total = dirs.reduce((n, d) => n + d.files.length, 0);
  let done = 0;
  const finished = (seq: number, result: DirResult) => {
    results[seq] = result;
    opts.onProgress?.((done += dirs[seq]!.files.length), total);
  };
  const workers: Worker[] = [];
  let failure: Error | null = null;
  try {
    const threads = new Promise<void>((resolve, reject) => {
      let running = 0;
      const inflight = new Map<Worker, number>();
      const feed = (w: Worker): void => {
        if (front >= back) return;
        const seq = order[front++]!;
        inflight.set(w, inflight.get(w)! + 1);
        w.postMessage({ seq, dir: dirs[seq]! } satisfies ToWorker);
      };
      const retire = (w: Worker) => {
        w.postMessage({ stop: true } satisfies ToWorker);
        if (--running === 0) resolve();
      };
      const fail = (e: Error) => { failure ??= e; reject(e); };
      for (let i = 0; i < jobs - 1; i++) {
        const w = new Worker(new URL(import.meta.url), { workerData: init });
        workers.push(w);
        inflight.set(w, 0);
        running++;
        w.on('message', (m: FromWorker) => {
          if ('error' in m) { fail(new Error(m.error)); return; }
          finished(m.seq, m.result);
          inflight.set(w, inflight.get(w)! - 1);
          feed(w);
          if (inflight.get(w) === 0) retire(w);
        });
        w.on('error', fail);
        w.on('exit', (code) => { if (code !== 0) fail(new Error(`worker exited with code ${code}`)); });
        // Directories queued behind the one running: a worker does not wait
        // while this thread finishes a directory of its own.
        for (let k = 0; k < WORKER_QUEUE; k++) feed(w);
        if (inflight.get(w) === 0) retire(w);
      }
      if (running === 0) resolve();
    });
    threads.catch(() => undefined); // reported below, after this thread stops taking work
    while (front < back && !failure) {
      const seq = order[--back]!;
      const result = lintDirectory(dirs[seq]!, opts);
      finished(seq, result);
      releaseTrees(result.stats.parsedBytes);
      await new Promise((r) => setImmediate(r));
    }
    await threads;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return mergeResults(results);
}

/** Directories a worker holds at once (one running, the rest queued). */
const WORKER_QUEUE = 3;

function workerMain(): void {
  const init = workerData as WorkerInit;
  const rules: EnabledRule[] = init.rules.map((r) => ({ rule: RULES.find((x) => x.meta.id === r.id)!, severity: r.severity, options: r.options }));
  const opts: LintOptions = {
    tests: init.tests,
    maxFileSize: init.maxFileSize,
    build: init.build,
    rules,
    reportOnly: init.reportOnly ? new Set(init.reportOnly) : undefined,
    prefilter: init.prefilter,
    unusedDirectives: init.unusedDirectives,
    parseOnly: init.parseOnly,
    countFunctions: init.countFunctions,
  };
  const port = parentPort!;
  // Messages queued on a port are delivered in one go, and a tree's native
  // memory is freed by a finalizer that waits for the loop to turn (a tree
  // parsed over and over in a message handler grows RSS by 25 MB each time):
  // so directories are queued here and taken one per turn of the loop.
  const queue: { seq: number; dir: DirectoryFiles }[] = [];
  let stopping = false;
  let running = false;
  const drain = async () => {
    running = true;
    for (let m = queue.shift(); m; m = queue.shift()) {
      try {
        const result = lintDirectory(m.dir, opts);
        port.postMessage({ seq: m.seq, result } satisfies FromWorker);
        releaseTrees(result.stats.parsedBytes);
      } catch (e) {
        port.postMessage({ seq: m.seq, error: (e as Error).stack ?? String(e) } satisfies FromWorker);
      }
      await new Promise((r) => setImmediate(r));
    }
    running = false;
    if (stopping) port.close();
  };
  port.on('message', (m: ToWorker) => {
    if ('stop' in m) {
      stopping = true;
      if (!running) port.close();
      return;
    }
    queue.push(m);
    if (!running) void drain();
  });
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.rules) workerMain();
