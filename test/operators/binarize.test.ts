import { describe, expect, it } from 'vitest';
import { features } from '../../src/data/batch.js';
import { binarize } from '../../src/operators/binarize.js';
import { normalize } from '../../src/operators/normalize.js';
import { testBatch } from '../helpers/batches.js';
import { expectPropagates, run } from '../helpers/streams.js';
import { pipe } from 'rxjs';

describe('binarize', () => {
  const b = testBatch(1, { shape: [4], value: (_i, j) => [0, 127, 128, 255][j] });

  it('thresholds at a fraction of the declared range into ±1 or 0/1', async () => {
    const [pm] = await run(binarize(), [b]);
    expect(Array.from(features(pm).values)).toEqual([-1, -1, 1, 1]);
    expect(features(pm)).toMatchObject({ encoding: 'binary', range: [-1, 1] });
    const [zo] = await run(binarize({ values: '01', threshold: 0.9 }), [b]);
    expect(Array.from(features(zo).values)).toEqual([0, 0, 0, 1]);
  });

  it('gives the same states on raw and on normalized data (threshold in range units)', async () => {
    const [raw] = await run(binarize(), [b]);
    const [scaled] = await run(pipe(normalize(), binarize()), [b]);
    expect(Array.from(features(scaled).values)).toEqual(Array.from(features(raw).values));
  });

  it('handles empty and many batches, propagates errors, rejects bad options', async () => {
    expect(await run(binarize(), [])).toEqual([]);
    expect((await run(binarize(), [b, b, b])).length).toBe(3);
    await expectPropagates(binarize(), [b]);
    expect(() => binarize({ threshold: 2 })).toThrow(/threshold is a fraction/);
    expect(() => binarize({ values: 'pm2' as never })).toThrow(/'pm1' or '01'/);
  });
});
