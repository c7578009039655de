/**
 * The Dense Associative Memory's minibatch math (Krotov & Hopfield 2016, eqs. 9–17) as backend
 * kernels, float32-stable and without tiling the batch per class.
 *
 * Notation: K memories ξ over D pixels and Nc label units; a batch v (B × D) in [-1, 1].
 * - ξ·U (labels all −1) is a = ξ_pix·vᵀ − Σ_γ ξ_γ, and ξ·V^α (label α = +1) is a + 2ξ_α: one
 *   K×D by D×B product serves every class (the seeds tile the batch Nc times instead).
 * - β F(x) = (relu(x)/T)^n with β = 1/T^n: rescaled before the power, so with |ξ|, |v| ≤ 1 the
 *   largest term is (794/540)^20 ≈ 2200 and nothing overflows float32 (raw x^20 ≈ 1e58 does, and
 *   β = 540^-20 underflows). Integer powers are taken by repeated squaring (x^19: 6 multiplies).
 * - The descent direction comes back as `exp(logScale) × direction`: the direction uses
 *   (relu(x)/T)^(n−1) and the error t − c divided by its batch maximum before the (2m−1)th power,
 *   so it stays within float32; logScale = (n−1)·ln T + (2m−1)·ln max|t−c| is kept apart by the
 *   optimiser (`models/denseAmUpdate.ts`), so the max-normalised update equals the seeds' float64
 *   one up to float32 rounding, for any n, m and T. Like the seeds' code, the direction omits eq.
 *   17's constant 2mβn: it cancels in the max-normalised update while T is constant, and with a
 *   temperature ramp this is what the seeds compute.
 * - With P_α = (relu(a + 2ξ_α)/T)^(n−1), Q = (relu(a)/T)^(n−1) and ĝ = ((t−c)/max)^(2m−1)(1−c²):
 *   the pixel part is H·v with H = Σ_α ĝ_α P_α − (Σ_α ĝ_α) Q (K × B), and the label part is
 *   2 Σ_b ĝ_γ P_γ − Σ_b H.
 *
 * `hostDenseAmActivations` and `hostDenseAmGradient` do the two matmuls with tfjs and the elementwise rest with the backend's fused
 * `denseAmCore` kernel (cpu: TypeScript, wasm: SIMD); the GPU backends use `deviceDenseAm`
 * (`denseAmDevice.ts`), which keeps everything on the device as tfjs ops.
 */
import type { DenseAmArgs, DenseAmGradient, DenseAmGradientArgs, TensorOps } from './kernel.js';
import { scratchFloat32, transpose, transposeBytes } from './transpose.js';

/** Layout buffers of the host path, one per role (x transposed, H transposed). */
const scratch: Float32Array<ArrayBuffer>[] = [];

/** Arguments of `denseAmCore`: the elementwise part of one Dense AM minibatch. */
export interface DenseAmCoreArgs {
  /** ξ·U overlaps (pixels · memories minus the label row sums), K × B. */
  a: Float32Array;
  /** Label weights ξ_lab, K × classes. */
  lab: Float32Array;
  K: number;
  B: number;
  classes: number;
  /** n, the power of F. */
  power: number;
  temperature: number;
  /** ±1 targets, classes × B; without them only the activations are computed. */
  targets?: Float32Array;
  /** m, the loss power (with targets). */
  lossPower?: number;
}

/** What `denseAmCore` returns (see `backends/denseAm.ts` for the math). */
export interface DenseAmCoreResult {
  /** Σ_μ [F(ξ·V^α) − F(ξ·U)]/T^n, classes × B. */
  activations: Float32Array;
  /** With targets: H = Σ_α ĝ P_α − (Σ_α ĝ) Q, K × B (the pixel gradient is H·v). */
  h?: Float32Array;
  /** With targets: the label part of the descent direction, K × classes. */
  dLab?: Float32Array;
  /** With targets: max |t − c| over the batch. */
  emax?: number;
}

/** A backend's fused elementwise core. */
export type DenseAmCore = (args: DenseAmCoreArgs) => DenseAmCoreResult;

