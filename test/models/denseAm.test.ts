import { describe, expect, it, beforeAll } from 'vitest';
import { lastValueFrom, of } from 'rxjs';
import { createBackend } from '../../src/backends/index.js';
import type { Backend } from '../../src/backends/backend.js';
import { makeSampleBatch } from '../../src/data/batch.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { DenseAmModel, defaultDenseAmSettings } from '../../src/models/denseAm.js';
import { normalize } from '../../src/operators/normalize.js';
import { seedStep } from '../helpers/denseAmReference.js';
import { firstDifference } from '../helpers/arrays.js';
import { testBatch } from '../helpers/batches.js';

const N = 784;
interface DenseAmData {
  x: Float32Array;
  y: Int32Array;
}
/** The digits as a sample batch (ids 0 … rows − 1, features in [-1, 1]). */
const batchOf = (d: DenseAmData) => makeSampleBatch({ ids: Int32Array.from(d.y, (_, i) => i), x: d.x, y: d.y, info: { shape: [28, 28], range: [-1, 1], encoding: 'scaled' } });
/** The first `rows` MNIST training digits scaled to [-1, 1] (as the seeds do: x/127.5 − 1). */
function digits(rows: number, start = 0, classes?: number[]): DenseAmData {
  const tr = loadMnist('train');
  const idx: number[] = [];
  for (let r = start; r < tr.y.length && idx.length < rows; r++) if (!classes || classes.includes(tr.y[r])) idx.push(r);
  const x = new Float32Array(idx.length * N);
  idx.forEach((r, i) => {
    for (let j = 0; j < N; j++) x[i * N + j] = tr.x[r * N + j] / 127.5 - 1;
  });
  return { x, y: Int32Array.from(idx, (r) => (classes ? classes.indexOf(tr.y[r]) : tr.y[r])) };
}

const finite = (a: ArrayLike<number>) => Array.prototype.every.call(a, Number.isFinite);

describe.each(['cpu', 'wasm'] as const)('dense-am on %s', (name) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend(name);
  });

  it("matches the seeds' float64 formulation (tiled, raw x^n, β = 1/T^n) update for update, with a temperature ramp", async () => {
    const K = 12;
    const Nc = 10;
    const B = 40;
    const model = new DenseAmModel(defaultDenseAmSettings({ classes: Nc, seed: 3, memories: K, temperature: { start: 300, end: 540, rampEpochs: 4 } }), backend);
    model.initialize(N);
    const mem = Float64Array.from(model.memories());
    const vel = new Float64Array(mem.length);
    const data = digits(B * 6);
    let worst = 0;
    for (let s = 0; s < 6; s++) {
      const x = data.x.subarray(s * B * N, (s + 1) * B * N);
      const y = data.y.subarray(s * B, (s + 1) * B);
      const epoch = s; // a different temperature and learning rate at every step
      const ours = await model.step(x, y, epoch);
      const ref = seedStep(mem, vel, Float64Array.from(x), y, { K, N, Nc, n: 20, m: 30, T: model.temperatureAt(epoch), p: 0.6, lr: model.learningRateAt(epoch), prec: 1e-30 });
      expect(Array.from(ours)).toEqual(Array.from(ref));
      const m32 = model.memories();
      for (let i = 0; i < mem.length; i++) worst = Math.max(worst, Math.abs(m32[i] - mem[i]));
    }
    // ξ ∈ [-1, 1]: six updates of size ε = 0.04 agree to float32 rounding (measured ~4e-7).
    expect(worst).toBeLessThan(1e-5);
  });

  it("stays finite at the seeds' settings (K = 100, n = 20, m = 30, T = 540, minibatches of 1000) on real MNIST", async () => {
    const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 1 }), backend);
    const data = digits(3000);
    for (let s = 0; s < 3; s++) await model.step(data.x.subarray(s * 1000 * N, (s + 1) * 1000 * N), data.y.subarray(s * 1000, (s + 1) * 1000), 0);
    expect(finite(model.memories())).toBe(true);
    expect(finite(await model.activations(data.x.subarray(0, 500 * N), 500))).toBe(true);
    const ckpt = model.toCheckpoint();
    expect(finite(ckpt.tensors.velocity.data)).toBe(true);
    expect(Number.isFinite(ckpt.settings.momentumLogScale)).toBe(true);
  });

  it('stops with a clear error, leaving the memories as they were, when a setting overflows float32 (T = 0.001)', async () => {
    const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 1, temperature: { start: 1e-3, end: 1e-3, rampEpochs: 0 } }), backend);
    const data = digits(200);
    model.initialize(N);
    const before = model.memories();
    await expect(model.step(data.x, data.y, 0)).rejects.toThrow(/class activations overflow float32 during a step in epoch 1 .*temperature 0.001 and power 20; raise model.temperature/);
    expect(model.memories()).toEqual(before);
    await expect(model.activations(data.x, 200)).rejects.toThrow(/overflow float32 during scoring/);
  });
});

