/**
 * Replays a finite data set once per epoch, each epoch in its own seeded shuffled order, as a
 * stream of batches for `minibatch` and `trainStep`. Epoch `e` visits the rows in the order of
 * `Rng.derive(seed, 'epoch', e).shuffle([0, 1, …, n − 1])`, so a run resumed at epoch `e` sees
 * exactly the order an uninterrupted run would have.
 *
 * @example
 * import { epochSource, minibatch, trainStep } from 'amem-flow';
 * const data = await collectBatch(train$);
 * for (let e = 0; e < 30; e++) await lastValueFrom(epochSource(data, { seed: 1, epoch: e, chunk: 8000 }).pipe(minibatch({ size: 1000 }), trainStep(model)));
 */
import { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { takeRows, type ColumnArray } from '../data/batch.js';
import { UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';

/** Options of `epochSource`. */
export interface EpochSourceOptions {
  /** Seed of the per-epoch shuffles. */
  seed: number;
  /** Which epoch (0-based): selects the shuffle. */
  epoch: number;
  /**
   * Rows per emitted batch (default 8192). A multiple of the minibatch size keeps every minibatch
   * inside one batch, so `minibatch` emits zero-copy slices.
   */
  chunk?: number;
  /**
   * Visit only whole groups of this many rows (a minibatch size): the rows after the last whole
   * group of this epoch's order wait for a later epoch's shuffle (the rule of estimators that
   * take only full minibatches). Default: every row.
   */
  wholeBatches?: number;
  /**
   * Visit only positions [start, end) of the epoch's order (default all): lets a consumer pull an
   * epoch one chunk at a time (the order is computed once per data set and epoch).
   */
  range?: [number, number];
  /**
   * Reuse these arrays for every emitted batch instead of allocating each: a batch is then valid
   * only until the next is requested. For consumers that finish with a batch first (`trainEpochs`).
   */
  scratch?: Map<string, ColumnArray>;
}

/** The rows of `data` in epoch `opts.epoch`'s shuffled order, in batches of `opts.chunk` rows. */
export function epochSource(data: RecordBatch, opts: EpochSourceOptions): Observable<RecordBatch> {
  const chunk = opts.chunk ?? 8192;
  const whole = opts.wholeBatches ?? 1;
  if (!(Number.isInteger(chunk) && chunk > 0)) throw new UsageError(`epochSource: chunk must be a positive integer, got ${chunk}`);
  if (!(Number.isInteger(whole) && whole > 0)) throw new UsageError(`epochSource: wholeBatches must be a positive integer, got ${whole}`);
  if (!(Number.isInteger(opts.epoch) && opts.epoch >= 0)) throw new UsageError(`epochSource: epoch must be a non-negative integer, got ${opts.epoch}`);
  return new Observable<RecordBatch>((subscriber) => {
    const rows = data.numRows;
    const order = cachedOrder(data, opts.seed, opts.epoch);
    const last = rows - (rows % whole);
    const [start, end] = opts.range ? [Math.max(0, opts.range[0]), Math.min(last, opts.range[1])] : [0, last];
    for (let at = start; at < end && !subscriber.closed; at += chunk) subscriber.next(takeRows(data, order.subarray(at, Math.min(end, at + chunk)), opts.scratch));
    subscriber.complete();
  });
}

/** The last epoch order computed per data set, so chunk-by-chunk reads of one epoch shuffle once. */
const orders = new WeakMap<RecordBatch, { seed: number; epoch: number; order: Int32Array }>();

function cachedOrder(data: RecordBatch, seed: number, epoch: number): Int32Array {
  const hit = orders.get(data);
  if (hit && hit.seed === seed && hit.epoch === epoch) return hit.order;
  const order = epochOrder(data.numRows, seed, epoch);
  orders.set(data, { seed, epoch, order });
  return order;
}

/** The row order of one epoch: a seeded permutation of 0 … rows − 1. */
export function epochOrder(rows: number, seed: number, epoch: number): Int32Array {
  return Rng.derive(seed, 'epoch', epoch).shuffle(Int32Array.from({ length: rows }, (_, i) => i));
}
