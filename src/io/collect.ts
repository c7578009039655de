/**
 * Collects a finite stream of sample batches into contiguous arrays (float32 features, labels),
 * for models that make several passes over their training set.
 */
import { lastValueFrom, tap, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { concatBatches, features, labels, type FeatureInfo } from '../data/batch.js';
import { DataError } from '../util/errors.js';

/** A collected training set. */
export interface CollectedSamples {
  x: Float32Array;
  y: Int32Array;
  rows: number;
  width: number;
  info: FeatureInfo;
}

/** Reads every batch of `source` into one float32 feature array and one label array. */
export async function collectSamples(source: Observable<RecordBatch>, who: string): Promise<CollectedSamples> {
  const xs: Float32Array[] = [];
  const ys: Int32Array[] = [];
  let info: (FeatureInfo & { width: number }) | undefined;
  await lastValueFrom(
    source.pipe(
      tap((batch) => {
        const f = features(batch, who);
        if (info && f.width !== info.width) throw new DataError(`${who}: batch features have width ${f.width}, earlier batches ${info.width}`);
        info ??= { shape: f.shape, range: f.range, encoding: f.encoding, width: f.width };
        xs.push(f.values instanceof Float32Array ? f.values.slice() : Float32Array.from(f.values));
        ys.push(labels(batch, who).slice());
      }),
    ),
    { defaultValue: undefined },
  );
  if (!info || ys.every((y) => y.length === 0)) throw new DataError(`${who}: the training stream had no samples`);
  const rows = ys.reduce((n, y) => n + y.length, 0);
  const x = new Float32Array(rows * info.width);
  const y = new Int32Array(rows);
  let at = 0;
  xs.forEach((part, i) => {
    x.set(part, at * info!.width);
    y.set(ys[i], at);
    at += ys[i].length;
  });
  const { width, ...rest } = info;
  return { x, y, rows, width, info: rest };
}

/** Concatenates every batch of a finite stream into one batch (a copy unless there is one batch). */
export async function collectBatch(source: Observable<RecordBatch>, who: string): Promise<RecordBatch> {
  const batches: RecordBatch[] = [];
  let width: number | undefined;
  await lastValueFrom(
    source.pipe(
      tap((batch) => {
        if (batch.numRows === 0) return;
        const w = features(batch, who).width;
        if (width !== undefined && w !== width) throw new DataError(`${who}: batch features have width ${w}, earlier batches ${width}`);
        width = w;
        batches.push(batch);
      }),
    ),
    { defaultValue: undefined },
  );
  if (batches.length === 0) throw new DataError(`${who}: the training stream had no samples`);
  return concatBatches(batches);
}
