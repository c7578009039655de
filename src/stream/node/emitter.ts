/**
 * `amem-flow emit`: turns a data set into a live Arrow IPC stream for tests and demos — on
 * stdout, into a file that grows as it is written (for `follow:`), or from a TCP server that
 * sends the whole stream to each client that connects (a learner resuming after a crash connects
 * again and skips what it already learned).
 *
 * Options shape the stream: rows per batch, a rate limit, the order (as stored, shuffled, or
 * class-incremental: all of class 0, then 1, … — a drifting stream), seeded noise, repeats (with
 * ids offset per pass so every sample id stays unique) and a sample limit. Writing waits for the
 * destination to drain, so a slow reader slows the emitter and memory stays bounded.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastValueFrom, of } from 'rxjs';
import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { concatBatches, labels, sampleIds, takeRows, withIntColumn } from '../../data/batch.js';
import { addNoise, type AddNoiseOptions } from '../../operators/addNoise.js';
import { UsageError } from '../../util/errors.js';
import { Rng } from '../../util/random.js';
import { openSource } from './sources.js';

/** How to shape the emitted stream. */
export interface EmitOptions {
  batchSize: number;
  /** Samples per second (default: as fast as the destination takes them). */
  rate?: number;
  order: 'file' | 'shuffled' | 'class-incremental';
  noise?: AddNoiseOptions;
  repeat: number;
  limit?: number;
  seed: number;
}

/** What was sent. */
export interface EmitReport {
  batches: number;
  samples: number;
  connections: number;
}

/** The batches to send, shaped by `opts` (finite sources are read into memory to reorder them). */
async function* shapedBatches(spec: string, opts: EmitOptions): AsyncGenerator<RecordBatch> {
  const source = await openSource(spec, { batchSize: opts.batchSize });
  const parts: RecordBatch[] = [];
  for await (const event of source.events) {
    if ('error' in event) throw new UsageError(`emit: source '${spec}' is unreadable: ${event.error}`);
    parts.push(event.batch);
  }
  if (parts.length === 0) return;
  let all = concatBatches(parts);
  if (opts.limit !== undefined) all = all.slice(0, Math.min(opts.limit, all.numRows));
  const order = rowOrder(all, opts);
  const ids = sampleIds(all);
  const stride = ids.reduce((m, v) => Math.max(m, v), 0) + 1;
  for (let pass = 0; pass < opts.repeat; pass++) {
    for (let at = 0; at < order.length; at += opts.batchSize) {
      let batch = takeRows(all, order.subarray(at, at + opts.batchSize));
      if (pass > 0)
        batch = withIntColumn(
          batch,
          'id',
          sampleIds(batch).map((id) => id + pass * stride),
        );
      if (opts.noise) batch = (await lastValueFrom(of(batch).pipe(addNoise(opts.noise))))!;
      yield batch;
    }
  }
}

function rowOrder(batch: RecordBatch, opts: EmitOptions): Int32Array {
  const rows = Int32Array.from({ length: batch.numRows }, (_, i) => i);
  if (opts.order === 'shuffled') return new Rng(opts.seed).shuffle(rows);
  if (opts.order === 'class-incremental') {
    const y = labels(batch, 'emit --order class-incremental');
    return Int32Array.from([...rows].sort((a, b) => y[a] - y[b] || a - b));
  }
  return rows;
}

/** Writes one stream of `batches` to `dest`, waiting for it to drain and keeping to `rate`. */
async function writeStream(batches: AsyncIterable<RecordBatch>, dest: NodeJS.WritableStream & { writableNeedDrain?: boolean }, rate?: number): Promise<{ batches: number; samples: number }> {
  const writer = new RecordBatchStreamWriter();
  const bytes = writer.toNodeStream();
  bytes.pipe(dest);
  const started = performance.now();
  let sent = { batches: 0, samples: 0 };
  const gone = new Promise<'gone'>((resolve) => (dest as NodeJS.EventEmitter).once('close', () => resolve('gone')));
  for await (const batch of batches) {
    writer.write(batch);
    sent = { batches: sent.batches + 1, samples: sent.samples + batch.numRows };
    await sleep(0);
    // Wait for the reader; if it goes away (closed socket), stop instead of waiting forever.
    while (dest.writableNeedDrain) if ((await Promise.race([once(dest, 'drain'), gone])) === 'gone') throw new Error('the reader went away');
    if (rate) {
      const due = (1000 * sent.samples) / rate - (performance.now() - started);
      if (due > 0) await sleep(due);
    }
  }
  writer.finish();
  if ((await Promise.race([once(bytes, 'end'), gone])) === 'gone') throw new Error('the reader went away');
  // stdout is never ended by pipe; files and sockets are, and must flush before we report.
  if (dest !== process.stdout) await finished(dest as NodeJS.WritableStream);
  return sent;
}

/** Emits `spec` to `to` (`-`, `tcp://HOST:PORT` serving `connections` clients in turn, or a file path). */
export async function emit(spec: string, to: string, opts: EmitOptions, connections = 1, onListening?: (port: number) => void): Promise<EmitReport> {
  if (to === '-') {
    const r = await writeStream(shapedBatches(spec, opts), process.stdout, opts.rate);
    return { ...r, connections: 1 };
  }
  if (!to.startsWith('tcp://')) {
    const file = createWriteStream(to);
    // A path that cannot be opened (no such folder, no permission) is named, not mistaken for a reader that left.
    const opened = await once(file, 'open').then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    if (opened) throw new UsageError(`emit --to '${to}': cannot write there (${opened.code ?? opened.message}); give a file path in an existing, writable folder`);
    const r = await writeStream(shapedBatches(spec, opts), file, opts.rate);
    return { ...r, connections: 1 };
  }
  const url = new URL(to);
  const total = { batches: 0, samples: 0, connections: 0 };
  const server = createServer();
  const served: Promise<void>[] = [];
  const allServed = new Promise<void>((resolve) => {
    server.on('connection', (socket: Socket) => {
      // A client that goes away mid-stream (a learner killed for a crash test) ends only its own stream.
      socket.on('error', () => socket.destroy());
      total.connections++;
      if (total.connections >= connections) server.close();
      served.push(
        writeStream(shapedBatches(spec, opts), socket, opts.rate)
          .then((r) => {
            total.batches += r.batches;
            total.samples += r.samples;
          })
          .catch(() => {
            socket.destroy();
          }),
      );
      if (total.connections >= connections) void Promise.all(served).then(() => resolve());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new UsageError(`emit: cannot listen on ${to}: ${err.code ?? err.message}`)));
    server.listen(Number(url.port), url.hostname, () => resolve());
  });
  onListening?.((server.address() as { port: number }).port);
  await allServed;
  return total;
}
