/**
 * Reads Arrow IPC data (file or stream format, detected automatically) as an Observable of
 * record batches, one batch at a time, from a path, a Node readable stream or any async
 * iterable of bytes.
 *
 * @example
 * import { readArrow } from 'amem-flow';
 * readArrow('samples.arrow').pipe(normalize()).subscribe(...);
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { arrowBatches, type ArrowReadState } from './arrowBatches.js';
import { DataError, UsageError } from '../../util/errors.js';

/** Where Arrow bytes come from. */
export type ArrowInput = string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Streams the record batches of Arrow IPC data; unsubscribing stops reading. */
export function readArrow(input: ArrowInput, name = typeof input === 'string' ? input : 'Arrow stream'): Observable<RecordBatch> {
  return new Observable<RecordBatch>((subscriber) => {
    let stopped = false;
    void (async () => {
      const stream = typeof input === 'string' ? await openFile(input) : undefined;
      try {
        const state: ArrowReadState = { schema: false, batches: 0 };
        for await (const batch of arrowBatches((stream ?? input) as AsyncIterable<Uint8Array>, state)) {
          if (stopped) break;
          subscriber.next(batch);
        }
        if (!stopped && !state.schema) throw new DataError(`'${name}' holds no Arrow schema: it is empty, or not Arrow IPC data`);
        subscriber.complete();
      } finally {
        stream?.destroy();
      }
    })().catch((err: unknown) => subscriber.error(explain(err, name)));
    return () => {
      stopped = true;
    };
  });
}

async function openFile(path: string) {
  try {
    await stat(path);
  } catch (err) {
    throw new UsageError(`cannot open Arrow file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`);
  }
  return createReadStream(path);
}

function explain(err: unknown, name: string): Error {
  if (err instanceof UsageError || err instanceof DataError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new DataError(`'${name}' is not valid Arrow IPC data or is truncated (${msg}); write it with an Arrow IPC file or stream writer`);
}
