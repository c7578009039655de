/**
 * The competing hidden units with their read-out, as the pipeline runner sees them: trained by
 * the epoch trainer (inputs in [0, 1], no labels); at the learning-curve epochs the read-out is
 * fitted on the hidden currents to score train and test error. A checkpoint is written after
 * every epoch, which `--resume` continues; the saved model holds units and read-out together.
 */
import { join } from 'node:path';
import type { Backend } from '../../backends/backend.js';
import { saveCheckpoint } from '../../io/node/checkpointFile.js';
import { CompetingClassifier } from '../../models/competingClassifier.js';
import { CompetingUnits, type EpochRecord } from '../../models/competingUnits.js';
import type { CompetingUnitsInput } from '../../models/competingUnitsOptions.js';
import type { ReadoutSettings } from '../../models/readoutHead.js';
import { UsageError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { trainInEpochs, type EpochAdapter } from '../epochRun.js';
import { curveEpochsFor, epochGraph, type EpochRow, type PipelineModel, type TrainContext } from '../training.js';
import { assertSameSettings } from './sameSettings.js';
import { writeErrorCurve } from './errorCurve.js';

import { charts } from './charts.js';
import { competingUnitsParallel } from './competingUnitsParallel.js';

/** What the adapter needs besides the estimator's options. */
export interface CompetingUnitsAdapterSettings {
  options: CompetingUnitsInput;
  head: Omit<ReadoutSettings, 'classes'>;
  classes: number;
  figureColumns?: number;
}

/** The competing hidden units with their read-out, as the runner sees them. */
export function competingUnitsAdapter(backend: Backend, s: CompetingUnitsAdapterSettings): PipelineModel {
  const clf = new CompetingClassifier(new CompetingUnits(s.options, backend), { ...s.head, classes: s.classes });
  let scoreAt = new Set<number>();
  const figures = async (outDir: string, epochs: EpochRow[], shape: number[]) => {
    const files: string[] = [];
    const model = clf.units;
    const H = model.getParams().outputs;
    if (model.width !== undefined && shape.length === 2) {
      const path = join(outDir, 'weights.png');
      const cols = s.figureColumns ?? Math.ceil(Math.sqrt(H));
      const { memoryFigure, saveFigure } = await charts();
      // One unit far off the sphere would set the scale for all: colours clip at the 99.5th percentile.
      const opts = { count: H, shape: [shape[0], shape[1]] as [number, number], cols, scale: 'diverging' as const, clipPercentile: 99.5 };
      files.push(saveFigure(path, await memoryFigure(model.weights, { ...opts, title: `competing-units weights, epoch ${model.epoch}` })));
    }
    if (epochs.length > 0) files.push(await writeErrorCurve(outDir, epochs, { title: 'competing-units learning curve', y: 'error with the read-out, %', logX: true }));
    if (model.history.length > 0) {
      const points = model.history.flatMap((r) => [
        { x: r.epoch, y: r.normMin, series: 'smallest unit p-norm' },
        { x: r.epoch, y: r.normMax, series: 'largest unit p-norm' },
      ]);
      const path = join(outDir, 'norms.png');
      const { lineChart, saveFigure } = await charts();
      files.push(saveFigure(path, await lineChart(points, { x: 'epoch', integerX: true, y: 'p-norm of the weights', title: 'convergence to the unit sphere' })));
    }
    return files;
  };
  const scoreRow = async (epoch: number, data: Parameters<CompetingClassifier['fitHead']>[0]): Promise<EpochRow> => {
    const { predicted, labels } = await clf.fitHead(data);
    let wrong = 0;
    for (let i = 0; i < labels.length; i++) if (predicted[i] !== labels[i]) wrong++;
    return { epoch, train_error: wrong / labels.length };
  };
  // One thread unless asked: a second thread measured no gain here (see README, competing units).
  const configure = (schedule: TrainContext['schedule']) =>
    clf.units.setParams({ numEpochs: schedule.epochs, batchSize: schedule.batchSize, workers: schedule.workers === 'auto' ? 1 : schedule.workers });
  const epochs: EpochAdapter<EpochRecord> = {
    kind: CompetingUnits.kind,
    classifier: () => clf,
    epochsDone: () => clf.units.epoch,
    restore(ckpt, source, schedule) {
      // A run resumes with the options it was made with; numEpochs may grow unless the schedule is
      // linear (whose rates depend on it): then --epochs must stay the same.
      configure(schedule);
      const restored = CompetingUnits.fromCheckpoint(ckpt, backend, source);
      const { workers: _w, verbose: _v, numEpochs: wantEpochs, ...want } = clf.units.getParams();
      const { workers: _w2, verbose: _v2, numEpochs: haveEpochs, ...have } = restored.getParams();
      const linear = want.optimizer.schedule === 'linear';
      assertSameSettings(linear ? { ...have, numEpochs: haveEpochs } : have, linear ? { ...want, numEpochs: wantEpochs } : want, source);
      restored.setParams({ workers: clf.units.getParams().workers, numEpochs: wantEpochs });
      clf.units = restored;
      if (restored.epoch >= schedule.epochs) throw new UsageError(`the checkpoint has ${restored.epoch} epochs, as many as train.epochs = ${schedule.epochs}: nothing is left to run`);
      return (ckpt.settings.curve as EpochRow[] | undefined) ?? [];
    },
    async train(data, count, { schedule }, onEpoch) {
      scoreAt = new Set(curveEpochsFor(schedule.curveEpochs, schedule.epochs));
      const units = configure(schedule);
      await (units.epoch > 0 ? units.train(data, count, { onEpoch }) : units.fit(data, { onEpoch }));
    },
    row: (r, data) => (scoreAt.has(r.epoch) ? scoreRow(r.epoch, data) : undefined),
    finalRow: (curve, data) => (curve.at(-1)?.epoch !== clf.units.epoch ? scoreRow(clf.units.epoch, data) : undefined),
    progress: (r, last) =>
      `norms ${r.normMin.toFixed(3)}–${r.normMax.toFixed(3)}, max change ${r.maxChange.toPrecision(2)}${last ? `, train error ${(100 * last.train_error).toFixed(2)}%${last.test_error === undefined ? '' : `, test error ${(100 * last.test_error).toFixed(2)}%`}` : ''}`,
    checkpoint: () => clf.units.toCheckpoint(),
    figures,
    report({ curve, samples, seconds, scoringSeconds }) {
      const model = clf.units;
      const history = model.history;
      const final = curve.at(-1)!;
      const learnSeconds = history.reduce((a, r) => a + r.seconds, 0);
      const norms = model.norms();
      const normMin = Math.min(...norms);
      const normMax = Math.max(...norms);
      // Units whose p-norm is more than 0.01 from 1: units that stopped winning (or never won) keep their norm.
      const offSphere = norms.filter((v) => Math.abs(v - 1) > 0.01).length;
      return {
        done: `${model.epoch} epochs in ${seconds.toFixed(1)} s${model.converged ? ' (converged)' : ''}; test error ${final.test_error === undefined ? '-' : `${(100 * final.test_error).toFixed(2)}%`}`,
        section: {
          samples,
          epochs_run: model.epoch,
          converged: model.converged,
          hidden_units: model.getParams().outputs,
          seconds_per_epoch: round(learnSeconds / Math.max(1, history.length)),
          norm_min: round(normMin),
          norm_max: round(normMax),
          units_off_sphere: offSphere,
          history: history.map((r) => ({ epoch: r.epoch, lr: r.lr, max_change: r.maxChange, norm_min: r.normMin, norm_max: r.normMax, seconds: round(r.seconds) })),
        },
        summary: [
          ['epochs', `${model.epoch}${model.converged ? ' (converged)' : ''}`],
          ['seconds per epoch', (learnSeconds / Math.max(1, history.length)).toFixed(2)],
          ['unit p-norms', `${normMin.toFixed(4)}–${normMax.toFixed(4)}; ${norms.length - offSphere} of ${norms.length} within 1 ± 0.01`],
        ],
        timings: { learn_s: round(learnSeconds), readout_s: round(scoringSeconds), fit_s: round(seconds) },
      };
    },
  };
  return {
    kind: CompetingUnits.kind,
    classes: s.classes,
    predict: (batch) => clf.predict(batch),
    kernels: { predict: ['competingCurrents'], learn: clf.units.stepKernels() },
    trainGraph: (train) => {
      const workers = train.workers === 'auto' ? 1 : train.workers;
      return epochGraph(train, clf.units.getParams().randomState, clf.units.stepKernels(workers), { wholeBatches: true, workers, stepRows: clf.units.stepRows(workers) });
    },
    dataParallel: (train) => competingUnitsParallel(backend, { ...s.options, numEpochs: train.epochs, batchSize: train.batchSize }, clf),
    save: (path) => saveCheckpoint(path, clf.toCheckpoint()),
    figures,
    resumable: true,
    train: (source, ctx) => trainInEpochs(epochs, source, ctx),
  };
}
