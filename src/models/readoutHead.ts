/**
 * A supervised read-out on the competing hidden units (as in Krotov & Hopfield 2019): the hidden
 * currents go through a rectified power φ = (relu(I)/s)^n, optionally scaled to unit length per
 * sample, and a linear layer trained by ridge regression onto one-hot targets scores the classes.
 * Ridge has a closed form, so the head is deterministic and needs no learning-rate tuning.
 *
 * Float32 stability: s is the largest training current, so φ ≤ 1 before the power (no overflow
 * at any n). The Gram matrix ΦᵀΦ is summed in float64 from float32 chunk products on the backend,
 * and solved in float64 (Cholesky).
 */
import type { Backend } from '../backends/backend.js';
import { transpose } from '../backends/transpose.js';
import { DataError, UsageError } from '../util/errors.js';
import type { Matrix } from './matrix.js';

/** Settings of the read-out. */
export interface ReadoutSettings {
  classes: number;
  /** n, the power of the rectified currents (the paper uses 4.5). */
  power: number;
  /** Ridge strength λ, relative to the mean diagonal of ΦᵀΦ. */
  ridge: number;
  /** `unit`: each sample's φ is scaled to unit Euclidean length before the linear layer. */
  normalize: 'none' | 'unit';
}

/** The fitted parameters. */
export interface ReadoutState {
  settings: ReadoutSettings;
  /** The current scale s. */
  scale: number;
  /** (hidden + 1) × classes weights, the last row the bias. */
  beta: Float64Array;
  hidden: number;
}

const CHUNK = 2000;

/** Fits the read-out on hidden currents (rows × hidden) and labels. */
export async function fitReadout(backend: Backend, currents: Matrix, labels: Int32Array, settings: ReadoutSettings): Promise<ReadoutState> {
  const { classes } = settings;
  if (!(settings.power > 0)) throw new UsageError(`readout: power must be > 0, got ${settings.power}`);
  if (!(settings.ridge > 0)) throw new UsageError(`readout: ridge must be > 0, got ${settings.ridge}`);
  if (labels.length !== currents.rows) throw new DataError(`readout: ${labels.length} labels for ${currents.rows} samples`);
  for (let i = 0; i < labels.length; i++) if (!(labels[i] >= 0 && labels[i] < classes)) throw new DataError(`readout: label ${labels[i]} of sample ${i} is outside [0, ${classes})`);
  let scale = 0;
  for (let i = 0; i < currents.values.length; i++) if (currents.values[i] > scale) scale = currents.values[i];
  if (!(scale > 0)) throw new DataError('readout: no hidden current is positive; the features carry no signal (is the model fitted?)');
  const H = currents.cols;
  const F = H + 1;
  const gram = new Float64Array(F * F);
  const xty = new Float64Array(F * classes);
  const tf = await backend.activate();
  for (let at = 0; at < currents.rows; at += CHUNK) {
    const n = Math.min(CHUNK, currents.rows - at);
    const phi = features(currents.values.subarray(at * H, (at + n) * H), n, H, scale, settings);
    const phiT = transpose(phi, n, F);
    const y = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) y[i * classes + labels[at + i]] = 1;
    const [g, c] = tf.tidy(() => {
      const a = tf.tensor2d(phiT, [F, n]);
      return [tf.matMul(a, tf.tensor2d(phi, [n, F])), tf.matMul(a, tf.tensor2d(y, [n, classes]))];
    });
    const [gv, cv] = await Promise.all([g.data(), c.data()]);
    tf.dispose([g, c]);
    for (let k = 0; k < gram.length; k++) gram[k] += gv[k];
    for (let k = 0; k < xty.length; k++) xty[k] += cv[k];
  }
  let trace = 0;
  for (let i = 0; i < F; i++) trace += gram[i * F + i];
  const lambda = (settings.ridge * trace) / F;
  for (let i = 0; i < F; i++) gram[i * F + i] += lambda;
  return { settings, scale, beta: choleskySolve(gram, F, xty, classes), hidden: H };
}

/** Class scores (rows × classes) of hidden currents. */
export function readoutScores(state: ReadoutState, currents: Matrix): Float64Array {
  const { hidden: H, beta, settings } = state;
  if (currents.cols !== H) throw new DataError(`readout: features have ${currents.cols} columns, the read-out was fitted on ${H}`);
  const C = settings.classes;
  const F = H + 1;
  const out = new Float64Array(currents.rows * C);
  for (let at = 0; at < currents.rows; at += CHUNK) {
    const n = Math.min(CHUNK, currents.rows - at);
    const phi = features(currents.values.subarray(at * H, (at + n) * H), n, H, state.scale, settings);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let f = 0; f < F; f++) s += phi[i * F + f] * beta[f * C + c];
        out[(at + i) * C + c] = s;
      }
    }
  }
  return out;
}

/** The predicted class of each row: the largest score (first on ties). */
export function readoutPredict(state: ReadoutState, currents: Matrix): Int32Array {
  const C = state.settings.classes;
  const s = readoutScores(state, currents);
  const out = new Int32Array(currents.rows);
  for (let i = 0; i < currents.rows; i++) {
    let best = -Infinity;
    for (let c = 0; c < C; c++) {
      if (s[i * C + c] > best) {
        best = s[i * C + c];
        out[i] = c;
      }
    }
  }
  return out;
}

/** φ = (relu(I)/s)^n with a trailing bias column of 1, rows × (hidden + 1). */
function features(I: Float32Array, rows: number, H: number, scale: number, settings: ReadoutSettings): Float32Array {
  const F = H + 1;
  const phi = new Float32Array(rows * F);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let h = 0; h < H; h++) {
      const v = I[i * H + h];
      const r = v > 0 ? (v / scale) ** settings.power : 0;
      phi[i * F + h] = r;
      norm += r * r;
    }
    if (settings.normalize === 'unit' && norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let h = 0; h < H; h++) phi[i * F + h] *= inv;
    }
    phi[i * F + H] = 1;
  }
  return phi;
}

/** Solves A X = B for symmetric positive-definite A (n × n) and B (n × m), in float64. */
function choleskySolve(A: Float64Array, n: number, B: Float64Array, m: number): Float64Array {
  const L = A.slice();
  for (let j = 0; j < n; j++) {
    let d = L[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) throw new DataError(`readout: the regularised Gram matrix is not positive definite at ${j}; raise the ridge strength`);
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = L[i * n + j];
      const ri = i * n;
      const rj = j * n;
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s / ljj;
    }
  }
  const X = B.slice();
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = X[i * m + c];
      for (let k = 0; k < i; k++) s -= L[i * n + k] * X[k * m + c];
      X[i * m + c] = s / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = X[i * m + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * X[k * m + c];
      X[i * m + c] = s / L[i * n + i];
    }
  }
  return X;
}
