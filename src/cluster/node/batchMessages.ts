/**
 * Record batches as cluster messages: Arrow IPC stream bytes, split by rows so that each message
 * fits the server's payload limit, and decoded with the same bounded reader as every other Arrow
 * input (a corrupt message is an error, never a hang).
 */
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { arrowBatches } from '../../io/arrowBatches.js';
import { takeRows } from '../../data/batch.js';
import { DataError } from '../../util/errors.js';

/** Encodes `batch` as one or more IPC messages of at most `maxBytes` each (rows in order). */
export function encodeBatchMessages(batch: RecordBatch, maxBytes: number): { bytes: Uint8Array; batch: RecordBatch }[] {
  const bytes = tableToIPC(new Table(batch), 'stream');
  if (bytes.length <= maxBytes || batch.numRows <= 1) {
    if (bytes.length > maxBytes)
      throw new DataError(`one sample takes ${bytes.length} bytes as Arrow IPC, more than the server's ${maxBytes}-byte message limit; raise max_payload in the NATS configuration`);
    return [{ bytes, batch }];
  }
  const half = Math.ceil(batch.numRows / 2);
  const rows = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  return [...encodeBatchMessages(takeRows(batch, rows(0, half)), maxBytes), ...encodeBatchMessages(takeRows(batch, rows(half, batch.numRows)), maxBytes)];
}

/** Decodes a message made by `encodeBatchMessages`; `what` names it in errors. */
export async function decodeBatchMessage(bytes: Uint8Array, what: string): Promise<RecordBatch> {
  const out: RecordBatch[] = [];
  try {
    for await (const b of arrowBatches(
      (async function* () {
        yield bytes;
      })(),
    ))
      out.push(b);
  } catch (err) {
    throw new DataError(`${what} is not a valid Arrow record batch (${(err as Error).message})`);
  }
  if (out.length !== 1) throw new DataError(`${what} holds ${out.length} record batches, not one`);
  return out[0];
}
