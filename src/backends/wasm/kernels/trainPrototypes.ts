/** The wasm `trainPrototypes` kernel: the shared driver with the module's epoch loop. */
import type { KernelConfig } from '../../kernel.js';
import { trainPrototypesWith } from '../../prototypeTrainer.js';
import { wasmEpochEngine } from '../module.js';

/** The wasm registration of `trainPrototypes`. */
export const trainPrototypesConfig: KernelConfig<'trainPrototypes'> = {
  kernelName: 'trainPrototypes',
  backendName: 'wasm',
  bitIdentical: true,
  kernelFunc: (args) => trainPrototypesWith(wasmEpochEngine(), args),
};
