/** The wasm `nearestPrototypes` kernel: pixel-major prototypes, sparse dot products. */
import type { KernelConfig, NearestPrototypesArgs } from '../../kernel.js';
import { squaredNorm, toPixelMajor } from '../../cpu/prototypeScore.js';
import { layout } from '../arena.js';
import { copyFeatures, elem, wasmModule } from '../module.js';

/** Rows per block of noisy samples. */
const NOISE_ROWS = 1024;

/** The nearest prototype of each row; with `noise`, of each row plus its ±1 noise, drawn in the module (no copy leaves it). */
function nearestPrototypes(a: NearestPrototypesArgs): Int32Array {
  const { ex, base } = wasmModule();
  const { x, rows, width, groups, sums, counts, classes: K, noise } = a;
  const G = counts.length / K;
  const L = layout(ex.memory, base, {
    x: [elem(x), rows * width],
    noisy: ['f32', noise ? Math.min(rows, NOISE_ROWS) * width : 0],
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
  const bytes = x instanceof Uint8Array;
  if (noise) {
    if (!Number.isSafeInteger(noise.seed)) throw new RangeError(`nearestPrototypes: the noise seed must be a safe integer, got ${noise.seed}`);
    L.i32('ids').set(noise.ids.subarray(0, rows));
    // Noisy rows are made and scored NOISE_ROWS at a time: the module's memory holds one block of float32 rows, not the batch's.
    const draw = bytes ? ex.pm1U8 : ex.pm1F32;
    const xBytes = x.BYTES_PER_ELEMENT;
    for (let r0 = 0; r0 < rows; r0 += NOISE_ROWS) {
      const n = Math.min(NOISE_ROWS, rows - r0);
      draw(o.x + r0 * width * xBytes, n, width, o.ids + r0 * 4, noise.seed >>> 0, Math.floor(noise.seed / 4294967296) >>> 0, o.noisy);
      ex.nearestF32(o.noisy, n, width, groups ? o.groups + r0 * 4 : 0, o.sums, o.norms, o.counts, K, o.cols, o.vals, o.dots, o.out + r0 * 4);
    }
    return L.i32('out').slice();
  }
  (bytes ? ex.nearestU8 : ex.nearestF32)(o.x, rows, width, groups ? o.groups : 0, o.sums, o.norms, o.counts, K, o.cols, o.vals, o.dots, o.out);
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
  // New sums of the same size (a learning curve's snapshots) reuse the last buffers: a few MB fewer to allocate and free per model.
  const reuse = last && last.pm.length === G * width * K && last.norms.length === G * K && last.sums.length === sums.length ? last : undefined;
  const pm = reuse?.pm ?? new Float64Array(G * width * K);
  const norms = reuse?.norms ?? new Float64Array(G * K);
  for (let g = 0; g < G; g++) {
    const block = pm.subarray(g * width * K, (g + 1) * width * K);
    toPixelMajor(sums, g * K * width, K, width, block);
    for (let c = 0; c < K; c++) norms[g * K + c] = squaredNorm(block, c, K, width);
  }
  last = { sums: reuse ? (reuse.sums.set(sums), reuse.sums) : sums.slice(), K, width, pm, norms };
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