/** ξ·U overlaps (K × B) and the label weights (K × Nc); leaves vᵀ (D × B) on the backend for the caller. */
function overlaps(tf: TensorOps, { xi, x, byteValues, rows: B, width: D, classes: Nc, memories: K }: DenseAmArgs) {
  const U = D + Nc;
  // vᵀ is transposed here and uploaded once: tfjs-wasm's transposeB path is 8× slower (85 vs 10.6 ms
  // at 100×784·784×1000), and the backward pass reuses vᵀ.
  // The tensor copies it (wasm) or holds it until the caller disposes xT at the end of its call (cpu): the buffer is free again by the next call.
  // Byte features are normalized here, as they are read (the values `normalize` would have written).
  const out0 = scratchFloat32(scratch, 0, B * D);
  const xT = tf.tensor2d(x instanceof Uint8Array ? transposeBytes(x, byteValuesOf(byteValues), B, D, out0) : transpose(x, B, D, out0), [D, B]);
  // Pixel and label blocks split here: tfjs-cpu's slice takes ~290 ms for this 100×794 matrix.
  const pix = new Float32Array(K * D);
  const lab = new Float32Array(K * Nc);
  for (let mu = 0; mu < K; mu++) {
    pix.set(xi.subarray(mu * U, mu * U + D), mu * D);
    lab.set(xi.subarray(mu * U + D, (mu + 1) * U), mu * Nc);
  }
  const out = tf.tidy(() => tf.matMul(tf.tensor2d(pix, [K, D]), xT));
  const over = out.dataSync() as Float32Array;
  out.dispose();
  for (let mu = 0; mu < K; mu++) {
    let s = 0;
    for (let c = 0; c < Nc; c++) s += lab[mu * Nc + c];
    for (let b = 0; b < B; b++) over[mu * B + b] -= s;
  }
  return { a: over, lab, xT };
}

/** Class activations of a batch: tfjs matmul, then the backend's fused core. */
export function hostDenseAmActivations(tf: TensorOps, core: DenseAmCore, args: DenseAmArgs): Float32Array {
  const { a, lab, xT } = overlaps(tf, args);
  xT.dispose();
  return core({ a, lab, K: args.memories, B: args.rows, classes: args.classes, power: args.power, temperature: args.temperature }).activations;
}

/** Activations and descent direction of a minibatch: tfjs matmuls around the backend's fused core. */
export function hostDenseAmGradient(tf: TensorOps, core: DenseAmCore, args: DenseAmGradientArgs): DenseAmGradient {
  const { rows: B, width: D, classes: Nc, memories: K, power: n, lossPower: m, temperature: T } = args;
  const { a, lab, xT } = overlaps(tf, args);
  const r = core({ a, lab, K, B, classes: Nc, power: n, temperature: T, targets: args.targets, lossPower: m });
  // H·v as (vᵀ·Hᵀ)ᵀ: D × K, read back transposed.
  const dT = tf.tidy(() => tf.matMul(xT, tf.tensor2d(transpose(r.h!, K, B, scratchFloat32(scratch, 1, K * B)), [B, K])));
  const dPixT = dT.dataSync() as Float32Array;
  tf.dispose([dT, xT]);
  const U = D + Nc;
  const direction = new Float32Array(K * U);
  for (let mu = 0; mu < K; mu++) {
    for (let j = 0; j < D; j++) direction[mu * U + j] = dPixT[j * K + mu];
    direction.set(r.dLab!.subarray(mu * Nc, (mu + 1) * Nc), mu * U + D);
  }
  return { activations: r.activations, direction, logScale: directionLogScale(n, m, T, r.emax!) };
}

/** ln of the seeds' factor T^(n−1)·max|t−c|^(2m−1) that the float32 direction leaves out (−∞ when there is no error). */
export function directionLogScale(n: number, m: number, T: number, emax: number): number {
  return emax > 0 ? (n - 1) * Math.log(T) + (2 * m - 1) * Math.log(emax) : -Infinity;
}

function byteValuesOf(values: Float32Array | undefined): Float32Array {
  if (values?.length !== 256) throw new TypeError('denseAm: byte features need byteValues, the value of each of the 256 bytes');
  return values;
}
