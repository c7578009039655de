/**
 * Small pieces of the Dense AM step shared by the model and its worker task: the fixed split of
 * a minibatch into two parts, ±1 targets, the argmax over classes, and the exact combination of
 * the parts' descent directions.
 */

import { DataError } from '../util/errors.js';

/** A part's gradient as the `denseAmGradient` kernel returns it. */
export interface DenseAmPart {
  activations: Float32Array;
  direction: Float32Array;
  logScale: number;
}

/**
 * Each minibatch is computed as two halves whose gradients are combined: on two threads or one,
 * the arithmetic is the same, so the model does not depend on the number of cores.
 */
export function splitRows(rows: number): [number, number][] {
  const half = Math.ceil(rows / 2);
  return half < rows
    ? [
        [0, half],
        [half, rows],
      ]
    : [[0, rows]];
}

/** ±1 targets, classes × rows. */
export function targets(y: Int32Array, classes: number): Float32Array {
  const t = new Float32Array(classes * y.length).fill(-1);
  for (let i = 0; i < y.length; i++) t[y[i] * y.length + i] = 1;
  return t;
}

/** Argmax over the class axis of a classes × rows array (first on ties). */
export function argmaxColumns(a: Float32Array, classes: number, rows: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = a[c * rows + i];
      if (v > best) {
        best = v;
        out[i] = c;
      }
    }
  }
  return out;
}

/** The parts' descent directions summed exactly through their float64 scales: Σ exp(sᵢ − s)·dᵢ, with s = max sᵢ (into `out`, zeroed first, when given). */
export function combineParts(parts: readonly DenseAmPart[], out?: Float32Array): { direction: Float32Array; logScale: number } {
  const logScale = Math.max(...parts.map((p) => p.logScale));
  const direction = out ? out.fill(0) : new Float32Array(parts[0].direction.length);
  if (logScale === -Infinity) return { direction, logScale };
  if (parts.length === 2) {
    // The common case in one pass, with the same roundings: (0 + f₀d₀) to float32, then + f₁d₁ to float32.
    const [f0, f1] = parts.map((p) => Math.exp(p.logScale - logScale));
    const [d0, d1] = [parts[0].direction, parts[1].direction];
    for (let k = 0; k < direction.length; k++) direction[k] = Math.fround(0 + f0 * d0[k]) + f1 * d1[k];
    return { direction, logScale };
  }
  for (const p of parts) {
    const factor = Math.exp(p.logScale - logScale);
    const d = p.direction;
    for (let k = 0; k < direction.length; k++) direction[k] += factor * d[k];
  }
  return { direction, logScale };
}

/** The parts' predictions, in row order. */
export function partPredictions(parts: readonly DenseAmPart[], classes: number, rows: number): Int32Array {
  const predicted = new Int32Array(rows);
  let at = 0;
  for (const p of parts) {
    const n = p.activations.length / classes;
    predicted.set(argmaxColumns(p.activations, classes, n), at);
    at += n;
  }
  return predicted;
}

/** Throws when a class activation is not finite: (overlap/T)^n beyond float32's range, with the setting to change. */
export function checkActivations(a: Float32Array, at: { during: string; temperature: number; power: number; units: number }): void {
  for (let k = 0; k < a.length; k++) {
    if (!Number.isFinite(a[k])) {
      throw new DataError(
        `dense-am: class activations overflow float32 during ${at.during} (${a[k]}): (overlap/T)^n exceeds 3.4e38 at temperature ${at.temperature} and power ${at.power}; raise model.temperature (overlaps reach ${at.units} here; the seeds use T = 540 for 794 units and n = 20)`,
      );
    }
  }
}
