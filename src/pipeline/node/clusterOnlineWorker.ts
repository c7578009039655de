/**
 * The worker of an online pipeline: its shards learn each chunk as it arrives (test, then train,
 * as on one machine), in the order the chunks were routed. Every `stream.checkpointEvery` chunks
 * of a shard, the shard's state — with the last chunk it learned and its prequential counts —
 * goes to the object store, and only then are those chunks acknowledged. A restarted worker
 * resumes each shard from its stored state and skips the chunks it holds already; redelivered
 * ones are acknowledged, not learned again. The worker ends when every shard has its end marker,
 * or on SIGINT/SIGTERM after storing and acknowledging what it learned.
 */
import { decodeBatchMessage } from '../../cluster/node/batchMessages.js';
import { clusterNames, ensureShardStream, type ClusterMessage, type ClusterTransport } from '../../cluster/node/transport.js';
import { labels } from '../../data/batch.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../io/checkpoint.js';
import { UsageError } from '../../util/errors.js';
import { silentReporter } from '../../util/reporter.js';
import type { ShardOutcome } from '../adapters/shardedLshShards.js';
import type { PipelineModel } from '../training.js';
import type { ResolvedPipeline } from '../spec.js';
import { CHUNK_HEADER, END_HEADER } from './clusterPublish.js';
import { PULL_BYTES, type WorkerOptions, type WorkerReport } from './workerOptions.js';

/** One shard's progress. */
interface ShardProgress {
  lastChunk: number;
  correct: number;
  seen: number;
  ended: boolean;
  held: ClusterMessage[];
  waiting: Map<number, ClusterMessage>;
  since: number;
  messages: number;
  redelivered: number;
}

/** Learns this worker's shards online from the cluster until their data end or `signal` aborts. */
export async function runOnlineShardWorker(spec: ResolvedPipeline, model: PipelineModel, transport: ClusterTransport, opts: WorkerOptions & { signal?: AbortSignal }): Promise<WorkerReport> {
  const shards = model.shards!;
  const online = model.online;
  if (!online) throw new UsageError(`model '${model.kind}' cannot learn online`);
  const reporter = opts.reporter ?? silentReporter;
  const names = clusterNames(spec.name);
  const every = spec.stream!.checkpointEvery;
  const mine = Array.from({ length: shards.count }, (_, k) => k).filter((k) => k % opts.count === opts.index);
  const progress = new Map<number, ShardProgress>();
  for (const k of mine) {
    const p: ShardProgress = { lastChunk: -1, correct: 0, seen: 0, ended: false, held: [], waiting: new Map(), since: 0, messages: 0, redelivered: 0 };
    const stored = await transport.getObject(names.bucket, names.shardObject(k));
    if (stored) Object.assign(p, shards.restore(decodeCheckpoint(stored, `shard ${k}'s stored state`), `shard ${k}'s stored state`).extra);
    progress.set(k, p);
  }
  const bar = reporter.start(`online worker ${opts.index}/${opts.count}`, 0);
  let learned = 0;
  // One shard learns at a time: the model is shared, and learning is quick next to the network.
  let queue = Promise.resolve();
  const serial = (fn: () => Promise<void>) => (queue = queue.then(fn));

  const store = async (k: number) => {
    const p = progress.get(k)!;
    const outcome: ShardOutcome = { shard: k, samples: p.seen, epochs: 1, converged: true, final_misses: p.seen - p.correct, visits: p.seen, seconds: 0 };
    const extra = { lastChunk: p.lastChunk, correct: p.correct, seen: p.seen, ended: p.ended };
    await transport.putObject(names.bucket, names.shardObject(k), encodeCheckpoint(shards.stateOf(k, outcome, extra)));
    await Promise.all(p.held.map((m) => m.ack()));
    p.held = [];
    p.since = 0;
  };

  const learnChunk = async (k: number, m: ClusterMessage) => {
    const p = progress.get(k)!;
    const batch = await decodeBatchMessage(m.data, `shard ${k}, chunk ${m.headers[CHUNK_HEADER]}`);
    const predicted = await online.learn(batch);
    const y = labels(batch);
    for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) p.correct++;
    p.seen += y.length;
    learned += y.length;
    p.lastChunk++;
    p.held.push(m);
    if (++p.since >= every) await store(k);
  };

  const handle = (k: number, m: ClusterMessage) =>
    serial(async () => {
      const p = progress.get(k)!;
      p.messages++;
      if (m.redelivered) p.redelivered++;
      if (m.headers[END_HEADER]) {
        const end = JSON.parse(new TextDecoder().decode(m.data)) as { chunks: number };
        if (p.lastChunk + 1 >= end.chunks) {
          p.ended = true;
          p.held.push(m);
          await store(k);
        } else p.waiting.set(Infinity, m); // the end came before chunks that are being redelivered
        return;
      }
      const chunk = Number(m.headers[CHUNK_HEADER]);
      if (chunk <= p.lastChunk) return void (await m.ack()); // learned and stored before
      p.waiting.set(chunk, m);
      for (let next = p.waiting.get(p.lastChunk + 1); next; next = p.waiting.get(p.lastChunk + 1)) {
        p.waiting.delete(p.lastChunk + 1);
        await learnChunk(k, next);
      }
      const end = p.waiting.get(Infinity);
      if (end && p.lastChunk + 1 >= (JSON.parse(new TextDecoder().decode(end.data)) as { chunks: number }).chunks) {
        p.waiting.delete(Infinity);
        p.ended = true;
        p.held.push(end);
        await store(k);
      }
      bar.update(learned, `${learned} samples learned`);
    });

  await ensureShardStream(transport, spec.name);
  const consumers = await Promise.all(
    mine
      .filter((k) => !progress.get(k)!.ended)
      .map(async (k) => ({ k, messages: (await transport.consumer(names.stream, names.shardConsumer(k), names.shardSubject(k), opts.ackWaitS)).consume(PULL_BYTES) })),
  );
  const stopAll = () => consumers.forEach((c) => c.messages.stop());
  opts.signal?.addEventListener('abort', stopAll, { once: true });
  const keepAlive = setInterval(() => progress.forEach((p) => p.held.forEach((m) => m.working())), Math.max(200, (opts.ackWaitS * 1000) / 3));
  try {
    await Promise.all(
      consumers.map(async ({ k, messages }) => {
        for await (const m of messages) {
          await handle(k, m);
          if (progress.get(k)!.ended) break;
        }
        messages.stop();
      }),
    );
    await queue;
    // Stopped by a signal: store and acknowledge what each shard learned since its last checkpoint.
    for (const [k, p] of progress) if (p.since > 0) await store(k);
  } finally {
    clearInterval(keepAlive);
    opts.signal?.removeEventListener('abort', stopAll);
  }
  bar.done(`${learned} samples learned${opts.signal?.aborted ? ` (stopped by ${String(opts.signal.reason)})` : ''}`);
  return {
    shards: [...progress].map(([k, p]) => ({
      shard: k,
      samples: p.seen,
      epochs: 1,
      converged: true,
      final_misses: p.seen - p.correct,
      visits: p.seen,
      seconds: 0,
      status: 'trained' as const,
      messages: p.messages,
      redelivered: p.redelivered,
    })),
  };
}
