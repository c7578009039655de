/**
 * Sparse row helpers shared by the CPU kernels: MNIST rows are ~80% zeros, and a zero adds
 * exactly nothing to a sum, so skipping zeros changes no result, only the time.
 */
import type { FeatureArray } from '../../data/batch.js';

/** Copies the non-zero entries of row `x[offset..offset+width)` into (cols, vals); returns their count. */
export function nonZeros(x: FeatureArray, offset: number, width: number, cols: Int32Array, vals: Float64Array, at = 0): number {
  let n = at;
  for (let j = 0; j < width; j++) {
    const v = x[offset + j];
    if (v !== 0) {
      cols[n] = j;
      vals[n++] = v;
    }
  }
  return n - at;
}

/**
 * dots[t] = Σ_e S[cols[e]·K + classes[t]] · vals[e] for t < m, each summed in pixel order.
 * Classes go four at a time with scalar accumulators: V8 keeps those in registers, which is
 * 2–3× faster than accumulating into a typed array.
 */
export function sparseDots(S: Float64Array, K: number, cols: Int32Array, vals: Float64Array, e0: number, e1: number, classes: Int32Array, m: number, dots: Float64Array): void {
  let t = 0;
  for (; t + 3 < m; t += 4) {
    const c0 = classes[t],
      c1 = classes[t + 1],
      c2 = classes[t + 2],
      c3 = classes[t + 3];
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0;
    for (let e = e0; e < e1; e++) {
      const o = cols[e] * K;
      const v = vals[e];
      a0 += S[o + c0] * v;
      a1 += S[o + c1] * v;
      a2 += S[o + c2] * v;
      a3 += S[o + c3] * v;
    }
    dots[t] = a0;
    dots[t + 1] = a1;
    dots[t + 2] = a2;
    dots[t + 3] = a3;
  }
  for (; t + 1 < m; t += 2) {
    const c0 = classes[t],
      c1 = classes[t + 1];
    let a0 = 0,
      a1 = 0;
    for (let e = e0; e < e1; e++) {
      const o = cols[e] * K;
      const v = vals[e];
      a0 += S[o + c0] * v;
      a1 += S[o + c1] * v;
    }
    dots[t] = a0;
    dots[t + 1] = a1;
  }
  if (t < m) {
    const c0 = classes[t];
    let a0 = 0;
    for (let e = e0; e < e1; e++) a0 += S[cols[e] * K + c0] * vals[e];
    dots[t] = a0;
  }
}
