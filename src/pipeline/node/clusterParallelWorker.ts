/**
 * `amem-flow worker P --worker i/W` for models that train data-parallel (dense-am,
 * competing-units): loads its part of the published data (chunks c with c mod W = i) through the
 * pipeline's steps, joins the run at its current round, and for every round runs its steps from
 * the round's weights and publishes its state; while it waits for the others it coordinates when
 * it holds the lease (`clusterRounds.ts`). A worker killed at any point and started again joins
 * the round the run is at: what it had published is still there, what it had not, it computes
 * again, the same bytes.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../../backends/backend.js';
import { decodeBatchMessage } from '../../cluster/node/batchMessages.js';
import { clusterNames, type ClusterTransport } from '../../cluster/node/transport.js';
import { concatBatches, features, type ColumnArray } from '../../data/batch.js';
import { DataError, UsageError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { silentReporter } from '../../util/reporter.js';
import { openData } from '../data.js';
import { partRows, roundMinibatches, roundPlace, roundsPerEpoch, type DataParallelTraining, type ParallelPlan } from '../dataParallel.js';
import { pipelineGraph } from '../graph.js';
import type { ResolvedPipeline } from '../spec.js';
import type { PipelineModel } from '../training.js';
import type { DataManifest } from './clusterPublishParts.js';
import { combineRound, CoordinatorLease, RoundCache, publishUpdate, readRunState, roundWeights, startRun, type ParallelEpoch, type RunState } from './clusterRounds.js';
import type { WorkerOptions } from './workerOptions.js';

/** How often a waiting worker looks at the run state. */
const POLL_MS = 5;
/**
 * How long the coordinator's lease lasts unrenewed: a dead coordinator's successor waits this
 * long. Two coordinators at once are harmless (they compute the same bytes; one advances the
 * round), so the lease only saves work and can be short.
 */
const LEASE_MS = 3000;

/** What a data-parallel worker did. */
export interface ParallelWorkerReport {
  worker: number;
  workers: number;
  part_rows: number;
  /** Rounds this worker stepped, and rounds it combined as coordinator. */
  rounds_stepped: number;
  rounds_combined: number;
  /** The run's round and epochs when this worker stopped. */
  round: number;
  epochs_done: number;
  history: ParallelEpoch[];
  seconds: number;
}

/** Trains this worker's part of a data-parallel run until the run has `spec.train.epochs` epochs. */
export async function runParallelWorker(
  spec: ResolvedPipeline,
  model: PipelineModel,
  backend: Backend,
  transport: ClusterTransport,
  opts: WorkerOptions & { localSteps: number },
): Promise<ParallelWorkerReport> {
  const started = performance.now();
  const reporter = opts.reporter ?? silentReporter;
  const { index: w, count: W, localSteps } = opts;
  if (!(Number.isInteger(localSteps) && localSteps >= 1)) throw new UsageError(`--local-steps must be a positive integer, got ${localSteps}`);
  const dp: DataParallelTraining = model.dataParallel!(spec.train);
  const names = clusterNames(spec.name);
  const manifest = await waitForData(transport, spec.name, opts.idleTimeoutS);
  const plan: ParallelPlan = { workers: W, localSteps, batchSize: spec.train.batchSize, chunkRows: manifest.chunkRows, wholeBatches: dp.wholeBatches };
  const part = await loadPart(spec, model, backend, transport, manifest, w, W);
  const width = features(part).width;
  const kv = await transport.kv(names.runBucket);
  const fresh: RunState = { round: 0, plan, data: manifest.hash, history: [], current: { rows: 0, correct: 0, scored: true, started: Date.now() } };
  const run = await startRun(transport, kv, spec.name, fresh, () => dp.initial(width));
  checkSameRun(run, plan, manifest, spec.name);
  const total = spec.train.epochs * roundsPerEpoch(plan);
  const lease = new CoordinatorLease(kv, LEASE_MS);
  const bar = reporter.start(`worker ${w}/${W}`, spec.train.epochs);
  let stepped = 0;
  let combined = 0;
  let published = -1;
  const cache = new RoundCache();
  const scratch = new Map<string, ColumnArray>();
  let state = run;
  for (;;) {
    state = (await readRunState(kv))!.state;
    if (state.round >= total || opts.signal?.aborted) break;
    const r = state.round;
    if (published !== r) {
      const weights = cache.round === r && cache.weights ? cache.weights : await roundWeights(transport, spec.name, r);
      if (!weights) continue; // the run moved on while we read: read its state again
      const place = roundPlace(plan, r);
      const update = await dp.steps(weights, roundMinibatches(part, plan, place, dp.seed, scratch), place.epoch);
      await publishUpdate(transport, spec.name, r, w, update);
      if (cache.round !== r) cache.start(r);
      cache.updates.set(w, update);
      published = r;
      stepped++;
      const last = state.history.at(-1);
      bar.update(place.epoch, `round ${r + 1} of ${total}${last?.train_error === undefined ? '' : `, train error ${(100 * last.train_error).toFixed(2)}% (epoch ${last.epoch})`}`);
    }
    if ((await lease.hold()) && (await combineRound(transport, kv, spec.name, dp, r, cache))) combined++;
    else await sleep(POLL_MS);
  }
  const epochsDone = roundPlace(plan, state.round).epoch;
  bar.done(`${stepped} rounds stepped, ${combined} combined; the run is at epoch ${epochsDone} of ${spec.train.epochs}`);
  return {
    worker: w,
    workers: W,
    part_rows: partRows(plan, w),
    rounds_stepped: stepped,
    rounds_combined: combined,
    round: state.round,
    epochs_done: epochsDone,
    history: state.history,
    seconds: round((performance.now() - started) / 1000, 3),
  };
}

