/**
 * The competing hidden units' checkpoint format (version 1): the options, the input width, the
 * epochs done, the per-epoch history and the convergence flag as settings, the weights as one
 * hidden × width float32 tensor. A classifier's checkpoint adds its read-out (`head` settings and
 * a `readout` tensor of (hidden + 1) × classes float64 weights).
 */
import { tensorOf, type Checkpoint, checkCheckpoint } from '../io/checkpoint.js';
import type { CompetingUnitsOptions } from './competingUnitsOptions.js';

/** One epoch of training. */
export interface EpochRecord {
  epoch: number;
  /** Learning rate used in this epoch. */
  lr: number;
  /** max |W_after − W_before| over the epoch. */
  maxChange: number;
  /** Smallest and largest unit p-norm after the epoch (they converge to 1). */
  normMin: number;
  normMax: number;
  seconds: number;
}

/** What a competing-units checkpoint holds. */
export interface CompetingState {
  options: CompetingUnitsOptions;
  width: number;
  epoch: number;
  history: EpochRecord[];
  converged: boolean;
  weights: Float32Array;
}

/** The checkpoint kind of the competing hidden units. */
export const COMPETING_KIND = 'competing-units';
const FORMAT_VERSION = 1;

/** Writes a state as a checkpoint (a copy of the weights). */
export function competingCheckpoint(s: CompetingState): Checkpoint {
  return {
    kind: COMPETING_KIND,
    version: FORMAT_VERSION,
    settings: { options: s.options, width: s.width, epoch: s.epoch, history: s.history, converged: s.converged },
    tensors: { weights: { data: s.weights.slice(), shape: [s.options.outputs, s.width] } },
  };
}

/** Reads a state from a checkpoint, after checking its kind and version; `source` names it in errors. */
export function readCompetingCheckpoint(ckpt: Checkpoint, source = 'checkpoint'): CompetingState {
  checkCheckpoint(ckpt, COMPETING_KIND, FORMAT_VERSION, source);
  const s = ckpt.settings as Omit<CompetingState, 'weights'>;
  return { ...s, weights: (tensorOf(ckpt, 'weights', [s.options.outputs, s.width]) as Float32Array).slice() };
}
