import { describe, expect, it } from 'vitest';
import { ShardCollector } from '../../src/models/shardCollector.js';

/** Rows of width 2 whose values name the row: row r is [r, r]. */
const rowsOf = (ids: number[], Ctor: Uint8ArrayConstructor | Float32ArrayConstructor) => Ctor.from(ids.flatMap((r) => [r, r]));

describe('ShardCollector', () => {
  it('keeps raw bytes as bytes, each shard in stream order, from mixed and one-shard batches', () => {
    const c = new ShardCollector(3);
    c.add(rowsOf([1, 2, 3, 4], Uint8Array), 2, Int32Array.from([1, 2, 3, 4]), Int32Array.from([0, 2, 0, 1]));
    c.add(rowsOf([5, 6], Uint8Array), 2, Int32Array.from([5, 6]), Int32Array.from([2, 2]));
    c.add(rowsOf([7], Uint8Array), 2, Int32Array.from([7]), Int32Array.from([0]));
    const shards = c.finish(2);
    expect(shards.map((s) => s.samples)).toEqual([3, 1, 3]);
    const s0 = shards[0].take();
    expect(s0.x).toBeInstanceOf(Uint8Array);
    expect(Array.from(s0.x)).toEqual([1, 1, 3, 3, 7, 7]);
    expect(Array.from(s0.y)).toEqual([1, 3, 7]);
    const s2 = shards[2].take();
    expect(Array.from(s2.y)).toEqual([2, 5, 6]);
    expect(c.samples).toBe(7);
  });

  it('gives float32 when any part is float32', () => {
    const c = new ShardCollector(1);
    c.add(rowsOf([1], Uint8Array), 2, Int32Array.from([0]), Int32Array.from([0]));
    c.add(
      rowsOf([2], Float32Array).map((v) => v + 0.5),
      2,
      Int32Array.from([0]),
      Int32Array.from([0]),
    );
    const { x } = c.finish(2)[0].take();
    expect(x).toBeInstanceOf(Float32Array);
    expect(Array.from(x)).toEqual([1, 1, 2.5, 2.5]);
  });
});
