/**
 * amem-flow for browsers (`npm run build:browser` bundles it with esbuild into
 * `examples/browser/dist/amem-flow.js`): the core entry plus the backends a page can run — webgpu (the
 * page's `navigator.gpu`), wasm and cpu — bundled instead of imported by name. Call
 * `loadBrowserAssets(baseUrl)` once before creating a wasm backend: it points tfjs at its `.wasm`
 * files and fetches the project's own kernels from that URL.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import cpu from './backends/cpu/index.js';
import './backends/cpu/kernels.js';
import wasm from './backends/wasm/index.js';
import './backends/wasm/kernels.js';
import { setKernelBytes } from './backends/wasm/browserKernelBytes.js';
import webgpu from './backends/webgpu/index.js';
import './backends/webgpu/kernels.js';
import { provideBackends } from './backends/index.js';

export * from './index.js';
/** Threads tfjs's wasm backend runs its ops on (its threaded build needs a cross-origin isolated page; XNNPACK picks the count). */
export { getThreadsCount as wasmThreadCount } from '@tensorflow/tfjs-backend-wasm';

provideBackends([webgpu, wasm, cpu]);

/**
 * Fetches the wasm binaries from `baseUrl` (a folder URL holding tfjs-backend-wasm's `.wasm` files
 * and amem-flow's `kernels.wasm`); tfjs picks its threaded build when the page is cross-origin isolated.
 */
export async function loadBrowserAssets(baseUrl: string | URL): Promise<void> {
  const base = new URL(baseUrl, (globalThis as { location?: { href: string } }).location?.href);
  setWasmPaths(base.href);
  const res = await fetch(new URL('kernels.wasm', base));
  if (!res.ok) throw new Error(`could not fetch ${res.url}: HTTP ${res.status}; serve amem-flow's kernels.wasm beside tfjs's .wasm files`);
  setKernelBytes(new Uint8Array(await res.arrayBuffer()));
}
