/**
 * The `f64` backend: a float64 reference for checking how much float32 rounding moves results.
 * Its own kernels compute in float64 throughout (hash projections and prototype distances as
 * plain dense sums); every other kernel is the cpu kernel, registered as a gap. Tensor ops:
 * tfjs's `cpu` backend (float32, like every tfjs engine).
 */
import type { BackendDefinition } from '../backend.js';
import cpu from '../cpu/index.js';

const f64: BackendDefinition = {
  ...cpu,
  name: 'f64',
  description: 'float64 reference kernels (hashing, nearest prototype) + the cpu backend for the rest',
  workerKernels: 'f64',
};
export default f64;
