/**
 * The `webgpu` backend: tfjs's WebGPU backend driven in Node by Dawn (the `webgpu` npm package,
 * which ships its own binaries), a GPU path where CUDA 11 / libtensorflow 2.9 is not an option.
 * Both packages are optional peers loaded only when asked for.
 *
 * As with `gpu`, hashing and nearest-prototype search run on the device and the sequential shard
 * trainer runs on the host with the wasm kernels.
 */
import { BackendUnavailable, type BackendDefinition } from '../backend.js';
import { importOptional, isInstalled } from '../node/optionalPackage.js';

const PACKAGES = ['webgpu', '@tensorflow/tfjs-backend-webgpu'] as const;

interface Dawn {
  create(flags: string[]): { requestAdapter(): Promise<unknown> };
  globals: Record<string, unknown>;
}

const webgpu: BackendDefinition = {
  name: 'webgpu',
  description: 'tfjs webgpu ops on Dawn (webgpu npm package)',
  tfjsBackend: 'webgpu',
  threadable: false,
  workerKernels: 'wasm',
  /** Loads the optional packages and starts the engine, or explains why it cannot run here. */
  async load() {
    const missing = PACKAGES.filter((p) => !isInstalled(p));
    if (missing.length > 0) {
      throw new BackendUnavailable(
        'webgpu',
        `${missing.join(' and ')} not installed; install with 'npm i webgpu @tensorflow/tfjs-backend-webgpu@4.22.0' on a machine with a Vulkan, Metal or D3D12 GPU`,
      );
    }
    const dawn = await importOptional<Dawn>('webgpu');
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (!g.navigator) g.navigator = {};
    g.navigator.gpu = gpu;
    if (!(await gpu.requestAdapter())) {
      throw new BackendUnavailable('webgpu', 'Dawn found no GPU adapter (it needs the Vulkan loader libvulkan.so.1 and a GPU driver on Linux, Metal on macOS, D3D12 on Windows)');
    }
    await importOptional('@tensorflow/tfjs-backend-webgpu');
    const tf = await import('@tensorflow/tfjs-core');
    if (!(await tf.setBackend('webgpu'))) throw new BackendUnavailable('webgpu', "tfjs's webgpu backend did not initialise on the adapter Dawn found");
    return tf;
  },
};
export default webgpu;
