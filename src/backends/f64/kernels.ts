/** Registers the f64 backend's kernels: its own float64 ones, and the cpu kernels for the rest (listed as gaps). */
import { competingCurrentsConfig } from '../cpu/kernels/competingCurrents.js';
import { competingStepsConfig } from '../cpu/kernels/competingSteps.js';
import { competingUpdateConfig } from '../cpu/kernels/competingUpdate.js';
import { denseAmActivationsConfig } from '../cpu/kernels/denseAmActivations.js';
import { denseAmGradientConfig } from '../cpu/kernels/denseAmGradient.js';
import { hopfieldRecallConfig } from '../cpu/kernels/hopfieldRecall.js';
import { pm1NoiseConfig } from '../cpu/kernels/pm1Noise.js';
import { trainPrototypesConfig } from '../cpu/kernels/trainPrototypes.js';
import type { AnyKernelConfig } from '../kernel.js';
import { registerKernels } from '../registry.js';
import { lshCodesConfig } from './kernels/lshCodes.js';
import { nearestPrototypesConfig } from './kernels/nearestPrototypes.js';

const gap = 'runs the cpu kernel: f64 implements only hashing and nearest-prototype search in float64';
const fromCpu = (c: AnyKernelConfig): AnyKernelConfig => ({ ...c, backendName: 'f64', gap, bitIdentical: true });

registerKernels([
  lshCodesConfig,
  nearestPrototypesConfig,
  ...[pm1NoiseConfig, trainPrototypesConfig, denseAmActivationsConfig, denseAmGradientConfig, competingCurrentsConfig, competingUpdateConfig, competingStepsConfig, hopfieldRecallConfig].map(fromCpu),
]);
