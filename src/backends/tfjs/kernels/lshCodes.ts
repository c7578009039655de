/** Device `lshCodes` as tfjs ops: one matmul with the planes, sign bits weighted into codes (exact for integer-valued inputs: projections stay below 2^24). */
import { engineOf, type KernelContext, type LshCodesArgs } from '../../kernel.js';

/** The sign-bit codes of each row, on the device. */
export async function lshCodes({ x, rows, width, planes, bits }: LshCodesArgs, ctx: KernelContext): Promise<Uint32Array> {
  const tf = engineOf(ctx, 'lshCodes');
  const codes = tf.tidy(() => {
    const proj = tf.matMul(tf.tensor2d(Float32Array.from(x), [rows, width]), tf.tensor2d(planes, [bits, width]), false, true);
    const weights = tf.tensor1d(
      Int32Array.from({ length: bits }, (_, b) => 2 ** (bits - 1 - b)),
      'int32',
    );
    return tf.sum(tf.mul(tf.cast(tf.greater(proj, 0), 'int32'), weights), 1);
  });
  const out = Uint32Array.from(await codes.data());
  codes.dispose();
  return out;
}
