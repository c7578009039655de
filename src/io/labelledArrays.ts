/**
 * An in-memory labelled data set (features, labels, ids) and a source that streams any selection
 * of its rows as sample batches.
 *
 * Contiguous selections are emitted as zero-copy slices; a class subset or a shuffled order is
 * gathered into new batches. This is what the IDX and MNIST sources return.
 *
 * @example
 * const data = loadIdxPair('train-images.idx3-ubyte', 'train-labels.idx1-ubyte');
 * arraysSource(data, { rows: selectRows(data, { start: 0, end: 6000 }), batchSize: 1000 });
 */
import { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { allocLike, makeSampleBatch, takeRows, type FeatureArray, type FeatureInfo } from '../data/batch.js';
import { UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';

/** Features, labels and stable ids held in memory, row-major. */
export interface LabelledArrays {
  x: FeatureArray;
  y: Int32Array;
  ids: Int32Array;
  info: FeatureInfo;
}

/** Which rows of a data set to use. */
export interface RowSelection {
  /** First row (inclusive), default 0. */
  start?: number;
  /** Last row (exclusive), default all. */
  end?: number;
  /** Keep only these labels. */
  classes?: readonly number[];
}

/** Row indices for a selection: the range first, then the class filter. */
export function selectRows(data: Pick<LabelledArrays, 'y'>, sel: RowSelection = {}): Int32Array {
  const n = data.y.length;
  const start = sel.start ?? 0;
  const end = sel.end ?? n;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= n)) {
    throw new UsageError(`row range [${start}, ${end}) is outside the data set's ${n} rows`);
  }
  const rows: number[] = [];
  const keep = sel.classes ? new Set(sel.classes) : undefined;
  for (let r = start; r < end; r++) if (!keep || keep.has(data.y[r])) rows.push(r);
  if (keep && rows.length === 0) throw new UsageError(`no rows with labels ${[...keep].join(',')} in rows [${start}, ${end})`);
  return Int32Array.from(rows);
}

/** Shuffles row indices with a seeded generator (a new array). */
export function shuffleRows(rows: Int32Array, seed: number): Int32Array {
  return new Rng(seed).shuffle(rows.slice());
}

/** Concatenates two data sets with the same feature layout (e.g. MNIST train + test). */
export function concatArrays(a: LabelledArrays, b: LabelledArrays): LabelledArrays {
  if (a.info.shape.join() !== b.info.shape.join() || a.x instanceof Float32Array !== b.x instanceof Float32Array) throw new UsageError('cannot concatenate data sets with different feature layouts');
  const x = allocLike(a.x, a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Int32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  const ids = new Int32Array(a.ids.length + b.ids.length);
  ids.set(a.ids);
  ids.set(b.ids, a.ids.length);
  return { x, y, ids, info: a.info };
}

/** Streams the selected rows (in the given order) as sample batches of at most `batchSize`. */
export function arraysSource(data: LabelledArrays, opts: { rows?: Int32Array; batchSize?: number } = {}): Observable<RecordBatch> {
  const batchSize = opts.batchSize ?? 10000;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError(`batchSize must be a positive integer, got ${batchSize}`);
  const rows = opts.rows;
  return new Observable<RecordBatch>((subscriber) => {
    const total = rows ? rows.length : data.y.length;
    const whole = makeSampleBatch(data);
    for (let at = 0; at < total && !subscriber.closed; at += batchSize) {
      const end = Math.min(total, at + batchSize);
      if (!rows) {
        subscriber.next(whole.slice(at, end));
      } else if (isRun(rows, at, end)) {
        subscriber.next(whole.slice(rows[at], rows[at] + (end - at)));
      } else {
        subscriber.next(takeRows(whole, rows.subarray(at, end)));
      }
    }
    subscriber.complete();
  });
}

function isRun(rows: Int32Array, at: number, end: number): boolean {
  for (let i = at + 1; i < end; i++) if (rows[i] !== rows[i - 1] + 1) return false;
  return true;
}
