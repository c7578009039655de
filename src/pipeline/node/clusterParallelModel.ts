/**
 * `amem-flow run P --from-cluster` for a data-parallel run: the model is the state the run's
 * last round ended with, installed as the pipeline's model; the outcome reports the run's plan
 * and its per-epoch history as the workers' coordinator recorded it.
 */
import type { RecordBatch } from 'apache-arrow';
import { clusterNames, type ClusterTransport } from '../../cluster/node/transport.js';
import { DataError } from '../../util/errors.js';
import { roundPlace } from '../dataParallel.js';
import type { ResolvedPipeline } from '../spec.js';
import type { EpochRow, PipelineModel, TrainOutcome } from '../training.js';
import { readRunState, roundWeights } from './clusterRounds.js';

/** Installs the model the data-parallel run on the cluster has reached; throws when there is none. */
export async function parallelModelFromCluster(spec: ResolvedPipeline, model: PipelineModel, transport: ClusterTransport, trainData: () => Promise<RecordBatch>): Promise<TrainOutcome> {
  const dp = model.dataParallel!(spec.train);
  const names = clusterNames(spec.name);
  const kv = await transport.kv(names.runBucket);
  let read = await readRunState(kv);
  if (!read)
    throw new DataError(`no training run of '${spec.name}' at ${transport.url}: publish the data and run the workers first (amem-flow publish SOURCE --pipeline P; amem-flow worker P --worker i/W)`);
  // While workers train, the round may advance (and its weights be dropped) between the two reads: read again.
  let weights = await roundWeights(transport, spec.name, read.state.round);
  for (let tries = 1; !weights && tries < 20; tries++) {
    read = (await readRunState(kv))!;
    weights = await roundWeights(transport, spec.name, read.state.round);
  }
  if (!weights)
    throw new DataError(
      `the run of '${spec.name}' at ${transport.url} is at round ${read.state.round}, whose weights are not stored: its data on the server are incomplete; train it again under another name`,
    );
  const { state } = read;
  await dp.install(weights, `round ${state.round} at ${transport.url}`, trainData);
  const epochsDone = roundPlace(state.plan, state.round).epoch;
  const samples = state.plan.chunkRows.reduce((n, r) => n + r, 0);
  const epochs: EpochRow[] = state.history.filter((e) => e.train_error !== undefined).map((e) => ({ epoch: e.epoch, train_error: e.train_error!, seconds: e.seconds }));
  const { workers, localSteps, batchSize } = state.plan;
  return {
    samples,
    epochs,
    section: {
      mode: 'cluster',
      cluster: transport.url,
      samples,
      workers,
      local_steps: localSteps,
      batch_size: batchSize,
      rounds: state.round,
      epochs_run: epochsDone,
      history: state.history,
    },
    summary: [
      ['model', `round ${state.round} of a data-parallel run at ${transport.url}: ${workers} worker${workers === 1 ? '' : 's'}, ${localSteps} local step${localSteps === 1 ? '' : 's'} per round`],
      ['epochs', `${epochsDone} of ${spec.train.epochs}`],
    ],
    warnings: epochsDone < spec.train.epochs ? [`the run on the cluster has done ${epochsDone} of ${spec.train.epochs} epochs: the model is as far as the workers have trained`] : [],
    timings: {},
  };
}
