/**
 * What a compute backend must provide.
 *
 * Two things, both chosen at run time so that models are written once:
 * - `tf`: tfjs-core with this backend's tfjs backend active — the tensor op set (matMul, pow, tanh,
 *   softmax, argMax, …) that tensor-shaped models are written against;
 * - fused kernels (`Kernels`) for steps that are not tensor-shaped (per-sample sequential updates):
 *   one call runs a whole loop instead of thousands of tiny op dispatches. They take and return
 *   plain typed arrays, so worker threads can run them too (`workerKernels` names the kernel set a
 *   worker loads, without tfjs).
 *
 * A backend must implement every kernel or refuse loudly (throw, naming the kernel and the
 * backend). It never falls back silently: a kernel that does not run on the backend's device is
 * listed in `gaps` with where it runs instead and why, and `amem-flow backends` shows that list.
 * Discrete outputs (hash codes, argmin indices) must be bit-identical to `cpu` on integer-valued
 * inputs; float outputs may differ within the tolerances that `test/backends/` states.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { FeatureArray } from '../data/batch.js';
import type { DenseAmKernels } from './denseAm.js';
import type { RecallArgs, RecallResult } from '../models/recallDynamics.js';

/** Every backend amem-flow knows; a closed union, handled exhaustively by the factory. */
export type BackendName = 'cpu' | 'wasm' | 'gpu' | 'webgpu';

/** Kernel sets that load in any thread without tfjs. */
export type KernelSetName = 'cpu' | 'wasm';

/** The tensor op set: tfjs-core's API. */
export type TensorOps = typeof tfc;

/** Arguments of `Kernels.nearestPrototypes`. */
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
}

/** Arguments of `Kernels.trainPrototypes`: one shard of the sharded prototype memory. */
export interface TrainPrototypesArgs {
  /** The shard's samples in visiting order, row-major `n × width`. */
  x: Float32Array;
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

/** Arguments of `Kernels.denseAmCore`: the elementwise part of one Dense AM minibatch. */
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

/** What `Kernels.denseAmCore` returns (see `backends/denseAm.ts` for the math). */
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

/** Arguments of `Kernels.competingCurrents`: the hidden currents of a minibatch. */
export interface CompetingCurrentsArgs {
  /** sign(W)·|W|^(p−1) transposed: width × hidden, row-major. */
  wT: Float32Array;
  hidden: number;
  /** Samples, rows × width, row-major (finite). */
  x: Float32Array;
  rows: number;
  width: number;
}

/** Arguments of `Kernels.competingUpdate`: the update of the T hidden units a minibatch names. */
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

/** The numeric kernels models call. */
export interface Kernels {
  /** For each row, the signs of its projections on `bits` planes, packed MSB-first (1 when > 0). */
  lshCodes(x: FeatureArray, rows: number, width: number, planes: Float32Array, bits: number): Uint32Array;
  /** For each row, the index of the nearest prototype of its group (squared Euclidean, first on ties). */
  nearestPrototypes(args: NearestPrototypesArgs): Int32Array;
  /** Trains one shard's prototypes in place until an epoch has no miss or `maxEpochs` (fused). */
  trainPrototypes(args: TrainPrototypesArgs): TrainPrototypesResult;
  /** The Dense AM's fused elementwise core for one minibatch (forward, errors, backward). */
  denseAmCore(args: DenseAmCoreArgs): DenseAmCoreResult;
  /**
   * Hidden currents of the competing units, rows × hidden: I[b, h] = Σ_j x[b, j]·wT[j, h], summed
   * in float32 in ascending j over the non-zero x[b, j] (zeros add nothing), so every sample's
   * currents are independent of the batch it came in and bit-identical between cpu and wasm.
   */
  competingCurrents(args: CompetingCurrentsArgs): Float32Array;
  /**
   * The competing units' update in float64 (dW = −θ·w + Σ g·x; w ← w·keep + ε·dW / max(max|dW|, precision)),
   * in place; returns max|dW| (NaN if any entry is NaN). Bit-identical between cpu and wasm.
   */
  competingUpdate(args: CompetingUpdateArgs): number;
  /**
   * Recall of one ±1 probe by the classical or dense Hopfield update (asynchronous or synchronous),
   * fused: overlaps are kept up to date, O(P) per unit update. Recalled states are bit-identical on
   * every backend (integer overlaps; float64 energy gaps computed in a fixed order).
   */
  hopfieldRecall(args: RecallArgs): RecallResult;
}

/** The name of a fused kernel. */
export type KernelName = keyof Kernels;

/** A backend: its tensor op set and its fused kernels. */
export interface Backend extends Kernels {
  readonly name: BackendName;
  /** One line for `amem-flow backends` and reports. */
  readonly description: string;
  /** tfjs-core, with this backend's tfjs backend active. */
  readonly tf: TensorOps;
  /** The kernel set worker threads load to run this backend's fused kernels in parallel. */
  readonly workerKernels: KernelSetName;
  /** Kernels that do not run on this backend's device: where they run instead, and why. */
  readonly gaps: Partial<Record<KernelName, string>>;
  /** The Dense AM's minibatch computations (matmuls and elementwise core). */
  readonly denseAm: DenseAmKernels;
  /** Whether worker threads may each run an instance of this backend (not for a single GPU). */
  readonly threadable: boolean;
}

/** Thrown when a backend cannot run on this machine; `reason` says why and how to fix it. */
export class BackendUnavailable extends Error {
  override readonly name = 'BackendUnavailable';
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}`);
  }
}
