/**
 * The Dense AM classifier as the pipeline runner sees it: collects the training set, trains
 * epoch by epoch, and after every epoch scores the test set, writes the checkpoint (model,
 * optimiser, learning curve) and redraws the figures (memories, curve); `--resume` continues from
 * that checkpoint. It also learns online, one minibatch per stream batch.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from '../../io/checkpoint.js';
import { saveCheckpoint } from '../../io/node/checkpointFile.js';
import { collectSamples } from '../../io/collect.js';
import { DenseAmModel } from '../../models/denseAm.js';
import { memoryFigure } from '../../plots/charts.js';
import { DataError, UsageError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { assertSameSettings } from './sameSettings.js';
import { writeErrorCurve } from './errorCurve.js';
import type { EpochRow, PipelineModel } from '../training.js';

/** The Dense AM model as the runner sees it; `figureColumns` sets the memory grid's width. */
export function denseAmAdapter(initial: DenseAmModel, figureColumns?: number): PipelineModel {
  let model = initial;
  let curve: EpochRow[] = [];
  const restore = (ckpt: Checkpoint, path: string) => {
    const restored = DenseAmModel.fromCheckpoint(ckpt, model.backend, path);
    assertSameSettings(restored.settings, model.settings, path);
    model = restored;
    curve = (ckpt.settings.curve as EpochRow[] | undefined) ?? [];
  };
  const checkpoint = (): Checkpoint => {
    const c = model.toCheckpoint();
    return { ...c, settings: { ...c.settings, curve } };
  };
  const figures = async (outDir: string, epochs: EpochRow[], shape: number[]) => {
    const files: string[] = [];
    const D = model.width;
    if (D !== undefined && shape.length === 2) {
      const K = model.settings.memories;
      const all = model.memories();
      const pixels = new Float32Array(K * D);
      for (let k = 0; k < K; k++) pixels.set(all.subarray(k * (D + model.classes), k * (D + model.classes) + D), k * D);
      const path = join(outDir, 'memories.png');
      const cols = figureColumns ?? Math.ceil(Math.sqrt(K));
      writeFileSync(path, await memoryFigure(pixels, { count: K, shape: [shape[0], shape[1]], cols, scale: 'diverging', title: `dense-am memories (pixel part), epoch ${model.epoch}` }));
      files.push(path);
    }
    if (epochs.length > 0) files.push(await writeErrorCurve(outDir, epochs, { title: 'dense-am learning curve' }));
    return files;
  };
  return {
    kind: DenseAmModel.kind,
    classes: model.classes,
    resumable: true,
    predict: (batch) => model.predict(batch),
    save: (path) => saveCheckpoint(path, checkpoint()),
    figures,
    online: {
      classes: model.classes,
      learn: (batch) => model.learn(batch),
      checkpoint,
      restore,
    },
    async train(source, { schedule, workers, reporter, testError, outDir, resume, plotEvery }) {
      const data = await collectSamples(source, 'dense-am');
      const [lo, hi] = data.info.range;
      if (lo !== -1 || hi !== 1) throw new DataError(`dense-am: features are in [${lo}, ${hi}]; add { op: 'normalize', range: [-1, 1] } to the pipeline's steps`);
      if (resume) restore(resume, 'the checkpoint to resume');
      const remaining = schedule.epochs - model.epoch;
      if (remaining < 0) throw new UsageError(`the checkpoint has ${model.epoch} epochs, more than train.epochs = ${schedule.epochs}; raise --epochs to continue`);
      const bar = reporter.start('train', schedule.epochs);
      bar.update(model.epoch, resume ? `resumed after epoch ${model.epoch}` : '');
      const started = performance.now();
      let last = performance.now();
      let lastFigure = -Infinity;
      await model.fit(data, {
        epochs: remaining,
        batchSize: schedule.batchSize,
        workers,
        onEpoch: async (epoch, trainError) => {
          const row: EpochRow = { epoch, train_error: trainError, seconds: round((performance.now() - last) / 1000) };
          if (testError) row.test_error = await testError(model);
          curve.push(row);
          if (outDir) {
            saveCheckpoint(join(outDir, 'checkpoint.arrow'), checkpoint());
            // A redraw takes ~0.4 s (a quarter of an MNIST epoch): by default at most every 10 s (the run draws the final ones).
            if (plotEvery !== undefined && epoch < schedule.epochs && performance.now() - lastFigure >= plotEvery * 1000) {
              await figures(outDir, curve, data.info.shape);
              lastFigure = performance.now();
            }
          }
          bar.update(epoch, `train error ${(100 * trainError).toFixed(2)}%${row.test_error === undefined ? '' : `, test error ${(100 * row.test_error).toFixed(2)}%`}`);
          last = performance.now();
        },
      });
      const seconds = (performance.now() - started) / 1000;
      const fresh = curve.slice(curve.length - remaining);
      const best = curve.filter((r) => r.test_error !== undefined).reduce<EpochRow | undefined>((b, r) => (!b || r.test_error! < b.test_error! ? r : b), undefined);
      bar.done(`${remaining} epochs in ${seconds.toFixed(1)} s${best ? `; best test error ${(100 * best.test_error!).toFixed(2)}% at epoch ${best.epoch}` : ''}`);
      return {
        samples: data.rows,
        epochs: curve,
        section: {
          samples: data.rows,
          epochs_run: model.epoch,
          memories: model.settings.memories,
          seconds_per_epoch: fresh.length > 0 ? round(fresh.reduce((s, r) => s + (r.seconds ?? 0), 0) / fresh.length) : null,
          best_test_error: best?.test_error ?? null,
          best_epoch: best?.epoch ?? null,
        },
        summary: [
          ['epochs', `${model.epoch}${resume ? ` (resumed at ${model.epoch - remaining})` : ''}`],
          ['seconds per epoch', fresh.length > 0 ? (fresh.reduce((s, r) => s + (r.seconds ?? 0), 0) / fresh.length).toFixed(2) : '-'],
          ['best test error', best ? `${(100 * best.test_error!).toFixed(2)}% (epoch ${best.epoch})` : '-'],
        ],
        warnings: [],
        timings: { fit_s: round(seconds) },
      };
    },
  };
}