describe('dense-am training', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend('wasm');
  });
  // A small, quick configuration: 20 memories, ε0 = 0.1, minibatches of 50 (the seeds' K = 100, ε0 = 0.04 need ~200 steps to start).
  const settings = () => defaultDenseAmSettings({ classes: 3, seed: 7, memories: 20, learningRate: 0.1 });
  const data = digits(3000, 0, [3, 5, 8]);

  it('learns a 3-digit task, the same on one thread as on two', async () => {
    const one = new DenseAmModel(settings(), backend);
    const two = new DenseAmModel(settings(), backend);
    const errors: number[] = [];
    await one.fit(batchOf(data), { epochs: 6, batchSize: 50, workers: 1, onEpoch: (e) => void errors.push(e.trainError) });
    await two.fit(batchOf(data), { epochs: 6, batchSize: 50, workers: 2 });
    expect(firstDifference(one.memories(), two.memories())).toBe(-1);
    expect(errors.at(-1)!).toBeLessThan(0.15);
    expect(errors.at(-1)!).toBeLessThan(errors[0]);
  });

  it('trains on raw bytes with a fused normalize step to the same model as on normalized floats, on one thread and two', async () => {
    const tr = loadMnist('train');
    const rows = Int32Array.from({ length: 3000 }, (_, i) => i);
    const raw = makeSampleBatch({ ids: rows, x: tr.x.subarray(0, 3000 * N), y: tr.y.subarray(0, 3000), info: { shape: [28, 28], range: [0, 255], encoding: 'raw' } });
    const scaled = (await lastValueFrom(of(raw).pipe(normalize({ range: [-1, 1] }))))!;
    const ten = () => defaultDenseAmSettings({ classes: 10, seed: 7, memories: 20, learningRate: 0.1 });
    const floats = new DenseAmModel(ten(), backend);
    await floats.fit(scaled, { epochs: 2, batchSize: 100, workers: 1 });
    for (const workers of [1, 2]) {
      const bytes = new DenseAmModel(ten(), backend);
      await bytes.fit(raw, { epochs: 2, batchSize: 100, workers, normalize: [-1, 1] });
      expect(firstDifference(bytes.memories(), floats.memories())).toBe(-1);
      expect(Array.from(await bytes.predict(raw, { normalize: [-1, 1] }))).toEqual(Array.from(await floats.predict(scaled)));
    }
    // The fused step maps to the range the model expects, or says what to change.
    await expect(new DenseAmModel(ten(), backend).fit(raw, { epochs: 1, batchSize: 100, normalize: [0, 1] })).rejects.toThrow(
      /the normalize step maps features to \[0, 1\]; the Dense AM expects \[-1, 1\]/,
    );
  });

  it('checkpoints and resumes to the same model as an uninterrupted run', async () => {
    const straight = new DenseAmModel(settings(), backend);
    await straight.fit(batchOf(data), { epochs: 3, batchSize: 500 });
    const first = new DenseAmModel(settings(), backend);
    await first.fit(batchOf(data), { epochs: 2, batchSize: 500 });
    const resumed = DenseAmModel.fromCheckpoint(decodeCheckpoint(encodeCheckpoint(first.toCheckpoint())), backend);
    expect(resumed.epoch).toBe(2);
    await resumed.fit(batchOf(data), { epochs: 1, batchSize: 500 });
    expect(firstDifference(resumed.memories(), straight.memories())).toBe(-1);
  });

  it('completes the label units of unlabelled digits (eq. 4), agreeing with the classifier', async () => {
    const model = new DenseAmModel(settings(), backend);
    await model.fit(batchOf(data), { epochs: 6, batchSize: 50 });
    const test = digits(300, 5000, [3, 5, 8]);
    const batch = makeSampleBatch({ ids: Int32Array.from({ length: 300 }, (_, i) => i), x: test.x, y: test.y, info: { shape: [28, 28], range: [-1, 1], encoding: 'scaled' } });
    const done = await model.complete(batch);
    const predicted = await model.predict(batch);
    const agree = predicted.filter((p, i) => p === done.predicted[i]).length / 300;
    const correct = done.predicted.filter((p, i) => p === test.y[i]).length / 300;
    expect(agree).toBeGreaterThan(0.9);
    expect(correct).toBeGreaterThan(0.75);
    expect(done.sweeps).toBeLessThanOrEqual(10);
    expect(Array.from(done.labels).every((v) => v === 1 || v === -1)).toBe(true);
  });

  it('rejects raw pixels, labels outside the classes and a width change, saying how to fix them', async () => {
    const model = new DenseAmModel(settings(), backend);
    await expect(model.learn(testBatch(4))).rejects.toThrow(/features are in \[0, 255\]; the Dense AM expects \[-1, 1\]: add \{ op: 'normalize'/);
    const scaled = (await lastValueFrom(of(testBatch(4, { classes: 5, firstId: 10 })).pipe(normalize())))!;
    await expect(model.learn(scaled)).rejects.toThrow(/sample id 13: label 3 is outside \[0, 3\)/);
    const ok = (await lastValueFrom(of(testBatch(4, { classes: 3 })).pipe(normalize())))!;
    await model.learn(ok);
    const wide = (await lastValueFrom(of(testBatch(2, { shape: [7], classes: 3 })).pipe(normalize())))!;
    await expect(model.learn(wide)).rejects.toThrow(/width 7, the model was built for width 6/);
    expect(() => new DenseAmModel({ ...settings(), power: 1.5 }, backend)).toThrow(/power n must be an integer >= 2/);
  });
});
