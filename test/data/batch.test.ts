import { describe, expect, it } from 'vitest';
import { makeData, RecordBatch, Schema, Field, Int32, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import { concatBatches, features, intColumn, labels, makeSampleBatch, sampleIds, takeRows, withFeatures, withIntColumn } from '../../src/data/batch.js';
import { testBatch } from '../helpers/batches.js';

function sharesMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset;
}

describe('sample batches', () => {
  it('wrap typed arrays without copying and expose them as zero-copy views', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    const ids = new Int32Array([10, 11]);
    const y = new Int32Array([0, 1]);
    const b = makeSampleBatch({ ids, x, y, info: { shape: [3], range: [0, 10], encoding: 'raw' } });
    const f = features(b);
    expect(sharesMemory(f.values, x)).toBe(true);
    expect(f).toMatchObject({ width: 3, rows: 2, shape: [3], range: [0, 10], encoding: 'raw' });
    expect(sharesMemory(sampleIds(b), ids)).toBe(true);
    expect(sharesMemory(labels(b), y)).toBe(true);
    x[0] = 42;
    expect(features(b).values[0]).toBe(42);
  });

  it('read slices at the right offset', () => {
    const b = testBatch(5).slice(2, 4);
    const f = features(b);
    expect(f.rows).toBe(2);
    expect(Array.from(f.values)).toEqual(Array.from(features(testBatch(5)).values.subarray(12, 24)));
    expect(Array.from(sampleIds(b))).toEqual([2, 3]);
  });

  it('replace or add columns and share the rest', () => {
    const b = testBatch(4);
    const nx = new Float32Array(24).fill(1);
    const b2 = withFeatures(b, nx, { shape: [2, 3], range: [-1, 1], encoding: 'scaled' });
    expect(sharesMemory(features(b2).values, nx)).toBe(true);
    expect(sharesMemory(sampleIds(b2), sampleIds(b))).toBe(true);
    const s = new Int32Array([3, 2, 1, 0]);
    const b3 = withIntColumn(b2, 'shard', s, new Map([['router', 'r1']]));
    expect(sharesMemory(intColumn(b3, 'shard')!, s)).toBe(true);
    expect(b3.schema.fields.map((f) => f.name)).toEqual(['id', 'x', 'y', 'shard']);
    expect(() => withIntColumn(b, 'shard', new Int32Array(3))).toThrow(/3 values for 4 rows/);
  });

  it('take rows and concatenate batches by copying', () => {
    const a = testBatch(3);
    const b = testBatch(2, { firstId: 3 });
    const t = takeRows(a, [2, 0]);
    expect(Array.from(sampleIds(t))).toEqual([2, 0]);
    expect(Array.from(features(t).values.subarray(0, 6))).toEqual(Array.from(features(a).values.subarray(12, 18)));
    const c = concatBatches([a, b.slice(1)]);
    expect(Array.from(sampleIds(c))).toEqual([0, 1, 2, 4]);
    expect(c.schema.fields[1].metadata.get('shape')).toBe('2,3');
    expect(() => concatBatches([a, withIntColumn(b, 'shard', new Int32Array(2))])).toThrow(/schemas differ|columns/);
  });

  it('concatenate consecutive slices of one batch as a view of it, without copying', () => {
    const whole = testBatch(6);
    const joined = concatBatches([whole.slice(0, 2), whole.slice(2, 5)]);
    expect(Array.from(sampleIds(joined))).toEqual([0, 1, 2, 3, 4]);
    expect(sharesMemory(features(joined).values, features(whole).values)).toBe(true);
    expect(Array.from(features(joined).values)).toEqual(Array.from(features(whole).values.subarray(0, 5 * 6)));
    // Out of order or with a gap: copied, in the order given.
    const gap = concatBatches([whole.slice(3, 4), whole.slice(0, 1)]);
    expect(Array.from(sampleIds(gap))).toEqual([3, 0]);
    expect(sharesMemory(features(gap).values, features(whole).values)).toBe(false);
  });

  it('explain what is wrong with a batch that is not a sample batch', () => {
    const field = new Field('name', new Utf8());
    const names = vectorFromArray(['a', 'b']);
    const odd = new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: 2, nullCount: 0, children: [names.data[0]] }));
    expect(() => features(odd, 'normalize')).toThrow(/normalize: the batch has no 'x' column \(columns: name\)/);
    expect(() => sampleIds(odd)).toThrow(/no 'id' column/);
    const wrongType = new RecordBatch(
      new Schema([new Field('x', new Int32())]),
      makeData({ type: new Struct([new Field('x', new Int32())]), length: 1, nullCount: 0, children: [makeData({ type: new Int32(), length: 1, nullCount: 0, data: new Int32Array(1) })] }),
    );
    expect(() => features(wrongType)).toThrow(/expected FixedSizeList<Float32\|Uint8>/);
    expect(() => makeSampleBatch({ ids: new Int32Array(2), x: new Float32Array(5), info: { shape: [3], range: [0, 1], encoding: 'raw' } })).toThrow(/expected 2 rows × 3/);
  });
});
