/**
 * A pool of worker threads for kernels that take seconds or more (e.g. training shards), so
 * independent work uses every core. Node's tfjs WASM backend is single-threaded, so parallelism
 * across cores is ours to provide.
 *
 * @example
 * const pool = createWorkerPool(2);
 * const out = await pool.trainPrototypes(task, transferList);
 * await pool.close();
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { TrainPrototypesTask, TrainPrototypesTaskResult } from './kernelTask.js';

/** A running pool; close it when done. */
export interface WorkerPool {
  readonly threads: number;
  trainPrototypes(task: TrainPrototypesTask, transfer: ArrayBufferLike[]): Promise<TrainPrototypesTaskResult>;
  close(): Promise<void>;
}

/** Threads to use for `workers: 'auto'`: one per core. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Starts a pool of `threads` worker threads. */
export function createWorkerPool(threads: number): WorkerPool {
  const pool = new Piscina({
    filename: new URL('./bootstrap.mjs', import.meta.url).href,
    workerData: { entry: new URL('./kernelTask.ts', import.meta.url).href },
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
  return {
    threads,
    trainPrototypes: (task, transfer) => pool.run(task, { transferList: [...transfer, ...(task.progress ? [task.progress] : [])] as never }),
    close: () => pool.destroy(),
  };
}
