/**
 * The model contract: what every amem-flow model offers to operators, the pipeline runner and
 * library users. A model learns from one minibatch (or one shard's rows) at a time through
 * `learn`, so `trainStep(model)` drives it from any stream; it predicts a batch (the `predict`
 * operator adds the `pred` column); it writes its whole state as a checkpoint, and its class
 * rebuilds it with a static `fromCheckpoint(ckpt, backend, source)`. Models share option names:
 * `seed`, `epochs`, `batchSize`, `learningRate`.
 */
import type { RecordBatch } from 'apache-arrow';
import type { Checkpoint } from '../io/checkpoint.js';
import type { Learner } from '../operators/trainStep.js';

/** A model that assigns a class to each sample of a batch. */
export interface Classifier {
  /** Number of classes; predictions lie in [0, classes). */
  readonly classes: number;
  /** One predicted class per row of `batch` (asynchronous: a GPU backend reads its results back from the device). */
  predict(batch: RecordBatch): Promise<Int32Array>;
}

/** A trainable classifier: learns step by step, predicts, and saves its state. */
export interface Model<R> extends Classifier, Learner<R> {
  /** The checkpoint kind, e.g. `dense-am`. */
  readonly kind: string;
  /** The model's whole state (settings, tensors, optimiser) as a checkpoint. */
  toCheckpoint(): Checkpoint;
}
