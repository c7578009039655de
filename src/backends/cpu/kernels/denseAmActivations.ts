/** The cpu `denseAmActivations` kernel: a tfjs matmul, then the TypeScript elementwise core. */
import { hostDenseAmActivations } from '../../denseAm.js';
import { engineOf, type KernelConfig } from '../../kernel.js';
import { denseAmCore } from '../denseAmCore.js';

/** The cpu registration of `denseAmActivations`. */
export const denseAmActivationsConfig: KernelConfig<'denseAmActivations'> = {
  kernelName: 'denseAmActivations',
  backendName: 'cpu',
  tensors: true,
  kernelFunc: (args, ctx) => hostDenseAmActivations(engineOf(ctx, 'denseAmActivations'), denseAmCore, args),
};
