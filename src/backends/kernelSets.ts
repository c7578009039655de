/**
 * Kernel sets by name, without tfjs: what a worker thread loads to run a backend's fused kernels.
 */
import type { Kernels, KernelSetName } from './backend.js';
import { cpuKernels } from './cpu/kernels.js';
import { loadWasmKernels } from './wasm/kernels.js';

/** The fused kernels of a kernel set. */
export function loadKernelSet(name: KernelSetName): Kernels {
  switch (name) {
    case 'cpu':
      return cpuKernels;
    case 'wasm':
      return loadWasmKernels();
    default:
      return name satisfies never;
  }
}
