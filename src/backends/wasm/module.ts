/**
 * The wasm backend's own WebAssembly module (AssemblyScript with SIMD, `assembly/kernels.ts`, built
 * by `npm run build:wasm`): one instance per thread, created on first use. tfjs's wasm backend
 * cannot take custom kernels, hence a module of our own; its kernels are bit-identical to the cpu
 * kernels and about twice as fast.
 */
import type { FeatureArray } from '../../data/batch.js';
import type { EpochEngine } from '../prototypeTrainer.js';
import { layout } from './arena.js';
import { readKernelBytes } from './node/kernelBytes.js';

/** The module's exports. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  nearestU8(...a: number[]): void;
  nearestF32(...a: number[]): void;
  lshU8(...a: number[]): void;
  lshF32(...a: number[]): void;
  pm1U8(...a: number[]): void;
  pm1F32(...a: number[]): void;
  trainEpoch(...a: number[]): number;
  damForward(...a: number[]): void;
  damStep(...a: number[]): number;
  competingCurrents(...a: number[]): void;
  competingUpdateRows(...a: number[]): number;
  competingPowersT(...a: number[]): void;
  competingRank(...a: number[]): number;
}

let instance: { ex: KernelExports; base: number } | undefined;

/** This thread's module instance and the start of its free memory; throws if the module has not been built. */
export function wasmModule(): { ex: KernelExports; base: number } {
  if (!instance) {
    const bytes = readKernelBytes();
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        abort: () => {
          throw new Error('wasm kernel aborted');
        },
      },
    });
    const ex = inst.exports as unknown as KernelExports;
    instance = { ex, base: ex.heapBase() };
  }
  return instance;
}

/** The `trainPrototypes` epoch loop in the module, with its state in the module's memory. */
export function wasmEpochEngine(): EpochEngine {
  const { ex, base } = wasmModule();
  let offsets: Record<string, number> = {};
  let evals: BigInt64Array;
  let rows: { maxSum: number; maxValue: number } | undefined;
  return {
    allocate(n, D, K, nnz, withPredictions, bytes) {
      rows = undefined;
      const L = layout(ex.memory, base, {
        rowStart: ['i32', n + 1],
        cols: ['i32', nnz],
        vals: ['f64', nnz],
        xNorm: ['f64', n],
        x: [bytes ? 'u8' : 'f32', n * D],
        labels: ['i32', n],
        S: ['f64', D * K],
        T: ['f64', K],
        norm: ['f64', K],
        version: ['i32', K],
        drift: ['f64', K],
        score: ['f64', n * K],
        dist: ['f64', n * K],
        seenVersion: ['i32', n * K],
        seenDrift: ['f64', n * K],
        lower: ['f64', K],
        stale: ['i32', K],
        dots: ['f64', K],
        evals: ['i64', 1],
        pred: ['i32', withPredictions ? n : 0],
      });
      offsets = L.offset;
      evals = L.i64('evals');
      const zero = <T extends { fill(v: never): T }>(a: T) => a.fill(0 as never);
      return {
        n,
        D,
        K,
        rowStart: zero(L.i32('rowStart')),
        cols: L.i32('cols'),
        vals: L.f64('vals'),
        xNorm: L.f64('xNorm'),
        x: bytes ? L.u8('x') : L.f32('x'),
        labels: L.i32('labels'),
        S: L.f64('S'),
        T: L.f64('T'),
        norm: L.f64('norm'),
        version: zero(L.i32('version')),
        drift: zero(L.f64('drift')),
        score: zero(L.f64('score')),
        dist: zero(L.f64('dist')),
        seenVersion: L.i32('seenVersion'),
        seenDrift: zero(L.f64('seenDrift')),
        exactSums: new Int32Array(1),
        pred: withPredictions ? L.i32('pred') : undefined,
      };
    },
    runEpoch(st, recordPredictions) {
      const o = offsets;
      evals[0] = 0n;
      rows ??= rowSums(st.rowStart, st.vals);
      const misses = ex.trainEpoch(
        st.n,
        st.D,
        st.K,
        o.rowStart,
        o.cols,
        o.vals,
        o.xNorm,
        o.x,
        o.labels,
        o.S,
        o.T,
        o.norm,
        o.version,
        o.drift,
        o.score,
        o.dist,
        o.seenVersion,
        o.seenDrift,
        o.lower,
        o.stale,
        o.dots,
        o.evals,
        recordPredictions ? o.pred : 0,
        st.exactSums[0],
        st.exactSums[0] === 1 && exactDots(st.S, st.n, rows) ? 1 : 0,
        st.x instanceof Uint8Array ? 1 : 0,
      );
      return { misses, evaluations: Number(evals[0]) };
    },
  };
}

/** The largest row sum and value of the samples (non-negative when the sums are exact). */
function rowSums(rowStart: Int32Array, vals: Float64Array): { maxSum: number; maxValue: number } {
  let maxSum = 0;
  let maxValue = 0;
  for (let i = 0; i + 1 < rowStart.length; i++) {
    let sum = 0;
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      sum += vals[e];
      maxValue = Math.max(maxValue, vals[e]);
    }
    maxSum = Math.max(maxSum, sum);
  }
  return { maxSum, maxValue };
}

/**
 * Whether every dot product S_c·x of the coming epoch is exact whatever the order of its additions
 * (so the kernel may split one into several chains): the sums are multiples of ½ (exact sums) and
 * no entry can pass max S + n·max x within the epoch, so every partial sum stays below 2^52.
 */
function exactDots(S: Float64Array, n: number, rows: { maxSum: number; maxValue: number }): boolean {
  let maxS = 0;
  for (let k = 0; k < S.length; k++) maxS = Math.max(maxS, S[k]);
  return (maxS + n * rows.maxValue) * rows.maxSum < 2 ** 52;
}

/** The layout element type of a feature array. */
export function elem(x: FeatureArray): 'u8' | 'f32' {
  return x instanceof Uint8Array ? 'u8' : 'f32';
}

/** Copies features into the layout's `x`. */
export function copyFeatures(L: { u8(n: 'x'): Uint8Array; f32(n: 'x'): Float32Array }, x: FeatureArray): void {
  if (x instanceof Uint8Array) L.u8('x').set(x);
  else L.f32('x').set(x);
}
