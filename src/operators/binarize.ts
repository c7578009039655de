/**
 * Turns features into two-valued states: above a threshold → high, otherwise → low.
 *
 * The threshold is a fraction of the declared value range, so 0.5 means 127.5 for raw pixels,
 * 0.5 for [0, 1] data and 0 for [-1, 1] data. Values exactly at the threshold become low.
 *
 * @example
 * import { binarize } from 'amem-flow';
 * batches$.pipe(binarize({ threshold: 0.5, values: 'pm1' })); // Hopfield states ±1
 *
 * @param opts.threshold fraction of the range, default 0.5
 * @param opts.values `pm1` for −1/+1 (default) or `01` for 0/1
 * @returns an operator that replaces `x` with float32 states (encoding `binary`)
 */
import { map, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { features, withFeatures } from '../data/batch.js';
import { UsageError } from '../util/errors.js';

/** Options of `binarize`. */
export interface BinarizeOptions {
  threshold?: number;
  values?: 'pm1' | '01';
}

/** Thresholds `x` into two values. */
export function binarize(opts: BinarizeOptions = {}): OperatorFunction<RecordBatch, RecordBatch> {
  const threshold = opts.threshold ?? 0.5;
  const values = opts.values ?? 'pm1';
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`binarize: threshold is a fraction of the value range in [0, 1], got ${threshold}`);
  if (values !== 'pm1' && values !== '01') throw new UsageError(`binarize: values must be 'pm1' or '01', got '${String(values)}'`);
  const low = values === 'pm1' ? -1 : 0;
  return map((batch) => {
    const f = features(batch, 'binarize');
    const cut = f.range[0] + threshold * (f.range[1] - f.range[0]);
    const out = new Float32Array(f.values.length);
    for (let k = 0; k < out.length; k++) out[k] = f.values[k] > cut ? 1 : low;
    return withFeatures(batch, out, { shape: f.shape, range: [low, 1], encoding: 'binary' });
  });
}
