import { describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { features, labels, sampleIds } from '../../src/data/batch.js';
import { arraysSource, selectRows, shuffleRows } from '../../src/io/labelledArrays.js';
import { loadMnist } from '../../src/io/node/mnist.js';

describe('bundled MNIST', () => {
  it('has the standard 60000/10000 split of 28×28 digits with stable ids', () => {
    const train = loadMnist('train');
    const test = loadMnist('test');
    expect(train.y.length).toBe(60000);
    expect(test.y.length).toBe(10000);
    expect(train.info).toEqual({ shape: [28, 28], range: [0, 255], encoding: 'raw' });
    expect(train.x.length).toBe(60000 * 784);
    expect([train.ids[0], train.ids[59999], test.ids[0], test.ids[9999]]).toEqual([0, 59999, 60000, 69999]);
    // The well-known first labels of both files.
    expect(Array.from(train.y.subarray(0, 8))).toEqual([5, 0, 4, 1, 9, 2, 1, 3]);
    expect(Array.from(test.y.subarray(0, 8))).toEqual([7, 2, 1, 0, 4, 1, 4, 9]);
    const counts = new Array(10).fill(0);
    for (const v of train.y) counts[v]++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('streams a sub-range as zero-copy slices and a class subset as gathered batches', async () => {
    const train = loadMnist('train');
    const slices = await lastValueFrom(arraysSource(train, { rows: selectRows(train, { start: 100, end: 350 }), batchSize: 100 }).pipe(toArray()));
    expect(slices.map((b) => b.numRows)).toEqual([100, 100, 50]);
    expect(features(slices[0]).values.buffer).toBe(train.x.buffer);
    expect(sampleIds(slices[2])[49]).toBe(349);
    const ones = await lastValueFrom(arraysSource(train, { rows: selectRows(train, { end: 1000, classes: [1, 7] }) }).pipe(toArray()));
    const y = labels(ones[0]);
    expect(y.length).toBeGreaterThan(150);
    expect(new Set(y)).toEqual(new Set([1, 7]));
  });

  it('shuffles rows reproducibly', () => {
    const rows = Int32Array.from({ length: 100 }, (_, i) => i);
    expect(Array.from(shuffleRows(rows, 5))).toEqual(Array.from(shuffleRows(rows, 5)));
    expect(Array.from(shuffleRows(rows, 5))).not.toEqual(Array.from(shuffleRows(rows, 6)));
    expect(() => selectRows(loadMnist('test'), { end: 20000 })).toThrow(/outside the data set's 10000 rows/);
  });
});
