/**
 * The cpu backend's fused kernels, in TypeScript over typed arrays (no tfjs), so worker threads
 * can load them cheaply. They are the reference every other backend's kernels are tested against.
 */
import type { Kernels } from '../backend.js';
import { trainPrototypesWith } from '../prototypeTrainer.js';
import { lshCodes } from './lshCodes.js';
import { nearestPrototypes } from './nearestPrototypes.js';
import { denseAmCore } from './denseAmCore.js';
import { cpuEpochEngine } from './trainEpoch.js';
import { competingCurrents } from './competingCurrents.js';
import { competingUpdate } from './competingUpdate.js';
import { recallStates } from '../../models/recallDynamics.js';

/** The reference kernel set. */
export const cpuKernels: Kernels = {
  lshCodes,
  nearestPrototypes,
  trainPrototypes: (args) => trainPrototypesWith(cpuEpochEngine, args),
  denseAmCore,
  competingCurrents,
  competingUpdate,
  hopfieldRecall: recallStates,
};
