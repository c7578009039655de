/**
 * The reference `competingSteps` kernel: the shared driver with the weights in place in the
 * caller's array, their powers in a JavaScript array, and the cpu currents and update kernels.
 */
import { commitNamed, gatherNamed, UpdateScratch } from '../../competingHits.js';
import { writePowersT } from '../../competingPowers.js';
import { rankRows } from '../../competingRanks.js';
import { competingStepsWith, type CompetingEngine } from '../../competingSteps.js';
import type { CompetingStepsArgs, KernelConfig } from '../../kernel.js';
import { competingCurrents } from './competingCurrents.js';
import { competingUpdate } from './competingUpdate.js';

/** An engine over JavaScript arrays (the cpu backend's, and the wasm backend's for odd widths). */
export function cpuCompetingEngine(): CompetingEngine {
  let a: CompetingStepsArgs;
  let wT: Float32Array;
  let xb: Float32Array;
  const scratch = new UpdateScratch();
  return {
    begin(args) {
      a = args;
      wT = new Float32Array(a.w.length);
      writePowersT(a.w, wT, a.width, a.p);
    },
    rank(at, n, k) {
      xb = a.x.subarray(at * a.width, (at + n) * a.width);
      return rankRows(competingCurrents({ wT, hidden: a.hidden, x: xb, rows: n, width: a.width }), n, a.hidden, k);
    },
    update(hits, _n, rule) {
      const { w, width: D } = a;
      const { touched, count: T } = hits;
      const rows = scratch.rows(T * D);
      gatherNamed(w, touched, D, rows);
      const maxUpdate = competingUpdate({ rows, count: T, width: D, theta: hits.theta, hitStart: hits.hitStart, hitSample: hits.hitSample, hitCoef: hits.hitCoef, x: xb, ...rule });
      if (!Number.isFinite(maxUpdate)) return maxUpdate;
      commitNamed(w, touched, D, rows, rule.keep);
      writePowersT(w, wT, D, a.p, rule.keep !== 1 ? undefined : touched);
      return maxUpdate;
    },
    end() {
      // The weights were updated in place.
    },
  };
}

/** The cpu registration of `competingSteps`. */
export const competingStepsConfig: KernelConfig<'competingSteps'> = { kernelName: 'competingSteps', backendName: 'cpu', kernelFunc: (args) => competingStepsWith(cpuCompetingEngine(), args) };
