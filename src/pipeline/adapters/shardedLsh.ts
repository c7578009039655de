/**
 * The sharded-lsh model as the pipeline runner sees it: trains from a stream with per-shard
 * epoch caps, records the learning curve from snapshots, learns online, and draws its prototypes.
 */
import { join } from 'node:path';
import type { Classifier } from '../../models/model.js';
import { ShardedLshModel } from '../../models/shardedLsh.js';
import { saveModel } from '../../io/node/checkpointFile.js';
import { assertSameSettings } from './sameSettings.js';
import { round } from '../../util/round.js';
import { curveEpochsFor, type EpochRow, type PipelineModel } from '../training.js';

import { charts } from './charts.js';
import { shardedTraining } from './shardedLshShards.js';

/** The sharded-lsh model as the runner sees it. */
export function shardedLshAdapter(initial: ShardedLshModel): PipelineModel {
  let model = initial;
  return {
    kind: ShardedLshModel.kind,
    classes: model.classes,
    online: {
      classes: model.classes,
      learn: async (batch) => (await model.learn(batch)).predictions!,
      checkpoint: () => model.toCheckpoint(),
      restore(ckpt, path) {
        const restored = ShardedLshModel.fromCheckpoint(ckpt, model.backend, path);
        assertSameSettings(restored.settings, model.settings, path);
        model = restored;
      },
    },
    shards: shardedTraining(
      initial,
      () => model,
      (assembled) => (model = assembled),
    ),
    predict: (batch) => model.predict(batch),
    predictWithNoise: (batch, noise) => model.predictWithNoise(batch, noise),
    route: () => model.route(),
    kernels: { predict: ['lshCodes', 'nearestPrototypes'], learn: ['lshCodes', 'nearestPrototypes', 'trainPrototypes'] },
    trainGraph: (train) => [
      { op: 'route', settings: { bits: model.settings.bits, shards: model.settings.shards, seed: model.settings.seed }, kernels: ['lshCodes'] },
      { op: 'trainStep', settings: { epochs: train.epochs, workers: train.workers, curveEpochs: train.curveEpochs }, kernels: ['trainPrototypes'] },
    ],
    save: (path) => saveModel(path, model),
    async figures(outDir, epochs, shape) {
      const files: string[] = [];
      if (shape.length === 2) {
        const path = join(outDir, 'memories.png');
        const { memoryFigure, saveFigure } = await charts();
        // One column per shard, one row per class, at one pixel per value: the 50 × 10 grid opens on a laptop.
        const { shards } = model.settings;
        const K = model.classes;
        const D = shape[0] * shape[1];
        const protos = model.prototypes();
        const grid = new Float32Array(shards * K * D);
        for (let s = 0; s < shards; s++) for (let c = 0; c < K; c++) grid.set(protos.subarray((s * K + c) * D, (s * K + c + 1) * D), (c * shards + s) * D);
        const opts = { count: shards * K, shape: [shape[0], shape[1]] as [number, number], cols: shards, scale: 'ink' as const, range: [0, 255] as [number, number], zoom: 1, gap: 1 };
        const axes = { x: { title: 'shard', every: shards > 20 ? 5 : 1 }, y: { title: 'class' } };
        files.push(saveFigure(path, await memoryFigure(grid, { ...opts, ...axes, title: `sharded-lsh prototypes: ${shards} shards × ${K} classes` })));
      }
      const points = epochs.flatMap((e) => [
        { x: e.epoch, y: 100 * e.train_error, series: 'misses during the epoch (train)' },
        ...(e.test_error === undefined ? [] : [{ x: e.epoch, y: 100 * e.test_error, series: 'test error after the epoch' }]),
      ]);
      if (points.length > 0) {
        const path = join(outDir, 'curve.png');
        const { lineChart, saveFigure } = await charts();
        files.push(saveFigure(path, await lineChart(points, { x: 'epoch', y: 'error, %', title: 'sharded-lsh learning curve', logX: true })));
      }
      return files;
    },
    async train(source, { schedule, workers, reporter, testError }) {
      const { shards } = model.settings;
      const bar = reporter.start('train', shards);
      const done = new Set<number>();
      const curveEpochs = testError ? curveEpochsFor(schedule.curveEpochs, schedule.epochs) : [];
      const report = await model.fit(source, {
        epochs: schedule.epochs,
        snapshotEpochs: curveEpochs,
        workers,
        onProgress: (p) => {
          if (p.done) done.add(p.shard);
          reporter.record?.({ kind: 'shard', ...p });
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
          reporter.record?.({ kind: 'epoch', row: epochs[p.epoch - 1] });
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
          max_epochs: schedule.epochs,
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
          (s) => `shard ${s.shard} (${s.samples} samples) did not converge within ${s.epochs} epochs: ${s.misses.at(-1)} misses in its last epoch (raise train.epochs to train it longer)`,
        ),
      };
    },
  };
}
