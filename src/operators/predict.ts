/**
 * Runs a model on each batch and adds its predictions as an Int32 `pred` column, so predictions
 * travel with the samples (to `evaluate`, a writer, or the user's own operators).
 *
 * @example
 * import { predict } from 'amem-flow';
 * test$.pipe(normalize({ range: [-1, 1] }), predict(model)); // each batch gains `pred`
 */
import { concatMap, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { intColumn, withIntColumn } from '../data/batch.js';
import { DataError } from '../util/errors.js';

/** What `predict` needs from a model: its class count and one class per row of a batch. */
export interface Predictor {
  /** Number of classes; predictions lie in [0, classes). */
  readonly classes: number;
  /** One predicted class per row of `batch` (a promise: device backends read results back asynchronously). */
  predict(batch: RecordBatch): Promise<Int32Array>;
}

/** Adds (or replaces) the `pred` column with the model's class for each row. */
export function predict(model: Predictor): OperatorFunction<RecordBatch, RecordBatch> {
  return concatMap(async (batch) => {
    const pred = await model.predict(batch);
    if (pred.length !== batch.numRows) throw new DataError(`predict: the model returned ${pred.length} predictions for ${batch.numRows} rows`);
    return withIntColumn(batch, 'pred', pred);
  });
}

/** The `pred` column of a batch that went through `predict`. */
export function predictions(batch: RecordBatch, where: string): Int32Array {
  const pred = intColumn(batch, 'pred');
  if (!pred) throw new DataError(`${where}: the batch has no 'pred' column; put predict(model) before it`);
  return pred;
}
