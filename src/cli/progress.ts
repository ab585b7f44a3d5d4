// Progress on a terminal: a run that takes more than a second shows
// "golint-leaks: 1,234/5,678 files, 4.2s" on stderr, redrawn in place and
// erased before anything else is printed. Never in a pipe, never in CI (its
// logs would fill with carriage returns), never when stdout carries JSON or
// SARIF (a terminal showing machine output is usually being copied from).

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** The report's format, and whether it goes to a file (--output) instead of stdout. */
  format: string;
  toFile: boolean;
  /** Show nothing before this many ms (default 1000). */
  delayMs?: number;
  now?: () => number;
}

export interface Progress {
  /** The engine's callback: files done so far, of total. */
  update(done: number, total: number): void;
  /** Erases the line; call before printing anything. Idempotent. */
  stop(): void;
}

/** Whether progress may be shown at all. */
export function progressAllowed(o: Pick<ProgressOptions, 'stream' | 'env' | 'format' | 'toFile'>): boolean {
  if (!o.stream.isTTY) return false;
  const ci = o.env['CI'];
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
  if (o.env['GITHUB_ACTIONS'] || o.env['BUILDKITE'] || o.env['TF_BUILD'] || o.env['JENKINS_URL']) return false;
  if (o.env['TERM'] === 'dumb') return false;
  if (!o.toFile && (o.format === 'json' || o.format === 'sarif')) return false;
  return true;
}

/** A progress display, or undefined when it must not show (see progressAllowed). */
export function startProgress(o: ProgressOptions): Progress | undefined {
  if (!progressAllowed(o)) return undefined;
  const now = o.now ?? Date.now;
  const started = now();
  const delay = o.delayMs ?? 1000;
  let done = 0;
  let total = 0;
  let shown = false;
  let lastDraw = 0;
  let stopped = false;
  const draw = () => {
    const t = now();
    if (stopped || t - started < delay) return;
    lastDraw = t;
    shown = true;
    const count = total ? `${fmt(done)}/${fmt(total)} files` : 'reading files';
    o.stream.write(`\r\x1b[Kgolint-leaks: ${count}, ${((t - started) / 1000).toFixed(1)}s`);
  };
  // The engine reports between packages; the timer keeps the clock moving
  // while workers run (the main thread is free then) and never holds the
  // process open.
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    update(d, t) {
      done = d;
      total = t;
      if (now() - lastDraw >= 100) draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (shown) o.stream.write('\r\x1b[K');
    },
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
