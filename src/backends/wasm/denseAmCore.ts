/** The Dense AM elementwise core in the wasm module (SIMD over four samples); see `../denseAm.ts` for the math. */
import type { DenseAmCoreArgs, DenseAmCoreResult } from '../denseAm.js';
import { layout } from './arena.js';
import { wasmModule } from './module.js';

/** Activations, and with targets the backward pass, of one minibatch. */
export function denseAmCore(args: DenseAmCoreArgs): DenseAmCoreResult {
  const { ex, base } = wasmModule();
  const { a, lab, K, B, classes: Nc, power: n, temperature: T, targets, lossPower } = args;
  const Bp = Math.ceil(B / 4) * 4; // the SIMD loops take four samples at a time
  const train = targets !== undefined;
  const L = layout(ex.memory, base, {
    a: ['f32', K * Bp],
    lab: ['f32', K * Nc],
    targets: ['f32', train ? Nc * Bp : 0],
    P: ['f32', train ? Nc * K * Bp : 0],
    Q: ['f32', train ? K * Bp : 0],
    act: ['f32', Nc * Bp],
    g: ['f32', train ? Nc * Bp : 0],
    H: ['f32', train ? K * Bp : 0],
    dLab: ['f32', train ? K * Nc : 0],
    gsum: ['f32', train ? Bp : 0],
  });
  const pad = (name: 'a' | 'targets', src: Float32Array, rows: number) => {
    const dst = L.f32(name).fill(0);
    for (let r = 0; r < rows; r++) dst.set(src.subarray(r * B, (r + 1) * B), r * Bp);
  };
  const unpad = (name: 'act' | 'H', rows: number) => {
    const src = L.f32(name);
    const out = new Float32Array(rows * B);
    for (let r = 0; r < rows; r++) out.set(src.subarray(r * Bp, r * Bp + B), r * B);
    return out;
  };
  pad('a', a, K);
  L.f32('lab').set(lab);
  const o = L.offset;
  if (!train) {
    ex.damForward(o.a, o.lab, K, Bp, Nc, n, 1 / T, 0, 0, o.act);
    return { activations: unpad('act', Nc) };
  }
  pad('targets', targets, Nc);
  const emax = ex.damStep(o.a, o.lab, o.targets, K, Bp, B, Nc, n, lossPower ?? 1, 1 / T, o.P, o.Q, o.act, o.g, o.H, o.dLab, o.gsum);
  return { activations: unpad('act', Nc), h: unpad('H', K), dLab: L.f32('dLab').slice(), emax };
}
