/**
 * The driver of the fused `competingSteps` kernel, shared by the backends that run it: per
 * minibatch, the currents and the ranking (winner and k-th unit of each sample), the grouping of
 * the hits by unit and the update of the named units. A backend supplies a `CompetingEngine`:
 * where the weights and their powers live for the call (JavaScript arrays, or a WebAssembly
 * memory) and how the currents, the ranking and the update run there. Every engine gives the weights of the separate
 * `competingCurrents` and `competingUpdate` kernels bit for bit.
 */
import { groupHits, notFinite, UpdateScratch, type GroupedHits } from './competingHits.js';
import { checkRankK, type Ranks } from './competingRanks.js';
import type { CompetingStepsArgs } from './kernel.js';

/** One minibatch's update parameters. */
interface StepRule {
  rate: number;
  precision: number;
  /** 1 − ε·λ with weight decay, else 1. */
  keep: number;
}

/** Where a backend keeps the weights during a call, and how it runs one minibatch there. */
export interface CompetingEngine {
  /** Takes in the call's weights and computes every unit's powers. */
  begin(a: CompetingStepsArgs): void;
  /** The ranks of rows [at, at + n) of the call's samples by their currents (throws a RangeError on a NaN current); valid until the next call. */
  rank(at: number, n: number, k: number): Ranks;
  /**
   * Updates the named units from the minibatch `rank` was last called for (all units decay
   * when keep ≠ 1) and recomputes the changed units' powers, when max|dW| is finite; returns max|dW|.
   */
  update(hits: GroupedHits, n: number, rule: StepRule): number;
  /** Writes the weights back into `w`. */
  end(w: Float32Array): void;
}

/** Runs `competingSteps` with the given engine; returns the minibatches run. */
export function competingStepsWith(engine: CompetingEngine, a: CompetingStepsArgs): number {
  const { hidden: H, width: D, rows, batchSize: B } = a;
  if (a.w.length !== H * D) throw new RangeError(`competingSteps: w has ${a.w.length} values, not hidden × width = ${H} × ${D}`);
  if (a.x.length < rows * D) throw new RangeError(`competingSteps: x has ${a.x.length} values, fewer than rows × width = ${rows} × ${D}`);
  if (!(Number.isInteger(B) && B >= 1)) throw new RangeError(`competingSteps: batchSize must be a positive integer, got ${B}`);
  checkRankK(a.k, H);
  const rule = { rate: a.rate, precision: a.precision, keep: a.weightDecay > 0 ? 1 - a.rate * a.weightDecay : 1 };
  const scratch = new UpdateScratch();
  let steps = 0;
  engine.begin(a);
  try {
    for (let at = 0; at < rows; at += B) {
      const n = Math.min(B, rows - at);
      const hits = groupHits(engine.rank(at, n, a.k), n, H, a.delta, scratch);
      const maxUpdate = engine.update(hits, n, rule);
      if (!Number.isFinite(maxUpdate)) throw new RangeError(notFinite(maxUpdate));
      steps++;
    }
  } finally {
    engine.end(a.w);
  }
  return steps;
}
