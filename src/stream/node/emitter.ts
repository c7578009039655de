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
import { isLoopback, tcpAddress } from './tcpAddress.js';

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

/** A data set ready to emit: read once, however many readers it is sent to. */
interface Prepared {
  all: RecordBatch | undefined;
  order: Int32Array;
  stride: number;
}

/** Reads the source once and fixes the order (finite sources are read into memory to reorder them). */
async function prepare(spec: string, opts: EmitOptions): Promise<Prepared> {
  const source = await openSource(spec, { batchSize: opts.batchSize });
  const parts: RecordBatch[] = [];
  for await (const event of source.events) {
    if ('error' in event) throw new UsageError(`emit: source '${spec}' is unreadable: ${event.error}`);
    parts.push(event.batch);
  }
  if (parts.length === 0) return { all: undefined, order: new Int32Array(0), stride: 0 };
  let all = concatBatches(parts);
  if (opts.limit !== undefined) all = all.slice(0, Math.min(opts.limit, all.numRows));
  const stride = sampleIds(all).reduce((m, v) => Math.max(m, v), 0) + 1;
  return { all, order: rowOrder(all, opts), stride };
}

/** The batches to send to one reader, shaped by `opts`; each is gathered when it is due, so a reader costs one batch of memory. */
async function* shapedBatches(data: Prepared, opts: EmitOptions): AsyncGenerator<RecordBatch> {
  const { all, order, stride } = data;
  if (!all) return;
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

/** Emits `spec` to `to` (`-`, a file path, or `tcp://HOST:PORT` serving readers at once until `connections` have received the whole stream). */
export async function emit(spec: string, to: string, opts: EmitOptions, connections = 1, onListening?: (port: number) => void, warn: (text: string) => void = () => {}): Promise<EmitReport> {
  const data = await prepare(spec, opts);
  if (to === '-') {
    const r = await writeStream(shapedBatches(data, opts), process.stdout, opts.rate);
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
    const r = await writeStream(shapedBatches(data, opts), file, opts.rate);
    return { ...r, connections: 1 };
  }
  const { host, port } = tcpAddress(to);
  if (!isLoopback(host)) warn(`emit: warning: listening on ${host}, not a loopback address: any machine that can reach it can read the data\n`);
  const total = { batches: 0, samples: 0, connections: 0 };
  const server = createServer();
  const open = new Set<Socket>();
  const done = new Promise<void>((resolve) => {
    server.on('connection', (socket: Socket) => {
      open.add(socket);
      // A reader that goes away mid-stream ends only its own stream and is not counted; bytes a reader sends are read and ignored.
      socket.on('error', () => socket.destroy());
      socket.on('data', () => {});
      socket.on('close', () => open.delete(socket));
      writeStream(shapedBatches(data, opts), socket, opts.rate).then(
        (r) => {
          if (total.connections >= connections) return;
          total.connections++;
          total.batches += r.batches;
          total.samples += r.samples;
          socket.end();
          if (total.connections >= connections) {
            server.close();
            for (const other of open) if (other !== socket) other.destroy();
            resolve();
          }
        },
        () => socket.destroy(),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new UsageError(`emit: cannot listen on ${to}: ${err.code ?? err.message}`)));
    server.listen(port, host, () => resolve());
  });
  onListening?.((server.address() as { port: number }).port);
  await done;
  return total;
}