/** The data manifest, waited for (publish may still be running). */
async function waitForData(transport: ClusterTransport, pipeline: string, idleTimeoutS?: number): Promise<DataManifest> {
  const names = clusterNames(pipeline);
  const deadline = idleTimeoutS === undefined ? Infinity : Date.now() + idleTimeoutS * 1000;
  for (;;) {
    const bytes = await transport.getObject(names.bucket, names.dataManifest);
    if (bytes) return JSON.parse(new TextDecoder().decode(bytes)) as DataManifest;
    if (Date.now() > deadline) throw new DataError(`no data for '${pipeline}' at ${transport.url} after ${idleTimeoutS} s; run 'amem-flow publish SOURCE --pipeline P' first`);
    await sleep(200);
  }
}

/** Worker `w`'s chunks, through the pipeline's steps, as one batch. */
async function loadPart(spec: ResolvedPipeline, model: PipelineModel, backend: Backend, transport: ClusterTransport, manifest: DataManifest, w: number, W: number): Promise<RecordBatch> {
  const names = clusterNames(spec.name);
  const raw: RecordBatch[] = [];
  for (let c = w; c < manifest.chunkRows.length; c += W) {
    const bytes = await transport.getObject(names.bucket, names.dataObject(c));
    if (!bytes) throw new DataError(`data chunk ${c} of '${spec.name}' is missing at ${transport.url}; publish the data again`);
    raw.push(await decodeBatchMessage(bytes, `data chunk ${c}`));
  }
  if (raw.length === 0) throw new UsageError(`worker ${w} of ${W} has no data: the data set has ${manifest.chunkRows.length} chunks; use at most ${manifest.chunkRows.length} workers`);
  const graph = pipelineGraph(spec, { seed: spec.seed, backend }, model, openData(spec.data, spec.seed));
  return concatBatches(await lastValueFrom(graph.open(graph.train, from(raw)).pipe(toArray())));
}

/** A worker joins only the run it was started for: the same workers, local steps, minibatch and data. */
function checkSameRun(run: RunState, plan: ParallelPlan, manifest: DataManifest, pipeline: string): void {
  if (run.data !== manifest.hash) throw new UsageError(`the run of '${pipeline}' on the cluster trains on other data than the published data; publish under another pipeline name (--set name=...)`);
  const differs = (['workers', 'localSteps', 'batchSize'] as const).filter((k) => run.plan[k] !== plan[k]);
  if (differs.length > 0)
    throw new UsageError(
      `the run of '${pipeline}' on the cluster was started with ${differs.map((k) => `${k} = ${run.plan[k]}`).join(', ')}; this worker has ${differs.map((k) => `${k} = ${plan[k]}`).join(', ')}: start every worker with the same --worker i/W, --local-steps and train.batchSize`,
    );
}
