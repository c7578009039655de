/**
 * Hyper-parameters of the Dense Associative Memory classifier, their defaults (the settings of
 * Krotov & Hopfield's MNIST experiments) and their validation.
 */
import { UsageError } from '../util/errors.js';

/** Hyper-parameters of the Dense AM classifier (defaults: the seeds' settings). */
export interface DenseAmSettings {
  classes: number;
  /** K, the number of memories. */
  memories: number;
  /** n, the power of the rectified polynomial F. */
  power: number;
  /** m, the loss power: Σ (c − t)^(2m). */
  lossPower: number;
  /** ε0, the learning rate at epoch 0; ε = ε0·f^epoch. */
  learningRate: number;
  /** f, the learning-rate decay per epoch. */
  decay: number;
  /** p, the momentum. */
  momentum: number;
  /** Temperature T (β = 1/T^n), ramped linearly from `start` to `end` over `rampEpochs`. */
  temperature: { start: number; end: number; rampEpochs: number };
  /** Memories start as Normal(mean, std). */
  init: { mean: number; std: number };
  /** Floor of the update's normaliser (prec). */
  precision: number;
  /** Seed of the initial memories and of the per-epoch shuffles. */
  seed: number;
}

/** The seeds' settings for `classes` classes. */
export function defaultDenseAmSettings(overrides: Partial<DenseAmSettings> & { classes: number; seed: number }): DenseAmSettings {
  return {
    memories: 100,
    power: 20,
    lossPower: 30,
    learningRate: 0.04,
    decay: 0.998,
    momentum: 0.6,
    temperature: { start: 540, end: 540, rampEpochs: 200 },
    init: { mean: -0.3, std: 0.3 },
    precision: 1e-30,
    ...overrides,
  };
}

/** Only the model's own settings, in their canonical order (a checkpoint may carry more). */
export function pickDenseAmSettings(s: DenseAmSettings): DenseAmSettings {
  const { classes, memories, power, lossPower, learningRate, decay, momentum, temperature, init, precision, seed } = s;
  return { classes, memories, power, lossPower, learningRate, decay, momentum, temperature, init, precision, seed };
}

/** Throws a UsageError naming the first setting out of its domain. */
export function checkDenseAmSettings(s: DenseAmSettings): void {
  const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!int(s.classes, 2)) throw new UsageError(`dense-am: classes must be an integer >= 2, got ${s.classes}`);
  if (!int(s.memories, 1)) throw new UsageError(`dense-am: memories must be a positive integer, got ${s.memories}`);
  if (!int(s.power, 2)) throw new UsageError(`dense-am: power n must be an integer >= 2, got ${s.power}`);
  if (!int(s.lossPower, 1)) throw new UsageError(`dense-am: lossPower m must be a positive integer, got ${s.lossPower}`);
  if (!(s.temperature.start > 0 && s.temperature.end > 0)) throw new UsageError('dense-am: temperatures must be > 0');
}

/** Temperature in a given epoch (linear ramp, then constant). */
export function temperatureAt(s: DenseAmSettings, epoch: number): number {
  const { start, end, rampEpochs } = s.temperature;
  return epoch <= rampEpochs && rampEpochs > 0 ? start + ((end - start) * epoch) / rampEpochs : end;
}

/** Learning rate in a given epoch: ε0·f^epoch. */
export function learningRateAt(s: DenseAmSettings, epoch: number): number {
  return s.learningRate * s.decay ** epoch;
}
