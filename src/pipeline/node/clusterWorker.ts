/**
 * `amem-flow worker P --worker i/W`: trains its share of the shards (k mod W = i). For each, a
 * durable consumer of the shard's subject gathers its chunks until the end-of-data marker, the
 * shard trains to convergence (or the epoch cap), its state goes to the object store, and only
 * then are its messages acknowledged. A worker killed before that leaves them unacknowledged: the
 * server delivers them again to the next worker of that share. A shard whose state is already
 * stored is not trained again; its leftover messages are acknowledged. Online pipelines learn per
 * chunk instead (`clusterOnlineWorker.ts`); dense-am and competing-units train data-parallel
 * (`clusterParallelWorker.ts`).
 */
import { createBackend } from '../../backends/index.js';
import { decodeBatchMessage } from '../../cluster/node/batchMessages.js';
import { clusterNames, ensureShardStream, type ClusterMessage, type ClusterTransport } from '../../cluster/node/transport.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../io/checkpoint.js';
import { DataError, UsageError } from '../../util/errors.js';
import { silentReporter } from '../../util/reporter.js';
import { createPipelineModel } from '../models.js';
import type { ResolvedPipeline } from '../spec.js';
import { CHUNK_HEADER, END_HEADER, type ShardEnd } from './clusterPublish.js';
import { runOnlineShardWorker } from './clusterOnlineWorker.js';
import type { ShardOutcome } from '../adapters/shardedLshShards.js';
import type { ParallelWorkerReport } from './clusterParallelWorker.js';
import { PULL_BYTES, type WorkerOptions, type WorkerReport } from './workerOptions.js';

/** Trains this worker's share: its shards (sharded-lsh), or its part of each round (dense-am, competing-units). */
export async function runWorker(spec: ResolvedPipeline, transport: ClusterTransport, opts: WorkerOptions): Promise<WorkerReport | ParallelWorkerReport> {
  const reporter = opts.reporter ?? silentReporter;
  const { index, count } = opts;
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count)) throw new UsageError(`--worker takes i/W with 0 <= i < W, got ${index}/${count}`);
  const backend = await createBackend(opts.backend ?? 'auto');
  const model = createPipelineModel(spec.model, backend, spec.seed);
  if (model.dataParallel && !spec.stream) return (await import('./clusterParallelWorker.js')).runParallelWorker(spec, model, backend, transport, { ...opts, localSteps: opts.localSteps ?? 1 });
  if (!model.shards) throw new UsageError(`'${spec.name}' learns ${model.kind} online; workers train sharded-lsh pipelines (batch or online) and dense-am and competing-units batch pipelines`);
  if (spec.stream) return runOnlineShardWorker(spec, model, transport, opts);
  const names = clusterNames(spec.name);
  await ensureShardStream(transport, spec.name);
  const mine = Array.from({ length: model.shards.count }, (_, k) => k).filter((k) => k % count === index);
  const report: WorkerReport = { shards: [] };
  const bar = reporter.start(`worker ${index}/${count}`, mine.length);
  for (const k of mine) {
    const consumer = await transport.consumer(names.stream, names.shardConsumer(k), names.shardSubject(k), opts.ackWaitS);
    const stored = await transport.getObject(names.bucket, names.shardObject(k));
    const held: ClusterMessage[] = [];
    // Keep held messages from being redelivered while this worker gathers and trains.
    const keepAlive = setInterval(() => held.forEach((m) => m.working()), Math.max(200, (opts.ackWaitS * 1000) / 3));
    try {
      if (stored) {
        // Trained before (a worker died after storing, before acknowledging): acknowledge what is left.
        while ((await consumer.unacknowledged()) > 0) await (await consumer.next(1000))?.ack();
        const outcome = decodeCheckpoint(stored, `shard ${k}'s stored state`).settings.outcome as ShardOutcome;
        report.shards.push({ ...outcome, status: 'already stored', messages: 0, redelivered: 0 });
        bar.update(report.shards.length, `shard ${k}: already stored`);
        continue;
      }
      const chunks = new Map<number, Uint8Array>();
      let end: ShardEnd | undefined;
      let redelivered = 0;
      // Pulled ahead by at most 8 MB; an idle timer ends a shard whose data stop coming.
      const messages = consumer.consume(PULL_BYTES);
      let idle: NodeJS.Timeout | undefined;
      let idleError: DataError | undefined;
      const armIdle = () => {
        clearTimeout(idle);
        if (opts.idleTimeoutS === undefined) return;
        idle = setTimeout(() => {
          idleError = new DataError(`shard ${k}: no data for ${opts.idleTimeoutS} s (${chunks.size} chunks${end ? ` of ${end.chunks}` : ', no end marker'}); is 'amem-flow publish' running?`);
          messages.stop();
        }, opts.idleTimeoutS * 1000);
      };
      armIdle();
      try {
        for await (const m of messages) {
          armIdle();
          held.push(m);
          if (m.redelivered) redelivered++;
          if (m.headers[END_HEADER]) end = JSON.parse(new TextDecoder().decode(m.data)) as ShardEnd;
          else chunks.set(Number(m.headers[CHUNK_HEADER]), m.data);
          if (end && chunks.size >= end.chunks) break;
        }
      } finally {
        clearTimeout(idle);
        messages.stop();
      }
      if (idleError) throw idleError;
      if (!end) throw new DataError(`shard ${k}: the stream ended without an end marker`);
      const batches = [];
      for (let c = 0; c < end.chunks; c++) {
        const data = chunks.get(c);
        if (!data) throw new DataError(`shard ${k}: chunk ${c} of ${end.chunks} is missing`);
        batches.push(await decodeBatchMessage(data, `shard ${k}, chunk ${c}`));
      }
      const samples = batches.reduce((n, b) => n + b.numRows, 0);
      if (samples !== end.samples) throw new DataError(`shard ${k}: ${samples} samples arrived, its end marker says ${end.samples}`);
      const { state, outcome } = await model.shards.trainShard(k, batches, spec.train.epochs);
      await transport.putObject(names.bucket, names.shardObject(k), encodeCheckpoint(state));
      await Promise.all(held.map((m) => m.ack())); // one round trip for all, not one per message
      report.shards.push({ ...outcome, status: 'trained', messages: held.length, redelivered });
      bar.update(report.shards.length, `shard ${k}: ${outcome.samples} samples, ${outcome.epochs} epochs${outcome.converged ? '' : ' (not converged)'}`);
    } finally {
      clearInterval(keepAlive);
    }
  }
  bar.done(`${report.shards.filter((s) => s.status === 'trained').length} shards trained, ${report.shards.filter((s) => s.status !== 'trained').length} already stored`);
  return report;
}
