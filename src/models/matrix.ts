/**
 * Dense row-major float32 matrices, the input shape of the `plasticity`-style estimator API, and
 * their conversion to sample batches.
 */
import type { RecordBatch } from 'apache-arrow';
import { makeSampleBatch } from '../data/batch.js';
import { DataError } from '../util/errors.js';

/** A dense float32 matrix, row-major (one sample per row). */
export interface Matrix {
  values: Float32Array;
  rows: number;
  cols: number;
}

/** True for a Matrix (rather than a batch or a stream of batches). */
export function isMatrix(X: object): X is Matrix {
  return 'values' in X && 'cols' in X;
}

/** A matrix of inputs as a sample batch (ids 0 … rows − 1, range [0, 1]), after checking its shape and values. */
export function matrixBatch(X: Matrix, who: string): RecordBatch {
  const values = checkMatrix(X, who);
  return makeSampleBatch({ ids: Int32Array.from({ length: X.rows }, (_, i) => i), x: values, info: { shape: [X.cols], range: [0, 1], encoding: 'scaled' } });
}

/** Float32 inputs, checked for shape and finiteness. */
export function checkMatrix(X: Matrix, who: string): Float32Array {
  if (!(X.values instanceof Float32Array)) throw new DataError(`${who}: values must be a Float32Array`);
  if (!(Number.isInteger(X.rows) && X.rows >= 1 && Number.isInteger(X.cols) && X.cols >= 1) || X.values.length !== X.rows * X.cols) {
    throw new DataError(`${who}: ${X.values.length} values do not make ${X.rows} rows × ${X.cols} columns`);
  }
  for (let i = 0; i < X.values.length; i++) {
    if (!Number.isFinite(X.values[i])) throw new DataError(`${who}: row ${Math.floor(i / X.cols)}, column ${i % X.cols} is ${X.values[i]}; inputs must be finite (scale them to [0, 1])`);
  }
  return X.values;
}

/** max |a − b| over the elements. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m) m = d;
  }
  return m;
}
