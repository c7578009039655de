/**
 * Adds seeded noise to the features.
 *
 * Each sample's noise is drawn from a stream keyed by (seed, sample id), so it does not depend on
 * how the data was batched or ordered. Kinds:
 * - `pm1`: add −1 or +1 to every value with equal probability (the sharded-memory notebook's robustness check);
 * - `flip`: flip each unit of binary data with probability p (the classical Hopfield recall demonstration's corruption);
 * - `gaussian`: add Normal(0, sigma²) to every value.
 * The declared range is kept: noise perturbs values around it, so a later `normalize` scales
 * clean and noisy data alike.
 *
 * @example
 * import { addNoise } from 'amem-flow';
 * batches$.pipe(addNoise({ kind: 'flip', p: 0.05, seed: 1 }));
 *
 * @returns an operator that replaces `x` with noisy float32 values
 */
import { concatMap, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { features, sampleIds, withFeatures } from '../data/batch.js';
import { DataError, UsageError } from '../util/errors.js';
import type { KernelRunner } from '../backends/backend.js';
import { cpuReference } from '../backends/cpu/reference.js';
import { Rng } from '../util/random.js';

/** Options of `addNoise`. */
export type AddNoiseOptions =
  | { kind: 'pm1'; seed: number; /** Runs the `pm1Noise` kernel (default: the cpu reference; the same values on every backend). */ backend?: KernelRunner }
  | { kind: 'flip'; p: number; seed: number }
  | { kind: 'gaussian'; sigma: number; seed: number };

/** Adds seeded noise of the given kind to `x`. */
export function addNoise(opts: AddNoiseOptions): OperatorFunction<RecordBatch, RecordBatch> {
  if (opts.kind === 'flip' && !(opts.p >= 0 && opts.p <= 1)) throw new UsageError(`addNoise: flip probability p must be in [0, 1], got ${opts.p}`);
  if (opts.kind === 'gaussian' && !(opts.sigma >= 0 && Number.isFinite(opts.sigma))) throw new UsageError(`addNoise: sigma must be a finite number >= 0, got ${opts.sigma}`);
  if (!['pm1', 'flip', 'gaussian'].includes(opts.kind)) throw new UsageError(`addNoise: unknown kind '${(opts as { kind: string }).kind}' (pm1, flip, gaussian)`);
  return concatMap(async (batch) => {
    const f = features(batch, 'addNoise');
    const ids = sampleIds(batch);
    if (opts.kind === 'flip' && f.encoding !== 'binary') {
      throw new DataError(`addNoise: 'flip' needs binary features (encoding '${f.encoding}'); put a binarize step before it`);
    }
    const out = new Float32Array(f.values.length);
    const [lo, hi] = f.range;
    if (opts.kind === 'pm1') {
      await (opts.backend ?? cpuReference).run('pm1Noise', { x: f.values, rows: f.rows, width: f.width, ids, seed: opts.seed, out });
      return withFeatures(batch, out, { shape: f.shape, range: f.range, encoding: f.encoding });
    }
    for (let i = 0; i < f.rows; i++) {
      const rng = Rng.derive(opts.seed, ids[i]);
      const o = i * f.width;
      switch (opts.kind) {
        case 'flip':
          for (let j = 0; j < f.width; j++) {
            const v = f.values[o + j];
            out[o + j] = rng.float() < opts.p ? lo + hi - v : v;
          }
          break;
        case 'gaussian':
          for (let j = 0; j < f.width; j++) out[o + j] = f.values[o + j] + opts.sigma * rng.normal();
          break;
        default:
          opts satisfies never;
      }
    }
    return withFeatures(batch, out, { shape: f.shape, range: f.range, encoding: f.encoding });
  });
}
