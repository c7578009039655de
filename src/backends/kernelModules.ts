/**
 * Loads a backend folder's kernel registrations (`src/backends/<name>/kernels.ts`). Host kernel
 * modules load without tfjs, so worker threads use `hostKernels` to run a backend's fused kernels.
 */
import type { BackendName, KernelRunner } from './backend.js';
import { getKernel } from './registry.js';

const bundled = new Set<BackendName>();

/** Records that `<name>/kernels.ts` was imported statically (a bundle), so it is not imported by path. */
export function markKernelModuleLoaded(name: BackendName): void {
  bundled.add(name);
}

/** Imports `<name>/kernels.ts`, which registers that backend's kernels. */
export async function loadKernelModule(name: BackendName): Promise<void> {
  if (bundled.has(name)) return;
  const path = `./${name}/kernels.js`;
  await import(/* @vite-ignore */ path);
}

const runners = new Map<BackendName, Promise<KernelRunner>>();

/**
 * A backend's kernels without its tensor engine (for worker threads): kernels that need the engine
 * throw. Kept per thread: a worker asks for it with every task, and an `import()` of a loaded
 * module still costs a round trip through the module loader (about a millisecond under tsx).
 */
export function hostKernels(name: BackendName): Promise<KernelRunner> {
  let runner = runners.get(name);
  if (!runner) {
    runner = loadKernelModule(name).then(() => ({ run: (kernel, args) => getKernel(kernel, name)(args, {}) }));
    runners.set(name, runner);
  }
  return runner;
}
