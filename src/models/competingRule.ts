/**
 * The competing hidden units' weight update (Krotov & Hopfield 2019), on the host.
 *
 * Given each sample's winner (g = 1) and k-th ranked unit (g = −Δ) with their currents I:
 *   dW = g·xᵀ − (Σ_b g·I) ∘ W,   W ← W + ε·dW / max(max|dW|, precision)   [− ε·λ·W with weight decay].
 * g has two non-zeros per sample, so only the ≤ 2B units named by a minibatch have a non-zero dW
 * row: the update costs O(B·D), not O(H·D) (the reference code multiplies by the dense H×B g).
 * This file groups each unit's hits (a counting sort) and gathers the touched units' rows; the
 * backend's `competingUpdate` kernel does the float64 arithmetic (TypeScript on cpu, f64x2 SIMD
 * on wasm, bit-identical). Sums are taken in sample order, so the result does not depend on how
 * the minibatch was split across threads. A zero update (e.g. all-zero inputs) leaves W as it is.
 */
import type { CompetingUpdateArgs } from '../backends/kernel.js';
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

/** Applies one minibatch's update to `w` (hidden × width, in place) with the backend's `competingUpdate` kernel; `scratch` may be reused across calls. */
export async function applyUpdate(w: Float32Array, ranks: Ranks, o: UpdateOptions, kernel: (args: CompetingUpdateArgs) => number | Promise<number>, scratch?: UpdateScratch): Promise<UpdateReport> {
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
  // The touched units' rows, contiguous, with their θ and hit ranges (adjacent, since units are ascending).
  const T = touched.length;
  // From the scratch: a fresh T × D array per minibatch (up to 300 KB) cost more in allocation and GC than the update itself.
  const rows = s.rows(T * D);
  const th = s.perUnit(T);
  const hitStart = s.int(T + 1, 2);
  for (let t = 0; t < T; t++) {
    const h = touched[t];
    rows.set(w.subarray(h * D, (h + 1) * D), t * D);
    th[t] = theta[h];
    hitStart[t] = start[h];
    theta[h] = 0;
    count[h] = 0;
  }
  hitStart[T] = 2 * B;
  const keep = o.weightDecay > 0 ? 1 - o.rate * o.weightDecay : 1;
  const maxUpdate = await kernel({ rows, count: T, width: D, theta: th, hitStart, hitSample: sample, hitCoef: coef, x, rate: o.rate, precision: o.precision, keep });
  if (!Number.isFinite(maxUpdate)) throw new RangeError(`the update is not finite (max |dW| = ${maxUpdate}): the weights or inputs have left float range (lower p or the initial weights' scale)`);
  if (keep !== 1) for (let k = 0; k < w.length; k++) w[k] *= keep; // untouched units decay here; touched ones in the kernel, from their old values
  for (let t = 0; t < T; t++) w.set(rows.subarray(t * D, (t + 1) * D), touched[t] * D);
  return { touched: Int32Array.from(touched), maxUpdate };
}

/** Reusable buffers of `applyUpdate` (per-unit sums and counts are left zeroed after each call). */
export class UpdateScratch {
  private theta = new Float64Array(0);
  private count = new Int32Array(0);
  private ints = new Int32Array(0);
  private ints1 = new Int32Array(0);
  private floats = new Float64Array(0);
  private rowBuf = new Float32Array(0);
  private thetaBuf = new Float64Array(0);
  private ints2 = new Int32Array(0);

  /** A float32 view of exactly `n` values (contents undefined). */
  rows(n: number): Float32Array {
    if (this.rowBuf.length < n) this.rowBuf = new Float32Array(n);
    return this.rowBuf.subarray(0, n);
  }

  /** A float64 view of exactly `n` values (contents undefined). */
  perUnit(n: number): Float64Array {
    if (this.thetaBuf.length < n) this.thetaBuf = new Float64Array(n);
    return this.thetaBuf.subarray(0, n);
  }

  units(H: number): { theta: Float64Array; count: Int32Array } {
    if (this.theta.length !== H) {
      this.theta = new Float64Array(H);
      this.count = new Int32Array(H);
    }
    return { theta: this.theta, count: this.count };
  }

  int(n: number, slot = 0): Int32Array {
    if (slot === 0) return (this.ints = this.ints.length >= n ? this.ints : new Int32Array(n));
    if (slot === 1) return (this.ints1 = this.ints1.length >= n ? this.ints1 : new Int32Array(n));
    if (this.ints2.length < n) this.ints2 = new Int32Array(n);
    return this.ints2.subarray(0, n);
  }

  float(n: number): Float64Array {
    return (this.floats = this.floats.length >= n ? this.floats : new Float64Array(n));
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
