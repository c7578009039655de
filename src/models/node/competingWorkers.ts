/**
 * The worker-thread split of competing-units training: one worker ranks the second part of each
 * minibatch while the calling thread ranks the first (each sample's currents do not depend on
 * the split). The part's inputs are copied into one shared buffer, reused by every step.
 */
import { createWorkerPool, siblingModule, type WorkerPool } from '../../parallel/node/workerPool.js';
import type { Ranks } from '../competingRanks.js';
import type { CompetingTask } from './competingTask.js';

/** A worker that ranks parts of minibatches. */
export class CompetingWorkers {
  private readonly pool: WorkerPool = createWorkerPool(1, siblingModule('./competingTask', import.meta.url));
  private shared = new Float32Array(new SharedArrayBuffer(0));

  /** Starts ranking `rows` samples (x: rows × width) on the worker; `wT` must live in shared memory. */
  rank(x: Float32Array, task: Omit<CompetingTask, 'x'>): Promise<Ranks> {
    if (this.shared.length < x.length) this.shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
    this.shared.set(x);
    return this.pool.run<CompetingTask, Ranks>({ ...task, x: this.shared.buffer as SharedArrayBuffer });
  }

  /** Stops the worker. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
