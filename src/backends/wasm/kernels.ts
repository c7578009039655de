/**
 * The wasm backend's fused kernels: the project's own WebAssembly module (AssemblyScript with
 * SIMD, `assembly/kernels.ts`, built by `npm run build:wasm`), bit-identical to the cpu kernels
 * and about twice as fast. tfjs's wasm backend cannot take custom kernels, hence a module of our own.
 */
import { readFileSync } from 'node:fs';
import type { FeatureArray } from '../../data/batch.js';
import type { CompetingCurrentsArgs, CompetingUpdateArgs, DenseAmCoreArgs, DenseAmCoreResult, Kernels, NearestPrototypesArgs } from '../backend.js';
import { squaredNorm, toPixelMajor } from '../cpu/prototypeScore.js';
import { trainPrototypesWith, type EpochEngine } from '../prototypeTrainer.js';
import { layout } from './arena.js';
import { recallStates } from '../../models/recallDynamics.js';
import { competingUpdate as competingUpdateTs } from '../cpu/competingUpdate.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  nearestU8(...a: number[]): void;
  nearestF32(...a: number[]): void;
  lshU8(...a: number[]): void;
  lshF32(...a: number[]): void;
  trainEpoch(...a: number[]): number;
  damForward(...a: number[]): void;
  damStep(...a: number[]): number;
  competingCurrents(...a: number[]): void;
  competingUpdateRows(...a: number[]): number;
}

/** Where the compiled module lives (next to this file). */
export const KERNELS_WASM = new URL('./kernels.wasm', import.meta.url);

