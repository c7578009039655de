/**
 * Nearest-prototype classification on the CPU, with the same score as training
 * (see `prototypeScore.ts`): for each row, the argmin over its group's classes, first on ties.
 */
import type { KernelConfig, NearestPrototypesArgs } from '../../kernel.js';
import { prototypeScore, squaredNorm, toPixelMajor } from '../prototypeScore.js';
import { nonZeros, sparseDots } from '../sparse.js';
import { noisySamples } from '../../noisySamples.js';

/** The nearest prototype of each row (see the kernel catalog). */
function nearestPrototypes(args: NearestPrototypesArgs): Int32Array {
  const { rows, width, groups, sums, counts, classes } = args;
  const x = noisySamples(args);
  const K = classes;
  const pixelMajor: Float64Array[] = [];
  const norms = new Float64Array(counts.length);
  const all = Int32Array.from({ length: K }, (_, c) => c);
  const dots = new Float64Array(K);
  const cols = new Int32Array(width);
  const vals = new Float64Array(width);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const g = groups ? groups[i] : 0;
    let pm = pixelMajor[g];
    if (!pm) {
      pm = pixelMajor[g] = toPixelMajor(sums, g * K * width, K, width);
      for (let c = 0; c < K; c++) norms[g * K + c] = squaredNorm(pm, c, K, width);
    }
    const nnz = nonZeros(x, i * width, width, cols, vals);
    sparseDots(pm, K, cols, vals, 0, nnz, all, K, dots);
    let best = Infinity;
    let arg = 0;
    for (let c = 0; c < K; c++) {
      const s = prototypeScore(norms[g * K + c], counts[g * K + c], dots[c]);
      if (s < best) {
        best = s;
        arg = c;
      }
    }
    out[i] = arg;
  }
  return out;
}

/** The cpu registration of `nearestPrototypes`. */
export const nearestPrototypesConfig: KernelConfig<'nearestPrototypes'> = { kernelName: 'nearestPrototypes', backendName: 'cpu', kernelFunc: nearestPrototypes };
