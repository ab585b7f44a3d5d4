// Forced collections at phase boundaries (src/engine/heap.ts): past the
// threshold the heap is collected down to what is alive; below it nothing runs.
import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { COLLECT_ABOVE, collectIfGrown, fullCollection } from '../src/engine/heap.js';

describe('forced collections', () => {
  it('collects a heap grown past the threshold by garbage, and leaves a small one alone', () => {
    expect(fullCollection()).toBe(true);
    // Below the threshold after a full collection (the test runner's own heap is far smaller).
    expect(getHeapStatistics().used_heap_size).toBeLessThan(COLLECT_ABOVE);
    expect(collectIfGrown()).toBe(false);
    // Garbage past the threshold: what a search leaves when its group ends.
    let garbage: number[][] | null = [];
    while (getHeapStatistics().used_heap_size < COLLECT_ABOVE + (16 << 20)) garbage.push(Array.from({ length: 4096 }, (_, i) => i + 0.5));
    garbage = null;
    expect(collectIfGrown()).toBe(true);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(COLLECT_ABOVE);
  });
});
