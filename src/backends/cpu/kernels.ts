/**
 * Registers the cpu backend's kernels: the project's TypeScript over typed arrays, the reference
 * every other backend's kernels are tested against. Loads without tfjs, so worker threads import it.
 */
import { registerKernels } from '../registry.js';
import { competingCurrentsConfig } from './kernels/competingCurrents.js';
import { competingStepsConfig } from './kernels/competingSteps.js';
import { competingUpdateConfig } from './kernels/competingUpdate.js';
import { denseAmActivationsConfig } from './kernels/denseAmActivations.js';
import { denseAmGradientConfig } from './kernels/denseAmGradient.js';
import { hopfieldRecallConfig } from './kernels/hopfieldRecall.js';
import { lshCodesConfig } from './kernels/lshCodes.js';
import { nearestPrototypesConfig } from './kernels/nearestPrototypes.js';
import { pm1NoiseConfig } from './kernels/pm1Noise.js';
import { trainPrototypesConfig } from './kernels/trainPrototypes.js';

registerKernels([
  lshCodesConfig,
  nearestPrototypesConfig,
  pm1NoiseConfig,
  trainPrototypesConfig,
  denseAmActivationsConfig,
  denseAmGradientConfig,
  competingCurrentsConfig,
  competingUpdateConfig,
  competingStepsConfig,
  hopfieldRecallConfig,
]);
