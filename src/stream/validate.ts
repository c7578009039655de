/**
 * Per-sample checks on incoming batches: a bad sample is set aside with its id and the reason,
 * and its good neighbours go on. Whole-batch problems (no feature column, wrong width, no labels)
 * reject every row of the batch.
 */
import { DataType, Type, type RecordBatch } from 'apache-arrow';
import { features, intColumn, takeRows } from '../data/batch.js';

/** A sample that could not be used, and why. */
export interface Rejection {
  /** The sample id, or -1 when the batch has none. */
  id: number;
  reason: string;
}

/** What the stream must look like to be learned from. */
export interface Expectations {
  /** Feature width; learned from the first good batch when absent. */
  width?: number;
  /** Labels must lie in [0, classes). */
  classes: number;
}

/** Splits `batch` into usable rows (`good`, undefined if none) and rejected ones. */
export function validateBatch(batch: RecordBatch, expect: Expectations): { good?: RecordBatch; rejected: Rejection[] } {
  const rows = batch.numRows;
  const idField = batch.schema.fields.find((f) => f.name === 'id');
  const ids = idField && idField.type.typeId === Type.Int ? intColumn(batch, 'id') : undefined;
  const all = (reason: string) => ({ rejected: Array.from({ length: rows }, (_, i) => ({ id: ids ? ids[i] : -1, reason })) });
  if (!ids) return all("no Int32 'id' column: every sample needs a stable id");
  const x = batch.schema.fields.find((f) => f.name === 'x');
  if (!x || !DataType.isFixedSizeList(x.type)) return all("no 'x' feature column of type FixedSizeList<Float32|Uint8>");
  let f;
  try {
    f = features(batch, 'stream');
  } catch (err) {
    return all((err as Error).message);
  }
  if (expect.width !== undefined && f.width !== expect.width) return all(`wrong feature width ${f.width}, expected ${expect.width}`);
  const yField = batch.schema.fields.find((fl) => fl.name === 'y');
  if (!yField || yField.type.typeId !== Type.Int) return all("no Int32 'y' label column");
  const y = intColumn(batch, 'y')!;
  const rejected: Rejection[] = [];
  const keep: number[] = [];
  const floats = !(f.values instanceof Uint8Array);
  for (let i = 0; i < rows; i++) {
    if (!(y[i] >= 0 && y[i] < expect.classes)) {
      rejected.push({ id: ids[i], reason: `label ${y[i]} outside [0, ${expect.classes})` });
      continue;
    }
    if (floats) {
      let bad = -1;
      for (let j = 0; j < f.width && bad < 0; j++) if (!Number.isFinite(f.values[i * f.width + j])) bad = j;
      if (bad >= 0) {
        rejected.push({ id: ids[i], reason: `feature ${bad} is ${f.values[i * f.width + bad]}` });
        continue;
      }
    }
    keep.push(i);
  }
  if (keep.length === 0) return { rejected };
  return { good: keep.length === rows ? batch : takeRows(batch, keep), rejected };
}
