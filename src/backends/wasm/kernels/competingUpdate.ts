/** The wasm `competingUpdate` kernel: the float64 update of the named units, two inputs per SIMD lane pair. */
import type { CompetingUpdateArgs, KernelConfig } from '../../kernel.js';
import { competingUpdate as competingUpdateTs } from '../../cpu/kernels/competingUpdate.js';
import { layout } from '../arena.js';
import { wasmModule } from '../module.js';

/** Updates the named units in place; returns max|dW|. */
export function competingUpdate(u: CompetingUpdateArgs): number {
  const { ex, base } = wasmModule();
  const { count: T, width: D, x } = u;
  // The SIMD loop takes two inputs at a time; an odd width runs the (identical) TypeScript kernel.
  if (D % 2 !== 0) return competingUpdateTs(u);
  const hits = u.hitStart[T];
  const L = layout(ex.memory, base, { rows: ['f32', T * D], theta: ['f64', T], hitStart: ['i32', T + 1], hitSample: ['i32', hits], hitCoef: ['f64', hits], x: ['f32', x.length], dW: ['f64', T * D] });
  L.f32('rows').set(u.rows);
  L.f64('theta').set(u.theta);
  L.i32('hitStart').set(u.hitStart.subarray(0, T + 1));
  L.i32('hitSample').set(u.hitSample.subarray(0, hits));
  L.f64('hitCoef').set(u.hitCoef.subarray(0, hits));
  L.f32('x').set(x);
  const o = L.offset;
  const maxUpdate = ex.competingUpdateRows(o.rows, T, D, o.theta, o.hitStart, o.hitSample, o.hitCoef, o.x, o.dW, u.rate, u.precision, u.keep);
  u.rows.set(L.f32('rows'));
  return maxUpdate;
}

/** The wasm registration of `competingUpdate`. */
export const competingUpdateConfig: KernelConfig<'competingUpdate'> = { kernelName: 'competingUpdate', backendName: 'wasm', bitIdentical: true, kernelFunc: competingUpdate };
