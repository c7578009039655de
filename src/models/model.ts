/**
 * What every trained model offers to the pipeline runner and the operators.
 */
import type { RecordBatch } from 'apache-arrow';

/** A model that assigns a class to each sample of a batch. */
export interface Classifier {
  /** Number of classes; predictions lie in [0, classes). */
  readonly classes: number;
  /** One predicted class per row of `batch`. */
  predict(batch: RecordBatch): Int32Array;
}
