/**
 * The competing hidden units' weight update (Krotov & Hopfield 2019), on the host.
 *
 * Given each sample's winner (g = 1) and k-th ranked unit (g = −Δ) with their currents I:
 *   dW = g·xᵀ − (Σ_b g·I) ∘ W,   W ← W + ε·dW / max(max|dW|, precision)   [− ε·λ·W with weight decay].
 * g has two non-zeros per sample, so only the ≤ 2B units named by a minibatch have a non-zero dW
 * row: the update costs O(B·D), not O(H·D) (the reference code multiplies by the dense H×B g).
 * This file gathers the touched units' rows (grouped by `groupHits`) for the backend's
 * `competingUpdate` kernel, which does the float64 arithmetic (TypeScript on cpu, f64x2 SIMD on
 * wasm, bit-identical): the per-minibatch path (worker threads, GPU backends) of what the fused
 * `competingSteps` kernel does on one thread. A zero update (e.g. all-zero inputs) leaves W as it is.
 */
import type { CompetingUpdateArgs } from '../backends/kernel.js';
import { commitNamed, gatherNamed, groupHits, notFinite, UpdateScratch } from '../backends/competingHits.js';
import type { Ranks } from '../backends/competingRanks.js';

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
  const { x, rows: B, width: D } = o;
  const H = w.length / D;
  const s = scratch ?? new UpdateScratch();
  const hits = groupHits(ranks, B, H, o.delta, s);
  const { touched, count: T } = hits;
  // The named units' rows, contiguous.
  const rows = s.rows(T * D);
  gatherNamed(w, touched, D, rows);
  const keep = o.weightDecay > 0 ? 1 - o.rate * o.weightDecay : 1;
  const maxUpdate = await kernel({
    rows,
    count: T,
    width: D,
    theta: hits.theta,
    hitStart: hits.hitStart,
    hitSample: hits.hitSample,
    hitCoef: hits.hitCoef,
    x,
    rate: o.rate,
    precision: o.precision,
    keep,
  });
  if (!Number.isFinite(maxUpdate)) throw new RangeError(notFinite(maxUpdate));
  commitNamed(w, touched, D, rows, keep);
  return { touched: touched.slice(), maxUpdate };
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
