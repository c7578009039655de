/**
 * The task a worker thread runs for data-parallel training of the competing hidden units: the
 * ranks of one part of a minibatch, with the backend's worker kernel set. The part's inputs and
 * the transposed powers of the weights are read from SharedArrayBuffers, so nothing is copied.
 */
import type { BackendName } from '../../backends/backend.js';
import { hostKernels } from '../../backends/kernelModules.js';
import { rankRows, type Ranks } from '../../backends/competingRanks.js';

/** One part of a minibatch. */
export interface CompetingTask {
  kernels: BackendName;
  /** The part's inputs, rows × width float32 at the start of a shared buffer. */
  x: SharedArrayBuffer;
  width: number;
  rows: number;
  /** sign(W)·|W|^(p−1) transposed, width × hidden float32, shared (not written while a task runs). */
  wT: SharedArrayBuffer;
  hidden: number;
  k: number;
  /** Only load the kernels (see `PartWorker.warm`). */
  warm?: boolean;
}

/** Ranks the part's samples. */
export default async function run(task: CompetingTask): Promise<Ranks | undefined> {
  const kernels = await hostKernels(task.kernels); // the kernel module is imported once per thread
  if (task.warm) return undefined;
  const x = new Float32Array(task.x, 0, task.rows * task.width);
  const currents = await kernels.run('competingCurrents', { wT: new Float32Array(task.wT), hidden: task.hidden, x, rows: task.rows, width: task.width });
  return rankRows(currents, task.rows, task.hidden, task.k);
}
