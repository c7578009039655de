/** The wasm `denseAmActivations` kernel: tfjs-wasm matmuls around the module's SIMD elementwise core. */
import { hostDenseAmActivations } from '../../denseAm.js';
import { engineOf, type KernelConfig } from '../../kernel.js';
import { denseAmCore } from '../denseAmCore.js';

/** The wasm registration of `denseAmActivations`. */
export const denseAmActivationsConfig: KernelConfig<'denseAmActivations'> = {
  kernelName: 'denseAmActivations',
  backendName: 'wasm',
  tensors: true,
  kernelFunc: (args, ctx) => hostDenseAmActivations(engineOf(ctx, 'denseAmActivations'), denseAmCore, args),
};
