/**
 * A pool of worker threads for work that takes milliseconds or more (training shards, Dense AM
 * minibatch halves), so independent work uses every core. Node's tfjs WASM backend is
 * single-threaded, so parallelism across cores is ours to provide.
 *
 * A task module (TypeScript, loaded through `bootstrap.mjs`) default-exports the function each task
 * runs; the pool runs tasks on `threads` workers.
 *
 * @example
 * const pool = createWorkerPool(2, new URL('./kernelTask.ts', import.meta.url));
 * const out = await pool.run(task, [task.args.x.buffer]);
 * await pool.close();
 */
import { availableParallelism } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';

/** A running pool; close it when done. */
export interface WorkerPool {
  readonly threads: number;
  /** Runs one task; `transfer` lists buffers to move rather than copy. */
  run<T, R>(task: T, transfer?: readonly (ArrayBufferLike | MessagePort)[]): Promise<R>;
  close(): Promise<void>;
}

/** Threads to use for `workers: 'auto'`: one per core. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Starts `threads` worker threads running the task module at `entry`. */
export function createWorkerPool(threads: number, entry: URL): WorkerPool {
  const pool = new Piscina({
    filename: new URL('./bootstrap.mjs', import.meta.url).href,
    workerData: { entry: entry.href },
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
  return {
    threads,
    run: <T, R>(task: T, transfer: readonly (ArrayBufferLike | MessagePort)[] = []) => pool.run(task, { transferList: transfer as never }) as Promise<R>,
    close: () => pool.destroy(),
  };
}
