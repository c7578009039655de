/**
 * Writes record batches as Arrow IPC, in file format (random access, written atomically) or
 * stream format (to any Node writable: stdout, a socket, a file), batch by batch with
 * backpressure.
 *
 * @example
 * import { writeArrow } from 'amem-flow';
 * await writeArrow('out.arrow', batches$, { format: 'file' });
 */
import { createWriteStream, renameSync, rmSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Observable } from 'rxjs';
import { RecordBatchFileWriter, RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { DataError } from '../../util/errors.js';

/** Options of `writeArrow`. */
export interface WriteArrowOptions {
  /** `file` (default for paths) or `stream` (default for Node streams). */
  format?: 'file' | 'stream';
}

/** Counts of what was written. */
export interface WriteArrowResult {
  batches: number;
  rows: number;
}

/** Writes every batch to `target`; all batches must share the first one's columns. */
export async function writeArrow(
  target: string | NodeJS.WritableStream,
  batches: Observable<RecordBatch> | AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  opts: WriteArrowOptions = {},
): Promise<WriteArrowResult> {
  const format = opts.format ?? (typeof target === 'string' ? 'file' : 'stream');
  const result: WriteArrowResult = { batches: 0, rows: 0 };
  let columns: string | undefined;
  // Errors end the byte stream cleanly and are rethrown afterwards: destroying arrow-js's Node
  // duplex with an error leaves an unhandled rejection inside apache-arrow (21.x).
  let failure: { err: unknown } | undefined;
  async function* checked(): AsyncGenerator<RecordBatch> {
    try {
      const source = batches instanceof Observable ? observableToAsync(batches) : batches;
      for await (const batch of source as AsyncIterable<RecordBatch>) {
        const these = batch.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
        if (columns === undefined) columns = these;
        else if (these !== columns) throw new DataError(`writeArrow: batch ${result.batches} has columns (${these}) but the stream started with (${columns}); one Arrow stream holds one schema`);
        result.batches++;
        result.rows += batch.numRows;
        yield batch;
      }
    } catch (err) {
      failure = { err };
    }
  }
  const encoder = format === 'file' ? RecordBatchFileWriter.throughNode() : RecordBatchStreamWriter.throughNode();
  if (typeof target !== 'string') {
    await pipeline(Readable.from(checked()), encoder, target);
    if (failure) throw failure.err;
    return result;
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    await pipeline(Readable.from(checked()), encoder, createWriteStream(tmp, { flush: true }));
    if (failure) throw failure.err;
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return result;
}

/** Pulls an Observable as an async iterable (buffering what arrives before it is read). */
async function* observableToAsync<T>(obs: Observable<T>): AsyncGenerator<T> {
  const queue: T[] = [];
  let done = false;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const sub = obs.subscribe({
    next: (v) => {
      queue.push(v);
      wake?.();
    },
    error: (err) => {
      failure = { err };
      wake?.();
    },
    complete: () => {
      done = true;
      wake?.();
    },
  });
  try {
    for (;;) {
      if (queue.length > 0) yield queue.shift()!;
      else if (failure) throw failure.err;
      else if (done) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    sub.unsubscribe();
  }
}
