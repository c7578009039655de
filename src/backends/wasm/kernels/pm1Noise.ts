/** The wasm `pm1Noise` kernel: the seeded generator and the ±1 sums in the module, four values per instruction. */
import type { KernelConfig, Pm1NoiseArgs } from '../../kernel.js';
import { layout } from '../arena.js';
import { copyFeatures, elem, wasmModule } from '../module.js';

/** x + (±1) into `out`, bit-identical to the cpu kernel. */
function pm1Noise({ x, rows, width, ids, seed, out }: Pm1NoiseArgs): Float32Array {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`pm1Noise: the seed must be a safe integer, got ${seed}`);
  const { ex, base } = wasmModule();
  const L = layout(ex.memory, base, { x: [elem(x), rows * width], ids: ['i32', rows], out: ['f32', rows * width] });
  copyFeatures(L, x);
  L.i32('ids').set(ids.subarray(0, rows));
  const o = L.offset;
  (x instanceof Uint8Array ? ex.pm1U8 : ex.pm1F32)(o.x, rows, width, o.ids, seed >>> 0, Math.floor(seed / 4294967296) >>> 0, o.out);
  out.set(L.f32('out'));
  return out;
}

/** The wasm registration of `pm1Noise`. */
export const pm1NoiseConfig: KernelConfig<'pm1Noise'> = { kernelName: 'pm1Noise', backendName: 'wasm', bitIdentical: true, kernelFunc: pm1Noise };
