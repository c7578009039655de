/**
 * The `wasm` backend: tfjs's WebAssembly backend (XNNPACK, SIMD) for tensor ops, loading its
 * `.wasm` files from node_modules (no network), and the project's own SIMD module for the fused
 * kernels. tfjs's wasm backend is single-threaded in Node, so parallel work (shards) goes to
 * worker threads, each with its own module instance.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailable, type Backend, type Kernels } from '../backend.js';
import { hostDenseAm } from '../denseAm.js';
import { loadWasmKernels } from './kernels.js';

/** Creates the wasm backend and makes tfjs's `wasm` backend the active one. */
export async function createWasmBackend(): Promise<Backend> {
  let kernels: Kernels;
  try {
    kernels = loadWasmKernels();
  } catch (err) {
    throw new BackendUnavailable('wasm', (err as Error).message);
  }
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('wasm'))) throw new BackendUnavailable('wasm', 'tfjs could not initialise its wasm backend (is @tensorflow/tfjs-backend-wasm installed?)');
  return {
    name: 'wasm',
    description: 'tfjs wasm ops (XNNPACK, SIMD) + own WebAssembly SIMD fused kernels',
    tf,
    threadable: true,
    workerKernels: 'wasm',
    gaps: { hopfieldRecall: 'runs in TypeScript on the host (the cpu kernel): sequential unit updates on integer overlaps, O(P) each' },
    denseAm: hostDenseAm(tf, kernels.denseAmCore),
    ...kernels,
  };
}
