// Raises vitest 3's worker RPC timeout from its fixed 60 s to 10 min.
//
// Why: vitest's worker and main process talk over birpc with a hard-coded
// 60 s timeout (no option reaches it in vitest 3). The CLI and robustness
// tests run the built binary with spawnSync, which blocks the worker's event
// loop for the run; on a loaded 2-core CI machine one run can pass 60 s, and
// vitest then fails the whole run with "Timeout calling onTaskUpdate" although
// every test passed. Runs before `npm test` (pretest), idempotent, and says
// what it did. The right fix is async test helpers; see the note of this change.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(process.cwd(), 'node_modules', 'vitest', 'dist', 'chunks');
let patched = 0;
try {
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.js')) continue;
    const p = join(dir, f);
    const s = readFileSync(p, 'utf8');
    if (!s.includes('const DEFAULT_TIMEOUT = 6e4;')) continue;
    writeFileSync(p, s.replace('const DEFAULT_TIMEOUT = 6e4;', 'const DEFAULT_TIMEOUT = 6e5;'));
    patched++;
  }
} catch (e) {
  console.error(`vitest-rpc-timeout: ${e.message}`);
}
if (patched) console.error(`vitest-rpc-timeout: raised vitest's worker RPC timeout to 10 min in ${patched} file(s)`);
