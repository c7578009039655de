/** The cpu kernels as a kernel runner without a tensor engine: the default for operators given no backend, and what worker threads and tests run. */
import type { KernelArgs, KernelName, KernelResult } from '../kernel.js';
import { getKernel } from '../registry.js';
import './kernels.js';

/** Runs the cpu reference kernels (those that need no tensor engine); they answer synchronously. */
export const cpuReference = {
  run<K extends KernelName>(kernel: K, args: KernelArgs<K>): KernelResult<K> {
    const out = getKernel(kernel, 'cpu')(args, {});
    if (out instanceof Promise) throw new Error(`the cpu kernel '${kernel}' returned a promise; the reference kernels must answer synchronously`);
    return out;
  },
};
