/** The wasm `competingCurrents` kernel: sparse rows times the transposed weights, four units per SIMD lane group. */
import type { CompetingCurrentsArgs, KernelConfig } from '../../kernel.js';
import { layout } from '../arena.js';
import { wasmModule } from '../module.js';

/** The hidden currents of a minibatch. */
function competingCurrents({ wT, hidden: H, x, rows, width: D }: CompetingCurrentsArgs): Float32Array {
  const { ex, base } = wasmModule();
  const Hp = Math.ceil(H / 4) * 4; // the SIMD loop takes four units at a time
  const L = layout(ex.memory, base, { wT: ['f32', D * Hp], x: ['f32', rows * D], cols: ['i32', rows * D], vals: ['f32', rows * D], starts: ['i32', rows + 1], out: ['f32', rows * Hp] });
  if (Hp === H) L.f32('wT').set(wT);
  else {
    const dst = L.f32('wT').fill(0);
    for (let j = 0; j < D; j++) dst.set(wT.subarray(j * H, (j + 1) * H), j * Hp);
  }
  L.f32('x').set(x);
  const o = L.offset;
  ex.competingCurrents(o.wT, Hp, o.x, rows, D, o.cols, o.vals, o.starts, o.out);
  const res = L.f32('out');
  if (Hp === H) return res.slice();
  const out = new Float32Array(rows * H);
  for (let b = 0; b < rows; b++) out.set(res.subarray(b * Hp, b * Hp + H), b * H);
  return out;
}

/** The wasm registration of `competingCurrents`. */
export const competingCurrentsConfig: KernelConfig<'competingCurrents'> = { kernelName: 'competingCurrents', backendName: 'wasm', bitIdentical: true, kernelFunc: competingCurrents };
