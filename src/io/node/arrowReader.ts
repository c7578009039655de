/**
 * Reads Arrow IPC data (file or stream format, detected automatically) as an Observable of
 * record batches, one batch at a time, from a path, a Node readable stream or any async
 * iterable of bytes.
 *
 * @example
 * import { readArrow } from 'amem-flow/node';
 * readArrow('samples.arrow').pipe(normalize()).subscribe(...);
 */
import { createReadStream, statSync } from 'node:fs';
import { defer, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { readArrowStream } from '../arrowStream.js';
import { UsageError } from '../../util/errors.js';

/** Where Arrow bytes come from. */
export type ArrowInput = string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Streams the record batches of Arrow IPC data; unsubscribing stops reading. */
export function readArrow(input: ArrowInput, name = typeof input === 'string' ? input : 'Arrow stream'): Observable<RecordBatch> {
  if (typeof input !== 'string') return readArrowStream(input as AsyncIterable<Uint8Array>, name);
  return defer(() => {
    try {
      statSync(input);
    } catch (err) {
      throw new UsageError(`cannot open Arrow file '${input}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`);
    }
    const stream = createReadStream(input);
    return readArrowStream(stream, name, () => stream.destroy());
  });
}
