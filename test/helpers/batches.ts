/** Small sample batches for tests. */
import { makeSampleBatch, type FeatureInfo } from '../../src/data/batch.js';
import type { RecordBatch } from 'apache-arrow';

/** A batch of `rows` samples of width `shape` product, with ids from `firstId` and values from `value(i, j)`. */
export function testBatch(
  rows: number,
  opts: { shape?: number[]; firstId?: number; classes?: number; value?: (i: number, j: number) => number; info?: Partial<FeatureInfo>; uint8?: boolean } = {},
): RecordBatch {
  const shape = opts.shape ?? [2, 3];
  const width = shape.reduce((a, b) => a * b, 1);
  const first = opts.firstId ?? 0;
  const value = opts.value ?? ((i, j) => ((first + i) * 7 + j * 13) % 256);
  const x = opts.uint8 ? new Uint8Array(rows * width) : new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) for (let j = 0; j < width; j++) x[i * width + j] = value(i, j);
  const ids = Int32Array.from({ length: rows }, (_, i) => first + i);
  const y = Int32Array.from({ length: rows }, (_, i) => (first + i) % (opts.classes ?? 3));
  return makeSampleBatch({ ids, x, y, info: { shape, range: [0, 255], encoding: 'raw', ...opts.info } });
}
