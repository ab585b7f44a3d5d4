// Linting on every core: worker threads, each with its own tree-sitter parser
// and rule instances, take directories from a shared queue (a directory is
// read, split into its packages and linted whole, so package-wide facts never
// cross a thread). Results come back as plain data and are merged in
// directory order, so the output is the single-thread output, byte for byte.
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
  // Largest directories first, so that a big package is not the last one
  // started while the other workers sit idle; results keep directory order.
  const order = dirs.map((_, i) => i).sort((a, b) => dirs[b]!.files.length - dirs[a]!.files.length || a - b);
  const results: DirResult[] = new Array(dirs.length);
  let next = 0;
  const total = dirs.reduce((n, d) => n + d.files.length, 0);
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const inflight = new Map<Worker, number>();
      const feed = (w: Worker): void => {
        if (next >= order.length) return;
        const seq = order[next++]!;
        inflight.set(w, inflight.get(w)! + 1);
        w.postMessage({ seq, dir: dirs[seq]! } satisfies ToWorker);
      };
      const retire = (w: Worker) => {
        w.postMessage({ stop: true } satisfies ToWorker);
        if (--running === 0) resolve();
      };
      const fail = (e: Error) => { if (!failed) { failed = true; reject(e); } };
      for (let i = 0; i < jobs; i++) {
        const w = new Worker(new URL(import.meta.url), { workerData: init });
        workers.push(w);
        inflight.set(w, 0);
        running++;
        w.on('message', (m: FromWorker) => {
          if ('error' in m) { fail(new Error(m.error)); return; }
          results[m.seq] = m.result;
          opts.onProgress?.((done += dirs[m.seq]!.files.length), total);
          inflight.set(w, inflight.get(w)! - 1);
          feed(w);
          if (inflight.get(w) === 0) retire(w);
        });
        w.on('error', fail);
        w.on('exit', (code) => { if (code !== 0) fail(new Error(`worker exited with code ${code}`)); });
        // One directory queued behind the one running: a worker never waits for the main thread.
        feed(w);
        feed(w);
        if (inflight.get(w) === 0) retire(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return mergeResults(results);
}

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
