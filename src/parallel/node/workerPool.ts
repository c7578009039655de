/**
 * A pool of worker threads for work that takes milliseconds or more (training shards, Dense AM
 * minibatch halves), so independent work uses every core. Node's tfjs WASM backend is
 * single-threaded, so parallelism across cores is ours to provide.
 *
 * A task module default-exports the function each task runs (`bootstrap.mjs` loads it, through
 * tsx when it is TypeScript); the pool runs tasks on `threads` workers.
 *
 * @example
 * const pool = createWorkerPool(2, siblingModule('./kernelTask', import.meta.url));
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

/**
 * The URL of a task module next to `from` (an `import.meta.url`), given without extension: `.ts`
 * when running from the TypeScript sources, `.js` when running the built package.
 */
export function siblingModule(relative: string, from: string): URL {
  return new URL(`${relative}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/** The worker entry that loads a module named by `workerData.entry` (through tsx when it is TypeScript). */
export const WORKER_BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

/** Starts `threads` worker threads running the task module at `entry`. */
export function createWorkerPool(threads: number, entry: URL): WorkerPool {
  const pool = new Piscina({
    filename: WORKER_BOOTSTRAP.href,
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
