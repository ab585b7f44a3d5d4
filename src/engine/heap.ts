// Forced full collections at the linter's phase boundaries. V8 sizes its heap
// by how fast the program allocates: a checker search allocates states by the
// hundred megabytes and drops them all when its group ends, and left to its
// own heuristics V8 lets the heap grow to several times what is alive before
// it compacts (moby on one thread: 130 MB alive, 600 MB of heap). A full
// collection where a phase has just let go of its data keeps the peak near
// what is alive, at the price of one collection per phase that grew the heap.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;
/** What the last full collection left alive, in bytes. */
let aliveAfterLast = 0;

/** Runs a full collection, when the runtime lets us; returns whether it did. */
export function fullCollection(): boolean {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
  if (collect) aliveAfterLast = getHeapStatistics().used_heap_size;
  return !!collect;
}

/**
 * Growth past what the last collection left alive that is taken for the
 * phase's garbage and collected now, before the next phase grows the heap
 * further. Measured from what was alive, not from zero: a package whose
 * semantics alone keep 150 MB alive would otherwise pay a full collection
 * (a tenth of a second at that size) after every group.
 */
export const COLLECT_ABOVE = 100 * 1024 * 1024;


/** A full collection when the heap has grown by COLLECT_ABOVE since the last (per thread: each worker has its own heap). */
export function collectIfGrown(): boolean {
  if (getHeapStatistics().used_heap_size <= aliveAfterLast + COLLECT_ABOVE || !fullCollection()) return false;
  aliveAfterLast = getHeapStatistics().used_heap_size;
  return true;
}
