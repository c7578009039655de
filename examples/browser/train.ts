/**
 * What the browser demo trains, written once for the page and for Node: the test compares the
 * tab's accuracy with this same code run in Node on the same digits and seed.
 */
import { lastValueFrom, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { DenseAmModel, ShardedLshModel, defaultDenseAmSettings, evaluate, normalize, type Backend } from '../../src/index.js';

/** The demo's settings: the sharded-mnist pipeline's model, and a small Dense AM. */
export const DEMO = {
  seed: 2,
  sharded: { bits: 8, shards: 50, classes: 10, epochs: 50 },
  dense: { memories: 100, epochs: 2, batchSize: 100, learningRate: 0.1 },
};

/** A trained model's score on the test digits and how long each phase took. */
export interface DemoResult {
  backend: string;
  accuracy: number;
  correct: number;
  n: number;
  trainSeconds: number;
  testSeconds: number;
}

/** Trains the sharded-lsh memory on `train` (raw pixels, one thread) and scores it on `test`. */
export async function trainShardedLsh(backend: Backend, train: Observable<RecordBatch>, test: Observable<RecordBatch>): Promise<DemoResult & { model: ShardedLshModel }> {
  const { epochs, ...settings } = DEMO.sharded;
  const model = new ShardedLshModel({ ...settings, seed: DEMO.seed }, backend);
  const t0 = performance.now();
  await model.fit(train, { epochs, workers: 1 });
  const t1 = performance.now();
  const score = await lastValueFrom(test.pipe(evaluate(model)));
  return { backend: backend.name, model, accuracy: score.accuracy, correct: score.correct, n: score.n, trainSeconds: (t1 - t0) / 1000, testSeconds: (performance.now() - t1) / 1000 };
}

/** Trains a small Dense AM (pixels scaled to [-1, 1]) on `train` and scores it on `test`. */
export async function trainDenseAm(backend: Backend, train: Observable<RecordBatch>, test: Observable<RecordBatch>): Promise<DemoResult & { model: DenseAmModel }> {
  const { memories, epochs, batchSize, learningRate } = DEMO.dense;
  const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, memories, seed: DEMO.seed, learningRate }), backend);
  const t0 = performance.now();
  await model.fit(train.pipe(normalize({ range: [-1, 1] })), { epochs, batchSize });
  const t1 = performance.now();
  const score = await lastValueFrom(test.pipe(normalize({ range: [-1, 1] }), evaluate(model)));
  return { backend: backend.name, model, accuracy: score.accuracy, correct: score.correct, n: score.n, trainSeconds: (t1 - t0) / 1000, testSeconds: (performance.now() - t1) / 1000 };
}
