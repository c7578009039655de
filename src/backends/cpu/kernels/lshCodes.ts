/**
 * LSH codes on the CPU: one projection per plane, sign bit packed MSB-first.
 *
 * Projections skip zero pixels and run the planes side by side (pixel-major planes, shared with
 * the prototype kernels' `sparseDots`). Sums run in float64 in pixel order, so integer-valued
 * inputs (raw pixels, ±1 planes) hash exactly.
 */
import type { KernelConfig, LshCodesArgs } from '../../kernel.js';
import { nonZeros, sparseDots } from '../sparse.js';

/** The sign-bit codes of each row (see the kernel catalog). */
function lshCodes({ x, rows, width, planes, bits }: LshCodesArgs): Uint32Array {
  const pixelMajor = new Float64Array(width * bits);
  for (let b = 0; b < bits; b++) for (let j = 0; j < width; j++) pixelMajor[j * bits + b] = planes[b * width + j];
  const all = Int32Array.from({ length: bits }, (_, b) => b);
  const proj = new Float64Array(bits);
  const cols = new Int32Array(width);
  const vals = new Float64Array(width);
  const codes = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    const nnz = nonZeros(x, i * width, width, cols, vals);
    sparseDots(pixelMajor, bits, cols, vals, 0, nnz, all, bits, proj);
    let code = 0;
    for (let b = 0; b < bits; b++) code = code * 2 + (proj[b] > 0 ? 1 : 0);
    codes[i] = code;
  }
  return codes;
}

/** The cpu registration of `lshCodes`. */
export const lshCodesConfig: KernelConfig<'lshCodes'> = { kernelName: 'lshCodes', backendName: 'cpu', kernelFunc: lshCodes };
