/**
 * Data-parallel training of the epoch models (dense-am, competing-units) across W workers, as
 * local SGD: every round starts all workers from the same state; each runs up to R minibatch
 * steps on its part of the data (minibatches of ⌈B / W⌉ rows, so the W workers together take
 * one global minibatch of B per step); the round's states are averaged, weighted by the rows each
 * trained, into the next round's. With W = 1 a round is R steps of the single-process run, so the
 * model is the single-process model, byte for byte.
 *
 * This file holds what every worker must compute the same way: the parts, the minibatches of a
 * round and the round numbering. The transport and the coordinator are in `node/`.
 */
import { lastValueFrom } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { ColumnArray } from '../data/batch.js';
import type { Checkpoint } from '../io/checkpoint.js';
import { epochSource } from '../operators/epochSource.js';
import { UsageError } from '../util/errors.js';

/** A model that trains data-parallel: its state is a checkpoint, its rounds start from one. */
export interface DataParallelTraining {
  /** Seed of the per-epoch shuffles of each worker's part. */
  readonly seed: number;
  /** Steps take only whole minibatches (the rest of an epoch's order waits for a later shuffle). */
  readonly wholeBatches: boolean;
  /** The seeded starting state for features of `width` columns (every worker computes the same). */
  initial(width: number): Checkpoint;
  /** Runs one step per minibatch from `state` at epoch `epoch` (0-based); the state after them and how many rows were right before their step (null: the model has no labels to score). */
  steps(state: Checkpoint, minibatches: AsyncIterable<RecordBatch>, epoch: number): Promise<{ state: Checkpoint; rows: number; correct: number | null }>;
  /** Averages the workers' states (weights: rows trained, summing to 1) into the state that starts epoch `epoch`'s next round. */
  combine(states: Checkpoint[], weights: number[], epoch: number): Checkpoint;
  /** Makes `state` the model the pipeline evaluates and saves; `trainData` gives the training set where the model needs it (a read-out). */
  install(state: Checkpoint, source: string, trainData: () => Promise<RecordBatch>): Promise<void>;
}

/** How a data-parallel run is laid out: the same for every worker, fixed when the run starts. */
export interface ParallelPlan {
  workers: number;
  /** R: steps each worker runs per round. */
  localSteps: number;
  /** B: the global minibatch; each worker steps on ⌈B / W⌉ rows. */
  batchSize: number;
  /** Rows per published data chunk; chunk c belongs to worker c mod W. */
  chunkRows: number[];
  wholeBatches: boolean;
}

/** Where a round falls: its epoch and its steps [from, to) in that epoch. */
export interface RoundPlace {
  epoch: number;
  from: number;
  to: number;
}

/** The per-worker minibatch size. */
function workerBatch(plan: ParallelPlan): number {
  return Math.ceil(plan.batchSize / plan.workers);
}

/** The rows of worker `w`'s part. */
export function partRows(plan: ParallelPlan, w: number): number {
  return plan.chunkRows.reduce((n, rows, c) => (c % plan.workers === w ? n + rows : n), 0);
}

/** Steps per epoch: the most any worker's part takes (a smaller part sits out its last steps). */
function stepsPerEpoch(plan: ParallelPlan): number {
  const b = workerBatch(plan);
  let most = 0;
  for (let w = 0; w < plan.workers; w++) {
    const n = partRows(plan, w);
    most = Math.max(most, plan.wholeBatches ? Math.floor(n / b) : Math.ceil(n / b));
  }
  if (most === 0) throw new UsageError(`every worker's part is smaller than one minibatch of ${b} rows: use fewer workers (--worker i/W) or a smaller train.batchSize`);
  return most;
}

/** Rounds per epoch: ⌈steps / R⌉ (a round never spans two epochs: the learning rate changes between them). */
export function roundsPerEpoch(plan: ParallelPlan): number {
  return Math.ceil(stepsPerEpoch(plan) / plan.localSteps);
}

/** The epoch and steps of round `round`. */
export function roundPlace(plan: ParallelPlan, round: number): RoundPlace {
  const perEpoch = roundsPerEpoch(plan);
  const epoch = Math.floor(round / perEpoch);
  const from = (round % perEpoch) * plan.localSteps;
  return { epoch, from, to: Math.min(stepsPerEpoch(plan), from + plan.localSteps) };
}

/**
 * Worker `w`'s minibatches of a round: its part in the epoch's seeded order, steps [from, to),
 * gathered one at a time into `scratch` (each is valid until the next is asked for).
 */
export async function* roundMinibatches(part: RecordBatch, plan: ParallelPlan, place: RoundPlace, seed: number, scratch: Map<string, ColumnArray>): AsyncGenerator<RecordBatch> {
  const b = workerBatch(plan);
  for (let step = place.from; step < place.to; step++) {
    const source = epochSource(part, { seed, epoch: place.epoch, chunk: b, range: [step * b, (step + 1) * b], wholeBatches: plan.wholeBatches ? b : undefined, scratch });
    const batch = await lastValueFrom(source, { defaultValue: undefined });
    if (batch && batch.numRows > 0) yield batch;
  }
}
