/** Device `nearestPrototypes` as tfjs ops: scores ‖M_c‖² − 2 M_c·x in float32 (a near-tie can resolve differently from the float64 reference; the equivalence suite bounds how often). */
import { engineOf, type KernelContext, type NearestPrototypesArgs } from '../../kernel.js';

/** The nearest prototype of each row, on the device. */
export function nearestPrototypes({ x, rows, width, groups, sums, counts, classes: K }: NearestPrototypesArgs, ctx: KernelContext): Int32Array {
  const tf = engineOf(ctx, 'nearestPrototypes');
  const G = counts.length / K;
  const protos = new Float32Array(G * K * width);
  const norms = new Float32Array(G * K);
  for (let gc = 0; gc < G * K; gc++) {
    let s = 0;
    for (let j = 0; j < width; j++) {
      const m = sums[gc * width + j] / counts[gc];
      protos[gc * width + j] = m;
      s += m * m;
    }
    norms[gc] = s;
  }
  // Row i's candidates are columns groups[i]·K + c of the rows × (G·K) product: one flat gather.
  const pick = new Int32Array(rows * K);
  const norm = new Float32Array(rows * K);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < K; c++) {
      const gc = (groups ? groups[i] : 0) * K + c;
      pick[i * K + c] = i * G * K + gc;
      norm[i * K + c] = norms[gc];
    }
  }
  const best = tf.tidy(() => {
    const dots = tf.matMul(tf.tensor2d(Float32Array.from(x), [rows, width]), tf.tensor2d(protos, [G * K, width]), false, true);
    const mine = tf.reshape(tf.gather(tf.reshape(dots, [rows * G * K]), tf.tensor1d(pick, 'int32')), [rows, K]);
    return tf.argMin(tf.sub(tf.tensor2d(norm, [rows, K]), tf.mul(mine, 2)), 1);
  });
  const out = Int32Array.from(best.dataSync());
  best.dispose();
  return out;
}
