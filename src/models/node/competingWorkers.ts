/**
 * The worker-thread split of competing-units training: a worker ranks the second half of each
 * minibatch (each sample's currents do not depend on the split).
 */
import { PartWorker } from '../../parallel/node/partWorker.js';
import { siblingModule } from '../../parallel/node/workerPool.js';
import type { Ranks } from '../../backends/competingRanks.js';
import type { CompetingTask } from './competingTask.js';

/** A worker for the second half of each minibatch. */
export function competingWorkers(): PartWorker<CompetingTask, Ranks> {
  return new PartWorker(siblingModule('./competingTask', import.meta.url));
}
