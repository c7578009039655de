/**
 * The bridge between pipeline specs and model classes: each model kind gets an adapter that
 * trains it from a stream according to the pipeline's schedule and reports what the run needs
 * (per-epoch curve, a model-specific metrics section, summary rows, warnings).
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../backends/backend.js';
import type { Classifier } from '../models/model.js';
import { DenseAmModel } from '../models/denseAm.js';
import { ShardedLshModel } from '../models/shardedLsh.js';
import { denseAmAdapter } from './adapters/denseAm.js';
import { shardedLshAdapter } from './adapters/shardedLsh.js';
import { competingUnitsAdapter } from './adapters/competingUnits.js';
import type { Checkpoint } from '../io/checkpoint.js';
import type { OnlineModel } from '../stream/onlineLearner.js';
import { Rng } from '../util/random.js';
import type { Reporter } from './reporter.js';
import type { ModelSpec, ResolvedPipeline } from './spec.js';

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
}

/** What online learning needs from a model (see `stream/onlineLearner.ts`). */
export interface OnlineCapable extends OnlineModel {
  /** Replaces the model's state with a checkpoint's, after checking its settings match. */
  restore(ckpt: Checkpoint, path: string): void;
}

/** A model as the pipeline runner sees it. */
export interface PipelineModel extends Classifier {
  readonly kind: string;
  /** Present when the model can learn from a stream. */
  readonly online?: OnlineCapable;
  /** True when batch training writes a checkpoint that `--resume` continues. */
  readonly resumable?: boolean;
  route?(): OperatorFunction<RecordBatch, RecordBatch>;
  train(source: Observable<RecordBatch>, ctx: TrainContext): Promise<TrainOutcome>;
  save(path: string): void;
  /** Writes the model's figures (PNG) to `outDir`; returns their paths. */
  figures?(outDir: string, epochs: EpochRow[], shape: number[]): Promise<string[]>;
}

/** Builds the adapter for a model spec. */
export function createPipelineModel(spec: ModelSpec, backend: Backend, pipelineSeed: number): PipelineModel {
  const seed = spec.seed ?? Rng.deriveSeed(pipelineSeed, 'model');
  switch (spec.kind) {
    case 'sharded-lsh':
      return shardedLshAdapter(new ShardedLshModel({ bits: spec.bits, shards: spec.shards, classes: spec.classes, seed }, backend));
    case 'dense-am': {
      const { kind: _kind, figureColumns, ...settings } = spec;
      return denseAmAdapter(new DenseAmModel({ ...settings, seed }, backend), figureColumns);
    }
    case 'competing-units': {
      const { kind: _kind, classes, head, figureColumns, seed: _seed, ...options } = spec;
      return competingUnitsAdapter(backend, { options: { ...options, randomState: seed }, head, classes, figureColumns });
    }
    default:
      return spec satisfies never;
  }
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
