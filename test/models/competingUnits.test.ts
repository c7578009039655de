/**
 * The competing hidden units estimator: the learning rule against a float64 transcription of the
 * reference notebook, convergence to unit p-norm on real MNIST, the estimator API, and the
 * correctness traps seen in the `plasticity` C++ library.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/index.js';
import { loadModel, saveModel } from '../../src/io/node/checkpointFile.js';
import { CompetingUnits, type Matrix } from '../../src/models/competingUnits.js';
import { learningRateAt, resolveCompetingOptions } from '../../src/models/competingUnitsOptions.js';
import { fitReadout, readoutPredict } from '../../src/models/readoutHead.js';
import { referenceStep } from '../helpers/competingReference.js';
import { mnistRows } from '../helpers/mnist.js';

const backend = await createBackend('wasm');
const scaled = (x: Float32Array) => Float32Array.from(x, (v) => v / 255);
const train = mnistRows(10000);
const X: Matrix = { values: scaled(train.x), rows: train.n, cols: 784 };
const first = (n: number): Matrix => ({ values: X.values.subarray(0, n * 784), rows: n, cols: 784 });
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('learning rule', () => {
  it.each([2, 3])('matches a float64 transcription of the reference notebook after 8 updates on real MNIST (p = %i)', async (p) => {
    const opts = { outputs: 30, batchSize: 100, p, k: 2, delta: 0.4, optimizer: { lr: 0.02, schedule: 'constant' as const }, randomState: 3 };
    const model = new CompetingUnits(opts, backend).initialize(784);
    const ref = Float64Array.from(model.weights);
    const data = first(800);
    await model.partialFit(data);
    for (let b = 0; b < 8; b++) {
      referenceStep(ref, Float64Array.from(data.values.subarray(b * 100 * 784, (b + 1) * 100 * 784)), { H: 30, D: 784, B: 100, p, k: 2, delta: 0.4, lr: 0.02, prec: 1e-30 });
    }
    // Weights are O(1) (Normal(0, 1) moving toward the unit sphere); float32 keeps ~7 digits.
    expect(maxDiff(model.weights, ref)).toBeLessThan(2e-5);
  });

  it('drives every unit to unit p-norm on real MNIST, and the read-out scores the features', async () => {
    // 10000 digits, 30 hidden units, 60 epochs (the full check, 100 units × 200 epochs on 60000, is in the README).
    const model = new CompetingUnits({ outputs: 30, numEpochs: 60, optimizer: { lr: 0.04 }, randomState: 1 }, backend);
    await model.fit(X);
    const norms = model.norms();
    expect(Math.min(...norms)).toBeGreaterThan(0.995);
    expect(Math.max(...norms)).toBeLessThan(1.02); // measured 1.0114 here; 1.0000–1.0032 takes the full 200 epochs
    const test = mnistRows(2000, { split: 'test' });
    const head = await fitReadout(backend, await model.transform(X), train.y, { classes: 10, power: 4.5, ridge: 1e-4, normalize: 'unit' });
    const predicted = readoutPredict(head, await model.transform({ values: scaled(test.x), rows: 2000, cols: 784 }));
    const accuracy = predicted.filter((c, i) => c === test.y[i]).length / 2000;
    expect(accuracy).toBeGreaterThan(0.75); // measured 0.7855 with 30 units (100 units, 200 epochs, 60000 digits: 0.9368)
  }, 60_000);

  it('gives the same weights with one thread or two', async () => {
    const fit = async (workers: number) => (await new CompetingUnits({ outputs: 20, numEpochs: 2, workers, randomState: 4 }, backend).fit(first(2000))).weights;
    expect(maxDiff(await fit(1), await fit(2))).toBe(0);
  });
});

describe('estimator API', () => {
  it('fit, transform, fitTransform and predict have the documented shapes', async () => {
    const model = new CompetingUnits({ outputs: 12, numEpochs: 2 }, backend);
    const t = await model.fitTransform(first(500));
    expect([t.rows, t.cols, t.values.length]).toEqual([500, 12, 6000]);
    expect(model.weights.length).toBe(12 * 784);
    const winners = await model.predict(first(500));
    expect(winners.length).toBe(500);
    for (let r = 0; r < 500; r++) expect(t.values[r * 12 + winners[r]]).toBe(Math.max(...t.values.subarray(r * 12, (r + 1) * 12)));
    expect(model.history.map((h) => h.epoch)).toEqual([1, 2]);
  });

  it('saves and loads bit-exactly, then goes on training identically', async () => {
    const model = await new CompetingUnits({ outputs: 10, numEpochs: 3, p: 3, randomState: 9 }, backend).fit(first(1000));
    const path = join(mkdtempSync(join(tmpdir(), 'amem-cu-')), 'units.arrow');
    saveModel(path, model);
    const loaded = loadModel(path, CompetingUnits, backend);
    expect(Buffer.from(loaded.weights.buffer).equals(Buffer.from(model.weights.buffer))).toBe(true);
    expect(loaded.getParams()).toEqual(model.getParams());
    expect(loaded.epoch).toBe(3);
    expect(maxDiff((await loaded.transform(first(200))).values, (await model.transform(first(200))).values)).toBe(0);
    await model.train(first(1000), 1);
    await loaded.train(first(1000), 1);
    expect(maxDiff(loaded.weights, model.weights)).toBe(0);
    expect(readFileSync(path).subarray(0, 6).toString()).toBe('ARROW1');
  });

  it('get/set params: defaults filled, changes validated, a new outputs count drops the fitted weights', async () => {
    const model = new CompetingUnits({}, backend);
    expect(model.getParams()).toMatchObject({
      outputs: 100,
      numEpochs: 100,
      batchSize: 100,
      delta: 0.4,
      p: 2,
      k: 2,
      precision: 1e-30,
      optimizer: { lr: 0.02, schedule: 'linear' },
      epochsForConvergence: null,
      convergenceAtol: 0.01,
    });
    model.setParams({ outputs: 8, numEpochs: 1, optimizer: { lr: 0.05 } });
    expect(model.getParams().optimizer).toMatchObject({ lr: 0.05, schedule: 'linear' });
    await model.fit(first(300));
    model.setParams({ delta: 0.3 });
    expect(model.weights.length).toBe(8 * 784);
    model.setParams({ outputs: 9 });
    expect(() => model.weights).toThrow(/needs a fitted model; call fit/);
  });

  it('rejects bad options and inputs with messages naming them', async () => {
    expect(() => resolveCompetingOptions({ k: 1 })).toThrow(/k: expected an integer in \[2, 1000000\], got 1/);
    expect(() => resolveCompetingOptions({ outputs: 2e9 })).toThrow(/outputs: expected an integer in \[2, 1000000\], got 2000000000/);
    expect(() => resolveCompetingOptions({ numEpoch: 3 } as never)).toThrow(/numEpoch: unknown option; did you mean 'numEpochs'\?/);
    expect(() => resolveCompetingOptions({ weightsInit: { kind: 'normall' } } as never)).toThrow(/weightsInit.kind: expected one of normal, uniform, got "normall" \(did you mean 'normal'\?\)/);
    expect(() => resolveCompetingOptions({ verbose: 1 } as never)).toThrow(/verbose: expected true or false, got 1/);
    expect(() => resolveCompetingOptions({ outputs: 5, k: 6 })).toThrow(/k = 6 ranks past the 5 hidden units/);
    expect(() => resolveCompetingOptions({ p: 1 })).toThrow(/p: /);
    expect(() => resolveCompetingOptions({ numEpoch: 3 } as never)).toThrow(/numEpoch/);
    expect(() => resolveCompetingOptions({ optimizer: { schedule: 'cosine' } } as never)).toThrow(/optimizer.schedule/);
    expect(() => resolveCompetingOptions({ precision: 0 })).toThrow(/precision/);
    const model = new CompetingUnits({ outputs: 4, numEpochs: 1 }, backend);
    await expect(model.fit({ values: new Float32Array(10), rows: 2, cols: 5 })).rejects.toThrow(/batchSize 100 exceeds the 2 samples/);
    const bad = first(200).values.slice();
    bad[1000] = Number.NaN;
    await expect(model.fit({ values: bad, rows: 200, cols: 784 })).rejects.toThrow(/row 1, column 216 is NaN/);
    await expect(model.fit({ values: new Float32Array(10), rows: 3, cols: 4 })).rejects.toThrow(/10 values do not make 3 rows × 4 columns/);
    await expect(model.transform(first(2))).rejects.toThrow(/call fit \(or load\) first/);
    await model.fit(first(200));
    await expect(model.transform({ values: new Float32Array(20), rows: 2, cols: 10 })).rejects.toThrow(/10 columns, the model was fitted on 784/);
  });
});

describe('traps seen in the plasticity C++ library', () => {
  it('stops early only when the weights are stable: not while they still move, and when they stay within atol for N epochs', async () => {
    const moving = await new CompetingUnits({ outputs: 10, numEpochs: 6, epochsForConvergence: 2, convergenceAtol: 1e-4, optimizer: { schedule: 'constant' } }, backend).fit(first(1000));
    expect(moving.converged).toBe(false);
    expect(moving.epoch).toBe(6);
    expect(Math.min(...moving.history.map((h) => h.maxChange))).toBeGreaterThan(1e-4);
    // With the rate floored at 0 (linear schedule over 3 epochs, then lrMin 0), nothing moves after epoch 3.
    const settling = await new CompetingUnits({ outputs: 10, numEpochs: 3, epochsForConvergence: 2, convergenceAtol: 1e-6 }, backend).fit(first(1000));
    expect(settling.converged).toBe(false);
    await settling.train(first(1000), 10);
    expect(settling.converged).toBe(true);
    expect(settling.epoch).toBe(5); // epochs 4 and 5 changed nothing: stable over 2 epochs
    expect(settling.history.slice(3).every((h) => h.maxChange === 0)).toBe(true);
  });

  it('weight decay shrinks the weights (the right sign): an all-zero minibatch leaves W·(1 − ε·λ)', async () => {
    const model = new CompetingUnits({ outputs: 5, batchSize: 10, weightDecay: 0.5, optimizer: { lr: 0.1, schedule: 'constant' } }, backend).initialize(784);
    const before = model.weights;
    await model.partialFit({ values: new Float32Array(10 * 784), rows: 10, cols: 784 });
    const after = model.weights;
    for (let i = 0; i < before.length; i++) expect(after[i]).toBe(Math.fround(before[i] * (1 - 0.1 * 0.5)));
  });

  it('guards a zero update: all-zero inputs leave the weights finite and unchanged', async () => {
    const model = new CompetingUnits({ outputs: 5, batchSize: 10 }, backend).initialize(784);
    const before = model.weights;
    await model.partialFit({ values: new Float32Array(30 * 784), rows: 30, cols: 784 });
    expect(model.weights).toEqual(before);
  });

  it('decays the learning rate per epoch, never per minibatch, so training does not freeze', async () => {
    const o = resolveCompetingOptions({ numEpochs: 200, optimizer: { lr: 0.02, schedule: 'inverse', decay: 0.1 } });
    expect(learningRateAt(o, 30)).toBeCloseTo(0.02 / 4, 12);
    expect(learningRateAt(resolveCompetingOptions({ numEpochs: 200 }), 100)).toBeCloseTo(0.01, 12);
    // The same epochs with 10× more minibatches use the same rates.
    const rates = async (batchSize: number) => (await new CompetingUnits({ outputs: 6, numEpochs: 40, batchSize, optimizer: { schedule: 'inverse', decay: 0.1 } }, backend).fit(first(400))).history;
    const small = await rates(10);
    const large = await rates(100);
    expect(small.map((h) => h.lr)).toEqual(large.map((h) => h.lr));
    expect(small[39].lr).toBeCloseTo(0.02 / 4.9, 12);
    expect(small[39].maxChange).toBeGreaterThan(1e-3); // still learning at epoch 40
  }, 30_000);

  it('returns fresh arrays: results stay valid after more training, a reset or a load', async () => {
    const model = await new CompetingUnits({ outputs: 8, numEpochs: 1 }, backend).fit(first(300));
    const t = await model.transform(first(50));
    const w = model.weights;
    const copy = t.values.slice();
    const wCopy = w.slice();
    await model.train(first(300), 2);
    model.setParams({ outputs: 9 });
    expect(t.values).toEqual(copy);
    expect(w).toEqual(wCopy);
  });
});
