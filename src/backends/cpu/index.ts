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
import type { Backend } from '../backend.js';
import { hostDenseAm } from '../denseAm.js';
import { cpuKernels } from './kernels.js';

/** Creates the cpu backend and makes tfjs's `cpu` backend the active one. */
export async function createCpuBackend(): Promise<Backend> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  return {
    name: 'cpu',
    description: 'tfjs cpu ops + TypeScript fused kernels (the reference)',
    tf,
    threadable: true,
    workerKernels: 'cpu',
    gaps: {},
    denseAm: hostDenseAm(tf, cpuKernels.denseAmCore),
    ...cpuKernels,
  };
}
