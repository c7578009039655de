/**
 * The Dense AM checkpoint format (version 1): the settings with the feature width, the epochs
 * done and the momentum's log-scale; the memories and the momentum velocity as K × (width +
 * classes) float32 tensors. JSON has no −Infinity: a null log-scale means "no momentum yet".
 */
import { tensorOf, type Checkpoint, checkCheckpoint } from '../io/checkpoint.js';
import { pickDenseAmSettings, type DenseAmSettings } from './denseAmSettings.js';

/** What a Dense AM checkpoint holds. */
export interface DenseAmState {
  settings: DenseAmSettings;
  width: number;
  epoch: number;
  memories: Float32Array;
  velocity: Float32Array;
  /** Log of the velocity's scale; −Infinity before the first step. */
  logScale: number;
}

/** The checkpoint kind of the Dense AM classifier. */
export const DENSE_AM_KIND = 'dense-am';
const FORMAT_VERSION = 1;

/** Writes a state as a checkpoint (copies of the tensors). */
export function denseAmCheckpoint(s: DenseAmState): Checkpoint {
  const shape = [s.settings.memories, s.width + s.settings.classes];
  return {
    kind: DENSE_AM_KIND,
    version: FORMAT_VERSION,
    settings: { ...s.settings, width: s.width, epoch: s.epoch, momentumLogScale: s.logScale },
    tensors: {
      memories: { data: s.memories.slice(), shape },
      velocity: { data: s.velocity.slice(), shape },
    },
  };
}

/** Reads a state from a checkpoint, after checking its kind and version; `source` names it in errors. */
export function readDenseAmCheckpoint(ckpt: Checkpoint, source = 'checkpoint'): DenseAmState {
  checkCheckpoint(ckpt, DENSE_AM_KIND, FORMAT_VERSION, source);
  const saved = ckpt.settings as unknown as DenseAmSettings & { width: number; epoch: number; momentumLogScale: number | null };
  const settings = pickDenseAmSettings(saved);
  const shape = [settings.memories, saved.width + settings.classes];
  return {
    settings,
    width: saved.width,
    epoch: saved.epoch,
    memories: (tensorOf(ckpt, 'memories', shape) as Float32Array).slice(),
    velocity: (tensorOf(ckpt, 'velocity', shape) as Float32Array).slice(),
    logScale: saved.momentumLogScale ?? -Infinity,
  };
}
