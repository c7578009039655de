import { describe, expect, it } from 'vitest';
import { features, sampleIds } from '../../src/data/batch.js';
import { normalize } from '../../src/operators/normalize.js';
import { testBatch } from '../helpers/batches.js';
import { expectPropagates, run } from '../helpers/streams.js';

describe('normalize', () => {
  it('maps raw pixels to [-1, 1] exactly as x/127.5 - 1 and to [0, 1]', async () => {
    const b = testBatch(2, { uint8: true, value: (i, j) => [0, 255, 127, 128, 1, 254][j] });
    const [signed] = await run(normalize(), [b]);
    const f = features(signed);
    expect(f.values).toBeInstanceOf(Float32Array);
    expect(Array.from(f.values.subarray(0, 6))).toEqual([0, 255, 127, 128, 1, 254].map((v) => Math.fround(v / 127.5 - 1)));
    expect(f).toMatchObject({ range: [-1, 1], encoding: 'scaled', shape: [2, 3] });
    const [unit] = await run(normalize({ range: [0, 1] }), [b]);
    expect(Array.from(features(unit).values.subarray(0, 2))).toEqual([0, 1]);
  });

  it('handles empty, one and many batches and keeps the other columns', async () => {
    expect(await run(normalize(), [])).toEqual([]);
    const out = await run(normalize(), [testBatch(3), testBatch(0), testBatch(2, { firstId: 3 })]);
    expect(out.map((b) => b.numRows)).toEqual([3, 0, 2]);
    expect(Array.from(sampleIds(out[2]))).toEqual([3, 4]);
  });

  it('propagates upstream errors and rejects a bad range', async () => {
    await expectPropagates(normalize(), [testBatch(1)]);
    expect(() => normalize({ range: [1, -1] })).toThrow(/lo < hi/);
  });
});
