/**
 * The pipeline's trainer for models that learn in epochs (dense-am, competing-units): collects
 * the training stream, continues a checkpoint (`--resume`), trains epoch by epoch through the
 * model's operator graph (`trainEpochs`), and after every epoch records the learning curve
 * (the model's row plus the test error), writes the checkpoint, redraws the figures and moves the
 * progress bar. A model plugs in through a small `EpochAdapter`.
 */
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { features } from '../data/batch.js';
import type { Checkpoint } from '../io/checkpoint.js';
import { collectBatch } from '../io/collect.js';
import { saveCheckpoint } from '../io/node/checkpointFile.js';
import type { Classifier } from '../models/model.js';
import { round } from '../util/round.js';
import type { EpochRow, TrainContext, TrainOutcome } from './training.js';

/** What the epoch trainer needs from a model. */
export interface EpochAdapter<E extends { epoch: number }> {
  readonly kind: string;
  /** The model as it is now (it changes when a checkpoint is restored). */
  classifier(): Classifier;
  /** Epochs the model has completed. */
  epochsDone(): number;
  /** Restores the model from a checkpoint to resume, after checking it fits the schedule; returns the curve it holds. */
  restore(ckpt: Checkpoint, source: string, schedule: TrainContext['schedule']): EpochRow[];
  /** Trains `epochs` epochs (fresh, or on from a restored state), calling `onEpoch` after each. */
  train(data: RecordBatch, epochs: number, ctx: TrainContext, onEpoch: (summary: E) => Promise<void>): Promise<void>;
  /** The learning-curve row of an epoch (`seconds`: its training time), or undefined when it is not scored. */
  row(summary: E, data: RecordBatch, seconds: number): Promise<EpochRow | undefined> | EpochRow | undefined;
  /** A last row after training, when the last epoch was not scored. */
  finalRow?(curve: readonly EpochRow[], data: RecordBatch): Promise<EpochRow | undefined> | EpochRow | undefined;
  /** The progress-bar text of an epoch (`last`: the latest scored row). */
  progress(summary: E, last: EpochRow | undefined): string;
  /** The model's checkpoint (the trainer adds the curve). */
  checkpoint(): Checkpoint;
  /** Writes the model's figures; returns their paths. */
  figures(outDir: string, curve: EpochRow[], shape: number[]): Promise<string[]>;
  /** The outcome's model-specific parts, from the curve and timings. */
  report(r: { curve: EpochRow[]; samples: number; seconds: number; scoringSeconds: number; resumedAt?: number }): Pick<TrainOutcome, 'section' | 'summary' | 'timings'> & { done: string };
}

/** Trains an epoch model from a stream as the pipeline asks. */
export async function trainInEpochs<E extends { epoch: number }>(adapter: EpochAdapter<E>, source: Observable<RecordBatch>, ctx: TrainContext): Promise<TrainOutcome> {
  const { schedule, reporter, testError, outDir, resume, plotEvery } = ctx;
  const data = await collectBatch(source, adapter.kind);
  const shape = features(data).shape;
  let curve: EpochRow[] = [];
  if (resume) curve = adapter.restore(resume, 'the checkpoint to resume', schedule);
  const resumedAt = resume ? adapter.epochsDone() : undefined;
  const checkpoint = (): Checkpoint => {
    const c = adapter.checkpoint();
    return { ...c, settings: { ...c.settings, curve } };
  };
  const bar = reporter.start('train', schedule.epochs);
  bar.update(adapter.epochsDone(), resume ? `resumed after epoch ${resumedAt}` : '');
  const started = performance.now();
  let last = performance.now();
  let lastFigure = -Infinity;
  let scoringSeconds = 0;
  let lastRow: EpochRow | undefined;
  const score = async (row: EpochRow | undefined, since: number) => {
    if (row) {
      if (testError) row.test_error = await testError(adapter.classifier());
      curve.push(row);
      lastRow = row;
      reporter.record?.({ kind: 'epoch', row });
    }
    scoringSeconds += (performance.now() - since) / 1000;
  };
  await adapter.train(data, schedule.epochs - adapter.epochsDone(), ctx, async (summary) => {
    const t = performance.now();
    await score(await adapter.row(summary, data, round((t - last) / 1000)), t);
    if (outDir) {
      saveCheckpoint(join(outDir, 'checkpoint.arrow'), checkpoint());
      // A redraw takes ~0.4 s (a quarter of an MNIST dense-am epoch): by default at most every 10 s (the run draws the final ones).
      if (plotEvery !== undefined && summary.epoch < schedule.epochs && performance.now() - lastFigure >= plotEvery * 1000) {
        for (const path of await adapter.figures(outDir, curve, shape)) reporter.record?.({ kind: 'figure', path });
        lastFigure = performance.now();
      }
    }
    bar.update(summary.epoch, adapter.progress(summary, lastRow));
    last = performance.now();
  });
  const t = performance.now();
  await score(await adapter.finalRow?.(curve, data), t);
  const seconds = (performance.now() - started) / 1000;
  const { done, ...outcome } = adapter.report({ curve, samples: data.numRows, seconds, scoringSeconds, resumedAt });
  bar.done(done);
  return { samples: data.numRows, epochs: curve, warnings: [], ...outcome };
}
