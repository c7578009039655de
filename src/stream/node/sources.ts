/**
 * Stream sources: where `--source` and `amem-flow emit SOURCE` read sample batches from.
 *
 * | spec | what |
 * |---|---|
 * | `mnist:train`, `mnist:test`, `mnist:all` | the bundled MNIST (finite) |
 * | `idx:IMAGES,LABELS` | a pair of IDX files (finite) |
 * | `PATH` | an Arrow IPC file or stream file (finite) |
 * | `-` | an Arrow IPC stream on stdin |
 * | `tcp://HOST:PORT` | an Arrow IPC stream from a TCP server (e.g. `amem-flow emit ... --to tcp://...`) |
 * | `follow:PATH` | an Arrow IPC stream file that is still growing (like `tail -f`; ends when aborted) |
 *
 * Every source yields events: a batch, or an error (corrupt or truncated bytes) after which it
 * ends. Byte sources are read on demand: a slow consumer slows the reader.
 */
import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordBatch } from 'apache-arrow';
import { arrowBatches } from '../../io/arrowBatches.js';
import { tcpAddress } from './tcpAddress.js';
import { makeSampleBatch } from '../../data/batch.js';
import { loadIdxPair } from '../../io/node/idxSource.js';
import { concatArrays, type LabelledArrays } from '../../io/labelledArrays.js';
import { loadMnist } from '../../io/node/mnist.js';
import { UsageError } from '../../util/errors.js';

/** One thing a source produces. */
export type SourceEvent = { batch: RecordBatch } | { error: string };

/** An opened source. */
export interface Source {
  events: AsyncIterable<SourceEvent>;
  describe: string;
  /** Number of samples, when known in advance. */
  size?: number;
  /** How the source ended, when not by its own end (e.g. idle past the timeout); read after the events. */
  notes?: string[];
}

/** Options for in-memory sources. */
export interface SourceOptions {
  /** Rows per batch for in-memory sources (default 1000). */
  batchSize?: number;
  /** Stop reading when aborted. */
  signal?: AbortSignal;
  /** How long to keep retrying a TCP connection (default 3000 ms). */
  connectTimeoutMs?: number;
  /** End a stream source (stdin, TCP, a followed file) that sends nothing for this long; default: wait for ever. */
  idleTimeoutMs?: number;
}

/** Opens a source spec (see the table above). */
export async function openSource(spec: string, opts: SourceOptions = {}): Promise<Source> {
  const batchSize = opts.batchSize ?? 1000;
  /** How a stream source ended, when not by itself (filled while it is read). */
  const notes: string[] = [];
  if (spec.startsWith('mnist:')) {
    const part = spec.slice(6);
    if (part !== 'train' && part !== 'test' && part !== 'all') throw new UsageError(`unknown MNIST source '${spec}': use mnist:train, mnist:test or mnist:all`);
    const data = part === 'all' ? concatArrays(loadMnist('train'), loadMnist('test')) : loadMnist(part);
    return { events: arrays(data, batchSize, opts.signal), describe: `MNIST ${part}`, size: data.y.length };
  }
  if (spec.startsWith('idx:')) {
    const [images, labels] = spec.slice(4).split(',');
    if (!images || !labels) throw new UsageError(`'${spec}' needs both files: idx:IMAGES,LABELS`);
    const data = loadIdxPair(images, labels);
    return { events: arrays(data, batchSize, opts.signal), describe: `IDX ${images}`, size: data.y.length };
  }
  if (spec === '-') {
    // A signal stops a run that waits on a silent stdin (the read would never end by itself).
    opts.signal?.addEventListener('abort', () => process.stdin.destroy(), { once: true });
    return {
      events: arrowEvents(
        idleLimited(process.stdin, opts.idleTimeoutMs, notes, () => process.stdin.destroy()),
        opts.signal,
      ),
      describe: 'Arrow IPC stream on stdin',
      notes,
    };
  }
  if (spec.startsWith('tcp://')) {
    const socket = await connectTcp(spec, opts.connectTimeoutMs ?? 3000);
    opts.signal?.addEventListener('abort', () => socket.destroy(), { once: true });
    return {
      events: closing(
        arrowEvents(
          idleLimited(socket, opts.idleTimeoutMs, notes, () => socket.destroy()),
          opts.signal,
        ),
        () => socket.destroy(),
      ),
      describe: `Arrow IPC stream from ${spec}`,
      notes,
    };
  }
  if (spec.startsWith('follow:')) {
    const follow = new AbortController();
    opts.signal?.addEventListener('abort', () => follow.abort(), { once: true });
    const bytes = idleLimited(followFile(spec.slice(7), follow.signal), opts.idleTimeoutMs, notes, () => follow.abort());
    return { events: arrowEvents(bytes, opts.signal), describe: `Arrow IPC stream file ${spec.slice(7)} (following)`, notes };
  }
  if (!existsSync(spec)) {
    throw new UsageError(`source '${spec}' is not a file; use mnist:train|test|all, idx:IMAGES,LABELS, an Arrow file, -, tcp://HOST:PORT or follow:FILE`);
  }
  const file = createReadStream(spec);
  return { events: closing(arrowEvents(file, opts.signal), () => file.destroy()), describe: `Arrow file ${spec}` };
}

