import { describe, expect, it } from 'vitest';
import { intColumn } from '../../src/data/batch.js';
import { createLshRouter, lshHash, routerFromPlanes } from '../../src/operators/lshHash.js';
import { testBatch } from '../helpers/batches.js';
import { expectPropagates, run } from '../helpers/streams.js';

/** The seed's formula, written out: heaviside(x·planesᵀ, 0), numpy packbits (MSB first), mod shards. */
function reference(x: ArrayLike<number>, rows: number, width: number, planes: Float32Array, bits: number, shards: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) {
    let code = 0;
    for (let b = 0; b < bits; b++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += planes[b * width + j] * x[i * width + j];
      code |= (s > 0 ? 1 : 0) << (bits - 1 - b);
    }
    out.push(code % shards);
  }
  return out;
}

describe('lshHash', () => {
  it('packs sign bits MSB-first and takes the code mod shards', async () => {
    // Two planes over 2 features: plane 0 = (+1, -1), plane 1 = (+1, +1).
    const router = routerFromPlanes(Float32Array.from([1, -1, 1, 1]), 2, 2, 3);
    const b = testBatch(4, {
      shape: [2],
      value: (i, j) =>
        [
          [5, 1],
          [1, 5],
          [0, 0],
          [3, 3],
        ][i][j],
    });
    const [out] = await run(lshHash({ router }), [b]);
    // codes: (1,1)=3→0, (0,1)=1→1, (0,0)=0→0 (a zero projection is bit 0), (0,1)=1→1
    expect(Array.from(intColumn(out, 'shard')!)).toEqual([0, 1, 0, 1]);
    expect(out.schema.fields.find((f) => f.name === 'shard')!.metadata.get('router')).toBe(router.fingerprint);
  });

  it('matches the seed formula on real-sized random data and is reproducible from its seed', async () => {
    const b = testBatch(200, { shape: [784], value: (i, j) => ((i * 31 + j * 17) % 97 > 70 ? (i + j) % 256 : 0) });
    const [out] = await run(lshHash({ bits: 8, shards: 50, seed: 11 }), [b]);
    const router = createLshRouter(784, 8, 50, 11);
    const x = b.getChild('x')!.data[0].children[0].values as Float32Array;
    expect(Array.from(intColumn(out, 'shard')!)).toEqual(reference(x, 200, 784, router.planes, 8, 50));
    const [again] = await run(lshHash({ bits: 8, shards: 50, seed: 11 }), [b]);
    expect(Array.from(intColumn(again, 'shard')!)).toEqual(Array.from(intColumn(out, 'shard')!));
    expect(createLshRouter(784, 8, 50, 12).fingerprint).not.toBe(router.fingerprint);
  });

  it('handles empty and many batches, propagates errors, rejects bad settings and widths', async () => {
    expect(await run(lshHash({ bits: 4, shards: 5, seed: 1 }), [])).toEqual([]);
    const outs = await run(lshHash({ bits: 4, shards: 5, seed: 1 }), [testBatch(3), testBatch(0), testBatch(5)]);
    expect(outs.map((o) => intColumn(o, 'shard')!.length)).toEqual([3, 0, 5]);
    await expectPropagates(lshHash({ bits: 4, shards: 5, seed: 1 }), [testBatch(2)]);
    expect(() => lshHash({ bits: 0, shards: 5, seed: 1 })).toThrow(/bits must be an integer in 1..31/);
    expect(() => lshHash({ bits: 4, shards: 0, seed: 1 })).toThrow(/shards must be a positive integer/);
    const router = createLshRouter(5, 4, 5, 1);
    await expect(run(lshHash({ router }), [testBatch(1)])).rejects.toThrow(/width 6, the router was drawn for width 5/);
  });
});
