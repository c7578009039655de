/**
 * The kernel catalog: every fused numeric kernel amem-flow runs, by name, with its arguments and
 * result. A backend implements a kernel by registering a `KernelConfig` for it (`registry.ts`);
 * models call kernels by name through their backend (`backend.run('lshCodes', {...})`).
 *
 * Kernels take and return plain typed arrays, so worker threads can run them without tfjs.
 * Discrete outputs (hash codes, argmin indices, recalled states) must be bit-identical to the
 * `cpu` reference on integer-valued inputs; float outputs may differ within the tolerances that
 * `test/backends/` states.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { FeatureArray } from '../data/batch.js';

/** The tensor op set: tfjs-core's API. */
export type TensorOps = typeof tfc;

/** Arguments of `lshCodes`. */
export interface LshCodesArgs {
  /** Samples, row-major `rows × width`. */
  x: FeatureArray;
  rows: number;
  width: number;
  /** Hyperplanes, `bits × width`. */
  planes: Float32Array;
  bits: number;
}

/** Arguments of `nearestPrototypes`. */
export interface NearestPrototypesArgs {
  /** Samples, row-major `rows × width`. */
  x: FeatureArray;
  rows: number;
  width: number;
  /** Prototype group of each row (e.g. its shard); all rows use group 0 when absent. */
  groups?: Int32Array;
  /** Per-class sums S, `groups × classes × width`; the prototypes are S / T. */
  sums: Float64Array;
  /** Per-class counts T, `groups × classes`. */
  counts: Float64Array;
  classes: number;
  /** ±1 noise added to the samples before the search, as `pm1Noise` draws it (no noisy copy for the caller to make). */
  noise?: { kind: 'pm1'; seed: number; ids: Int32Array };
}

/** Arguments of `trainPrototypes`: one shard of the sharded prototype memory. */
export interface TrainPrototypesArgs {
  /** The shard's samples in visiting order, row-major `n × width` (raw bytes stay bytes). */
  x: FeatureArray;
  /** Their labels, each in [0, classes). */
  y: Int32Array;
  width: number;
  classes: number;
  /** Per-class sums S (`classes × width`), updated in place. */
  sums: Float64Array;
  /** Per-class counts T (`classes`), updated in place. */
  counts: Float64Array;
  /** Stop after this many epochs even if the last one had misses. */
  maxEpochs: number;
  /** Copy the sums and counts after these epochs (ascending), e.g. to draw a learning curve. */
  snapshotEpochs?: readonly number[];
  /** Receives, per sample, the class predicted at its first visit, before training on it (test-then-train). */
  visitPredictions?: Int32Array;
  /** Called after every epoch with its number (from 1) and its misses. */
  onEpoch?: (epoch: number, misses: number) => void;
}

/** What one shard's training did. */
export interface TrainPrototypesResult {
  /** Epochs run. */
  epochs: number;
  /** True when the last epoch had no miss. */
  converged: boolean;
  /** Misses in each epoch. */
  misses: Int32Array;
  /** Sample visits (samples × epochs). */
  visits: number;
  /** Full distance computations done (the rest were proven unnecessary by bounds). */
  distanceEvaluations: number;
  /** The requested snapshots that were reached (a shard that converged earlier stays unchanged). */
  snapshots: PrototypeSnapshot[];
}

/** Sums and counts of one shard after a given epoch. */
export interface PrototypeSnapshot {
  epoch: number;
  sums: Float64Array;
  counts: Float64Array;
}

/** Arguments of `competingCurrents`: the hidden currents of a minibatch. */
export interface CompetingCurrentsArgs {
  /** sign(W)·|W|^(p−1) transposed: width × hidden, row-major. */
  wT: Float32Array;
  hidden: number;
  /** Samples, rows × width, row-major (finite). */
  x: Float32Array;
  rows: number;
  width: number;
}

/** Arguments of `competingUpdate`: the update of the T hidden units a minibatch names. */
export interface CompetingUpdateArgs {
  /** The T units' weights, T × width float32, updated in place. */
  rows: Float32Array;
  count: number;
  width: number;
  /** θ_t = Σ_b g·I of each unit. */
  theta: Float64Array;
  /** Unit t's hits are hitSample/hitCoef[hitStart[t] … hitStart[t+1]), in sample order. */
  hitStart: Int32Array;
  hitSample: Int32Array;
  hitCoef: Float64Array;
  /** The minibatch, rows × width. */
  x: Float32Array;
  rate: number;
  precision: number;
  /** 1 − ε·λ with weight decay, else 1. */
  keep: number;
}

