/**
 * The driver of the fused `trainPrototypes` kernel, shared by the backends that run it: it lays
 * the shard out for the hot loop (sparse rows, pixel-major sums, norms, bound caches), runs epochs
 * until one has no miss or the cap, takes snapshots, reports progress and writes the sums back.
 *
 * A backend supplies an `EpochEngine`: where the arrays live (JavaScript heap, or a WebAssembly
 * memory) and the loop for one epoch. The rule and its exact bounds are documented in
 * `cpu/trainEpoch.ts`; every engine must give the same results bit for bit.
 */
import type { FeatureArray } from '../data/batch.js';
import type { PrototypeSnapshot, TrainPrototypesArgs, TrainPrototypesResult } from './kernel.js';
import { fromPixelMajor, squaredNorm, toPixelMajor } from './cpu/prototypeScore.js';
import { nonZeros } from './cpu/sparse.js';

/** The arrays one epoch reads and updates (all zero-initialised by `allocate`). */
export interface PrototypeTrainingState {
  n: number;
  D: number;
  K: number;
  /** CSR of the samples: non-zero pixels of row i are cols/vals[rowStart[i] .. rowStart[i+1]). */
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
  /** ‖x_i‖² per sample. */
  xNorm: Float64Array;
  /** The dense samples, `n × D`. */
  x: FeatureArray;
  labels: Int32Array;
  /** Sums S, pixel-major `D × K`; counts T; ‖S_c‖². */
  S: Float64Array;
  T: Float64Array;
  norm: Float64Array;
  /** Per class: bumped on every move; cumulative length of the moves. */
  version: Int32Array;
  drift: Float64Array;
  /** Per (sample, class): cached score and distance, and the version and drift they were computed at. */
  score: Float64Array;
  dist: Float64Array;
  seenVersion: Int32Array;
  seenDrift: Float64Array;
  /**
   * `[1]` when the samples are non-negative integers and the sums multiples of ½: then every dot
   * product and squared norm below `EXACT_LIMIT` is an exact float64 value, so the epoch engines
   * may update norms in place of recomputing them, with the same bits. `[0]` otherwise.
   */
  exactSums: Int32Array;
  /** When present, `runEpoch(st, true)` writes each visit's prediction here. */
  pred?: Int32Array;
}

/** Where a backend keeps the state and how it runs one epoch. */
export interface EpochEngine {
  /** `bytes`: the samples are bytes (raw pixels) and `x` keeps them as bytes. */
  allocate(n: number, D: number, K: number, nnz: number, withPredictions: boolean, bytes: boolean): PrototypeTrainingState;
  runEpoch(state: PrototypeTrainingState, recordPredictions: boolean): { misses: number; evaluations: number };
}

/** Runs `trainPrototypes` with the given engine. */
export function trainPrototypesWith(engine: EpochEngine, args: TrainPrototypesArgs): TrainPrototypesResult {
  const { x, y, width: D, classes: K, sums, counts, maxEpochs } = args;
  const n = y.length;
  let nnz = 0;
  for (let k = 0; k < n * D; k++) if (x[k] !== 0) nnz++;
  if (args.visitPredictions && args.visitPredictions.length !== n) throw new Error(`trainPrototypes: visitPredictions has ${args.visitPredictions.length} slots for ${n} samples`);
  const st = engine.allocate(n, D, K, nnz, Boolean(args.visitPredictions), x instanceof Uint8Array);
  for (let i = 0; i < n; i++) {
    const e0 = st.rowStart[i];
    const e1 = e0 + nonZeros(x, i * D, D, st.cols, st.vals, e0);
    let s = 0;
    for (let e = e0; e < e1; e++) s += st.vals[e] * st.vals[e];
    st.xNorm[i] = s;
    st.rowStart[i + 1] = e1;
  }
  st.x.set(x);
  st.labels.set(y);
  toPixelMajor(sums, 0, K, D, st.S);
  st.exactSums[0] = integerSamples(x) && halves(st.S) ? 1 : 0;
  st.T.set(counts);
  for (let c = 0; c < K; c++) st.norm[c] = squaredNorm(st.S, c, K, D);
  st.seenVersion.fill(-1);

  const misses: number[] = [];
  const wanted = new Set(args.snapshotEpochs ?? []);
  const snapshots: PrototypeSnapshot[] = [];
  let evaluations = 0;
  let converged = false;
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    const r = engine.runEpoch(st, epoch === 1 && st.pred !== undefined);
    if (epoch === 1 && st.pred) args.visitPredictions!.set(st.pred);
    misses.push(r.misses);
    evaluations += r.evaluations;
    if (wanted.has(epoch)) snapshots.push({ epoch, sums: fromPixelMajor(st.S, K, D), counts: st.T.slice() });
    args.onEpoch?.(epoch, r.misses);
    if (r.misses === 0) {
      converged = true;
      break;
    }
  }
  sums.set(fromPixelMajor(st.S, K, D));
  counts.set(st.T);
  assertFinite(sums, 'sums');
  return { epochs: misses.length, converged, misses: Int32Array.from(misses), visits: n * misses.length, distanceEvaluations: evaluations, snapshots };
}

/**
 * Squared norms and dot products stay below this (2^50) where the epoch engines update norms in
 * place: with samples that are integers and sums multiples of ½, every partial sum is then a
 * multiple of ¼ below 2^51 and exact in float64, whatever the order of the additions.
 */
export const EXACT_LIMIT = 2 ** 50;

function integerSamples(x: ArrayLike<number>): boolean {
  for (let k = 0; k < x.length; k++) if (!(x[k] >= 0 && x[k] < 65536 && Number.isInteger(x[k]))) return false;
  return true;
}

function halves(S: Float64Array): boolean {
  for (let k = 0; k < S.length; k++) if (!(S[k] >= 0 && Number.isInteger(2 * S[k]))) return false;
  return true;
}

function assertFinite(a: Float64Array, name: string): void {
  for (let k = 0; k < a.length; k++) {
    if (!Number.isFinite(a[k])) throw new Error(`trainPrototypes produced a non-finite ${name}[${k}] = ${a[k]}; this is a kernel bug, please report it`);
  }
}
