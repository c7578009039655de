/**
 * The competing hidden units as the pipeline runner sees it: collects the training set (inputs in
 * [0, 1]), learns the hidden units without labels, and at the learning-curve epochs fits the
 * supervised read-out on the hidden currents to score train and test error. It writes a checkpoint
 * after every epoch, which `--resume` continues; it predicts with the read-out, saves units and
 * read-out together, and draws the weights, the learning curve and the units' p-norms.
 */
import { writeFileSync } from 'node:fs';
import type { RecordBatch } from 'apache-arrow';
import { join } from 'node:path';
import type { Backend } from '../../backends/backend.js';
import { features } from '../../data/batch.js';
import { type Checkpoint } from '../../io/checkpoint.js';
import { saveCheckpoint } from '../../io/node/checkpointFile.js';
import { collectSamples } from '../../io/collect.js';
import { CompetingUnits, type EpochRecord, type Matrix } from '../../models/competingUnits.js';
import type { CompetingUnitsInput } from '../../models/competingUnitsOptions.js';
import { fitReadout, readoutPredict, type ReadoutSettings, type ReadoutState } from '../../models/readoutHead.js';
import { lineChart, memoryFigure } from '../../plots/charts.js';
import { DataError, UsageError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { curveEpochsFor, type EpochRow, type PipelineModel } from '../training.js';
import { assertSameSettings } from './sameSettings.js';
import { writeErrorCurve } from './errorCurve.js';

/** What the adapter needs besides the estimator's options. */
export interface CompetingUnitsAdapterSettings {
  options: CompetingUnitsInput;
  head: Omit<ReadoutSettings, 'classes'>;
  classes: number;
  figureColumns?: number;
}

/** The competing hidden units with their read-out, as the runner sees them. */
export function competingUnitsAdapter(backend: Backend, s: CompetingUnitsAdapterSettings): PipelineModel {
  let model = new CompetingUnits(s.options, backend);
  const headSettings: ReadoutSettings = { ...s.head, classes: s.classes };
  let head: ReadoutState | undefined;
  let history: EpochRecord[] = [];
  const predictMatrix = (x: Matrix) => {
    if (!head) throw new UsageError('competing-units: predict needs the read-out, which training fits');
    return readoutPredict(head, model.transform(x));
  };
  const predictBatch = (batch: RecordBatch) => {
    const f = features(batch, 'competing-units predict');
    return predictMatrix({ values: f.values instanceof Float32Array ? f.values : Float32Array.from(f.values), rows: f.rows, cols: f.width });
  };
  const figures = async (outDir: string, epochs: EpochRow[], shape: number[]) => {
    const files: string[] = [];
    const D = model.width;
    const H = model.getParams().outputs;
    if (D !== undefined && shape.length === 2) {
      const path = join(outDir, 'weights.png');
      const cols = s.figureColumns ?? Math.ceil(Math.sqrt(H));
      writeFileSync(path, await memoryFigure(model.weights, { count: H, shape: [shape[0], shape[1]], cols, scale: 'diverging', title: `competing-units weights, epoch ${model.epoch}` }));
      files.push(path);
    }
    if (epochs.length > 0) files.push(await writeErrorCurve(outDir, epochs, { title: 'competing-units learning curve', y: 'error with the read-out, %', logX: true }));
    if (history.length > 0) {
      const points = history.flatMap((r) => [
        { x: r.epoch, y: r.normMin, series: 'smallest unit p-norm' },
        { x: r.epoch, y: r.normMax, series: 'largest unit p-norm' },
      ]);
      const path = join(outDir, 'norms.png');
      writeFileSync(path, await lineChart(points, { x: 'epoch', y: 'p-norm of the weights', title: 'convergence to the unit sphere' }));
      files.push(path);
    }
    return files;
  };
  return {
    kind: CompetingUnits.kind,
    classes: s.classes,
    predict: predictBatch,
    save: (path) => {
      if (!head) throw new UsageError('competing-units: nothing to save before training');
      const c = model.toCheckpoint();
      const ckpt: Checkpoint = {
        ...c,
        settings: { ...c.settings, head: { settings: head.settings, scale: head.scale, hidden: head.hidden } },
        tensors: { ...c.tensors, readout: { data: head.beta, shape: [head.hidden + 1, s.classes] } },
      };
      saveCheckpoint(path, ckpt);
    },
    figures,
    resumable: true,
    async train(source, { schedule, reporter, testError, outDir, resume }) {
      const data = await collectSamples(source, 'competing-units');
      const [lo, hi] = data.info.range;
      if (lo !== 0 || hi !== 1)
        throw new DataError(`competing-units: features are in [${lo}, ${hi}]; the rule expects inputs in [0, 1]: add { op: 'normalize', range: [0, 1] } to the pipeline's steps`);
      const X: Matrix = { values: data.x, rows: data.rows, cols: data.width };
      // One thread unless asked: a second thread measured no gain here (see README, competing units).
      const workers = schedule.workers === 'auto' ? 1 : schedule.workers;
      model.setParams({ numEpochs: schedule.epochs, batchSize: schedule.batchSize, workers });
      const scoreAt = new Set(curveEpochsFor(schedule.curveEpochs, schedule.epochs));
      let curve: EpochRow[] = [];
      if (resume) {
        // A run resumes with the options it was made with; numEpochs may grow unless the schedule is
        // linear (whose rates depend on it): then --epochs must stay the same.
        const restored = CompetingUnits.fromCheckpoint(resume, backend, 'the checkpoint to resume');
        const { workers: _w, verbose: _v, numEpochs: wantEpochs, ...want } = model.getParams();
        const { workers: _w2, verbose: _v2, numEpochs: haveEpochs, ...have } = restored.getParams();
        assertSameSettings(
          want.optimizer.schedule === 'linear' ? { ...have, numEpochs: haveEpochs } : have,
          want.optimizer.schedule === 'linear' ? { ...want, numEpochs: wantEpochs } : want,
          'the checkpoint to resume',
        );
        restored.setParams({ workers, numEpochs: wantEpochs });
        model = restored;
        curve = (resume.settings.curve as EpochRow[] | undefined) ?? [];
        if (model.epoch >= schedule.epochs) throw new UsageError(`the checkpoint has ${model.epoch} epochs, as many as train.epochs = ${schedule.epochs}: nothing is left to run`);
      }
      const checkpoint = () => {
        const c = model.toCheckpoint();
        return { ...c, settings: { ...c.settings, curve } };
      };
      let headSeconds = 0;
      const score = async (epoch: number) => {
        const t = performance.now();
        // The training currents serve both the fit and the train-error score: computed once.
        const currents = model.transform(X);
        head = fitReadout(backend, currents, data.y, headSettings);
        const predicted = readoutPredict(head, currents);
        let wrong = 0;
        for (let i = 0; i < data.rows; i++) if (predicted[i] !== data.y[i]) wrong++;
        const row: EpochRow = { epoch, train_error: wrong / data.rows };
        if (testError) row.test_error = await testError({ classes: s.classes, predict: predictBatch });
        headSeconds += (performance.now() - t) / 1000;
        curve.push(row);
        return row;
      };
      const bar = reporter.start('train', schedule.epochs);
      const started = performance.now();
      let last = '';
      const onEpoch = {
        onEpoch: async (r: EpochRecord) => {
          if (scoreAt.has(r.epoch)) {
            const row = await score(r.epoch);
            last = `, train error ${(100 * row.train_error).toFixed(2)}%${row.test_error === undefined ? '' : `, test error ${(100 * row.test_error).toFixed(2)}%`}`;
          }
          if (outDir) saveCheckpoint(join(outDir, 'checkpoint.arrow'), checkpoint());
          bar.update(r.epoch, `norms ${r.normMin.toFixed(3)}–${r.normMax.toFixed(3)}, max change ${r.maxChange.toPrecision(2)}${last}`);
        },
      };
      if (resume) {
        bar.update(model.epoch, `resumed after epoch ${model.epoch}`);
        await model.train(X, schedule.epochs - model.epoch, onEpoch);
      } else {
        await model.fit(X, onEpoch);
      }
      history = model.history;
      if (curve.at(-1)?.epoch !== model.epoch) await score(model.epoch);
      const seconds = (performance.now() - started) / 1000;
      const final = curve.at(-1)!;
      const learnSeconds = history.reduce((a, r) => a + r.seconds, 0);
      bar.done(
        `${model.epoch} epochs in ${seconds.toFixed(1)} s${model.converged ? ' (converged)' : ''}; test error ${final.test_error === undefined ? '-' : `${(100 * final.test_error).toFixed(2)}%`}`,
      );
      const norms = model.norms();
      const normMin = Math.min(...norms);
      const normMax = Math.max(...norms);
      const offSphere = norms.filter((v) => Math.abs(v - 1) > 0.01).length;
      return {
        samples: data.rows,
        epochs: curve,
        section: {
          samples: data.rows,
          epochs_run: model.epoch,
          converged: model.converged,
          hidden_units: model.getParams().outputs,
          seconds_per_epoch: round(learnSeconds / Math.max(1, history.length)),
          norm_min: round(normMin),
          norm_max: round(normMax),
          // Units whose p-norm is more than 0.01 from 1: units that stopped winning (or never won) keep their norm.
          units_off_sphere: offSphere,
          history: history.map((r) => ({ epoch: r.epoch, lr: r.lr, max_change: r.maxChange, norm_min: r.normMin, norm_max: r.normMax, seconds: round(r.seconds) })),
        },
        summary: [
          ['epochs', `${model.epoch}${model.converged ? ' (converged)' : ''}`],
          ['seconds per epoch', (learnSeconds / Math.max(1, history.length)).toFixed(2)],
          ['unit p-norms', `${normMin.toFixed(4)}–${normMax.toFixed(4)}; ${norms.length - offSphere} of ${norms.length} within 1 ± 0.01`],
        ],
        warnings: [],
        timings: { learn_s: round(learnSeconds), readout_s: round(headSeconds), fit_s: round(seconds) },
      };
    },
  };
}