/** Arguments of `competingSteps`: the competing units' learning rule over consecutive minibatches of one call. */
export interface CompetingStepsArgs {
  /** The weights, hidden × width, row-major: updated in place, minibatch by minibatch. */
  w: Float32Array;
  hidden: number;
  width: number;
  /** Samples, rows × width, row-major (finite): minibatches of `batchSize` consecutive rows, the last may be shorter. */
  x: Float32Array;
  rows: number;
  batchSize: number;
  /** The currents' power: I = Σ_j x_j·sign(w_j)·|w_j|^(p−1). */
  p: number;
  /** The ranked unit that gets the anti-Hebbian update (2 … hidden). */
  k: number;
  /** Anti-Hebbian strength Δ. */
  delta: number;
  /** Learning rate ε. */
  rate: number;
  /** Floor of the max-normaliser. */
  precision: number;
  /** Weight decay λ (0: none). */
  weightDecay: number;
}

/** Arguments of `pm1Noise`: ±1 added to every value, keyed by (seed, sample id). */
export interface Pm1NoiseArgs {
  /** Samples, rows × width, row-major. */
  x: FeatureArray;
  rows: number;
  width: number;
  /** Each row's sample id (its noise does not depend on the batch it came in). */
  ids: Int32Array;
  /** A safe integer. */
  seed: number;
  /** Receives the noisy samples (rows × width); a caller may reuse it between calls. */
  out: Float32Array;
}

/** One minibatch's inputs. */
export interface DenseAmArgs {
  /** Memories, K × (width + classes), row-major. */
  xi: Float32Array;
  /** Batch, rows × width, in [-1, 1]; raw bytes when `byteValues` is given. */
  x: Float32Array | Uint8Array;
  /** With byte features: the value each byte 0–255 stands for (a normalize step fused into the kernel). */
  byteValues?: Float32Array;
  rows: number;
  width: number;
  classes: number;
  memories: number;
  power: number;
  temperature: number;
}

/** The update rule of an asynchronous recall. */
export type RecallRule = { kind: 'classical'; threshold: number } | { kind: 'dense'; power: number; rectified: boolean };

/** Arguments of `recallStates`. */
export interface RecallArgs {
  /** Stored patterns, P × N, ±1. */
  patterns: Int8Array;
  count: number;
  width: number;
  /** The starting state, N values of ±1. */
  probe: Int8Array;
  rule: RecallRule;
  /** `async`: one unit at a time in a seeded random order; `sync`: all units at once. */
  schedule: 'async' | 'sync';
  /** Seed of the visiting orders. */
  seed: number;
  maxSweeps: number;
  /** Record the energy and the Hamming distance to every pattern after each unit update. */
  trace?: boolean;
}

/** What a recall did. */
export interface RecallResult {
  state: Int8Array;
  sweeps: number;
  /** Unit updates made (visits), and how many flipped a unit. */
  updates: number;
  flips: number;
  /** True when the last sweep changed nothing (a fixed point). */
  converged: boolean;
  /** With `trace`: energy before any update and after each one (a unit update, or a whole sweep when synchronous). */
  energy?: Float64Array;
  /** With `trace`: Hamming distance to each pattern, (updates + 1) × P. */
  distances?: Int32Array;
}

