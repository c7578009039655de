/**
 * The task a worker thread runs: one backend kernel call on plain typed arrays.
 *
 * Progress (e.g. per-epoch misses) goes back through an optional MessagePort, at most every
 * 100 ms, so the main thread can draw a progress bar while a long shard trains.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BackendName } from '../../backends/backend.js';
import type { TrainPrototypesArgs, TrainPrototypesResult } from '../../backends/kernel.js';
import { hostKernels } from '../../backends/kernelModules.js';

/** A `trainPrototypes` call to run in a worker. */
export interface TrainPrototypesTask {
  /** The kernel set to run it with (a backend's `workerKernels`). */
  kernels: BackendName;
  args: Omit<TrainPrototypesArgs, 'onEpoch'>;
  progress?: MessagePort;
}

/** What comes back: the kernel's result and the updated sums and counts. */
export interface TrainPrototypesTaskResult {
  result: TrainPrototypesResult;
  /** Seconds the kernel ran (not counting time queued). */
  seconds: number;
  sums: Float64Array;
  counts: Float64Array;
}

/** Runs `trainPrototypes` with the named kernel set and returns the updated arrays. */
export default async function run(task: TrainPrototypesTask): Promise<TrainPrototypesTaskResult> {
  const kernels = await hostKernels(task.kernels); // the kernel module is imported once per thread
  let last = 0;
  const started = performance.now();
  const result = await kernels.run('trainPrototypes', {
    ...task.args,
    onEpoch: task.progress
      ? (epoch: number, misses: number) => {
          const now = Date.now();
          if (now - last >= 100 || misses === 0) {
            last = now;
            task.progress!.postMessage({ epoch, misses });
          }
        }
      : undefined,
  });
  task.progress?.close();
  const { sums, counts } = task.args;
  const seconds = (performance.now() - started) / 1000;
  // Small arrays (one shard's sums): structured cloning them back costs microseconds.
  return { result, seconds, sums, counts };
}
