/**
 * The Dense AM's minibatch math as tfjs ops, kept on the device: what the GPU backends run (and
 * what the equivalence suite checks on tfjs cpu and wasm). The math is documented in `../denseAm.ts`.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { directionLogScale } from '../denseAm.js';
import { floatFeatures } from '../transpose.js';
import { engineOf, type DenseAmArgs, type DenseAmGradient, type DenseAmGradientArgs, type KernelContext, type TensorOps } from '../kernel.js';

const tensors = (tf: TensorOps, a: DenseAmArgs) => ({ xi: tf.tensor2d(a.xi, [a.memories, a.width + a.classes]), x: tf.tensor2d(floatFeatures(a.x, a.byteValues), [a.rows, a.width]) });

/** Device `denseAmActivations`: the class activations of a batch as tfjs ops. */
export async function denseAmActivations(args: DenseAmArgs, ctx: KernelContext): Promise<Float32Array> {
  const tf = engineOf(ctx, 'denseAmActivations');
  const out = tf.tidy(() => {
    const { xi, x } = tensors(tf, args);
    return classActivations(tf, xi, x, args.classes, args.power, args.temperature);
  });
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

/** Device `denseAmGradient`: activations and the descent direction of a minibatch as tfjs ops. */
export async function denseAmGradient(args: DenseAmGradientArgs, ctx: KernelContext): Promise<DenseAmGradient> {
  const tf = engineOf(ctx, 'denseAmGradient');
  const { xi, x } = tensors(tf, args);
  const t = tf.tensor2d(args.targets, [args.classes, args.rows]);
  const g = await lossGradient(tf, xi, x, t, { classes: args.classes, n: args.power, m: args.lossPower, T: args.temperature });
  const [activations, direction] = (await Promise.all([g.activations.data(), g.direction.data()])) as [Float32Array, Float32Array];
  tf.dispose([xi, x, t, g.activations, g.direction]);
  return { activations, direction, logScale: g.logScale };
}

/** The forward pass of a batch: activations Σ_μ [F(ξ·V^α) − F(ξ·U)]/T^n before tanh, Nc × B. */
function classActivations(tf: TensorOps, xi: tfc.Tensor2D, x: tfc.Tensor2D, classes: number, n: number, T: number): tfc.Tensor2D {
  return tf.tidy(() => {
    const { ra, rz } = rescaledOverlaps(tf, xi, x, classes, T);
    return tf.sub(tf.sum(powInt(tf, rz, n), 1), tf.sum(powInt(tf, ra, n), 0)) as tfc.Tensor2D;
  });
}

/** One minibatch's activations (before the update) and the descent direction of the loss Σ (c − t)^(2m). */
async function lossGradient(
  tf: TensorOps,
  xi: tfc.Tensor2D,
  x: tfc.Tensor2D,
  targets: tfc.Tensor2D,
  opts: { classes: number; n: number; m: number; T: number },
): Promise<{ activations: tfc.Tensor2D; direction: tfc.Tensor2D; logScale: number }> {
  const { classes, n, m, T } = opts;
  const out = tf.tidy(() => {
    const { ra, rz } = rescaledOverlaps(tf, xi, x, classes, T);
    const q = powInt(tf, ra, n - 1); // K × B
    const p = powInt(tf, rz, n - 1); // Nc × K × B
    const act = tf.sub(tf.sum(tf.mul(p, rz), 1), tf.sum(tf.mul(q, ra), 0)) as tfc.Tensor2D; // Nc × B
    const c = tf.tanh(act);
    // e = t − c: the direction is the negative gradient (the seeds' d_KS), which the update adds.
    const e = tf.sub(targets, c);
    const emax = tf.max(tf.abs(e));
    // ĝ = (e / max|e|)^(2m−1) (1 − c²); the max|e|^(2m−1) goes into the float64 scale.
    const g = tf.mul(powInt(tf, tf.div(e, tf.maximum(emax, 1e-30)), 2 * m - 1), tf.sub(1, tf.square(c))); // Nc × B
    const gp = tf.mul(tf.expandDims(g, 1), p); // Nc × K × B
    const h = tf.sub(tf.sum(gp, 0), tf.mul(tf.sum(g, 0), q)); // K × B
    const dPix = tf.matMul(h, x); // K × D
    const dLab = tf.sub(tf.mul(tf.transpose(tf.sum(gp, 2)), 2), tf.sum(h, 1, true)); // K × Nc
    return { activations: act, direction: tf.concat([dPix, dLab], 1) as tfc.Tensor2D, emax };
  });
  const emax = (await out.emax.data())[0];
  out.emax.dispose();
  return { activations: out.activations, direction: out.direction, logScale: directionLogScale(n, m, T, emax) };
}

/** relu(ξ·U)/T (K × B) and relu(ξ·V^α)/T (Nc × K × B). */
function rescaledOverlaps(tf: TensorOps, xi: tfc.Tensor2D, x: tfc.Tensor2D, classes: number, T: number) {
  const [K, DN] = xi.shape;
  const D = DN - classes;
  const xiPix = tf.slice(xi, [0, 0], [K, D]);
  const xiLab = tf.slice(xi, [0, D], [K, classes]);
  const a = tf.sub(tf.matMul(xiPix, x, false, true), tf.sum(xiLab, 1, true)); // K × B
  const z = tf.add(tf.expandDims(a, 0), tf.expandDims(tf.mul(tf.transpose(xiLab), 2), 2)); // Nc × K × B
  return { ra: tf.div(tf.relu(a), T), rz: tf.div(tf.relu(z), T) };
}

/** x^k for an integer k ≥ 1, by repeated squaring. */
function powInt<T extends tfc.Tensor>(tf: TensorOps, x: T, k: number): T {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`powInt needs an integer power >= 1, got ${k}`);
  let result: tfc.Tensor | undefined;
  let base: tfc.Tensor = x;
  for (let e = k; e > 0; e >>= 1) {
    if (e & 1) result = result ? tf.mul(result, base) : base;
    if (e > 1) base = tf.square(base);
  }
  return result as T;
}
