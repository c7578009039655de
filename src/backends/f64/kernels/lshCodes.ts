/** The f64 `lshCodes` kernel: dense float64 projections, sign bits packed MSB-first. */
import type { KernelConfig, LshCodesArgs } from '../../kernel.js';

/** The sign-bit codes of each row. */
function lshCodes({ x, rows, width, planes, bits }: LshCodesArgs): Uint32Array {
  const codes = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    let code = 0;
    for (let b = 0; b < bits; b++) {
      let dot = 0;
      for (let j = 0; j < width; j++) dot += x[i * width + j] * planes[b * width + j];
      code = code * 2 + (dot > 0 ? 1 : 0);
    }
    codes[i] = code;
  }
  return codes;
}

/** The f64 registration of `lshCodes`: exact on integer-valued inputs, like every backend's. */
export const lshCodesConfig: KernelConfig<'lshCodes'> = { kernelName: 'lshCodes', backendName: 'f64', bitIdentical: true, kernelFunc: lshCodes };
