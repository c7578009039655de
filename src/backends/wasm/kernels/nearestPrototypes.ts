/** The wasm `nearestPrototypes` kernel: pixel-major prototypes, sparse dot products. */
import type { KernelConfig, NearestPrototypesArgs } from '../../kernel.js';
import { squaredNorm, toPixelMajor } from '../../cpu/prototypeScore.js';
import { layout } from '../arena.js';
import { copyFeatures, elem, wasmModule } from '../module.js';

/** The nearest prototype of each row. */
function nearestPrototypes(a: NearestPrototypesArgs): Int32Array {
  const { ex, base } = wasmModule();
  const { x, rows, width, groups, sums, counts, classes: K } = a;
  const G = counts.length / K;
  const L = layout(ex.memory, base, {
    x: [elem(x), rows * width],
    groups: ['i32', groups ? rows : 0],
    sums: ['f64', G * width * K],
    norms: ['f64', G * K],
    counts: ['f64', G * K],
    cols: ['i32', width],
    vals: ['f64', width],
    dots: ['f64', K],
    out: ['i32', rows],
  });
  copyFeatures(L, x);
  if (groups) L.i32('groups').set(groups);
  const pm = L.f64('sums');
  const norms = L.f64('norms');
  for (let g = 0; g < G; g++) {
    const block = pm.subarray(g * width * K, (g + 1) * width * K);
    toPixelMajor(sums, g * K * width, K, width, block);
    for (let c = 0; c < K; c++) norms[g * K + c] = squaredNorm(block, c, K, width);
  }
  L.f64('counts').set(counts);
  const o = L.offset;
  (x instanceof Uint8Array ? ex.nearestU8 : ex.nearestF32)(o.x, rows, width, groups ? o.groups : 0, o.sums, o.norms, o.counts, K, o.cols, o.vals, o.dots, o.out);
  return L.i32('out').slice();
}

/** The wasm registration of `nearestPrototypes`. */
export const nearestPrototypesConfig: KernelConfig<'nearestPrototypes'> = { kernelName: 'nearestPrototypes', backendName: 'wasm', bitIdentical: true, kernelFunc: nearestPrototypes };
