/**
 * The reference `competingCurrents` kernel: per sample, the currents of all hidden units,
 * accumulated over the sample's non-zero inputs in ascending order in float32 (each product and
 * each sum rounded to float32, as the wasm kernel's f32x4 arithmetic does), so the two agree bit
 * for bit. MNIST digits are ~80% zeros, so skipping zeros saves most of the work.
 */
import type { KernelConfig, CompetingCurrentsArgs } from '../../kernel.js';

/** Hidden currents, rows × hidden. */
export function competingCurrents({ wT, hidden: H, x, rows, width: D }: CompetingCurrentsArgs): Float32Array {
  const out = new Float32Array(rows * H);
  for (let b = 0; b < rows; b++) {
    const acc = out.subarray(b * H, (b + 1) * H);
    for (let j = 0; j < D; j++) {
      const v = x[b * D + j];
      if (v === 0) continue;
      const w = wT.subarray(j * H, (j + 1) * H);
      // Float32Array stores round each sum; Math.fround rounds each product: float32 arithmetic.
      for (let h = 0; h < H; h++) acc[h] += Math.fround(w[h] * v);
    }
  }
  return out;
}

/** The cpu registration of `competingCurrents`. */
export const competingCurrentsConfig: KernelConfig<'competingCurrents'> = { kernelName: 'competingCurrents', backendName: 'cpu', kernelFunc: competingCurrents };
