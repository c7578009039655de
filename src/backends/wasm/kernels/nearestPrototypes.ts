/** The wasm `nearestPrototypes` kernel: pixel-major prototypes, sparse dot products. */
import type { KernelConfig, NearestPrototypesArgs } from '../../kernel.js';
import { squaredNorm, toPixelMajor } from '../../cpu/prototypeScore.js';
import { layout } from '../arena.js';
import { copyFeatures, elem, wasmModule } from '../module.js';

/** The nearest prototype of each row; with `noise`, of each row plus its ±1 noise, drawn in the module (no copy leaves it). */
function nearestPrototypes(a: NearestPrototypesArgs): Int32Array {
  const { ex, base } = wasmModule();
  const { x, rows, width, groups, sums, counts, classes: K, noise } = a;
  const G = counts.length / K;
  const L = layout(ex.memory, base, {
    x: [elem(x), rows * width],
    noisy: ['f32', noise ? rows * width : 0],
    ids: ['i32', noise ? rows : 0],
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
  const p = pixelMajor(sums, G, K, width);
  L.f64('sums').set(p.pm);
  L.f64('norms').set(p.norms);
  L.f64('counts').set(counts);
  const o = L.offset;
  let samples = o.x;
  let bytes = x instanceof Uint8Array;
  if (noise) {
    if (!Number.isSafeInteger(noise.seed)) throw new RangeError(`nearestPrototypes: the noise seed must be a safe integer, got ${noise.seed}`);
    L.i32('ids').set(noise.ids.subarray(0, rows));
    (bytes ? ex.pm1U8 : ex.pm1F32)(o.x, rows, width, o.ids, noise.seed >>> 0, Math.floor(noise.seed / 4294967296) >>> 0, o.noisy);
    samples = o.noisy;
    bytes = false;
  }
  (bytes ? ex.nearestU8 : ex.nearestF32)(samples, rows, width, groups ? o.groups : 0, o.sums, o.norms, o.counts, K, o.cols, o.vals, o.dots, o.out);
  return L.i32('out').slice();
}

/** The last prototypes laid out pixel-major, with their squared norms, and the sums they came from. */
let last: { sums: Float64Array; K: number; width: number; pm: Float64Array; norms: Float64Array } | undefined;

/**
 * The sums pixel-major (`groups × width × K`) and their squared norms. Evaluating a model calls
 * this once per batch with the same sums: comparing them with the last call's copy costs a
 * fraction of the transposition, and any change (a model trained in place) is seen.
 */
function pixelMajor(sums: Float64Array, G: number, K: number, width: number): { pm: Float64Array; norms: Float64Array } {
  if (last && last.K === K && last.width === width && sameValues(last.sums, sums)) return last;
  const pm = new Float64Array(G * width * K);
  const norms = new Float64Array(G * K);
  for (let g = 0; g < G; g++) {
    const block = pm.subarray(g * width * K, (g + 1) * width * K);
    toPixelMajor(sums, g * K * width, K, width, block);
    for (let c = 0; c < K; c++) norms[g * K + c] = squaredNorm(block, c, K, width);
  }
  last = { sums: sums.slice(), K, width, pm, norms };
  return last;
}

/** Whether two arrays hold the same values bit for bit (NaN equal to NaN). */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k] && !(a[k] !== a[k] && b[k] !== b[k])) return false;
  return true;
}

/** The wasm registration of `nearestPrototypes`. */
export const nearestPrototypesConfig: KernelConfig<'nearestPrototypes'> = { kernelName: 'nearestPrototypes', backendName: 'wasm', bitIdentical: true, kernelFunc: nearestPrototypes };
