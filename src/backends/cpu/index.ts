/**
 * The `cpu` backend: the readable reference.
 *
 * Tensor ops: tfjs's `cpu` backend. Measured here, its matmul runs 0.63–0.68 GFLOPS at the models'
 * shapes, the same as a plain TypeScript i-k-j loop (0.64), and it brings the whole op set with
 * float64-accurate reductions, so writing our own would buy nothing. Fused kernels: the project's
 * TypeScript (`kernels.ts`), which every other backend is tested against.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BackendUnavailable, type BackendDefinition } from '../backend.js';

const cpu: BackendDefinition = {
  name: 'cpu',
  description: 'tfjs cpu ops + TypeScript fused kernels (the reference)',
  tfjsBackend: 'cpu',
  threadable: true,
  workerKernels: 'cpu',
  async load() {
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('cpu'))) throw new BackendUnavailable('cpu', 'tfjs could not initialise its cpu backend (is @tensorflow/tfjs-backend-cpu installed?)');
    return tf;
  },
};
export default cpu;
