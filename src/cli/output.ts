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

/** Writes to stdout and resolves when flushed; a closed pipe is not an error. */
export function writeStdout(s: string): Promise<void> {
  if (!s) return Promise.resolve();
  return new Promise((resolve) => {
    const ok = process.stdout.write(s, () => resolve());
    void ok;
  });
}
