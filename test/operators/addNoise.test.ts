import { describe, expect, it } from 'vitest';
import { concatBatches, features } from '../../src/data/batch.js';
import { addNoise } from '../../src/operators/addNoise.js';
import { binarize } from '../../src/operators/binarize.js';
import { testBatch } from '../helpers/batches.js';
import { expectPropagates, run } from '../helpers/streams.js';

describe('addNoise', () => {
  const b = testBatch(50, { shape: [40], value: () => 100 });

  it('pm1 adds -1 or +1 to every value, about half each', async () => {
    const [out] = await run(addNoise({ kind: 'pm1', seed: 1 }), [b]);
    const v = features(out).values;
    expect(v.every((x) => x === 99 || x === 101)).toBe(true);
    const ups = v.filter((x) => x === 101).length;
    expect(Math.abs(ups - 1000)).toBeLessThan(120);
    expect(features(out).range).toEqual([0, 255]);
  });

  it('draws the same noise for a sample however the stream is batched', async () => {
    const whole = await run(addNoise({ kind: 'pm1', seed: 3 }), [b]);
    const parts = await run(addNoise({ kind: 'pm1', seed: 3 }), [b.slice(0, 7), b.slice(7, 31), b.slice(31)]);
    expect(Array.from(features(concatBatches(parts)).values)).toEqual(Array.from(features(whole[0]).values));
    const other = await run(addNoise({ kind: 'pm1', seed: 4 }), [b]);
    expect(Array.from(features(other[0]).values)).not.toEqual(Array.from(features(whole[0]).values));
  });

  it('flip flips each binary unit with probability p', async () => {
    const [states] = await run(binarize(), [testBatch(100, { shape: [100], value: (i, j) => ((i + j) % 2) * 255 })]);
    const [noisy] = await run(addNoise({ kind: 'flip', p: 0.1, seed: 2 }), [states]);
    const a = features(states).values;
    const n = features(noisy).values;
    let flipped = 0;
    for (let k = 0; k < a.length; k++) {
      expect(Math.abs(n[k])).toBe(1);
      if (n[k] !== a[k]) flipped++;
    }
    expect(Math.abs(flipped / a.length - 0.1)).toBeLessThan(0.015);
    await expect(run(addNoise({ kind: 'flip', p: 0.1, seed: 2 }), [b])).rejects.toThrow(/needs binary features .* put a binarize step before it/);
  });

  it('gaussian adds Normal(0, sigma^2)', async () => {
    const [out] = await run(addNoise({ kind: 'gaussian', sigma: 2, seed: 5 }), [b]);
    const v = Array.from(features(out).values, (x) => x - 100);
    const mean = v.reduce((a, x) => a + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(Math.abs(sd - 2)).toBeLessThan(0.15);
  });

  it('handles empty streams, propagates errors, rejects bad options', async () => {
    expect(await run(addNoise({ kind: 'pm1', seed: 1 }), [])).toEqual([]);
    await expectPropagates(addNoise({ kind: 'pm1', seed: 1 }), [b]);
    expect(() => addNoise({ kind: 'flip', p: 1.5, seed: 1 })).toThrow(/must be in \[0, 1\]/);
    expect(() => addNoise({ kind: 'gaussian', sigma: -1, seed: 1 })).toThrow(/sigma/);
    expect(() => addNoise({ kind: 'salt' as never, seed: 1 } as never)).toThrow(/unknown kind 'salt'/);
  });
});
