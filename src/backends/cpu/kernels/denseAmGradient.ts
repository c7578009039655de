/** The cpu `denseAmGradient` kernel: tfjs matmuls around the TypeScript elementwise core. */
import { hostDenseAmGradient } from '../../denseAm.js';
import { engineOf, type KernelConfig } from '../../kernel.js';
import { denseAmCore } from '../denseAmCore.js';

/** The cpu registration of `denseAmGradient`. */
export const denseAmGradientConfig: KernelConfig<'denseAmGradient'> = {
  kernelName: 'denseAmGradient',
  backendName: 'cpu',
  tensors: true,
  kernelFunc: (args, ctx) => hostDenseAmGradient(engineOf(ctx, 'denseAmGradient'), denseAmCore, args),
};
