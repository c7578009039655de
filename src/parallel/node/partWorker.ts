/**
 * One worker thread that computes a part of each minibatch (data-parallel training on two
 * threads): the part's rows (float32 or bytes) are copied into one shared buffer, reused by every step
 * (steps run one at a time), and handed to the task as `x`.
 */
import { createWorkerPool, type WorkerPool } from './workerPool.js';

/** A worker running the task module at `entry` on parts of minibatches. */
export class PartWorker<T extends { x: SharedArrayBuffer; warm?: boolean }, R> {
  private readonly pool: WorkerPool;
  private shared = new Uint8Array(new SharedArrayBuffer(0));

  constructor(entry: URL) {
    this.pool = createWorkerPool(1, entry);
  }

  /** Starts the task on a part (`x`: its rows, row-major); the next call may reuse the buffer only after this one settles. */
  run(x: Float32Array | Uint8Array, task: Omit<T, 'x'>): Promise<R> {
    if (this.shared.length < x.byteLength) this.shared = new Uint8Array(new SharedArrayBuffer(x.byteLength));
    this.shared.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    return this.pool.run<T, R>({ ...task, x: this.shared.buffer as SharedArrayBuffer } as T);
  }

  /**
   * Has the worker load its task module and what the task needs (kernels, a backend) with a task
   * marked `warm` (only the fields naming those are needed), which computes nothing: the first
   * real step then waits only for its own work.
   */
  async warm(task: Partial<Omit<T, 'x' | 'warm'>>): Promise<void> {
    await this.pool.run({ ...task, x: this.shared.buffer as SharedArrayBuffer, warm: true } as T);
  }

  /** Stops the worker. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