/** Loads the module and returns its kernel set; throws if it has not been built. */
export function loadWasmKernels(): Kernels {
  let bytes: Buffer;
  try {
    bytes = readFileSync(KERNELS_WASM);
  } catch {
    throw new Error("the wasm kernels are not built (src/backends/wasm/kernels.wasm is missing); run 'npm run build:wasm' (npm install does it)");
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error('wasm kernel aborted'); } } });
  const ex = instance.exports as unknown as KernelExports;
  const base = ex.heapBase();
  return {
    lshCodes(x, rows, width, planes, bits) {
      const L = layout(ex.memory, base, { x: [elem(x), rows * width], planes: ['f64', width * bits], cols: ['i32', width], vals: ['f64', width], proj: ['f64', bits], out: ['u32', rows] });
      copyFeatures(L, x);
      const pm = L.f64('planes');
      for (let b = 0; b < bits; b++) for (let j = 0; j < width; j++) pm[j * bits + b] = planes[b * width + j];
      const o = L.offset;
      (x instanceof Uint8Array ? ex.lshU8 : ex.lshF32)(o.x, rows, width, o.planes, bits, o.cols, o.vals, o.proj, o.out);
      return L.u32('out').slice();
    },
    nearestPrototypes(a: NearestPrototypesArgs) {
      const { x, rows, width, groups, sums, counts, classes: K } = a;
      const G = counts.length / K;
      const L = layout(ex.memory, base, {
        x: [elem(x), rows * width],
        groups: ['i32', groups ? rows : 0],
        sums: ['f64', G * width * K],
        norms: ['f64', G * K],
        counts: ['f64', G * K],
        cols: ['i32', width],
        vals: ['f64', width],
        dots: ['f64', K],
        out: ['i32', rows],
      });
      copyFeatures(L, x);
      if (groups) L.i32('groups').set(groups);
      const pm = L.f64('sums');
      const norms = L.f64('norms');
      for (let g = 0; g < G; g++) {
        const block = pm.subarray(g * width * K, (g + 1) * width * K);
        toPixelMajor(sums, g * K * width, K, width, block);
        for (let c = 0; c < K; c++) norms[g * K + c] = squaredNorm(block, c, K, width);
      }
      L.f64('counts').set(counts);
      const o = L.offset;
      (x instanceof Uint8Array ? ex.nearestU8 : ex.nearestF32)(o.x, rows, width, groups ? o.groups : 0, o.sums, o.norms, o.counts, K, o.cols, o.vals, o.dots, o.out);
      return L.i32('out').slice();
    },
    trainPrototypes: (args) => trainPrototypesWith(wasmEpochEngine(ex, base), args),
    denseAmCore(args: DenseAmCoreArgs): DenseAmCoreResult {
      const { a, lab, K, B, classes: Nc, power: n, temperature: T, targets, lossPower } = args;
      const Bp = Math.ceil(B / 4) * 4; // the SIMD loops take four samples at a time
      const train = targets !== undefined;
      const L = layout(ex.memory, base, {
        a: ['f32', K * Bp], lab: ['f32', K * Nc], targets: ['f32', train ? Nc * Bp : 0], P: ['f32', train ? Nc * K * Bp : 0], Q: ['f32', train ? K * Bp : 0],
        act: ['f32', Nc * Bp], g: ['f32', train ? Nc * Bp : 0], H: ['f32', train ? K * Bp : 0], dLab: ['f32', train ? K * Nc : 0], gsum: ['f32', train ? Bp : 0],
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
    },
    competingCurrents({ wT, hidden: H, x, rows, width: D }: CompetingCurrentsArgs): Float32Array {
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
    },
    competingUpdate(u: CompetingUpdateArgs): number {
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
    },
    // Sequential O(P) updates with integer overlaps: TypeScript, listed in the backend's gaps.
    hopfieldRecall: recallStates,
  };
}

function wasmEpochEngine(ex: KernelExports, base: number): EpochEngine {
  let offsets: Record<string, number> = {};
  let evals: BigInt64Array;
  return {
    allocate(n, D, K, nnz, withPredictions) {
      const L = layout(ex.memory, base, {
        rowStart: ['i32', n + 1], cols: ['i32', nnz], vals: ['f64', nnz], xNorm: ['f64', n], x: ['f32', n * D], labels: ['i32', n],
        S: ['f64', D * K], T: ['f64', K], norm: ['f64', K], version: ['i32', K], drift: ['f64', K],
        score: ['f64', n * K], dist: ['f64', n * K], seenVersion: ['i32', n * K], seenDrift: ['f64', n * K],
        lower: ['f64', K], stale: ['i32', K], dots: ['f64', K], evals: ['i64', 1], pred: ['i32', withPredictions ? n : 0],
      });
      offsets = L.offset;
      evals = L.i64('evals');
      const zero = <T extends { fill(v: never): T }>(a: T) => a.fill(0 as never);
      return {
        n, D, K,
        rowStart: zero(L.i32('rowStart')), cols: L.i32('cols'), vals: L.f64('vals'), xNorm: L.f64('xNorm'), x: L.f32('x'), labels: L.i32('labels'),
        S: L.f64('S'), T: L.f64('T'), norm: L.f64('norm'), version: zero(L.i32('version')), drift: zero(L.f64('drift')),
        score: zero(L.f64('score')), dist: zero(L.f64('dist')), seenVersion: L.i32('seenVersion'), seenDrift: zero(L.f64('seenDrift')),
        pred: withPredictions ? L.i32('pred') : undefined,
      };
    },
    runEpoch(st, recordPredictions) {
      const o = offsets;
      evals[0] = 0n;
      const misses = ex.trainEpoch(st.n, st.D, st.K, o.rowStart, o.cols, o.vals, o.xNorm, o.x, o.labels, o.S, o.T, o.norm, o.version, o.drift, o.score, o.dist, o.seenVersion, o.seenDrift, o.lower, o.stale, o.dots, o.evals, recordPredictions ? o.pred : 0);
      return { misses, evaluations: Number(evals[0]) };
    },
  };
}

function elem(x: FeatureArray): 'u8' | 'f32' {
  return x instanceof Uint8Array ? 'u8' : 'f32';
}

function copyFeatures(L: { u8(n: 'x'): Uint8Array; f32(n: 'x'): Float32Array }, x: FeatureArray): void {
  if (x instanceof Uint8Array) L.u8('x').set(x);
  else L.f32('x').set(x);
}
