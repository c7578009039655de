/** The f64 `nearestPrototypes` kernel: the squared distance to every prototype S/T of the row's group, in float64, first on ties. */
import type { KernelConfig, NearestPrototypesArgs } from '../../kernel.js';
import { noisySamples } from '../../noisySamples.js';

/** The nearest prototype of each row. */
function nearestPrototypes(args: NearestPrototypesArgs): Int32Array {
  const { rows, width, groups, sums, counts, classes } = args;
  const x = noisySamples(args);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const g = groups ? groups[i] : 0;
    let best = Infinity;
    for (let c = 0; c < classes; c++) {
      const gc = g * classes + c;
      let d = 0;
      for (let j = 0; j < width; j++) {
        const e = x[i * width + j] - sums[gc * width + j] / counts[gc];
        d += e * e;
      }
      if (d < best) {
        best = d;
        out[i] = c;
      }
    }
  }
  return out;
}

/** The f64 registration of `nearestPrototypes`. */
export const nearestPrototypesConfig: KernelConfig<'nearestPrototypes'> = { kernelName: 'nearestPrototypes', backendName: 'f64', kernelFunc: nearestPrototypes };