/** Every kernel: its arguments and its result. */
export interface KernelCatalog {
  /** For each row, the signs of its projections on `bits` planes, packed MSB-first (1 when > 0). */
  lshCodes: { args: LshCodesArgs; result: Uint32Array };
  /** For each row, the index of the nearest prototype of its group (squared Euclidean, first on ties). */
  nearestPrototypes: { args: NearestPrototypesArgs; result: Int32Array };
  /**
   * x + (±1) into `out`: the sign of value j of a row is bit (j mod 32) of draw ⌊j/32⌋ of
   * `Rng.derive(seed, id)` (xoshiro128**), as `addNoise({ kind: 'pm1' })` draws it; bit-identical on
   * every backend (the sum is rounded to float32 once).
   */
  pm1Noise: { args: Pm1NoiseArgs; result: Float32Array };
  /** Trains one shard's prototypes in place until an epoch has no miss or `maxEpochs` (fused). */
  trainPrototypes: { args: TrainPrototypesArgs; result: TrainPrototypesResult };
  /** Dense AM class activations Σ_μ [F(ξ·V^α) − F(ξ·U)]/T^n of a batch, classes × rows. */
  denseAmActivations: { args: DenseAmArgs; result: Float32Array };
  /** Dense AM activations before the update, and the descent direction (K × (width + classes)) with the natural log of its scale. */
  denseAmGradient: { args: DenseAmGradientArgs; result: DenseAmGradient };
  /**
   * Hidden currents of the competing units, rows × hidden: I[b, h] = Σ_j x[b, j]·wT[j, h], summed
   * in float32 in ascending j over the non-zero x[b, j] (zeros add nothing), so every sample's
   * currents are independent of the batch it came in and bit-identical between cpu and wasm.
   */
  competingCurrents: { args: CompetingCurrentsArgs; result: Float32Array };
  /**
   * The competing units' update in float64 (dW = −θ·w + Σ g·x; w ← w·keep + ε·dW / max(max|dW|, precision)),
   * in place; returns max|dW| (NaN if any entry is NaN). Bit-identical between cpu and wasm.
   */
  competingUpdate: { args: CompetingUpdateArgs; result: number };
  /**
   * `competingCurrents`, the ranking and `competingUpdate` of every minibatch of a call, fused: the
   * weights and their powers stay in the backend's memory between minibatches, only the named
   * units' powers are recomputed. Returns the minibatches run; throws a RangeError when a current
   * is NaN or an update is not finite, with `w` as after the last minibatch that completed. The
   * same weights as the separate kernels, bit for bit, on every backend.
   */
  competingSteps: { args: CompetingStepsArgs; result: number };
  /**
   * Recall of one ±1 probe by the classical or dense Hopfield update (asynchronous or synchronous),
   * fused: overlaps are kept up to date, O(P) per unit update. Recalled states are bit-identical on
   * every backend (integer overlaps; float64 energy gaps computed in a fixed order).
   */
  hopfieldRecall: { args: RecallArgs; result: RecallResult };
}

/** The name of a kernel. */
export type KernelName = keyof KernelCatalog;

/** Every kernel name, in catalog order. */
export const KERNEL_NAMES: readonly KernelName[] = [
  'lshCodes',
  'nearestPrototypes',
  'pm1Noise',
  'trainPrototypes',
  'denseAmActivations',
  'denseAmGradient',
  'competingCurrents',
  'competingUpdate',
  'competingSteps',
  'hopfieldRecall',
];

/** Arguments of a kernel. */
export type KernelArgs<K extends KernelName> = KernelCatalog[K]['args'];
/** Result of a kernel. */
export type KernelResult<K extends KernelName> = KernelCatalog[K]['result'];

/** Arguments of `denseAmGradient`. */
export interface DenseAmGradientArgs extends DenseAmArgs {
  /** ±1 targets, classes × rows. */
  targets: Float32Array;
  /** m, the loss power. */
  lossPower: number;
}

/** Result of `denseAmGradient`. */
export interface DenseAmGradient {
  activations: Float32Array;
  direction: Float32Array;
  logScale: number;
}

/** What a kernel function receives besides its arguments: the tensor engine of the backend it runs for (absent in worker threads). */
export interface KernelContext {
  /** tfjs with this backend's engine current; only device and tfjs-matmul kernels use it. */
  tf?: TensorOps;
}

/** One backend's implementation of one kernel. */
export type KernelFunc<K extends KernelName> = (args: KernelArgs<K>, ctx: KernelContext) => Awaitable<KernelResult<K>>;

/** A kernel's result, or its promise: device kernels read their results back asynchronously (WebGPU offers no synchronous read in Node). */
export type Awaitable<T> = T | Promise<T>;

/** A kernel implementation as registered for a backend (after tfjs's `KernelConfig`). */
export interface KernelConfig<K extends KernelName> {
  kernelName: K;
  backendName: string;
  kernelFunc: KernelFunc<K>;
  /** Set when the kernel does not run on the backend's own device: where it runs instead, and why (the backend's `gaps`). */
  gap?: string;
  /** Set when the results are bit-identical to the cpu reference's for every input (the parity suite holds it to that). */
  bitIdentical?: boolean;
  /** Set when the kernel runs tfjs ops: a backend whose engine loads on demand loads it before the first call. */
  tensors?: boolean;
}

/** The tensor engine a kernel needs; throws when the kernel runs where there is none (a worker thread without tfjs). */
export function engineOf(ctx: KernelContext, kernel: KernelName): TensorOps {
  if (!ctx.tf) throw new Error(`kernel '${kernel}' needs a tensor engine; run it through a backend (createBackend), not a worker kernel set`);
  return ctx.tf;
}

/** A registration of any kernel. */
export type AnyKernelConfig = { [K in KernelName]: KernelConfig<K> }[KernelName];
