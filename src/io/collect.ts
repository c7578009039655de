/**
 * Collects a finite stream of sample batches into one contiguous batch, for models that make
 * several passes over their training set.
 */
import { lastValueFrom, tap, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { concatBatches, features } from '../data/batch.js';
import { DataError } from '../util/errors.js';

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
