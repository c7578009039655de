/** The wasm `denseAmGradient` kernel: tfjs-wasm matmuls around the module's SIMD elementwise core. */
import { hostDenseAmGradient } from '../../denseAm.js';
import { engineOf, type KernelConfig } from '../../kernel.js';
import { denseAmCore } from '../denseAmCore.js';

/** The wasm registration of `denseAmGradient`. */
export const denseAmGradientConfig: KernelConfig<'denseAmGradient'> = {
  kernelName: 'denseAmGradient',
  backendName: 'wasm',
  tensors: true,
  kernelFunc: (args, ctx) => hostDenseAmGradient(engineOf(ctx, 'denseAmGradient'), denseAmCore, args),
};
