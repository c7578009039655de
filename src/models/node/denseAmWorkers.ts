/**
 * The worker-thread split of Dense AM training: one worker computes the second part of each
 * minibatch while the calling thread computes the first. The part's features are copied into one
 * shared buffer, reused by every step (steps run one at a time).
 */
import { createWorkerPool, siblingModule, type WorkerPool } from '../../parallel/node/workerPool.js';
import type { DenseAmPart } from '../denseAmMath.js';
import type { DenseAmTask } from './denseAmTask.js';

/** A worker that computes parts of minibatches. */
export class DenseAmWorkers {
  private readonly pool: WorkerPool = createWorkerPool(1, siblingModule('./denseAmTask', import.meta.url));
  private shared = new Float32Array(new SharedArrayBuffer(0));

  /** Starts the gradient of one part (features rows × width, labels) on the worker. */
  gradient(x: Float32Array, task: Omit<DenseAmTask, 'x'>): Promise<DenseAmPart> {
    if (this.shared.length < x.length) this.shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
    this.shared.set(x);
    return this.pool.run<DenseAmTask, DenseAmPart>({ ...task, x: this.shared.buffer as SharedArrayBuffer });
  }

  /** Stops the worker. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
