/**
 * The host-side bookkeeping of the competing units' update (Krotov & Hopfield 2019): which units a
 * minibatch names and with what. Each sample names two units, its winner (g = 1) and its k-th
 * ranked unit (g = −Δ); only those ≤ 2B units have a non-zero dW row, so the update costs O(B·D),
 * not O(H·D). A counting sort groups the hits by unit in sample order, so sums over a unit's hits
 * are taken in the same order however the minibatch was split across threads.
 */
import type { Ranks } from './competingRanks.js';

/** One minibatch's hits grouped by unit. */
export interface GroupedHits {
  /** The named units, ascending (`count` of them). */
  touched: Int32Array;
  count: number;
  /** θ_t = Σ_b g·I of each named unit. */
  theta: Float64Array;
  /** Unit t's hits are hitSample/hitCoef[hitStart[t] … hitStart[t+1]), in sample order. */
  hitStart: Int32Array;
  hitSample: Int32Array;
  hitCoef: Float64Array;
}

/** Groups a minibatch's ranks by unit (views into `s`, valid until its next use). */
export function groupHits(ranks: Ranks, rows: number, hidden: number, delta: number, s: UpdateScratch): GroupedHits {
  const B = rows;
  const H = hidden;
  const { theta, count } = s.units(H);
  const sample = s.int(2 * B);
  const coef = s.float(2 * B);
  for (let b = 0; b < B; b++) {
    count[ranks.top[b]]++;
    count[ranks.kth[b]]++;
  }
  const touched = s.int(Math.min(H, 2 * B), 3);
  let T = 0;
  const start = s.int(H + 1, 1);
  for (let h = 0, at = 0; h < H; h++) {
    start[h] = at;
    if (count[h] > 0) touched[T++] = h;
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
  // Per named unit (adjacent hit ranges, since units are ascending); the per-unit sums and counts are left zeroed.
  const th = s.perUnit(T);
  const hitStart = s.int(T + 1, 2);
  for (let t = 0; t < T; t++) {
    const h = touched[t];
    th[t] = theta[h];
    hitStart[t] = start[h];
    theta[h] = 0;
    count[h] = 0;
  }
  hitStart[T] = 2 * B;
  return { touched: touched.subarray(0, T), count: T, theta: th, hitStart, hitSample: sample.subarray(0, 2 * B), hitCoef: coef.subarray(0, 2 * B) };
}

/** Copies the named units' rows of `w` (hidden × width) into `rows`, contiguous, in the order of `touched`. */
export function gatherNamed(w: Float32Array, touched: Int32Array, width: number, rows: Float32Array): void {
  for (let t = 0; t < touched.length; t++) rows.set(w.subarray(touched[t] * width, (touched[t] + 1) * width), t * width);
}

/**
 * Commits an update: with weight decay (keep ≠ 1) every unit's weights are scaled first (the named
 * units' rows were decayed by the update kernel, from their old values), then the named rows are
 * written back into `w`.
 */
export function commitNamed(w: Float32Array, touched: Int32Array, width: number, rows: Float32Array, keep: number): void {
  if (keep !== 1) for (let k = 0; k < w.length; k++) w[k] *= keep;
  for (let t = 0; t < touched.length; t++) w.set(rows.subarray(t * width, (t + 1) * width), touched[t] * width);
}

/** The message of an update that left float range. */
export function notFinite(maxUpdate: number): string {
  return `the update is not finite (max |dW| = ${maxUpdate}): the weights or inputs have left float range (lower p or the initial weights' scale)`;
}

/** Reusable buffers of `groupHits` and the update (per-unit sums and counts are left zeroed after each call): a fresh T × D array per minibatch (up to 300 KB) cost more in allocation and GC than the update itself. */
export class UpdateScratch {
  private theta = new Float64Array(0);
  private count = new Int32Array(0);
  private ints = new Int32Array(0);
  private ints1 = new Int32Array(0);
  private floats = new Float64Array(0);
  private rowBuf = new Float32Array(0);
  private thetaBuf = new Float64Array(0);
  private ints2 = new Int32Array(0);
  private ints3 = new Int32Array(0);

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
    if (slot === 2) return (this.ints2 = this.ints2.length >= n ? this.ints2 : new Int32Array(n)).subarray(0, n);
    return (this.ints3 = this.ints3.length >= n ? this.ints3 : new Int32Array(n)).subarray(0, n);
  }

  float(n: number): Float64Array {
    return (this.floats = this.floats.length >= n ? this.floats : new Float64Array(n));
  }
}
