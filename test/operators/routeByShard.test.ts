import { describe, expect, it } from 'vitest';
import { lastValueFrom, from, groupBy, mergeMap, toArray, map } from 'rxjs';
import { sampleIds, withIntColumn } from '../../src/data/batch.js';
import { routeByShard, shardOf } from '../../src/operators/routeByShard.js';
import { testBatch } from '../helpers/batches.js';
import { expectPropagates, run } from '../helpers/streams.js';

describe('routeByShard', () => {
  const withShards = (first: number, shards: number[]) => withIntColumn(testBatch(shards.length, { firstId: first }), 'shard', Int32Array.from(shards));

  it('splits each batch into one batch per shard, rows in order, ascending shard', async () => {
    const out = await run(routeByShard(), [withShards(0, [2, 0, 2, 1, 0])]);
    expect(out.map(shardOf)).toEqual([0, 1, 2]);
    expect(out.map((b) => Array.from(sampleIds(b)))).toEqual([[1, 4], [3], [0, 2]]);
  });

  it('gives one stream per shard with groupBy, losing no row', async () => {
    const batches = [withShards(0, [1, 0, 1]), withShards(3, [0, 0]), withShards(5, [1])];
    const groups = await lastValueFrom(
      from(batches).pipe(
        routeByShard(),
        groupBy(shardOf),
        mergeMap((g) =>
          g.pipe(
            toArray(),
            map((bs) => [g.key, bs.flatMap((b) => Array.from(sampleIds(b)))] as const),
          ),
        ),
        toArray(),
      ),
    );
    expect(new Map(groups)).toEqual(
      new Map([
        [0, [1, 3, 4]],
        [1, [0, 2, 5]],
      ]),
    );
  });

  it('handles empty streams, propagates errors, and names the missing column', async () => {
    expect(await run(routeByShard(), [])).toEqual([]);
    await expectPropagates(routeByShard(), [withShards(0, [0])]);
    await expect(run(routeByShard(), [testBatch(2)])).rejects.toThrow(/no 'shard' column .* put lshHash before it/);
    expect(() => shardOf(testBatch(1))).toThrow(/route it with routeByShard first/);
  });
});
