/**
 * The `wasm` backend: tfjs's WebAssembly backend (XNNPACK, SIMD) for tensor ops, loading its
 * `.wasm` files from node_modules (no network), and the project's own SIMD module for the fused
 * kernels. tfjs's wasm backend is single-threaded in Node, so parallel work (shards) goes to
 * worker threads, each with its own module instance.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailable, type BackendDefinition } from '../backend.js';
import { wasmModule } from './module.js';

const wasm: BackendDefinition = {
  name: 'wasm',
  description: 'tfjs wasm ops (XNNPACK, SIMD) + own WebAssembly SIMD fused kernels',
  tfjsBackend: 'wasm',
  threadable: true,
  workerKernels: 'wasm',
  async load() {
    try {
      wasmModule();
    } catch (err) {
      throw new BackendUnavailable('wasm', (err as Error).message);
    }
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new BackendUnavailable('wasm', 'tfjs could not initialise its wasm backend (is @tensorflow/tfjs-backend-wasm installed?)');
    return tf;
  },
};
export default wasm;
