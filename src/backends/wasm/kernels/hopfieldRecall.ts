/** The wasm backend's `hopfieldRecall`: the cpu kernel on the host (a gap: sequential unit updates on integer overlaps, O(P) each). */
import { recallStates } from '../../cpu/kernels/hopfieldRecall.js';
import type { KernelConfig } from '../../kernel.js';

/** The wasm registration of `hopfieldRecall`. */
export const hopfieldRecallConfig: KernelConfig<'hopfieldRecall'> = {
  kernelName: 'hopfieldRecall',
  backendName: 'wasm',
  bitIdentical: true,
  kernelFunc: recallStates,
  gap: 'runs in TypeScript on the host (the cpu kernel): sequential unit updates on integer overlaps, O(P) each',
};
