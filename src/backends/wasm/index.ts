/**
 * The `wasm` backend: tfjs's WebAssembly backend (XNNPACK, SIMD) for tensor ops, loading its
 * `.wasm` files from node_modules (no network), and the project's own SIMD module for the fused
 * kernels. tfjs's wasm backend is single-threaded in Node, so parallel work (shards) goes to
 * worker threads, each with its own module instance.
 */
import { BackendUnavailable, type BackendDefinition } from '../backend.js';
import { wasmModule } from './module.js';

const wasm: BackendDefinition = {
  name: 'wasm',
  description: 'tfjs wasm ops (XNNPACK, SIMD) + own WebAssembly SIMD fused kernels',
  tfjsBackend: 'wasm',
  threadable: true,
  workerKernels: 'wasm',
  check() {
    try {
      wasmModule();
    } catch (err) {
      throw new BackendUnavailable('wasm', (err as Error).message);
    }
  },
  async load() {
    this.check!();
    // tfjs (~25 MB of code) loads here, when its ops are first needed: the fused kernels run without it.
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-wasm');
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new BackendUnavailable('wasm', 'tfjs could not initialise its wasm backend (is @tensorflow/tfjs-backend-wasm installed?)');
    return tf;
  },
};
export default wasm;
