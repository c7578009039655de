/**
 * Loads a backend folder's kernel registrations (`src/backends/<name>/kernels.ts`). Host kernel
 * modules load without tfjs, so worker threads use `hostKernels` to run a backend's fused kernels.
 */
import type { BackendName, KernelRunner } from './backend.js';
import { getKernel } from './registry.js';

/** Imports `<name>/kernels.ts`, which registers that backend's kernels. */
export async function loadKernelModule(name: BackendName): Promise<void> {
  const path = `./${name}/kernels.js`;
  await import(/* @vite-ignore */ path);
}

/** A backend's kernels without its tensor engine (for worker threads): kernels that need the engine throw. */
export async function hostKernels(name: BackendName): Promise<KernelRunner> {
  await loadKernelModule(name);
  return { run: (kernel, args) => getKernel(kernel, name)(args, {}) };
}
