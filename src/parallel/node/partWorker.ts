/**
 * One worker thread that computes a part of each minibatch (data-parallel training on two
 * threads): the part's float32 rows are copied into one shared buffer, reused by every step
 * (steps run one at a time), and handed to the task as `x`.
 */
import { createWorkerPool, type WorkerPool } from './workerPool.js';

/** A worker running the task module at `entry` on parts of minibatches. */
export class PartWorker<T extends { x: SharedArrayBuffer }, R> {
  private readonly pool: WorkerPool;
  private shared = new Float32Array(new SharedArrayBuffer(0));

  constructor(entry: URL) {
    this.pool = createWorkerPool(1, entry);
  }

  /** Starts the task on a part (`x`: its rows, row-major); the next call may reuse the buffer only after this one settles. */
  run(x: Float32Array, task: Omit<T, 'x'>): Promise<R> {
    if (this.shared.length < x.length) this.shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
    this.shared.set(x);
    return this.pool.run<T, R>({ ...task, x: this.shared.buffer as SharedArrayBuffer } as T);
  }

  /** Stops the worker. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
