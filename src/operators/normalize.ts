/**
 * Rescales features linearly from their declared range to a target range, as float32.
 *
 * Raw MNIST pixels (range 0–255) become x/127.5 − 1 for the default [-1, 1], the Dense
 * Associative Memory's input, or x/255 for [0, 1].
 *
 * @example
 * import { normalize } from 'amem-flow';
 * batches$.pipe(normalize({ range: [-1, 1] }));
 *
 * @param opts.range target [lo, hi], default [-1, 1]
 * @returns an operator that replaces `x` with float32 values in the target range (encoding `scaled`)
 */
import { map, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { features, withFeatures } from '../data/batch.js';
import { UsageError } from '../util/errors.js';

/** Options of `normalize`. */
export interface NormalizeOptions {
  range?: [number, number];
}

/** Linearly maps `x` from its declared range to `range`. */
export function normalize(opts: NormalizeOptions = {}): OperatorFunction<RecordBatch, RecordBatch> {
  const [a, b] = opts.range ?? [-1, 1];
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new UsageError(`normalize: range must be [lo, hi] with lo < hi, got [${a}, ${b}]`);
  return map((batch) => {
    const f = features(batch, 'normalize');
    const [lo, hi] = f.range;
    // (x − lo) / step + a, with step the input units per output unit: 0–255 → x/127.5 − 1 exactly as the seeds compute it.
    const step = (hi - lo) / (b - a);
    const out = new Float32Array(f.values.length);
    for (let k = 0; k < out.length; k++) out[k] = (f.values[k] - lo) / step + a;
    return withFeatures(batch, out, { shape: f.shape, range: [a, b], encoding: 'scaled' });
  });
}
