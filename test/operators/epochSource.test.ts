import { describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { sampleIds } from '../../src/data/batch.js';
import { epochOrder, epochSource } from '../../src/operators/epochSource.js';
import { minibatch } from '../../src/operators/minibatch.js';
import { Rng } from '../../src/util/random.js';
import { testBatch } from '../helpers/batches.js';

const ids = (batches: Parameters<typeof sampleIds>[0][]) => batches.flatMap((b) => Array.from(sampleIds(b)));

describe('epochSource', () => {
  const data = testBatch(103, { firstId: 1000 });

  it("replays every row once per epoch in that epoch's seeded order, in chunks", async () => {
    const batches = await lastValueFrom(epochSource(data, { seed: 5, epoch: 2, chunk: 10 }).pipe(toArray()));
    expect(batches.map((b) => b.numRows)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    const order = Rng.derive(5, 'epoch', 2).shuffle(Int32Array.from({ length: 103 }, (_, i) => i));
    expect(ids(batches)).toEqual(Array.from(order, (r) => 1000 + r));
    expect(Array.from(epochOrder(103, 5, 2))).toEqual(Array.from(order));
    const other = await lastValueFrom(epochSource(data, { seed: 5, epoch: 3, chunk: 10 }).pipe(toArray()));
    expect(ids(other)).not.toEqual(ids(batches));
    expect([...ids(other)].sort()).toEqual([...ids(batches)].sort());
  });

  it('with wholeBatches leaves the rows after the last whole group to a later epoch', async () => {
    const batches = await lastValueFrom(epochSource(data, { seed: 5, epoch: 0, chunk: 40, wholeBatches: 25 }).pipe(toArray()));
    expect(batches.map((b) => b.numRows)).toEqual([40, 40, 20]);
    expect(ids(batches)).toEqual(Array.from(epochOrder(103, 5, 0).subarray(0, 100), (r) => 1000 + r));
  });

  it('feeds minibatch: chunks of whole minibatches are sliced into them in order', async () => {
    const direct = await lastValueFrom(epochSource(data, { seed: 1, epoch: 0, chunk: 40 }).pipe(toArray()));
    const viaMinibatch = await lastValueFrom(epochSource(data, { seed: 1, epoch: 0, chunk: 40 }).pipe(minibatch({ size: 20 }), toArray()));
    expect(viaMinibatch.map((b) => b.numRows)).toEqual([20, 20, 20, 20, 20, 3]);
    expect(ids(viaMinibatch)).toEqual(ids(direct));
  });

  it('rejects a bad chunk or epoch', () => {
    expect(() => epochSource(data, { seed: 1, epoch: 0, chunk: 0 })).toThrow(/chunk must be a positive integer/);
    expect(() => epochSource(data, { seed: 1, epoch: -1 })).toThrow(/epoch must be a non-negative integer/);
    expect(() => epochSource(data, { seed: 1, epoch: 0, wholeBatches: 0 })).toThrow(/wholeBatches must be a positive integer/);
  });
});
