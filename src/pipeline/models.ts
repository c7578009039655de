/**
 * The bridge between pipeline specs and model classes: each model kind gets an adapter that
 * trains it from a stream according to the pipeline's schedule and reports what the run needs
 * (per-epoch curve, a model-specific metrics section, summary rows, warnings).
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../backends/backend.js';
import type { Classifier } from '../models/model.js';
import { ShardedLshModel } from '../models/shardedLsh.js';
import type { Checkpoint } from '../io/checkpoint.js';
import type { OnlineModel } from '../stream/onlineLearner.js';
import { UsageError } from '../util/errors.js';
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
  route?(): OperatorFunction<RecordBatch, RecordBatch>;
  train(source: Observable<RecordBatch>, ctx: TrainContext): Promise<TrainOutcome>;
  save(path: string): void;
  /** Prototype/memory images for plots: `count` tiles of `shape`, row-major. */
  memories?(): { values: Float64Array | Float32Array; count: number; cols: number };
}

/** Builds the adapter for a model spec. */
export function createPipelineModel(spec: ModelSpec, backend: Backend, pipelineSeed: number): PipelineModel {
  switch (spec.kind) {
    case 'sharded-lsh':
      return shardedLshAdapter(new ShardedLshModel({ bits: spec.bits, shards: spec.shards, classes: spec.classes, seed: spec.seed ?? Rng.deriveSeed(pipelineSeed, 'model') }, backend));
    default:
      return spec.kind satisfies never;
  }
}

function shardedLshAdapter(initial: ShardedLshModel): PipelineModel {
  let model = initial;
  return {
    kind: ShardedLshModel.kind,
    classes: model.classes,
    online: {
      classes: model.classes,
      learn: (batch) => model.learn(batch),
      checkpoint: () => model.toCheckpoint(),
      restore(ckpt, path) {
        const restored = ShardedLshModel.fromCheckpoint(ckpt, model.backend, path);
        const want = JSON.stringify(model.settings);
        if (JSON.stringify(restored.settings) !== want) throw new UsageError(`'${path}' was made with model settings ${JSON.stringify(restored.settings)}, this pipeline asks for ${want}`);
        model = restored;
      },
    },
    predict: (batch) => model.predict(batch),
    route: () => model.route(),
    save: (path) => model.save(path),
    memories: () => ({ values: model.prototypes(), count: model.settings.shards * model.classes, cols: model.classes }),
    async train(source, { schedule, workers, reporter, testError }) {
      const { shards } = model.settings;
      const bar = reporter.start('train', shards);
      const done = new Set<number>();
      const curveEpochs = testError ? curveEpochsFor(schedule.curveEpochs, schedule.maxEpochs) : [];
      const report = await model.fit(source, {
        maxEpochs: schedule.maxEpochs,
        snapshotEpochs: curveEpochs,
        workers,
        onProgress: (p) => {
          if (p.done) done.add(p.shard);
          bar.update(done.size, `shard ${p.shard}: epoch ${p.epoch}, ${p.misses} misses`);
        },
      });
      const unconverged = report.shards.filter((s) => !s.converged);
      bar.done(`${shards - unconverged.length}/${shards} shards converged in ${report.seconds.toFixed(1)} s`);
      const epochs: EpochRow[] = report.epochMisses.map((misses, e) => ({ epoch: e + 1, train_error: misses / report.samples, misses }));
      const curveStarted = performance.now();
      if (testError && curveEpochs.length > 0) {
        // The final state ends the curve even when training stopped before the next planned epoch.
        const points: { epoch: number; model: Classifier }[] = report.snapshots.filter((s) => s.epoch < epochs.length);
        points.push({ epoch: epochs.length, model });
        const curve = reporter.start('learning curve', points.length);
        for (const [i, p] of points.entries()) {
          epochs[p.epoch - 1].test_error = await testError(p.model);
          curve.update(i + 1, `epoch ${p.epoch}: test error ${epochs[p.epoch - 1].test_error.toFixed(4)}`);
        }
        curve.done(`test error at epochs ${points.map((p) => p.epoch).join(', ')}`);
      }
      const visits = report.shards.reduce((a, s) => a + s.visits, 0);
      const evaluations = report.shards.reduce((a, s) => a + s.distanceEvaluations, 0);
      return {
        samples: report.samples,
        epochs,
        section: {
          samples: report.samples,
          max_epochs: schedule.maxEpochs,
          epochs_run: report.epochMisses.length,
          converged_shards: shards - unconverged.length,
          unconverged_shards: unconverged.map((s) => s.shard),
          sample_visits: visits,
          distance_evaluations: evaluations,
          distance_evaluations_skipped: visits * model.classes - evaluations,
          shards: report.shards.map((s) => ({
            shard: s.shard,
            samples: s.samples,
            epochs: s.epochs,
            converged: s.converged,
            final_misses: s.misses.at(-1) ?? 0,
            visits: s.visits,
            distance_evaluations: s.distanceEvaluations,
            seconds: round(s.seconds, 3),
          })),
        },
        summary: [
          ['shards converged', `${shards - unconverged.length} / ${shards}`],
          ['epochs (longest shard)', String(report.epochMisses.length)],
          ['sample visits', visits.toLocaleString('en-US')],
          ['distance evaluations skipped', `${(100 * (1 - evaluations / Math.max(1, visits * model.classes))).toFixed(1)}%`],
        ],
        timings: { fit_s: round(report.seconds, 3), curve_s: round((performance.now() - curveStarted) / 1000, 3) },
        warnings: unconverged.map(
          (s) =>
            `shard ${s.shard} (${s.samples} samples) did not converge within ${s.epochs} epochs: ${s.misses.at(-1)} misses in its last epoch (raise train.maxEpochs to train it longer)`,
        ),
      };
    },
  };
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

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
