/**
 * The wasm `competingSteps` kernel: the shared driver with the weights and their powers in the
 * module's memory for the whole call. Per minibatch only its samples go in; the currents, the
 * ranking and the update of the named units' rows run there, and only their powers are
 * recomputed (in the module for integer powers). An odd width runs the (identical) cpu engine, as
 * the update kernel does.
 */
import { writePowersT, integerExponent } from '../../competingPowers.js';
import { commitNamed, gatherNamed } from '../../competingHits.js';
import { nanCurrent } from '../../competingRanks.js';
import { competingStepsWith, type CompetingEngine } from '../../competingSteps.js';
import { cpuCompetingEngine } from '../../cpu/kernels/competingSteps.js';
import type { CompetingStepsArgs, KernelConfig } from '../../kernel.js';
import { layout, type Layout } from '../arena.js';
import { wasmModule } from '../module.js';

type Slot = 'w' | 'wT' | 'xb' | 'cols' | 'vals' | 'starts' | 'out' | 'val' | 'idx' | 'top' | 'kth' | 'topCur' | 'kthCur' | 'rows' | 'theta' | 'hitStart' | 'hitSample' | 'hitCoef' | 'dW' | 'units';

/** An engine whose state lives in this thread's module memory for one call. */
function wasmCompetingEngine(): CompetingEngine {
  const { ex, base } = wasmModule();
  let a: CompetingStepsArgs;
  let L: Layout<Slot>;
  let Hp = 0;
  let e: number | undefined;
  // Views, made once per call: nothing grows the memory while the call runs.
  let W: Float32Array;
  let units: Int32Array;
  const powers = (T: number) => {
    if (e !== undefined) ex.competingPowersT(L.offset.w, L.offset.wT, Hp, a.width, L.offset.units, T, e);
    else writePowersT(W, L.f32('wT'), a.width, a.p, units.subarray(0, T), Hp);
  };
  return {
    begin(args) {
      a = args;
      const { hidden: H, width: D } = a;
      const B = Math.min(a.batchSize, a.rows);
      const T = Math.min(H, 2 * B);
      Hp = Math.ceil(H / 4) * 4; // the currents' SIMD loop takes four units at a time
      e = integerExponent(a.p);
      L = layout(ex.memory, base, {
        w: ['f32', H * D],
        wT: ['f32', D * Hp],
        xb: ['f32', B * D],
        cols: ['i32', B * D],
        vals: ['f32', B * D],
        starts: ['i32', B + 1],
        out: ['f32', B * Hp],
        val: ['f64', a.k],
        idx: ['i32', a.k],
        top: ['i32', B],
        kth: ['i32', B],
        topCur: ['f32', B],
        kthCur: ['f32', B],
        rows: ['f32', T * D],
        theta: ['f64', T],
        hitStart: ['i32', T + 1],
        hitSample: ['i32', 2 * B],
        hitCoef: ['f64', 2 * B],
        dW: ['f64', T * D],
        units: ['i32', H],
      });
      W = L.f32('w');
      W.set(a.w);
      L.f32('wT').fill(0); // padding units stay 0
      units = L.i32('units');
      for (let h = 0; h < H; h++) units[h] = h;
      powers(H);
    },
    rank(at, n, k) {
      const D = a.width;
      L.f32('xb').set(a.x.subarray(at * D, (at + n) * D));
      const o = L.offset;
      ex.competingCurrents(o.wT, Hp, o.xb, n, D, o.cols, o.vals, o.starts, o.out);
      const nan = ex.competingRank(o.out, Hp, n, a.hidden, k, o.val, o.idx, o.top, o.kth, o.topCur, o.kthCur);
      if (nan >= 0) throw new RangeError(nanCurrent(Math.floor(nan / a.hidden), nan % a.hidden));
      return { top: L.i32('top').subarray(0, n), kth: L.i32('kth').subarray(0, n), topCurrent: L.f32('topCur').subarray(0, n), kthCurrent: L.f32('kthCur').subarray(0, n) };
    },
    update(hits, _n, rule) {
      const D = a.width;
      const { touched, count: T } = hits;
      const rows = L.f32('rows');
      gatherNamed(W, touched, D, rows);
      L.f64('theta').set(hits.theta);
      L.i32('hitStart').set(hits.hitStart);
      L.i32('hitSample').set(hits.hitSample);
      L.f64('hitCoef').set(hits.hitCoef);
      const o = L.offset;
      const maxUpdate = ex.competingUpdateRows(o.rows, T, D, o.theta, o.hitStart, o.hitSample, o.hitCoef, o.xb, o.dW, rule.rate, rule.precision, rule.keep);
      if (!Number.isFinite(maxUpdate)) return maxUpdate;
      commitNamed(W, touched, D, rows, rule.keep);
      if (rule.keep !== 1) {
        for (let h = 0; h < a.hidden; h++) units[h] = h;
        powers(a.hidden);
      } else {
        units.set(touched);
        powers(T);
      }
      return maxUpdate;
    },
    end(w) {
      w.set(W);
    },
  };
}

/** The wasm registration of `competingSteps`. */
export const competingStepsConfig: KernelConfig<'competingSteps'> = {
  kernelName: 'competingSteps',
  backendName: 'wasm',
  bitIdentical: true,
  kernelFunc: (args) => competingStepsWith(args.width % 2 === 0 ? wasmCompetingEngine() : cpuCompetingEngine(), args),
};
