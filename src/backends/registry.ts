/**
 * The kernel registry (after tfjs's `kernel_registry.ts`): kernel implementations registered by
 * kernel name and backend name. A backend runs exactly the kernels registered for it; looking up
 * one that is not registered throws, naming the kernel and the backend. A backend's host
 * fallbacks (`gaps`) are read from the registrations that carry a `gap` reason.
 */
import { KERNEL_NAMES, type AnyKernelConfig, type KernelConfig, type KernelFunc, type KernelName } from './kernel.js';

const registry = new Map<string, AnyKernelConfig>();
const key = (kernel: string, backend: string) => `${backend}/${kernel}`;

/** Registers one backend's implementation of one kernel; registering the same pair twice is a bug and throws. */
export function registerKernel<K extends KernelName>(config: KernelConfig<K>): void {
  const k = key(config.kernelName, config.backendName);
  if (registry.has(k)) throw new Error(`kernel '${config.kernelName}' is already registered for backend '${config.backendName}'`);
  registry.set(k, config as unknown as AnyKernelConfig);
}

/** Registers a list of kernel configs (a backend's `kernels.ts` calls this once). */
export function registerKernels(configs: readonly AnyKernelConfig[]): void {
  for (const c of configs) if (!registry.has(key(c.kernelName, c.backendName))) registry.set(key(c.kernelName, c.backendName), c);
}

/** The registered implementation; throws when the backend has none for this kernel. */
export function getKernel<K extends KernelName>(kernelName: K, backendName: string): KernelFunc<K> {
  return kernelConfig(kernelName, backendName).kernelFunc;
}

/** The registration of a kernel for a backend; throws, listing what is registered, when there is none. */
export function kernelConfig<K extends KernelName>(kernelName: K, backendName: string): KernelConfig<K> {
  const config = registry.get(key(kernelName, backendName));
  if (!config) {
    const have = kernelsFor(backendName).map((c) => c.kernelName);
    throw new Error(`kernel '${kernelName}' is not registered for backend '${backendName}' (registered: ${have.join(', ') || 'none'})`);
  }
  return config as unknown as KernelConfig<K>;
}

/** Every kernel registered for a backend, in catalog order. */
export function kernelsFor(backendName: string): AnyKernelConfig[] {
  return KERNEL_NAMES.flatMap((k) => registry.get(key(k, backendName)) ?? []);
}

/** A backend's kernels that do not run on its own device, with where they run instead and why. */
export function gapsOf(backendName: string): Partial<Record<KernelName, string>> {
  return Object.fromEntries(kernelsFor(backendName).flatMap((c) => (c.gap ? [[c.kernelName, c.gap]] : [])));
}
