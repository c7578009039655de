/**
 * Arrow IPC bytes (file or stream format, detected) as an Observable of record batches, from any
 * async iterable of bytes or a web `ReadableStream` — a `fetch` response body in a browser, a
 * file or socket in Node (`readArrow` in `amem-flow/node` opens paths). Batches are decoded as
 * the bytes arrive; unsubscribing stops reading and cancels the stream.
 *
 * @example
 * const res = await fetch('/data/mnist-train.arrow');
 * readArrowStream(res.body!, 'mnist-train.arrow').pipe(normalize()).subscribe(...);
 */
import { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { arrowBatches, type ArrowReadState } from './arrowBatches.js';
import { DataError, UsageError } from '../util/errors.js';

/** Bytes the reader accepts: an async iterable of chunks, or a web ReadableStream. */
export type ArrowBytes = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** Streams the record batches of Arrow IPC bytes; errors name the source and the problem. */
export function readArrowStream(input: ArrowBytes, name = 'Arrow stream', onEnd?: () => void): Observable<RecordBatch> {
  return new Observable<RecordBatch>((subscriber) => {
    let stopped = false;
    const { chunks, cancel } = iterate(input);
    void (async () => {
      try {
        const state: ArrowReadState = { schema: false, batches: 0 };
        for await (const batch of arrowBatches(chunks, state)) {
          if (stopped) break;
          subscriber.next(batch);
        }
        if (!stopped && !state.schema) throw new DataError(`'${name}' holds no Arrow schema: it is empty, or not Arrow IPC data`);
        subscriber.complete();
      } finally {
        onEnd?.();
      }
    })().catch((err: unknown) => subscriber.error(explain(err, name)));
    return () => {
      stopped = true;
      cancel();
    };
  });
}

/** Chunks of a ReadableStream (through its reader: not every browser iterates streams) or of an async iterable. */
function iterate(input: ArrowBytes): { chunks: AsyncIterable<Uint8Array>; cancel: () => void } {
  if (!('getReader' in input)) return { chunks: input, cancel: () => {} };
  const reader = input.getReader();
  const chunks = {
    async *[Symbol.asyncIterator]() {
      for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
    },
  };
  return { chunks, cancel: () => void reader.cancel().catch(() => {}) };
}

function explain(err: unknown, name: string): Error {
  if (err instanceof UsageError || err instanceof DataError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new DataError(`'${name}' is not valid Arrow IPC data or is truncated (${msg}); write it with an Arrow IPC file or stream writer`);
}
