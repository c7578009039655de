/** Device `nearestPrototypes` as tfjs ops: scores ‖M_c‖² − 2 M_c·x in float32 (a near-tie can resolve differently from the float64 reference; the equivalence suite bounds how often). */
import { engineOf, type KernelContext, type NearestPrototypesArgs } from '../../kernel.js';
import { noisySamples } from '../../noisySamples.js';

/** Rows per device pass: bounds the gathered candidates at CHUNK_ROWS·K·width floats (80 MB for MNIST). */
const CHUNK_ROWS = 2560;

/** The nearest prototype of each row, on the device. */
export async function nearestPrototypes(args: NearestPrototypesArgs, ctx: KernelContext): Promise<Int32Array> {
  const { rows, width, groups, sums, counts, classes: K } = args;
  const x = noisySamples(args);
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
  // Row i's K candidates are prototype rows groups[i]·K + c: gathered on the device, then one
  // batched (1 × width)·(width × K) product per row — K·width multiply-adds a row, not G·K·width.
  const out = new Int32Array(rows);
  const protoT = tf.tensor2d(protos, [G * K, width]);
  const normT = tf.tensor1d(norms);
  for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - r0);
    const pick = new Int32Array(n * K);
    for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) pick[i * K + c] = (groups ? groups[r0 + i] : 0) * K + c;
    const best = tf.tidy(() => {
      const idx = tf.tensor1d(pick, 'int32');
      const cand = tf.reshape(tf.gather(protoT, idx), [n, K, width]);
      const xs = tf.tensor3d(Float32Array.from(x.subarray(r0 * width, (r0 + n) * width)), [n, 1, width]);
      const mine = tf.reshape(tf.matMul(xs, cand, false, true), [n, K]);
      return tf.argMin(tf.sub(tf.reshape(tf.gather(normT, idx), [n, K]), tf.mul(mine, 2)), 1);
    });
    out.set(await best.data(), r0);
    best.dispose();
  }
  protoT.dispose();
  normT.dispose();
  return out;
}
