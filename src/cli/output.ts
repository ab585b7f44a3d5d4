// Writing results: `--output FILE` is written to a temporary file in the same
// directory and renamed, so a reader (or a crashed run) never sees half a
// report; stdout tolerates a closed pipe (`| head`).
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeAtomic(path: string, content: string, mode?: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content, mode !== undefined ? { mode } : undefined);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw e;
  }
}

/** A file-system error as a short phrase for a one-line message. */
export function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'ENOTDIR': return 'not a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on device';
    case 'EISDIR': return 'is a directory';
    case 'EEXIST': return 'already exists';
    default: return code ?? (e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
}

/**
 * Set once stdout's reader has gone away (`golint-leaks ./... | head`): the
 * rest of the report is dropped, but the run still writes its notices to
 * stderr and exits with the status the findings call for.
 */
let stdoutClosed = false;
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') { stdoutClosed = true; return; }
    throw e;
  });
}

/** Writes to stdout and resolves when flushed; a closed pipe is not an error. */
export function writeStdout(s: string): Promise<void> {
  listen();
  if (!s || stdoutClosed) return Promise.resolve();
  return new Promise((resolve) => {
    process.stdout.write(s, (err) => {
      if (err && ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ERR_STREAM_DESTROYED')) stdoutClosed = true;
      resolve();
    });
  });
}

/** Installs the stdout error handler before anything is written (subcommands write to the stream directly). */
export function guardStdout(): void {
  listen();
}
