/**
 * What the pipeline runner and the model adapters exchange: the training context a run gives a
 * model, the outcome it reports back, and the model as the runner sees it.
 */
import type { DataParallelTraining } from './dataParallel.js';
import type { ShardedTraining } from './adapters/shardedLshShards.js';
import type { OperatorFunction, Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { Classifier } from '../models/model.js';
import type { Checkpoint } from '../io/checkpoint.js';
import type { OnlineModel } from '../stream/node/onlineLearner.js';
import type { Reporter } from '../util/reporter.js';
import type { ResolvedPipeline } from './spec.js';
import type { GraphNode } from './steps.js';
import type { KernelName } from '../backends/kernel.js';

/** One row of the per-epoch learning curve in `metrics.json`. */
export interface EpochRow {
  epoch: number;
  train_error: number;
  [key: string]: number;
}

/** What training reports back to the run. */
export interface TrainOutcome {
  samples: number;
  epochs: EpochRow[];
  /** Model-specific section of `metrics.json`, under `training`. */
  section: Record<string, unknown>;
  /** Label/value rows for the results table. */
  summary: [string, string][];
  warnings: string[];
  /** Sub-phase timings (`<phase>_s`) for `metrics.json`. */
  timings: Record<string, number>;
}

/** What training needs from the run. */
export interface TrainContext {
  schedule: ResolvedPipeline['train'];
  workers: number;
  reporter: Reporter;
  /** Scores a model state on the test partition (error rate), for the learning curve. */
  testError?: (model: Classifier) => Promise<number>;
  /** Where to write per-epoch outputs (figures, checkpoint); nothing is written when absent. */
  outDir?: string;
  /** A checkpoint of this pipeline's model to continue from (`--resume`). */
  resume?: Checkpoint;
  /** Redraw figures during training at most every this many seconds (0: every epoch); none when absent. */
  plotEvery?: number;
  /** The pipeline's trailing normalize step, fused into the training steps (the stream arrives without it; see `PipelineModel.fusesNormalize`). */
  normalize?: [number, number];
}

/** What online learning needs from a model (see `stream/onlineLearner.ts`). */
interface OnlineCapable extends OnlineModel {
  /** Replaces the model's state with a checkpoint's, after checking its settings match. */
  restore(ckpt: Checkpoint, path: string): void;
}

/** An addNoise pm1 step fused into prediction. */
export interface Pm1Noise {
  kind: 'pm1';
  seed: number;
}

/** A model as the pipeline runner sees it. */
export interface PipelineModel extends Classifier {
  readonly kind: string;
  /** Present when the model can learn from a stream. */
  readonly online?: OnlineCapable;
  /** Present when shards train apart (scale-out: `amem-flow worker`, `run --from-cluster`). */
  readonly shards?: ShardedTraining;
  /** Present when the model trains data-parallel across workers (scale-out: rounds of local steps, averaged). */
  dataParallel?(train: ResolvedPipeline['train']): DataParallelTraining;
  /** True when batch training writes a checkpoint that `--resume` continues. */
  readonly resumable?: boolean;
  route?(): OperatorFunction<RecordBatch, RecordBatch>;
  /** Present when the model predicts on normalized samples without materialising them (an evaluation's trailing normalize step). */
  predictNormalized?(batch: RecordBatch, range: [number, number]): Promise<Int32Array>;
  /** Present when the model predicts on ±1-noisy samples without materialising them (an evaluation's trailing addNoise pm1 step). */
  predictWithNoise?(batch: RecordBatch, noise: Pm1Noise): Promise<Int32Array>;
  /** True when its batch training applies a trailing normalize step itself, per minibatch (`TrainContext.normalize`). */
  readonly fusesNormalize?: boolean;
  /** The nodes of the model's batch-training graph, as the run executes them (for the pipeline graph); `normalize`: the fused step's node. */
  trainGraph(train: ResolvedPipeline['train'], normalize?: GraphNode): GraphNode[];
  /** Kernels that prediction and online learning call. */
  readonly kernels: { predict: KernelName[]; learn: KernelName[] };
  train(source: Observable<RecordBatch>, ctx: TrainContext): Promise<TrainOutcome>;
  save(path: string): void;
  /** Writes the model's figures (PNG) to `outDir`; returns their paths. */
  figures?(outDir: string, epochs: EpochRow[], shape: number[]): Promise<string[]>;
}

/** Log-spaced epochs 1, 2, 3, 5, 10, 20, 30, 50, 100, … up to and including the cap. */
export function curveEpochsFor(setting: 'auto' | 'off' | number[], maxEpochs: number): number[] {
  if (setting === 'off') return [];
  if (setting !== 'auto') return [...new Set(setting.filter((e) => e <= maxEpochs))].sort((a, b) => a - b);
  const out = new Set<number>();
  for (let decade = 1; decade <= maxEpochs; decade *= 10) for (const m of [1, 2, 3, 5]) if (m * decade <= maxEpochs) out.add(m * decade);
  out.add(maxEpochs);
  return [...out].sort((a, b) => a - b);
}

/** The epoch-trainer graph of dense-am and competing-units: the data replayed per epoch in seeded order, minibatches, one step each. */
export function epochGraph(
  train: ResolvedPipeline['train'],
  seed: number,
  kernels: KernelName[],
  opts: { wholeBatches?: boolean; workers?: number | 'auto'; normalize?: GraphNode; stepRows?: number } = {},
): GraphNode[] {
  // A step that takes several minibatches per call (stepRows) splits them itself: it names its minibatch size.
  const rows = opts.stepRows ?? train.batchSize;
  const split = rows !== train.batchSize ? { minibatch: train.batchSize } : {};
  return [
    { op: 'collect', settings: {}, kernels: [] },
    { op: 'epochSource', settings: { seed, epochs: train.epochs, chunk: rows, ...(opts.wholeBatches ? { wholeBatches: train.batchSize } : {}) }, kernels: [] },
    { op: 'minibatch', settings: { size: rows }, kernels: [] },
    ...(opts.normalize ? [opts.normalize] : []),
    { op: 'trainStep', settings: { ...split, workers: opts.workers ?? train.workers }, kernels },
  ];
}
