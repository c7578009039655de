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
  const [a, b] = targetRange(opts.range);
  return map((batch) => {
    const f = features(batch, 'normalize');
    return withFeatures(batch, normalizedValues(f.values, f.range, [a, b]), { shape: f.shape, range: [a, b], encoding: 'scaled' });
  });
}

/** The target range of a normalize step, checked (default [-1, 1]). */
function targetRange(range: [number, number] = [-1, 1]): [number, number] {
  const [a, b] = range;
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new UsageError(`normalize: range must be [lo, hi] with lo < hi, got [${a}, ${b}]`);
  return [a, b];
}

/** `values` mapped from range `from` to range `to` as float32, into `out` when given: what `normalize` emits. */
export function normalizedValues(values: ArrayLike<number>, from: [number, number], to: [number, number], out = new Float32Array(values.length)): Float32Array {
  const [lo, hi] = from;
  const [a, b] = to;
  // (x − lo) / step + a, with step the input units per output unit: 0–255 → x/127.5 − 1 exactly as the seeds compute it.
  const step = (hi - lo) / (b - a);
  for (let k = 0; k < values.length; k++) out[k] = (values[k] - lo) / step + a;
  return out;
}

/**
 * The float32 value `normalize` gives each byte 0–255 (a table that kernels reading raw bytes
 * apply as they read them: a normalize step fused into the kernel, with the same values).
 */
export function normalizedBytes(from: [number, number], to: [number, number]): Float32Array {
  const bytes = new Uint8Array(256);
  for (let v = 0; v < 256; v++) bytes[v] = v;
  return normalizedValues(bytes, from, to);
}
