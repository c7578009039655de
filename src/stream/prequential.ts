/**
 * Prequential (test-then-train) accuracy: each sample is scored by the model as it was just
 * before learning from it. Keeps the cumulative count and a sliding window of the last `window`
 * outcomes, and round-trips through checkpoint tensors so a resumed run continues the same curve.
 */

/** Running prequential accuracy. */
export class Prequential {
  private readonly ring: Uint8Array;
  private at = 0;
  private filled = 0;
  private windowCorrect = 0;
  total = 0;
  correct = 0;

  constructor(readonly window: number) {
    if (!(Number.isInteger(window) && window >= 1)) throw new Error(`prequential window must be a positive integer, got ${window}`);
    this.ring = new Uint8Array(window);
  }

  /** Records predictions made before training against the labels. */
  update(predicted: Int32Array, labels: Int32Array): void {
    for (let i = 0; i < labels.length; i++) {
      const ok = predicted[i] === labels[i] ? 1 : 0;
      if (this.filled === this.window) this.windowCorrect -= this.ring[this.at];
      else this.filled++;
      this.ring[this.at] = ok;
      this.windowCorrect += ok;
      this.at = (this.at + 1) % this.window;
      this.total++;
      this.correct += ok;
    }
  }

  /** Accuracy over the last `window` samples (NaN before any). */
  get windowAccuracy(): number {
    return this.windowCorrect / this.filled;
  }

  /** Accuracy over every sample so far (NaN before any). */
  get accuracy(): number {
    return this.correct / this.total;
  }

  /** State as checkpoint tensors. */
  toTensors(): { ring: Int32Array; counters: Float64Array } {
    return { ring: Int32Array.from(this.ring), counters: Float64Array.from([this.at, this.filled, this.windowCorrect, this.total, this.correct]) };
  }

  /** Restores from `toTensors`. */
  static fromTensors(window: number, ring: Int32Array, counters: Float64Array): Prequential {
    const p = new Prequential(window);
    if (ring.length !== window) throw new Error(`prequential state has a window of ${ring.length}, the pipeline asks for ${window}`);
    p.ring.set(ring);
    [p.at, p.filled, p.windowCorrect, p.total, p.correct] = counters;
    return p;
  }
}
