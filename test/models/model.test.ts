/** The model contract every model meets: learn per batch through trainStep, predict via the operator, checkpoint round trip, shared option names. */
import { beforeAll, describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../../src/backends/backend.js';
import { createBackend } from '../../src/backends/index.js';
import { makeSampleBatch } from '../../src/data/batch.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { CompetingClassifier } from '../../src/models/competingClassifier.js';
import { CompetingUnits } from '../../src/models/competingUnits.js';
import { resolveCompetingOptions } from '../../src/models/competingUnitsOptions.js';
import { DenseAmModel, defaultDenseAmSettings } from '../../src/models/denseAm.js';
import type { Model } from '../../src/models/model.js';
import { ShardedLshModel } from '../../src/models/shardedLsh.js';
import { epochSource } from '../../src/operators/epochSource.js';
import { minibatch } from '../../src/operators/minibatch.js';
import { predict, predictions } from '../../src/operators/predict.js';
import { trainStep } from '../../src/operators/trainStep.js';
import { firstDifference } from '../helpers/arrays.js';
import { mnistRows } from '../helpers/mnist.js';

/** MNIST digits as a sample batch with features scaled to `range`. */
function digits(n: number, range: [number, number], start = 0): RecordBatch {
  const d = mnistRows(n, { start });
  const [lo, hi] = range;
  const x = d.x.map((v) => lo + ((hi - lo) * v) / 255);
  return makeSampleBatch({ ids: Int32Array.from({ length: d.n }, (_, i) => start + i), x, y: d.y, info: { shape: [28, 28], range, encoding: 'scaled' } });
}

describe('the model contract', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend('wasm');
  });

  const cases: [string, () => { model: Model<unknown>; range: [number, number]; steps: number; restore: (m: Model<unknown>) => Model<unknown> }][] = [
    [
      'sharded-lsh',
      () => ({ model: new ShardedLshModel({ bits: 6, shards: 8, classes: 10, seed: 3 }, backend), range: [0, 1], steps: 4, restore: (m) => ShardedLshModel.fromCheckpoint(roundTrip(m), backend) }),
    ],
    [
      'dense-am',
      () => ({
        model: new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 3, memories: 20, learningRate: 0.1 }), backend),
        range: [-1, 1],
        steps: 4,
        restore: (m) => DenseAmModel.fromCheckpoint(roundTrip(m), backend),
      }),
    ],
    [
      'competing-units + read-out',
      () => {
        const head = { classes: 10, power: 4.5, ridge: 1e-4, normalize: 'unit' as const };
        return {
          model: new CompetingClassifier(new CompetingUnits({ outputs: 20, seed: 3, batchSize: 100 }, backend), head),
          range: [0, 1],
          steps: 4,
          restore: (m) => CompetingClassifier.fromCheckpoint(roundTrip(m), backend, head),
        };
      },
    ],
  ];

  it.each(cases)('%s: learns one minibatch per trainStep report, predicts through the predict operator, and restores from its checkpoint', async (_name, make) => {
    const { model, range, steps, restore } = make();
    const train = digits(2000, range);
    const minibatches = Array.from({ length: steps }, (_, i) => train.slice(i * 500, (i + 1) * 500));
    const reports = await lastValueFrom(from(minibatches).pipe(trainStep(model), toArray()));
    expect(reports).toHaveLength(steps);
    if (model instanceof CompetingClassifier) await model.fitHead(train);
    const test = digits(500, range, 10000);
    const [scored] = await lastValueFrom(from([test]).pipe(predict(model), toArray()));
    const pred = predictions(scored, 'test');
    expect(Array.from(pred).every((p) => p >= 0 && p < model.classes)).toBe(true);
    expect(firstDifference(await restore(model).predict(test), pred)).toBe(-1);
  });

  it('dense-am: the graph epochSource → minibatch → trainStep(model), composed by hand, gives the model fit gives', async () => {
    const settings = defaultDenseAmSettings({ classes: 10, seed: 4, memories: 20, learningRate: 0.1 });
    const data = digits(1500, [-1, 1]);
    const byFit = new DenseAmModel(settings, backend);
    await byFit.fit(data, { epochs: 2, batchSize: 250 });
    const byHand = new DenseAmModel(settings, backend);
    for (let e = 0; e < 2; e++) {
      const steps = await lastValueFrom(epochSource(data, { seed: settings.seed, epoch: e }).pipe(minibatch({ size: 250 }), trainStep(byHand), toArray()));
      byHand.endEpoch(steps);
    }
    expect(byHand.epoch).toBe(2);
    expect(firstDifference(byHand.memories(), byFit.memories())).toBe(-1);
  });

  it('competing-units accepts the shared option names as aliases of the library names, and refuses two that disagree', () => {
    const shared = resolveCompetingOptions({ seed: 7, epochs: 12, learningRate: 0.05 });
    const library = resolveCompetingOptions({ randomState: 7, numEpochs: 12, optimizer: { lr: 0.05 } });
    expect(shared).toEqual(library);
    expect(() => resolveCompetingOptions({ seed: 7, randomState: 8 })).toThrow(/seed = 7 and randomState = 8 name the same option; give one/);
    expect(new CompetingUnits({ outputs: 4 }, backend).setParams({ epochs: 3 }).getParams().numEpochs).toBe(3);
  });
});

function roundTrip(m: Model<unknown>) {
  return decodeCheckpoint(encodeCheckpoint(m.toCheckpoint()));
}
