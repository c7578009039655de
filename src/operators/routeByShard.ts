/**
 * Splits each batch into one batch per shard, so shards can be processed independently
 * (in parallel, on separate workers).
 *
 * Rows keep their order within a shard; each output batch's schema metadata records its `shard`
 * (read it with `shardOf`), so `groupBy(shardOf)` gives one stream per shard.
 *
 * @example
 * import { lshHash, routeByShard, shardOf } from 'amem-flow';
 * batches$.pipe(lshHash({ bits: 8, shards: 50, seed: 7 }), routeByShard(), groupBy(shardOf));
 *
 * @returns an operator that emits, per input batch, one batch per shard present (ascending shard)
 */
import { mergeMap, from, type OperatorFunction } from 'rxjs';
import { RecordBatch, Schema } from 'apache-arrow';
import { intColumn, takeRows, columnNames } from '../data/batch.js';
import { DataError } from '../util/errors.js';

/** Splits batches by their `shard` column. */
export function routeByShard(): OperatorFunction<RecordBatch, RecordBatch> {
  return mergeMap((batch) => from(splitByShard(batch)));
}

/** The shard a batch from `routeByShard` belongs to. */
export function shardOf(batch: RecordBatch): number {
  const s = batch.schema.metadata.get('shard');
  if (s === undefined) throw new DataError('shardOf: the batch has no shard metadata; route it with routeByShard first');
  return Number(s);
}

function splitByShard(batch: RecordBatch): RecordBatch[] {
  const shard = intColumn(batch, 'shard');
  if (!shard) throw new DataError(`routeByShard: the batch has no 'shard' column (columns: ${columnNames(batch)}); put lshHash before it`);
  let max = -1;
  for (let i = 0; i < shard.length; i++) {
    if (shard[i] < 0) throw new DataError(`routeByShard: row ${i} has negative shard ${shard[i]}`);
    if (shard[i] > max) max = shard[i];
  }
  // Counting sort: each shard's rows, in order, as one index array.
  const start = new Int32Array(max + 2);
  for (let i = 0; i < shard.length; i++) start[shard[i] + 1]++;
  for (let s = 0; s <= max; s++) start[s + 1] += start[s];
  const order = new Int32Array(shard.length);
  const at = start.slice(0, max + 1);
  for (let i = 0; i < shard.length; i++) order[at[shard[i]]++] = i;
  const out: RecordBatch[] = [];
  for (let s = 0; s <= max; s++) {
    if (start[s + 1] === start[s]) continue;
    const part = takeRows(batch, order.subarray(start[s], start[s + 1]));
    const meta = new Map(part.schema.metadata);
    meta.set('shard', String(s));
    out.push(new RecordBatch(new Schema(part.schema.fields, meta), part.data));
  }
  return out;
}
