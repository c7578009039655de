/**
 * The reference `competingUpdate` kernel: the float64 update of the hidden units a minibatch
 * names, with the wasm kernel's exact operations and order (so the two agree bit for bit):
 * dW_t = (−θ_t)·w_t, then + g·x_b for each hit in sample order; max|dW|; then
 * w ← f32(f32(w·keep) + step·dW) (the decay rounding only when keep ≠ 1).
 */
import type { KernelConfig, CompetingUpdateArgs } from '../../kernel.js';

let scratch = new Float64Array(0);

/** Updates `rows` in place; returns max|dW| (NaN if any entry is NaN). */
export function competingUpdate(a: CompetingUpdateArgs): number {
  const { rows, count: T, width: D, theta, hitStart, hitSample, hitCoef, x } = a;
  if (scratch.length < T * D) scratch = new Float64Array(T * D);
  const dW = scratch;
  let maxUpdate = 0;
  for (let t = 0; t < T; t++) {
    const o = t * D;
    const th = -theta[t];
    for (let j = 0; j < D; j++) dW[o + j] = th * rows[o + j];
    for (let e = hitStart[t]; e < hitStart[t + 1]; e++) addScaled(dW, o, x, hitSample[e] * D, hitCoef[e], D);
    const m = maxAbs(dW, o, D);
    if (m !== m) return NaN;
    if (m > maxUpdate) maxUpdate = m;
  }
  const keep = a.keep;
  if (maxUpdate > 0 || keep !== 1) {
    const step = maxUpdate > 0 ? a.rate / Math.max(maxUpdate, a.precision) : 0;
    for (let k = 0; k < T * D; k++) {
      const w = keep !== 1 ? Math.fround(rows[k] * keep) : rows[k];
      rows[k] = w + step * dW[k];
    }
  }
  return maxUpdate;
}

/** d[do..do+n) += g·x[xo..xo+n). */
function addScaled(d: Float64Array, dOff: number, x: Float32Array, xOff: number, g: number, n: number): void {
  for (let j = 0; j < n; j++) d[dOff + j] += g * x[xOff + j];
}

/** max |v_j| over v[o..o+n) (NaN when some v_j is NaN), with four accumulators to break the dependency chain. */
function maxAbs(v: Float64Array, o: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let j = o;
  const end = o + n;
  for (; j + 3 < end; j += 4) {
    a0 = Math.max(a0, Math.abs(v[j]));
    a1 = Math.max(a1, Math.abs(v[j + 1]));
    a2 = Math.max(a2, Math.abs(v[j + 2]));
    a3 = Math.max(a3, Math.abs(v[j + 3]));
  }
  for (; j < end; j++) a0 = Math.max(a0, Math.abs(v[j]));
  return Math.max(a0, a1, a2, a3);
}

/** The cpu registration of `competingUpdate`. */
export const competingUpdateConfig: KernelConfig<'competingUpdate'> = { kernelName: 'competingUpdate', backendName: 'cpu', kernelFunc: competingUpdate };
