/** The wasm `lshCodes` kernel: sparse projections on pixel-major planes, SIMD over planes. */
import type { KernelConfig, LshCodesArgs } from '../../kernel.js';
import { layout } from '../arena.js';
import { copyFeatures, elem, wasmModule } from '../module.js';

/** The sign-bit codes of each row. */
function lshCodes({ x, rows, width, planes, bits }: LshCodesArgs): Uint32Array {
  const { ex, base } = wasmModule();
  const L = layout(ex.memory, base, { x: [elem(x), rows * width], planes: ['f64', width * bits], cols: ['i32', width], vals: ['f64', width], proj: ['f64', bits], out: ['u32', rows] });
  copyFeatures(L, x);
  const pm = L.f64('planes');
  for (let b = 0; b < bits; b++) for (let j = 0; j < width; j++) pm[j * bits + b] = planes[b * width + j];
  const o = L.offset;
  (x instanceof Uint8Array ? ex.lshU8 : ex.lshF32)(o.x, rows, width, o.planes, bits, o.cols, o.vals, o.proj, o.out);
  return L.u32('out').slice();
}

/** The wasm registration of `lshCodes`. */
export const lshCodesConfig: KernelConfig<'lshCodes'> = { kernelName: 'lshCodes', backendName: 'wasm', bitIdentical: true, kernelFunc: lshCodes };
