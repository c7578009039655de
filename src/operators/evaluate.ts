/**
 * Scores a classifier on a labelled stream: accuracy and a confusion matrix, updated per batch.
 * It is `predict(model)` followed by `score(classes)`, which compares the `pred` and `y` columns.
 *
 * It emits the running totals after every batch (so a progress line can show them) and the final
 * totals last; `last()` gives the result for the whole stream. Rows whose label lies outside
 * [0, classes) are an error, not a silent skip.
 *
 * @example
 * import { evaluate } from 'amem-flow';
 * const result = await lastValueFrom(test$.pipe(evaluate(model)));
 * console.log(result.accuracy);
 *
 * @param model a `Predictor` (every model)
 * @returns an operator that emits an `Evaluation` per batch
 */
import { pipe, scan, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { labels } from '../data/batch.js';
import { DataError } from '../util/errors.js';
import { predict, predictions, type Predictor } from './predict.js';

/** Running evaluation totals. */
export interface Evaluation {
  /** Samples scored. */
  n: number;
  /** Samples predicted correctly. */
  correct: number;
  /** correct / n (NaN before the first sample). */
  accuracy: number;
  /** confusion[label][predicted] counts. */
  confusion: number[][];
}

/** Evaluates `model` on each batch and emits running totals. */
export function evaluate(model: Predictor): OperatorFunction<RecordBatch, Evaluation> {
  return pipe(predict(model), score(model.classes));
}

/** Scores batches that carry a `pred` column against their labels and emits running totals. */
export function score(classes: number): OperatorFunction<RecordBatch, Evaluation> {
  const K = classes;
  const seed: Evaluation = { n: 0, correct: 0, accuracy: NaN, confusion: Array.from({ length: K }, () => new Array<number>(K).fill(0)) };
  return scan((acc: Evaluation, batch: RecordBatch) => {
    const y = labels(batch, 'evaluate');
    const pred = predictions(batch, 'evaluate');
    const confusion = acc.confusion.map((row) => row.slice());
    let correct = acc.correct;
    for (let i = 0; i < y.length; i++) {
      const t = y[i];
      if (!(t >= 0 && t < K)) throw new DataError(`evaluate: label ${t} is outside [0, ${K}) for the model's ${K} classes`);
      confusion[t][pred[i]]++;
      if (pred[i] === t) correct++;
    }
    const n = acc.n + y.length;
    return { n, correct, accuracy: correct / n, confusion };
  }, seed);
}
