/**
 * The `cpu` backend: the project's own TypeScript kernels over typed arrays.
 *
 * It is the reference every other backend is compared with, so it is written to be read first
 * and fast second; sums run in float64 (JavaScript's native number), which makes the integer
 * arithmetic of hashing and prototype sums exact.
 */
import type { Backend } from '../backend.js';
import { lshCodes } from './lshCodes.js';
import { nearestPrototypes } from './nearestPrototypes.js';
import { trainPrototypes } from './trainPrototypes.js';

/** The pure-CPU reference backend. */
export const cpuBackend: Backend = {
  name: 'cpu',
  description: 'pure TypeScript kernels on typed arrays (the reference)',
  lshCodes,
  nearestPrototypes,
  trainPrototypes,
};
