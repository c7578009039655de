/**
 * `amem-flow publish SOURCE --pipeline P`: runs the pipeline's training graph up to the shard
 * router (validate, the data steps, hash, route) and publishes each shard's rows to its own
 * subject as they come (a stream source may go on for ever), then, when the source ends, an
 * end-of-data marker per shard. Message ids come from the shard, the chunk's
 * position and its sample ids, so publishing the same source again adds nothing.
 */
import { lastValueFrom, mergeMap, tap } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { BackendName } from '../../backends/backend.js';
import { createBackend } from '../../backends/index.js';
import { encodeBatchMessages } from '../../cluster/node/batchMessages.js';
import { clusterNames, ensureShardStream, type ClusterTransport } from '../../cluster/node/transport.js';
import { sampleIds } from '../../data/batch.js';
import { routeByShard, shardOf } from '../../operators/routeByShard.js';
import { UsageError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { silentReporter, type Reporter } from '../../util/reporter.js';
import { openData } from '../data.js';
import { pipelineGraph } from '../graph.js';
import { createPipelineModel } from '../models.js';
import { streamAsTrainingSet } from '../online.js';
import type { ResolvedPipeline } from '../spec.js';

/** Headers of shard messages. */
export const CHUNK_HEADER = 'Amem-Chunk';
export const END_HEADER = 'Amem-End';
/** Messages awaiting their acknowledgement at once. */
const IN_FLIGHT = 256;

/** What publishing did. */
export interface PublishReport {
  samples: number;
  messages: number;
  duplicates: number;
  bytes: number;
  seconds: number;
  shards: { shard: number; chunks: number; samples: number }[];
  stream: Record<string, unknown>;
}

/** The end-of-data marker of a shard: how many chunks and samples it was sent. */
export interface ShardEnd {
  chunks: number;
  samples: number;
}

/** Publishes `source`'s training rows, routed by shard, to the pipeline's subjects. */
export async function publishShards(
  spec: ResolvedPipeline,
  source: string,
  transport: ClusterTransport,
  opts: { outDir: string; backend?: BackendName | 'auto'; reporter?: Reporter },
): Promise<PublishReport> {
  const reporter = opts.reporter ?? silentReporter;
  if (spec.model.kind !== 'sharded-lsh')
    throw new UsageError(
      `publish routes a stream by shard for sharded-lsh pipelines, and stores data sets for dense-am and competing-units batch pipelines; '${spec.name}' learns ${spec.model.kind} online, which does not scale out: use pipelines/online-mnist.ts or a batch pipeline`,
    );
  const started = performance.now();
  const backend = await createBackend(opts.backend ?? 'auto');
  const model = createPipelineModel(spec.model, backend, spec.seed);
  const graph = pipelineGraph(spec, { seed: spec.seed, backend, route: () => model.route!() }, model, openData(spec.data, spec.seed));
  const names = clusterNames(spec.name);
  const shardCount = spec.model.shards;
  await ensureShardStream(transport, spec.name);
  const maxBytes = Math.floor(transport.maxPayload * 0.95) - 1024;
  const shards = Array.from({ length: shardCount }, (_, shard) => ({ shard, chunks: 0, samples: 0 }));
  let messages = 0;
  let duplicates = 0;
  let bytes = 0;
  const bar = reporter.start('publish', 0);
  // Up to IN_FLIGHT messages await their acknowledgement at once (one round trip each would bound the rate).
  let inflight: Promise<void>[] = [];
  const settle = async () => {
    await Promise.all(inflight);
    inflight = [];
  };
  const publish = (subject: string, data: Uint8Array, id: string, headers: Record<string, string>) => {
    messages++;
    bytes += data.length;
    inflight.push(transport.publish(subject, data, { id, headers }).then((ack) => void (ack.duplicate && duplicates++)));
    return inflight.length >= IN_FLIGHT ? settle() : undefined;
  };
  const send = async (batch: RecordBatch) => {
    const k = shardOf(batch);
    for (const part of encodeBatchMessages(batch, maxBytes)) {
      const s = shards[k];
      const ids = sampleIds(part.batch);
      await publish(names.shardSubject(k), part.bytes, `${k}.${s.chunks}.${ids[0]}.${ids[ids.length - 1]}.${ids.length}`, { [CHUNK_HEADER]: String(s.chunks) });
      s.chunks++;
      s.samples += part.batch.numRows;
    }
  };
  const rows = await streamAsTrainingSet(source, spec.model.classes, opts.outDir);
  let samples = 0;
  await lastValueFrom(
    graph.open(graph.train, rows.batches).pipe(
      model.route!(),
      tap((b) => {
        samples += b.numRows;
        bar.update(samples, `${messages} messages, ${duplicates} already published`);
      }),
      routeByShard(),
      mergeMap(send, 1),
    ),
    { defaultValue: undefined },
  );
  await settle();
  const stream = await rows.finish();
  if (samples === 0) throw new UsageError(`'${source}' gave no samples to publish (${String(stream.dead_lettered)} dead-lettered: ${String(stream.dead_letter_reasons) || 'none'})`);
  for (const s of shards) {
    const end: ShardEnd = { chunks: s.chunks, samples: s.samples };
    await publish(names.shardSubject(s.shard), new TextEncoder().encode(JSON.stringify(end)), `end.${s.shard}.${s.chunks}.${s.samples}`, { [END_HEADER]: '1' });
  }
  await settle();
  const seconds = round((performance.now() - started) / 1000, 3);
  bar.done(`${samples} samples in ${messages} messages (${(bytes / 2 ** 20).toFixed(1)} MiB) to ${shardCount} shard subjects in ${seconds} s; ${duplicates} already there`);
  return { samples, messages, duplicates, bytes, seconds, shards, stream };
}
