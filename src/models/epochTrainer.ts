/**
 * Training in epochs over a finite data set, as an operator graph: for each epoch,
 * `epochSource` (the data in that epoch's seeded order) → `minibatch` → `trainStep(model)`, then
 * the model closes the epoch. The Dense AM and the competing hidden units train this way; the
 * pipeline runner adds the learning curve, checkpoints and progress through `onEpoch`.
 *
 * @example
 * await trainEpochs(model, await collectBatch(train$), { epochs: 30, batchSize: 1000, seed: 1 });
 */
import { concatMap, lastValueFrom, range, toArray, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { ColumnArray } from '../data/batch.js';
import { collectBatch } from '../io/collect.js';
import { epochSource } from '../operators/epochSource.js';
import { minibatch } from '../operators/minibatch.js';
import { trainStep, type Learner, type StepOptions } from '../operators/trainStep.js';
import { UsageError } from '../util/errors.js';

/** A model that learns in epochs: steps on minibatches, and closes each epoch. */
export interface EpochLearner<R, E> extends Learner<R> {
  /** Epochs completed (the next epoch's number, counting from 0). */
  readonly epoch: number;
  /** Called once before the first epoch with the step options (e.g. to start worker threads early). */
  prepare?(opts: StepOptions): Promise<void>;
  /** Called before an epoch's first step. */
  beginEpoch?(): void;
  /** Ends the epoch whose step reports these are, advancing `epoch`; `stop: true` ends training (converged). */
  endEpoch(reports: R[]): E & { stop?: boolean };
  /** Frees what the steps held between calls (worker threads). */
  release?(): Promise<void>;
}

/** How to train. */
export interface EpochPlan<E> {
  /** Epochs to run (fewer when the model stops early). */
  epochs: number;
  batchSize: number;
  /** Seed of the per-epoch shuffles. */
  seed: number;
  /** Rows per step call, a multiple of `batchSize` (default `batchSize`): a model that takes several minibatches per call splits them itself. */
  stepRows?: number;
  /** Worker threads a step may use. */
  workers?: number;
  /** Use only whole minibatches each epoch (the rest of the epoch's order waits for a later shuffle). */
  wholeBatches?: boolean;
  /** The data were checked when collected: steps may skip their per-batch input checks. */
  validated?: boolean;
  /** A normalize step fused into the steps (see `StepOptions.normalize`): the data stay as collected. */
  normalize?: [number, number];
  /** Called after each epoch with the model's summary of it. */
  onEpoch?: (summary: E) => void | Promise<void>;
}

/** Data to train on: one batch, or a finite stream of batches (collected first). */
export type TrainingData = RecordBatch | Observable<RecordBatch>;

/** Collects training data into one batch; `who` names the model in errors. */
export async function trainingBatch(data: TrainingData, who: string): Promise<RecordBatch> {
  return 'numRows' in data ? data : collectBatch(data, who);
}

/** Runs `plan.epochs` epochs of `model` over `data`; returns the epoch summaries. */
export async function trainEpochs<R, E>(model: EpochLearner<R, E>, data: RecordBatch, plan: EpochPlan<E>): Promise<E[]> {
  const summaries: E[] = [];
  const step = { workers: plan.workers, validated: plan.validated, normalize: plan.normalize };
  // One gathered chunk per step call: per minibatch measured fastest for models that take one (larger chunks cost more in fresh memory than they save in calls).
  const chunk = plan.stepRows ?? plan.batchSize;
  if (!(Number.isInteger(chunk / plan.batchSize) && chunk > 0)) throw new UsageError(`trainEpochs: stepRows ${chunk} is not a multiple of batchSize ${plan.batchSize}`);
  const scratch = new Map<string, ColumnArray>();
  try {
    await model.prepare?.(step);
    for (let e = 0; e < plan.epochs; e++) {
      model.beginEpoch?.();
      const source = { seed: plan.seed, epoch: model.epoch, chunk, wholeBatches: plan.wholeBatches ? plan.batchSize : undefined, scratch };
      // The epoch is pulled one minibatch at a time: the next is gathered (into the same arrays)
      // when the step before it is done, however long it takes.
      const reports = await lastValueFrom(
        range(0, Math.ceil(data.numRows / chunk)).pipe(
          concatMap((k) => epochSource(data, { ...source, range: [k * chunk, (k + 1) * chunk] }).pipe(minibatch({ size: chunk }), trainStep(model, step))),
          toArray(),
        ),
      );
      const summary = model.endEpoch(reports);
      summaries.push(summary);
      await plan.onEpoch?.(summary);
      if (summary.stop) break;
    }
  } finally {
    await model.release?.();
  }
  return summaries;
}
