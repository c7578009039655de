/**
 * Dense-memory recall by the Krotov–Hopfield update (2016, eq. 4): a free unit i takes the sign of
 * Σ_μ F(ξ_i^μ + Σ_{j≠i} ξ_j^μ σ_j) − F(−ξ_i^μ + Σ_{j≠i} ξ_j^μ σ_j), with F(x) = relu(x)^n; the
 * other units stay as they are (clamped units never change). Units are updated one at a time
 * (asynchronously) for the whole batch, sweep after sweep, until a sweep changes nothing.
 *
 * The comparison only needs the sign, so overlaps are divided by the largest one before the
 * power: no overflow at any n. A tie keeps the unit's state.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { TensorOps } from '../backends/backend.js';

/** Options of `settleUnits`. */
interface SettleOptions {
  /** Indices of the units that may change (the rest are clamped). */
  free: readonly number[];
  /** Power n of F. */
  power: number;
  /** Stop after this many sweeps even if units still change. */
  maxSweeps: number;
}

/** Settles the free units of each row of `state` (B × units, ±1 for free units) against memories `xi` (K × units). */
async function settleUnits(tf: TensorOps, xi: tfc.Tensor2D, state: Float32Array, rows: number, opts: SettleOptions): Promise<{ state: Float32Array; sweeps: number; changed: number }> {
  const [K, units] = xi.shape;
  const s = state.slice();
  let sweeps = 0;
  let changed = 0;
  for (; sweeps < opts.maxSweeps;) {
    sweeps++;
    let flips = 0;
    for (const i of opts.free) {
      // overlaps without unit i: h = ξ·σ − ξ_i σ_i (K × B)
      const delta = tf.tidy(() => {
        const st = tf.tensor2d(s, [rows, units]);
        const h = tf.sub(tf.matMul(xi, st, false, true), tf.mul(tf.slice(xi, [0, i], [K, 1]), tf.reshape(tf.slice(st, [0, i], [rows, 1]), [1, rows])));
        const col = tf.slice(xi, [0, i], [K, 1]);
        const up = tf.relu(tf.add(h, col));
        const down = tf.relu(tf.sub(h, col));
        const top = tf.maximum(tf.max(tf.maximum(up, down)), 1e-30);
        const power = (t: tfc.Tensor) => tf.pow(tf.div(t, top), opts.power);
        return tf.sum(tf.sub(power(up), power(down)), 0);
      });
      const d = await delta.data();
      delta.dispose();
      for (let b = 0; b < rows; b++) {
        const next = d[b] > 0 ? 1 : d[b] < 0 ? -1 : s[b * units + i];
        if (next !== s[b * units + i]) {
          s[b * units + i] = next;
          flips++;
        }
      }
    }
    changed += flips;
    if (flips === 0) break;
  }
  return { state: s, sweeps, changed };
}

/** Label units completed by `completeLabels`. */
export interface CompletedLabels {
  /** rows × classes, ±1. */
  labels: Float32Array;
  /** The single label unit at +1, or −1 when none or several are. */
  predicted: Int32Array;
  sweeps: number;
}

/**
 * Dense AM pattern completion (Krotov & Hopfield 2016, eq. 4): each sample's pixels (rows ×
 * width, clamped) with its label units starting at −1, settled by the asynchronous dense update
 * over the memories (memories × (width + classes)).
 */
export async function completeLabels(
  tf: TensorOps,
  memories: Float32Array,
  x: Float32Array,
  rows: number,
  o: { width: number; classes: number; memories: number; power: number; maxSweeps: number },
): Promise<CompletedLabels> {
  const D = o.width;
  const units = D + o.classes;
  const state = new Float32Array(rows * units).fill(-1);
  for (let r = 0; r < rows; r++) state.set(x.subarray(r * D, (r + 1) * D), r * units);
  const free = Array.from({ length: o.classes }, (_, c) => D + c);
  const xi = tf.tensor2d(memories, [o.memories, units]);
  const settled = await settleUnits(tf, xi, state, rows, { free, power: o.power, maxSweeps: o.maxSweeps });
  xi.dispose();
  const labels = new Float32Array(rows * o.classes);
  const predicted = new Int32Array(rows).fill(-1);
  for (let r = 0; r < rows; r++) {
    let on = 0;
    for (let c = 0; c < o.classes; c++) {
      const v = settled.state[r * units + D + c];
      labels[r * o.classes + c] = v;
      if (v > 0) {
        on++;
        predicted[r] = c;
      }
    }
    if (on !== 1) predicted[r] = -1;
  }
  return { labels, predicted, sweeps: settled.sweeps };
}
