/** Helpers to run operators over small streams in tests. */
import { from, lastValueFrom, throwError, concat, toArray, type Observable, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';

/** Runs `op` over `batches` and collects the output. */
export function run<T>(op: OperatorFunction<RecordBatch, T>, batches: RecordBatch[]): Promise<T[]> {
  return lastValueFrom(from(batches).pipe(op, toArray()));
}

/** A stream that emits `batches` and then fails with `err`. */
function failingAfter(batches: RecordBatch[], err: Error): Observable<RecordBatch> {
  return concat(
    from(batches),
    throwError(() => err),
  );
}

/** Asserts that an upstream error reaches the subscriber unchanged. */
export async function expectPropagates<T>(op: OperatorFunction<RecordBatch, T>, batches: RecordBatch[]): Promise<void> {
  const boom = new Error('upstream failed');
  const seen = await lastValueFrom(failingAfter(batches, boom).pipe(op, toArray())).catch((e: unknown) => e);
  if (seen !== boom) throw new Error(`expected the upstream error to propagate, got ${String(seen)}`);
}
