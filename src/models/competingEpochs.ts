/**
 * Epoch bookkeeping of the competing hidden units: the convergence test (the weights stayed
 * within atol of their current values over the last N epochs) and the verbose epoch line.
 */
import type { EpochRecord } from './competingCheckpoint.js';
import { maxAbsDiff } from './matrix.js';

/** Watches the weights at the end of each epoch for convergence. */
export class ConvergenceWatch {
  /** Weights at the end of recent epochs, starting with those training starts from. */
  private readonly recent: Float32Array[];

  constructor(
    private readonly epochs: number,
    private readonly atol: number,
    start: Float32Array,
  ) {
    this.recent = [start.slice()];
  }

  /** Records the weights after an epoch; true when they stayed within atol of them over the last N epochs. */
  settled(w: Float32Array): boolean {
    const recent = this.recent;
    recent.push(w.slice());
    if (recent.length > this.epochs + 1) recent.shift();
    if (recent.length < this.epochs + 1) return false;
    return recent.every((snap) => maxAbsDiff(snap, w) <= this.atol);
  }
}

/** One line per epoch on stderr (the `verbose` option), and a line when training converged. */
export function logEpoch(r: EpochRecord, converged: boolean, o: { convergenceAtol: number; epochsForConvergence: number | null }): void {
  process.stderr.write(
    `competing-units: epoch ${r.epoch}, lr ${r.lr.toPrecision(3)}, max change ${r.maxChange.toPrecision(3)}, norms ${r.normMin.toFixed(4)}–${r.normMax.toFixed(4)}, ${r.seconds.toFixed(2)} s\n`,
  );
  if (converged) process.stderr.write(`competing-units: converged after epoch ${r.epoch} (weights within ${o.convergenceAtol} over ${o.epochsForConvergence} epochs)\n`);
}
