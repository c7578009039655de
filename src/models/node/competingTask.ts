/**
 * The task a worker thread runs for data-parallel training of the competing hidden units: the
 * ranks of one part of a minibatch, with the backend's worker kernel set. The training set and
 * the transposed powers of the weights are read from SharedArrayBuffers, so only row numbers travel.
 */
import type { BackendName } from '../../backends/backend.js';
import { hostKernels } from '../../backends/kernelModules.js';
import { rankRows, type Ranks } from '../competingRanks.js';

/** One part of a minibatch. */
export interface CompetingTask {
  kernels: BackendName;
  /** The whole training set, rows × width float32, shared. */
  x: SharedArrayBuffer;
  width: number;
  /** Row numbers of this part. */
  rows: Int32Array;
  /** sign(W)·|W|^(p−1) transposed, width × hidden float32, shared (not written while a task runs). */
  wT: SharedArrayBuffer;
  hidden: number;
  k: number;
}

/** Ranks the part's samples. */
export default async function run(task: CompetingTask): Promise<Ranks> {
  const kernels = await hostKernels(task.kernels); // the kernel module is imported once per thread
  const all = new Float32Array(task.x);
  const D = task.width;
  const n = task.rows.length;
  const x = new Float32Array(n * D);
  task.rows.forEach((r, i) => x.set(all.subarray(r * D, (r + 1) * D), i * D));
  const currents = kernels.run('competingCurrents', { wT: new Float32Array(task.wT), hidden: task.hidden, x, rows: n, width: D });
  return rankRows(currents, n, task.hidden, task.k);
}
