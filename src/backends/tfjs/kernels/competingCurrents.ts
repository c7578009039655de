/** Device `competingCurrents` as one dense tfjs matmul (rounding differs from the host kernels'). */
import { engineOf, type CompetingCurrentsArgs, type KernelContext } from '../../kernel.js';

/** The hidden currents of a minibatch, on the device. */
export async function competingCurrents({ wT, hidden, x, rows, width }: CompetingCurrentsArgs, ctx: KernelContext): Promise<Float32Array> {
  const tf = engineOf(ctx, 'competingCurrents');
  // One rows × width by width × hidden product on the device (dense; rounding differs from the host kernels').
  const out = tf.tidy(() => tf.matMul(tf.tensor2d(x, [rows, width]), tf.tensor2d(wT, [width, hidden])));
  const currents = (await out.data()) as Float32Array;
  out.dispose();
  return currents;
}
