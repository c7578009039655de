/**
 * `amem-flow run P --from-cluster`: the model assembled from the shard states the workers stored,
 * with the outcome a single-machine run reports (per-shard epochs and convergence); for
 * data-parallel runs, the state of their last round (`clusterParallelModel.ts`).
 */
import type { RecordBatch } from 'apache-arrow';
import { parallelModelFromCluster } from './clusterParallelModel.js';
import { clusterNames, type ClusterTransport } from '../../cluster/node/transport.js';
import { decodeCheckpoint, type Checkpoint } from '../../io/checkpoint.js';
import { DataError, UsageError } from '../../util/errors.js';
import type { ResolvedPipeline } from '../spec.js';
import type { PipelineModel, TrainOutcome } from '../training.js';

/** Installs the model from the cluster's shard states (an online pipeline's: as far as its workers have learned); throws naming the shards that have none. */
export async function modelFromCluster(
  spec: ResolvedPipeline,
  model: PipelineModel,
  transport: ClusterTransport,
  trainData: () => Promise<RecordBatch>,
): Promise<{ outcome: TrainOutcome; stream?: Record<string, unknown> }> {
  if (model.dataParallel && !spec.stream) return { outcome: await parallelModelFromCluster(spec, model, transport, trainData) };
  if (!model.shards) throw new UsageError(`--from-cluster assembles a model trained on the cluster; '${spec.name}' learns ${model.kind} online, which does not scale out`);
  const names = clusterNames(spec.name);
  const states: Checkpoint[] = [];
  const missing: number[] = [];
  for (let k = 0; k < model.shards.count; k++) {
    const bytes = await transport.getObject(names.bucket, names.shardObject(k));
    if (bytes) states.push(decodeCheckpoint(bytes, `shard ${k}'s state in ${names.bucket}`));
    else missing.push(k);
  }
  if (missing.length > 0)
    throw new DataError(
      `${missing.length} of ${model.shards.count} shards have no trained state at ${transport.url} (shards ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}): publish the data and run the workers first (amem-flow publish SOURCE --pipeline P; amem-flow worker P --worker i/W)`,
    );
  const shards = model.shards.assemble(states, `the cluster at ${transport.url}`);
  const samples = shards.reduce((n, s) => n + s.samples, 0);
  const unconverged = shards.filter((s) => !s.converged);
  if (spec.stream) {
    // Online shards learned each sample once, test then train: their prequential counts add up.
    const extras = states.map((s) => (s.settings.extra ?? {}) as { correct?: number; seen?: number; ended?: boolean });
    const correct = extras.reduce((n, e) => n + (e.correct ?? 0), 0);
    const ended = extras.filter((e) => e.ended).length;
    return {
      outcome: {
        samples,
        epochs: [],
        section: { mode: 'cluster', cluster: transport.url, samples, shards },
        summary: [['model', `assembled from ${shards.length} shard states at ${transport.url} (${ended} of ${shards.length} shards at the end of their data)`]],
        warnings: ended < shards.length ? [`${shards.length - ended} shards have not reached the end of their data: the model is as far as the workers have learned`] : [],
        timings: {},
      },
      stream: { source: transport.url, trained: samples, prequential_accuracy: samples > 0 ? correct / samples : 0, shards_ended: ended },
    };
  }
  const outcome: TrainOutcome = {
    samples,
    epochs: [],
    section: {
      mode: 'cluster',
      cluster: transport.url,
      samples,
      max_epochs: spec.train.epochs,
      epochs_run: Math.max(...shards.map((s) => s.epochs)),
      converged_shards: shards.length - unconverged.length,
      unconverged_shards: unconverged.map((s) => s.shard),
      sample_visits: shards.reduce((n, s) => n + s.visits, 0),
      shards,
    },
    summary: [
      ['model', `assembled from ${shards.length} shard states at ${transport.url}`],
      ['shards converged', `${shards.length - unconverged.length} / ${shards.length}`],
    ],
    warnings: unconverged.map(
      (s) => `shard ${s.shard} (${s.samples} samples) did not converge within ${s.epochs} epochs: ${s.final_misses} misses in its last epoch (raise train.epochs to train it longer)`,
    ),
    timings: {},
  };
  return { outcome };
}
