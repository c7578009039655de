import { describe, expect, it } from 'vitest';
import { features, sampleIds } from '../../src/data/batch.js';
import { minibatch } from '../../src/operators/minibatch.js';
import { testBatch } from '../helpers/batches.js';
import { expectPropagates, run } from '../helpers/streams.js';

const ids = (bs: { numRows: number }[]) => bs.flatMap((b) => Array.from(sampleIds(b as never)));
const input = () => [testBatch(7), testBatch(0, { firstId: 7 }), testBatch(3, { firstId: 7 }), testBatch(12, { firstId: 10 })];

describe('minibatch', () => {
  it('re-batches to exactly `size` rows in order, the last one smaller, losing nothing', async () => {
    const out = await run(minibatch({ size: 5 }), input());
    expect(out.map((b) => b.numRows)).toEqual([5, 5, 5, 5, 2]);
    expect(ids(out)).toEqual(Array.from({ length: 22 }, (_, i) => i));
  });

  it('slices without copying when a minibatch lies inside one input batch', async () => {
    const big = testBatch(10);
    const out = await run(minibatch({ size: 4 }), [big]);
    expect(features(out[1]).values.buffer).toBe(features(big).values.buffer);
  });

  it('shuffles reproducibly within a window, each row exactly once', async () => {
    const a = await run(minibatch({ size: 4, shuffle: true, seed: 9 }), input());
    const b = await run(minibatch({ size: 4, shuffle: true, seed: 9 }), input());
    const c = await run(minibatch({ size: 4, shuffle: true, seed: 10 }), input());
    expect(ids(a)).toEqual(ids(b));
    expect(ids(a)).not.toEqual(ids(c));
    expect(ids(a).sort((p, q) => p - q)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect(a.map((x) => x.numRows)).toEqual([4, 4, 4, 4, 4, 2]);
    const windowed = await run(minibatch({ size: 4, shuffle: true, seed: 9, window: 8 }), input());
    expect(ids(windowed).sort((p, q) => p - q)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    // With a window of 8 the first minibatches only hold rows from the first 10 received.
    expect(ids(windowed.slice(0, 2)).every((id) => id < 10)).toBe(true);
  });

  it('handles empty streams, propagates errors, rejects bad options', async () => {
    expect(await run(minibatch({ size: 3 }), [])).toEqual([]);
    await expectPropagates(minibatch({ size: 3 }), [testBatch(2)]);
    await expectPropagates(minibatch({ size: 3, shuffle: true, seed: 1 }), [testBatch(2)]);
    expect(() => minibatch({ size: 0 })).toThrow(/positive integer/);
    expect(() => minibatch({ size: 3, shuffle: true })).toThrow(/shuffle needs a seed/);
    expect(() => minibatch({ size: 8, shuffle: true, seed: 1, window: 4 })).toThrow(/at least the minibatch size/);
  });
});
