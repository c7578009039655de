/**
 * The competing hidden units' weight update (Krotov & Hopfield 2019, SPEC 4.3), on the host.
 *
 * Given each sample's winner (g = 1) and k-th ranked unit (g = −Δ) with their currents I:
 *   dW = g·xᵀ − (Σ_b g·I) ∘ W,   W ← W + ε·dW / max(max|dW|, precision)   [− ε·λ·W with weight decay].
 * g has two non-zeros per sample, so only the ≤ 2B units named by a minibatch have a non-zero dW
 * row: the update costs O(B·D), not O(H·D) (the reference code multiplies by the dense H×B g).
 * Sums are taken in float64 in sample order, so the result does not depend on how the minibatch
 * was split across threads. A zero update (e.g. all-zero inputs) leaves W as it is.
 */
import type { Ranks } from './competingRanks.js';

/** What one update needs besides the weights. */
export interface UpdateOptions {
  /** Samples of the minibatch, rows × width. */
  x: Float32Array;
  rows: number;
  width: number;
  /** Anti-Hebbian strength Δ. */
  delta: number;
  /** Learning rate ε of this epoch. */
  rate: number;
  /** Floor of the max-normaliser. */
  precision: number;
  /** Weight decay λ (0: none). */
  weightDecay: number;
}

/** What an update did, for convergence tracking and checks. */
export interface UpdateReport {
  /** Units whose weights changed through the learning rule, ascending. */
  touched: Int32Array;
  /** max|dW| before the floor (0 when the minibatch carried no signal). */
  maxUpdate: number;
}

/** Applies one minibatch's update to `w` (hidden × width, in place); `scratch` may be reused across calls. */
export function applyUpdate(w: Float32Array, ranks: Ranks, o: UpdateOptions, scratch?: UpdateScratch): UpdateReport {
  const { x, rows: B, width: D, delta } = o;
  const H = w.length / D;
  const s = scratch ?? new UpdateScratch();
  const { theta, count } = s.units(H);
  // The samples naming each unit, grouped by unit in sample order (a counting sort): 2 per sample.
  const sample = s.int(2 * B);
  const coef = s.float(2 * B);
  for (let b = 0; b < B; b++) {
    count[ranks.top[b]]++;
    count[ranks.kth[b]]++;
  }
  const touched: number[] = [];
  const start = s.int(H + 1, 1);
  for (let h = 0, at = 0; h < H; h++) {
    start[h] = at;
    if (count[h] > 0) touched.push(h);
    at += count[h];
    count[h] = 0;
  }
  start[H] = 2 * B;
  const place = (h: number, b: number, g: number, current: number) => {
    theta[h] += g * current;
    const at = start[h] + count[h]++;
    sample[at] = b;
    coef[at] = g;
  };
  for (let b = 0; b < B; b++) {
    place(ranks.top[b], b, 1, ranks.topCurrent[b]);
    place(ranks.kth[b], b, -delta, ranks.kthCurrent[b]);
  }
  const dW = s.rowsBuffer(touched.length * D);
  let maxUpdate = 0;
  for (let t = 0; t < touched.length; t++) {
    const h = touched[t];
    const row = t * D;
    scaleRow(dW, row, w, h * D, -theta[h], D);
    for (let i = start[h]; i < start[h] + count[h]; i++) addScaled(dW, row, x, sample[i] * D, coef[i], D);
    const m = maxAbs(dW, row, D);
    if (!(m <= maxUpdate)) {
      if (!Number.isFinite(m)) throw new RangeError(`the update of hidden unit ${h} is not finite: the weights or inputs have left float range (lower p or the initial weights' scale)`);
      maxUpdate = m;
    }
    theta[h] = 0;
    count[h] = 0;
  }
  if (o.weightDecay > 0) {
    const keep = 1 - o.rate * o.weightDecay;
    for (let k = 0; k < w.length; k++) w[k] *= keep;
  }
  if (maxUpdate > 0) {
    const step = o.rate / Math.max(maxUpdate, o.precision);
    for (let t = 0; t < touched.length; t++) applyRow(w, touched[t] * D, dW, t * D, step, D);
  }
  return { touched: Int32Array.from(touched), maxUpdate };
}

/** d[do..do+n) = g·w[wo..wo+n). */
function scaleRow(d: Float64Array, dOff: number, w: Float32Array, wOff: number, g: number, n: number): void {
  const row = d.subarray(dOff, dOff + n);
  const src = w.subarray(wOff, wOff + n);
  for (let j = 0; j < row.length; j++) row[j] = g * src[j];
}

/** d[do..do+n) += g·x[xo..xo+n) (float64 row, float32 sample). */
function addScaled(d: Float64Array, dOff: number, x: Float32Array, xOff: number, g: number, n: number): void {
  const row = d.subarray(dOff, dOff + n);
  const src = x.subarray(xOff, xOff + n);
  for (let j = 0; j < row.length; j++) row[j] += g * src[j];
}

/** w[wo..wo+n) += step·d[do..do+n). */
function applyRow(w: Float32Array, wOff: number, d: Float64Array, dOff: number, step: number, n: number): void {
  for (let j = 0; j < n; j++) w[wOff + j] += step * d[dOff + j];
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

/** Reusable buffers of `applyUpdate` (per-unit sums and counts are left zeroed after each call). */
export class UpdateScratch {
  private theta = new Float64Array(0);
  private count = new Int32Array(0);
  private ints = new Int32Array(0);
  private ints1 = new Int32Array(0);
  private floats = new Float64Array(0);
  private dW = new Float64Array(0);

  units(H: number): { theta: Float64Array; count: Int32Array } {
    if (this.theta.length !== H) {
      this.theta = new Float64Array(H);
      this.count = new Int32Array(H);
    }
    return { theta: this.theta, count: this.count };
  }

  int(n: number, slot = 0): Int32Array {
    if (slot === 0) return (this.ints = this.ints.length >= n ? this.ints : new Int32Array(n));
    return (this.ints1 = this.ints1.length >= n ? this.ints1 : new Int32Array(n));
  }

  float(n: number): Float64Array {
    return (this.floats = this.floats.length >= n ? this.floats : new Float64Array(n));
  }

  rowsBuffer(n: number): Float64Array {
    return (this.dW = this.dW.length >= n ? this.dW : new Float64Array(n));
  }
}

/**
 * sign(w)·|w|^(p−1) of the given units (all when absent), written transposed into `wT`
 * (width × hidden), the layout the currents kernel reads; integer powers by multiplication.
 */
export function writePowersT(w: Float32Array, wT: Float32Array, width: number, p: number, units?: ArrayLike<number>): void {
  const H = w.length / width;
  const e = p - 1;
  const integer = Number.isInteger(e) && e >= 1 && e <= 8;
  const each = (h: number) => {
    for (let j = 0; j < width; j++) {
      const v = w[h * width + j];
      let r = v;
      if (integer) {
        const a = Math.abs(v);
        for (let i = 1; i < e; i++) r *= a;
      } else {
        r = Math.sign(v) * Math.abs(v) ** e;
      }
      wT[j * H + h] = r;
    }
  };
  if (units) for (let i = 0; i < units.length; i++) each(units[i]);
  else for (let h = 0; h < H; h++) each(h);
}

/** Each unit's Lebesgue p-norm (Σ_j |w_j|^p)^(1/p), in float64. */
export function rowNorms(w: Float32Array, width: number, p: number): Float64Array {
  const H = w.length / width;
  const out = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    let s = 0;
    for (let j = h * width, end = j + width; j < end; j++) s += Math.abs(w[j]) ** p;
    out[h] = s ** (1 / p);
  }
  return out;
}
