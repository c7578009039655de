/** The cpu `pm1Noise` kernel: ±1 noise keyed by (seed, sample id), the same values as `addNoise`'s. */
import type { KernelConfig, Pm1NoiseArgs } from '../../kernel.js';
import { pm1Into } from '../../../util/pm1Noise.js';

/** x + (±1) into `out`. */
function pm1Noise({ x, rows, width, ids, seed, out }: Pm1NoiseArgs): Float32Array {
  pm1Into(x, out, rows, width, ids, seed);
  return out;
}

/** The cpu registration of `pm1Noise`. */
export const pm1NoiseConfig: KernelConfig<'pm1Noise'> = { kernelName: 'pm1Noise', backendName: 'cpu', kernelFunc: pm1Noise };
