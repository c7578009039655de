/** The worker-thread split of Dense AM training: a worker computes the second half of each minibatch's gradient. */
import { PartWorker } from '../../parallel/node/partWorker.js';
import { siblingModule } from '../../parallel/node/workerPool.js';
import type { DenseAmPart } from '../denseAmMath.js';
import type { DenseAmTask } from './denseAmTask.js';

/** A worker for the second half of each minibatch. */
export function denseAmWorkers(): PartWorker<DenseAmTask, DenseAmPart> {
  return new PartWorker(siblingModule('./denseAmTask', import.meta.url));
}
