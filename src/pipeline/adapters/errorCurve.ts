/** The learning-curve figure the epoch-based adapters share: train and test error (%) per epoch. */
import { join } from 'node:path';
import type { EpochRow } from '../training.js';

import { charts } from './charts.js';

/** Writes `curve.png` into `outDir` and returns its path. */
export async function writeErrorCurve(outDir: string, epochs: readonly EpochRow[], opts: { title: string; y?: string; logX?: boolean; logY?: boolean }): Promise<string> {
  const points = epochs.flatMap((e) => [
    { x: e.epoch, y: 100 * e.train_error, series: 'train error' },
    ...(e.test_error === undefined ? [] : [{ x: e.epoch, y: 100 * e.test_error, series: 'test error' }]),
  ]);
  const path = join(outDir, 'curve.png');
  const { lineChart, saveFigure } = await charts();
  return saveFigure(path, await lineChart(points, { x: 'epoch', y: opts.y ?? 'error, %', title: opts.title, logX: opts.logX, logY: opts.logY, integerX: !opts.logX }));
}
