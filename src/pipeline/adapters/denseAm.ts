/**
 * The Dense AM classifier as the pipeline runner sees it: trained by the epoch trainer (every
 * epoch scored on the test set, checkpointed and — at most every `plotEvery` seconds — drawn),
 * resumable, and learning online one minibatch per stream batch.
 */
import { join } from 'node:path';
import type { Checkpoint } from '../../io/checkpoint.js';
import { saveCheckpoint } from '../../io/node/checkpointFile.js';
import { DenseAmModel, type DenseAmEpoch } from '../../models/denseAm.js';
import { UsageError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { trainInEpochs, type EpochAdapter } from '../epochRun.js';
import { epochGraph, type EpochRow, type PipelineModel } from '../training.js';
import { writeErrorCurve } from './errorCurve.js';
import { assertSameSettings } from './sameSettings.js';

import { charts } from './charts.js';
import { denseAmParallel } from './denseAmParallel.js';

/** The Dense AM model as the runner sees it; `figureColumns` sets the memory grid's width. */
export function denseAmAdapter(initial: DenseAmModel, figureColumns?: number): PipelineModel {
  let model = initial;
  let curve: EpochRow[] = [];
  const restore = (ckpt: Checkpoint, path: string) => {
    const restored = DenseAmModel.fromCheckpoint(ckpt, model.backend, path);
    assertSameSettings(restored.settings, model.settings, path);
    model = restored;
    curve = (ckpt.settings.curve as EpochRow[] | undefined) ?? [];
    return curve;
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
      const { memoryFigure, saveFigure } = await charts();
      const opts = { count: K, shape: [shape[0], shape[1]] as [number, number], cols, scale: 'diverging' as const, clipPercentile: 99.5 };
      files.push(saveFigure(path, await memoryFigure(pixels, { ...opts, title: `dense-am memories (pixel part), epoch ${model.epoch}` })));
    }
    if (epochs.length > 0) files.push(await writeErrorCurve(outDir, epochs, { title: 'dense-am learning curve', logY: true }));
    return files;
  };
  const epochs: EpochAdapter<DenseAmEpoch> = {
    kind: DenseAmModel.kind,
    classifier: () => model,
    epochsDone: () => model.epoch,
    restore(ckpt, source, schedule) {
      const restoredCurve = restore(ckpt, source);
      if (model.epoch > schedule.epochs) throw new UsageError(`the checkpoint has ${model.epoch} epochs, more than train.epochs = ${schedule.epochs}; raise --epochs to continue`);
      return restoredCurve;
    },
    async train(data, count, { schedule, workers, normalize }, onEpoch) {
      await model.fit(data, { epochs: count, batchSize: schedule.batchSize, workers, normalize, onEpoch });
    },
    row: (e, _data, seconds) => ({ epoch: e.epoch, train_error: e.trainError, seconds }),
    progress: (e, last) => `train error ${(100 * e.trainError).toFixed(2)}%${last?.test_error === undefined ? '' : `, test error ${(100 * last.test_error).toFixed(2)}%`}`,
    checkpoint: () => model.toCheckpoint(),
    figures,
    report({ curve: all, seconds, samples, resumedAt }) {
      curve = all;
      const remaining = model.epoch - (resumedAt ?? 0);
      const fresh = all.slice(all.length - remaining);
      const perEpoch = fresh.length > 0 ? fresh.reduce((s, r) => s + (r.seconds ?? 0), 0) / fresh.length : undefined;
      const best = all.filter((r) => r.test_error !== undefined).reduce<EpochRow | undefined>((b, r) => (!b || r.test_error! < b.test_error! ? r : b), undefined);
      return {
        done: `${remaining} epochs in ${seconds.toFixed(1)} s${best ? `; best test error ${(100 * best.test_error!).toFixed(2)}% at epoch ${best.epoch}` : ''}`,
        section: {
          samples,
          epochs_run: model.epoch,
          memories: model.settings.memories,
          seconds_per_epoch: perEpoch === undefined ? null : round(perEpoch),
          best_test_error: best?.test_error ?? null,
          best_epoch: best?.epoch ?? null,
        },
        summary: [
          ['epochs', `${model.epoch}${resumedAt === undefined ? '' : ` (resumed at ${resumedAt})`}`],
          ['seconds per epoch', perEpoch === undefined ? '-' : perEpoch.toFixed(2)],
          ['best test error', best ? `${(100 * best.test_error!).toFixed(2)}% (epoch ${best.epoch})` : '-'],
        ],
        timings: { fit_s: round(seconds) },
      };
    },
  };
  return {
    kind: DenseAmModel.kind,
    classes: model.classes,
    resumable: true,
    kernels: { predict: ['denseAmActivations'], learn: ['denseAmGradient'] },
    fusesNormalize: true,
    trainGraph: (train, normalize) => epochGraph(train, model.settings.seed, ['denseAmGradient'], { normalize }),
    dataParallel: () =>
      denseAmParallel(model, (m) => {
        model = m;
      }),
    predict: (batch) => model.predict(batch),
    predictNormalized: (batch, range) => model.predict(batch, { normalize: range }),
    save: (path) => saveCheckpoint(path, checkpoint()),
    figures,
    online: {
      classes: model.classes,
      learn: async (batch) => (await model.learn(batch)).predictions,
      checkpoint,
      restore,
    },
    train: (source, ctx) => trainInEpochs(epochs, source, ctx),
  };
}