async function* arrays(data: LabelledArrays, batchSize: number, signal?: AbortSignal): AsyncGenerator<SourceEvent> {
  const whole = makeSampleBatch(data);
  for (let at = 0; at < whole.numRows && !signal?.aborted; at += batchSize) yield { batch: whole.slice(at, Math.min(whole.numRows, at + batchSize)) };
}

/** Batches of every IPC stream in `bytes` (a new stream may follow an end-of-stream marker). */
async function* arrowEvents(bytes: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SourceEvent> {
  let batches = 0;
  try {
    for await (const batch of arrowBatches(bytes as AsyncIterable<Uint8Array>)) {
      if (signal?.aborted) return;
      batches++;
      yield { batch };
    }
  } catch (err) {
    if (signal?.aborted) return;
    yield { error: `corrupt or truncated Arrow data after ${batches} good batches: ${(err as Error).message}` };
  }
}

async function* closing<T>(events: AsyncIterable<T>, close: () => void): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    close();
  }
}

/** Bytes of a file that may still be growing: reads what is there, then polls for more until aborted. */
async function* followFile(path: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  while (!existsSync(path)) {
    if (signal?.aborted) return;
    await sleep(100);
  }
  const handle = await open(path, 'r');
  try {
    let offset = 0;
    while (!signal?.aborted) {
      // A fresh buffer per read: the reader may still hold the previous chunk (Buffer#slice would alias it).
      const buf = new Uint8Array(1 << 20);
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        yield buf.subarray(0, bytesRead);
      } else {
        await sleep(50);
      }
    }
  } finally {
    await handle.close();
  }
}

async function connectTcp(spec: string, timeoutMs: number): Promise<Socket> {
  const { host, port } = tcpAddress(spec);
  if (!(port > 0)) throw new UsageError(`'${spec}' is not tcp://HOST:PORT`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host, port });
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (err) {
      if (Date.now() >= deadline) {
        throw new UsageError(`cannot connect to ${spec}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; start the stream first, e.g. amem-flow emit mnist:train --to ${spec}`);
      }
      await sleep(100);
    }
  }
}

/** The bytes of a stream, ended (with a note, and `stop` called) when none arrive for `ms`; unlimited when `ms` is undefined. */
async function* idleLimited(bytes: AsyncIterable<Uint8Array>, ms: number | undefined, notes: string[], stop: () => void): AsyncGenerator<Uint8Array> {
  if (ms === undefined) return yield* bytes;
  const it = bytes[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), ms)));
    const next = await Promise.race([it.next(), idle]);
    clearTimeout(timer);
    if (next === 'idle') {
      notes.push(`the stream sent nothing for ${ms / 1000} s (--idle-timeout): it was ended there`);
      stop();
      return;
    }
    if (next.done) return;
    yield next.value;
  }
}
