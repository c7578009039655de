/**
 * The `webgpu` backend: tfjs's WebGPU backend. In a browser it uses the page's `navigator.gpu`; in
 * Node, Dawn (the `webgpu` npm package), on a GPU through Vulkan, Metal or D3D12, or on the
 * software adapter `npm run setup:webgpu` unpacks (SwiftShader: correct, slow — for tests, never
 * picked by `auto`). Both packages are optional peers loaded only when asked for.
 *
 * As with `gpu`, hashing, nearest-prototype search, the Dense AM step and the competing currents
 * run on the device; the sequential kernels run on the host with the wasm kernels.
 */
import { BackendUnavailable, type BackendDefinition } from '../backend.js';
import { describeAdapter, type GpuAdapterInfo } from './adapterInfo.js';

interface BrowserGpu {
  requestAdapter(): Promise<{ info?: GpuAdapterInfo } | null>;
}

const DESCRIPTION = 'tfjs webgpu ops';

/** The adapter's name, from the browser's own WebGPU or from Dawn in Node. */
async function adapter(allowSoftware: boolean): Promise<string> {
  const nav = (globalThis as { navigator?: { gpu?: BrowserGpu } }).navigator;
  if (typeof process === 'undefined' || !process.versions?.node) {
    const found = await nav?.gpu?.requestAdapter();
    if (!found) throw new BackendUnavailable('webgpu', 'this browser offers no WebGPU adapter (navigator.gpu is missing or found no device)');
    const { name, software } = describeAdapter(found.info ?? {}, 'browser adapter');
    if (software && !allowSoftware) throw new BackendUnavailable('webgpu', `this browser's only adapter is ${name}, slower than wasm, so 'auto' skips it`);
    return name;
  }
  const dawnModule = './node/dawn.js';
  const { installDawn } = (await import(/* @vite-ignore */ dawnModule)) as typeof import('./node/dawn.js');
  return `Dawn, ${(await installDawn(allowSoftware)).name}`;
}

const webgpu: BackendDefinition = {
  name: 'webgpu',
  description: DESCRIPTION,
  tfjsBackend: 'webgpu',
  threadable: false,
  workerKernels: 'wasm',
  /** Finds an adapter, then starts tfjs's webgpu engine on it, or explains why it cannot run here. */
  async load(opts = {}) {
    const where = await adapter(opts.auto !== true);
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (err) {
      throw new BackendUnavailable(
        'webgpu',
        `@tensorflow/tfjs-backend-webgpu could not be loaded (${(err as Error).message.split('\n')[0]}); install it with 'npm i @tensorflow/tfjs-backend-webgpu@4.22.0'`,
      );
    }
    const tf = await import('@tensorflow/tfjs-core');
    if (!(await tf.setBackend('webgpu'))) throw new BackendUnavailable('webgpu', `tfjs's webgpu backend did not initialise on ${where}`);
    this.description = `${DESCRIPTION} on ${where}`;
    return tf;
  },
};
export default webgpu;
