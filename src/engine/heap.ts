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
  return !!collect;
}

/**
 * A heap this large after a phase is mostly the phase's garbage: collected
 * now, before the next phase grows it further. A quarter of the 400 MB a
 * linter run on a large repository may take per thread.
 */
export const COLLECT_ABOVE = 100 * 1024 * 1024;

/** A full collection when the heap has grown past COLLECT_ABOVE (per thread: each worker has its own heap). */
export function collectIfGrown(): boolean {
  return getHeapStatistics().used_heap_size > COLLECT_ABOVE && fullCollection();
}
