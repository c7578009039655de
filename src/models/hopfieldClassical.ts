/**
 * `classical` recall: the Hopfield network with Hebbian weights W = Σ_μ ξ^μ ξ^μᵀ / P, zero
 * diagonal and threshold θ (as in the classical Hopfield recall demonstration on binarized MNIST), over ±1 states. W is never formed: the backend's fused
 * `hopfieldRecall` kernel works on the overlaps ξ^μ·s (see `recallDynamics.ts`), which is exact.
 */
import type { Backend } from '../backends/backend.js';
import { UsageError } from '../util/errors.js';
import type { RecallResult } from '../backends/kernel.js';
import { StoredPatterns, type RecallOptions } from './storedPatterns.js';

/** Settings of classical recall. */
export interface ClassicalSettings {
  /** Threshold θ of every unit (0: the plain sign rule). */
  threshold: number;
}

/** The classical Hopfield network. */
export class ClassicalHopfield extends StoredPatterns {
  static readonly kind = 'classical';

  constructor(
    readonly settings: ClassicalSettings,
    backend: Backend,
  ) {
    super(backend, 'classical');
    if (!Number.isFinite(settings.threshold)) throw new UsageError(`classical: threshold must be a finite number, got ${settings.threshold}`);
  }

  /** Recalls one probe (N values of ±1). */
  recall(probe: Int8Array, opts: RecallOptions): Promise<RecallResult> {
    return this.run(probe, { kind: 'classical', threshold: this.settings.threshold }, opts);
  }
}
