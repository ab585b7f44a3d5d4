// Forced collections at phase boundaries (src/engine/heap.ts): past the
// threshold the heap is collected down to what is alive; below it nothing runs.
import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { COLLECT_ABOVE, collectIfGrown, fullCollection } from '../src/engine/heap.js';

describe('forced collections', () => {
  it('collects a heap grown by garbage past the threshold over what the last collection left, and leaves a small one alone', () => {
    expect(fullCollection()).toBe(true);
    const alive = getHeapStatistics().used_heap_size;
    expect(collectIfGrown()).toBe(false);
    // Garbage past the threshold over what is alive: what a search leaves when its group ends.
    let garbage: number[][] | null = [];
    while (getHeapStatistics().used_heap_size < alive + COLLECT_ABOVE + (16 << 20)) garbage.push(Array.from({ length: 4096 }, (_, i) => i + 0.5));
    garbage = null;
    expect(collectIfGrown()).toBe(true);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(alive + COLLECT_ABOVE);
  });
});
