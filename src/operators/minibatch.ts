/**
 * Re-batches a stream into minibatches of exactly `size` rows (the last one may be smaller),
 * optionally shuffled with a seeded generator.
 *
 * Without shuffling, a minibatch that lies inside one input batch is a zero-copy slice. With
 * `shuffle`, rows are buffered up to `window` rows (default: the whole stream, i.e. one epoch),
 * permuted, and emitted; rows left over after the last full minibatch of a window carry into the
 * next one. Every row comes out exactly once; nothing is dropped.
 *
 * @example
 * import { minibatch } from 'amem-flow';
 * batches$.pipe(minibatch({ size: 1000, shuffle: true, seed: 3 }));
 *
 * @param opts.size rows per minibatch; opts.shuffle, opts.seed, opts.window (rows)
 * @returns an operator that emits minibatches
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { concatBatches, takeRows } from '../data/batch.js';
import { UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';

/** Options of `minibatch`. */
export interface MinibatchOptions {
  size: number;
  shuffle?: boolean;
  /** Seed of the shuffle (required with `shuffle`). */
  seed?: number;
  /** Rows buffered per shuffle window; default Infinity (the whole stream). */
  window?: number;
}

/** Re-batches to `size` rows, optionally shuffling within a window. */
export function minibatch(opts: MinibatchOptions): OperatorFunction<RecordBatch, RecordBatch> {
  const { size, shuffle = false } = opts;
  const window = opts.window ?? Infinity;
  if (!(Number.isInteger(size) && size > 0)) throw new UsageError(`minibatch: size must be a positive integer, got ${size}`);
  if (shuffle && opts.seed === undefined) throw new UsageError('minibatch: shuffle needs a seed');
  if (shuffle && !(window >= size)) throw new UsageError(`minibatch: window (${window}) must be at least the minibatch size (${size})`);
  return (source) =>
    new Observable<RecordBatch>((subscriber) => {
      const rng = shuffle ? new Rng(opts.seed!) : undefined;
      let pending: RecordBatch[] = [];
      let pendingRows = 0;

      const emitFrom = (batch: RecordBatch, all: boolean): RecordBatch | undefined => {
        if (batch.numRows === size) {
          subscriber.next(batch); // already a minibatch: passed on as it is
          return undefined;
        }
        let at = 0;
        for (; at + size <= batch.numRows; at += size) subscriber.next(batch.slice(at, at + size));
        if (at === batch.numRows) return undefined;
        if (all) {
          subscriber.next(batch.slice(at));
          return undefined;
        }
        return batch.slice(at);
      };
      const flush = (all: boolean): void => {
        if (pendingRows === 0) return;
        let merged = concatBatches(pending);
        if (rng) merged = takeRows(merged, rng.shuffle(Int32Array.from({ length: merged.numRows }, (_, i) => i)));
        const rest = emitFrom(merged, all);
        pending = rest ? [rest] : [];
        pendingRows = rest ? rest.numRows : 0;
      };

      return source.subscribe({
        next(batch) {
          if (batch.numRows === 0) return;
          if (rng) {
            pending.push(batch);
            pendingRows += batch.numRows;
            if (pendingRows >= window) flush(false);
            return;
          }
          let rest = batch;
          if (pendingRows > 0) {
            const need = size - pendingRows;
            if (batch.numRows < need) {
              pending.push(batch);
              pendingRows += batch.numRows;
              return;
            }
            subscriber.next(concatBatches([...pending, batch.slice(0, need)]));
            rest = batch.slice(need);
          }
          const left = emitFrom(rest, false);
          pending = left ? [left] : [];
          pendingRows = left ? left.numRows : 0;
        },
        error: (err) => subscriber.error(err),
        complete() {
          flush(true);
          subscriber.complete();
        },
      });
    });
}
