/**
 * The training step of an operator graph: feeds each incoming batch (a minibatch, or one shard's
 * rows) to a model's `learn` and emits what the step did, one report per batch, in order (the
 * next batch waits for the step before it, so the source is pulled no faster than the model
 * learns). A model whose step needs all of its data first (a shard trained to convergence)
 * gathers in `learn` and trains in `flush`, which runs when the source completes; its reports
 * follow.
 *
 * @example
 * import { lshHash, routeByShard, trainStep } from 'amem-flow';
 * await lastValueFrom(batches$.pipe(model.route(), routeByShard(), trainStep(model, { epochs: 100, workers: 2 })));
 */
import { concat, concatMap, defer, from, mergeMap, of, type Observable, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';

/** Options a training step passes to the model with every batch (each model reads those it knows). */
export interface StepOptions {
  /** Epochs over the data the step sees (a shard's data, trained to convergence within this cap). */
  epochs?: number;
  /** Worker threads a step may use. */
  workers?: number;
  /** The batches' features were checked (finite, in range) when their data set was collected: a step may skip that check. */
  validated?: boolean;
  /** A normalize step fused into the step: the model maps the batch's features from their declared range to this one as it reads them. */
  normalize?: [number, number];
  /** Epochs after which to keep a copy of the model (for a learning curve). */
  snapshotEpochs?: readonly number[];
  /** Progress of long steps. */
  onProgress?: (progress: { part: number; epoch: number; misses: number; done: boolean }) => void;
}

/** What `trainStep` needs from a model. */
export interface Learner<R> {
  /** Learns from one batch; the report says what the step did. */
  learn(batch: RecordBatch, opts?: StepOptions): R | Promise<R>;
  /** Runs training that needs all batches first, after the last one; returns its reports. */
  flush?(opts?: StepOptions): Promise<R[]>;
}

/**
 * Feeds each batch to `model.learn` in order and emits the step reports, then those of
 * `model.flush`. A step that returns its report at once completes at once, so a synchronous
 * source is consumed batch by batch as it is produced (nothing piles up between the operators).
 */
export function trainStep<R>(model: Learner<R>, opts: StepOptions = {}): OperatorFunction<RecordBatch, R> {
  const step = (batch: RecordBatch): Observable<R> => {
    const report = model.learn(batch, opts);
    return report instanceof Promise ? from(report) : of(report);
  };
  const flush = model.flush?.bind(model);
  // A model without `flush` adds no end step (no promise per stream: epochs pull one minibatch stream per step).
  if (!flush) return (source: Observable<RecordBatch>) => source.pipe(concatMap(step));
  return (source: Observable<RecordBatch>) => concat(source.pipe(concatMap(step)), defer(() => from(flush(opts))).pipe(mergeMap((reports) => from(reports))));
}
