/**
 * The seeds' tiled Dense AM step (the batch repeated once per class: Nc·B columns), written with
 * tfjs ops for the benchmark's comparison only. Powers are rescaled by T so float32 stays finite;
 * the cost — two K × (N+Nc) by (N+Nc) × Nc·B products forward and two back — is the seeds'.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { TensorOps } from '../src/index.js';

/** One minibatch step's gradient, tiled; returns the direction tensor's values. */
export function tiledGradient(tf: TensorOps, xi: Float32Array, x: Float32Array, labels: Int32Array, o: { K: number; N: number; Nc: number; n: number; m: number; T: number }): Float32Array {
  const { K, N, Nc, n, m, T } = o;
  const B = labels.length;
  const cols = Nc * B;
  // uu: [x_b; −1…] for every (α, b); vv: the same with label unit α = +1.
  const uu = new Float32Array((N + Nc) * cols).fill(-1);
  const vv = new Float32Array((N + Nc) * cols).fill(-1);
  for (let a = 0; a < Nc; a++) {
    for (let b = 0; b < B; b++) {
      const col = a * B + b;
      for (let j = 0; j < N; j++) uu[j * cols + col] = vv[j * cols + col] = x[b * N + j];
      vv[(N + a) * cols + col] = 1;
    }
  }
  const t = new Float32Array(cols).fill(-1);
  labels.forEach((y, b) => (t[y * B + b] = 1));
  const out = tf.tidy(() => {
    const mem = tf.tensor2d(xi, [K, N + Nc]);
    const U = tf.tensor2d(uu, [N + Nc, cols]);
    const V = tf.tensor2d(vv, [N + Nc, cols]);
    const ksv = tf.div(tf.relu(tf.matMul(mem, V)), T);
    const ksu = tf.div(tf.relu(tf.matMul(mem, U)), T);
    const y = tf.tanh(tf.sum(tf.sub(tf.pow(ksv, n), tf.pow(ksu, n)), 0));
    const e = tf.sub(tf.tensor1d(t), y);
    const g = tf.mul(tf.pow(tf.div(e, tf.max(tf.abs(e))), 2 * m - 1), tf.sub(1, tf.square(y)));
    const dv = tf.matMul(tf.mul(g, tf.pow(ksv, n - 1)), V, false, true);
    const du = tf.matMul(tf.mul(g, tf.pow(ksu, n - 1)), U, false, true);
    return tf.sub(dv, du) as tfc.Tensor2D;
  });
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}
