/**
 * The `f64` backend: a float64 reference for checking how much float32 rounding moves results.
 * Its own kernels compute in float64 throughout (hash projections and prototype distances as
 * plain dense sums); every other kernel is the cpu kernel, registered as a gap. Tensor ops:
 * tfjs's `cpu` backend (float32, like every tfjs engine).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BackendUnavailable, type BackendDefinition } from '../backend.js';

const f64: BackendDefinition = {
  name: 'f64',
  description: 'float64 reference kernels (hashing, nearest prototype) + the cpu backend for the rest',
  tfjsBackend: 'cpu',
  threadable: true,
  workerKernels: 'f64',
  async load() {
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('cpu'))) throw new BackendUnavailable('f64', 'tfjs could not initialise its cpu backend (is @tensorflow/tfjs-backend-cpu installed?)');
    return tf;
  },
};
export default f64;
