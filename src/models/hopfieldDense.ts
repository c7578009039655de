/**
 * `dense` recall: Krotov & Hopfield's Dense Associative Memory (2016, eq. 4) over ±1 states, with
 * F(x) = x^n or the rectified relu(x)^n: a unit takes the state of lower energy −Σ_μ F(ξ^μ·s).
 * Large n separates the stored patterns far better than the classical net's n = 2; overlaps are
 * divided by N before the power, so no n overflows (see `recallDynamics.ts`).
 */
import type { Backend } from '../backends/backend.js';
import { UsageError } from '../util/errors.js';
import type { RecallResult } from '../backends/kernel.js';
import { StoredPatterns, type RecallOptions } from './storedPatterns.js';

/** Settings of dense recall. */
export interface DenseSettings {
  /** n, the power of F (≥ 2). */
  power: number;
  /** F(x) = relu(x)^n when true, x^n when false. */
  rectified: boolean;
}

/** The dense Hopfield network. */
export class DenseHopfield extends StoredPatterns {
  static readonly kind = 'dense';

  constructor(
    readonly settings: DenseSettings,
    backend: Backend,
  ) {
    super(backend, 'dense');
    if (!(Number.isInteger(settings.power) && settings.power >= 2 && settings.power <= 100)) throw new UsageError(`dense: power n must be an integer in [2, 100], got ${settings.power}`);
  }

  /** Recalls one probe (N values of ±1). */
  recall(probe: Int8Array, opts: RecallOptions): Promise<RecallResult> {
    return this.run(probe, { kind: 'dense', power: this.settings.power, rectified: this.settings.rectified }, opts);
  }
}
