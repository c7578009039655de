/** The samples a kernel searches when its arguments carry ±1 noise (for kernels that do not draw it in place). */
import type { FeatureArray } from '../data/batch.js';
import { pm1Into } from '../util/pm1Noise.js';
import type { NearestPrototypesArgs } from './kernel.js';

/** `args.x`, or a new float32 copy with the arguments' noise added. */
export function noisySamples(args: NearestPrototypesArgs): FeatureArray {
  const { x, rows, width, noise } = args;
  if (!noise) return x;
  const out = new Float32Array(rows * width);
  pm1Into(x, out, rows, width, noise.ids, noise.seed);
  return out;
}
