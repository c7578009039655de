/**
 * Bounded decoding of Arrow IPC bytes from a file, a pipe or a socket: the file format, the
 * stream format, or several streams one after another. Arrow's own file readers believe the
 * counts in a file's footer and, on a corrupt message, re-read the same block forever; here a
 * file is read whole (its size bounds the memory) and its record batches are decoded one by one
 * from the footer's list, each checked, while streams are decoded as they arrive. FlatBuffers
 * vector lengths are checked by `arrowGuard`. Node-free: the Node reader and a browser's fetch
 * both decode through it.
 */
import { RecordBatchReader, type RecordBatch, type RecordBatchFileReader } from 'apache-arrow';
import './arrowGuard.js';

/** What the decoder saw, for messages after it ends. */
export interface ArrowReadState {
  /** A schema was read (an empty stream has none). */
  schema: boolean;
  /** Record batches decoded. */
  batches: number;
}

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1", the file format's first bytes

/** Yields the record batches of Arrow IPC bytes; throws on corrupt data. */
export async function* arrowBatches(bytes: AsyncIterable<Uint8Array>, state: ArrowReadState = { schema: false, batches: 0 }): AsyncGenerator<RecordBatch> {
  const it = bytes[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  while (have < MAGIC.length) {
    const next = await it.next();
    if (next.done) break;
    head.push(next.value);
    have += next.value.length;
  }
  const first = concatBytes(head);
  const rest = (async function* () {
    if (first.length > 0) yield first;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  })();
  if (first.length >= MAGIC.length && MAGIC.every((b, i) => first[i] === b)) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of rest) chunks.push(chunk);
    yield* fileBatches(concatBytes(chunks), state);
    return;
  }
  for await (const reader of RecordBatchReader.readAll(rest) as AsyncIterable<AsyncIterable<RecordBatch> & { schema?: unknown }>) {
    for await (const batch of reader) {
      state.schema = true;
      state.batches++;
      yield batch;
    }
    if (reader.schema) state.schema = true;
  }
}

/** The record batches of a whole Arrow IPC file, each decoded from its footer entry and checked. */
function* fileBatches(bytes: Uint8Array, state: ArrowReadState): Generator<RecordBatch> {
  const reader = RecordBatchReader.from(bytes) as RecordBatchFileReader;
  reader.open();
  if (!reader.schema) throw new Error('the file footer holds no schema');
  state.schema = true;
  const n = reader.numRecordBatches;
  for (let i = 0; i < n; i++) {
    const batch = reader.readRecordBatch(i);
    if (!batch) throw new Error(`record batch ${i + 1} of ${n} is not where the file footer says, or is not a record batch`);
    state.batches++;
    yield batch;
  }
}

/** The chunks joined into one array (the chunk itself when there is only one). */
function concatBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
