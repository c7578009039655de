/**
 * The kernel registrations the GPU backends (gpu, webgpu) share: hashing, nearest-prototype
 * search, the Dense AM step and the competing units' currents are tensor-shaped and run on the
 * device as tfjs ops (written once against the op set, tested on tfjs cpu and wasm); the
 * sequential kernels run on the host with the wasm module and are registered as gaps.
 */
import type { BackendName } from '../backend.js';
import type { AnyKernelConfig, KernelFunc, KernelName } from '../kernel.js';
import { recallStates } from '../cpu/kernels/hopfieldRecall.js';
import { competingStepsConfig } from '../wasm/kernels/competingSteps.js';
import { competingUpdate } from '../wasm/kernels/competingUpdate.js';
import { pm1NoiseConfig } from '../wasm/kernels/pm1Noise.js';
import { trainPrototypesConfig } from '../wasm/kernels/trainPrototypes.js';
import { denseAmActivations, denseAmGradient } from './denseAm.js';
import { competingCurrents } from './kernels/competingCurrents.js';
import { lshCodes } from './kernels/lshCodes.js';
import { nearestPrototypes } from './kernels/nearestPrototypes.js';

/** The shared kernels, registered for `backendName`. */
export function deviceKernelConfigs(backendName: BackendName): AnyKernelConfig[] {
  const config = <K extends KernelName>(kernelName: K, kernelFunc: KernelFunc<K>, gap?: string, bitIdentical = gap !== undefined) =>
    ({ kernelName, backendName, kernelFunc, gap, bitIdentical }) as unknown as AnyKernelConfig;
  return [
    // Exact for integer-valued inputs: projections of pixels ≤ 255 on ±1 planes stay below 2^24.
    config('lshCodes', lshCodes, undefined, true),
    config('nearestPrototypes', nearestPrototypes),
    config('pm1Noise', pm1NoiseConfig.kernelFunc, 'runs on the host with the wasm kernels: the noisy samples go to the next kernel, not to the device'),
    config('trainPrototypes', trainPrototypesConfig.kernelFunc, 'runs on the host with the wasm kernels: per-sample sequential updates do not map to GPU kernels'),
    config('denseAmActivations', denseAmActivations),
    config('denseAmGradient', denseAmGradient),
    config('competingCurrents', competingCurrents),
    config('competingUpdate', competingUpdate, 'runs on the host with the wasm kernels: a few hundred rows per minibatch, not worth a device round trip'),
    config(
      'competingSteps',
      competingStepsConfig.kernelFunc,
      'runs on the host with the wasm kernels, currents included: models on this backend take competingCurrents on the device and competingUpdate per minibatch instead',
    ),
    config('hopfieldRecall', recallStates, 'runs on the host (TypeScript): sequential unit updates do not map to GPU kernels'),
  ];
}
