/** The cpu `trainPrototypes` kernel: the shared driver with the TypeScript epoch engine (`../trainEpoch.ts`). */
import type { KernelConfig } from '../../kernel.js';
import { trainPrototypesWith } from '../../prototypeTrainer.js';
import { cpuEpochEngine } from '../trainEpoch.js';

/** The cpu registration of `trainPrototypes`. */
export const trainPrototypesConfig: KernelConfig<'trainPrototypes'> = { kernelName: 'trainPrototypes', backendName: 'cpu', kernelFunc: (args) => trainPrototypesWith(cpuEpochEngine, args) };
