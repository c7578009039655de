/** The cpu kernels as a kernel runner without a tensor engine: the default for operators given no backend, and what worker threads and tests run. */
import type { KernelRunner } from '../backend.js';
import { getKernel } from '../registry.js';
import './kernels.js';

/** Runs the cpu reference kernels (those that need no tensor engine). */
export const cpuReference: KernelRunner = { run: (kernel, args) => getKernel(kernel, 'cpu')(args, {}) };
