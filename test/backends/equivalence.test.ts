/**
 * Backend equivalence: every backend's tensor engine and models against the `cpu` reference, each
 * test written once (the fused kernels are checked kernel by kernel in `parity.test.ts`).
 * Unavailable backends are listed as skipped with their reason, never passed.
 *
 * Tolerances, and why:
 * - Exact (bit-identical): hash codes and argmin/argmax indices, thresholding, clip/relu/min/max,
 *   integer-valued matmul and recalled ±1 states. Their inputs and results are integers below
 *   2^24 or selections of existing values, so any correct float32 arithmetic gives the same bits.
 * - matmul and sums: |got − ref| ≤ 2·√n·ε·Σ|terms| (ε = 2^-23, n = reduction length). Rounding
 *   errors of a float32 sum grow like √n in practice (the worst case, n·ε, is 28× larger at
 *   n = 784 and never approached); cpu sums in float64 and rounds once. Measured between tfjs cpu
 *   and wasm: 1/30 of this bound for matmul at 100×784·784×200. Sums use non-negative data, so
 *   the bound is relative to the sum itself (2·√60000·ε = 5.8e-5 at 60000 terms).
 * - elementwise transcendental ops: a few units in the last place (ulp) of float32. Measured here
 *   between tfjs cpu and wasm: pow/exp ≤ 1 ulp, tanh ≤ 2, softmax ≤ 5 (sum + exp + divide); the
 *   bounds below are about twice that. WebGPU is held to the accuracy the WGSL specification
 *   grants its built-ins instead ("Floating Point Accuracy"): exp(x) within 3 + 2·|x| ulp,
 *   pow(x, y) inherited from exp2(y·log2 x) (log2 within 3 ulp, or 2^-21 absolute on [0.5, 2]),
 *   tanh inherited from (e^x − e^-x)/(e^x + e^-x), so its error is absolute near 0 (≤ 4·2^-23 here);
 *   and values below float32's smallest normal (2^-126) may be flushed to zero. Measured on the
 *   SwiftShader adapter: pow(x, 20) 92 ulp where the bound allows 167, exp(5x) 5 ulp, tanh 40 ulp
 *   (2.5e-6 relative, at tanh(0.03)), softmax 4 ulp.
 * - the Dense AM's minibatch math: max |Δ| ≤ 1e-4 × max |reference| for activations and the
 *   descent direction. The float32 kernels take x^19 by ~8 roundings and sum 100 memories and up
 *   to 1000 samples; measured: wasm SIMD core 7e-6, tfjs-op device kernels 1.5e-5 (vs the
 *   TypeScript core, which rounds to float32 only when it stores).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import type * as tfc from '@tensorflow/tfjs-core';
import { createBackend, listBackends } from '../../src/backends/index.js';
import { BACKEND_NAMES, type Backend } from '../../src/backends/backend.js';
import { DenseAmModel, defaultDenseAmSettings } from '../../src/models/denseAm.js';
import { makeSampleBatch } from '../../src/data/batch.js';
import { arraysSource, selectRows } from '../../src/io/labelledArrays.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { ShardedLshModel } from '../../src/models/shardedLsh.js';
import { CompetingUnits } from '../../src/models/competingUnits.js';
import { fitReadout, readoutPredict } from '../../src/models/readoutHead.js';
import { DenseHopfield } from '../../src/models/hopfieldDense.js';
import { ModernHopfield } from '../../src/models/hopfieldModern.js';
import { corruptedProbes, storedPatterns } from '../../src/lab/patterns.js';
import { runLab } from '../../src/lab/run.js';
import { resolveLab } from '../../src/lab/spec.js';
import { applySettings, loadPipelineFile, resolvePipeline } from '../../src/pipeline/resolve.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { Rng } from '../../src/util/random.js';
import { mnistRows } from '../helpers/mnist.js';
import { firstDifference } from '../helpers/arrays.js';
import { deferredReason } from '../helpers/softwareAdapter.js';

const EPS = 2 ** -23;
const statuses = await listBackends();

/** Runs `fn` with the backend's engine active and reads its tensors back (asynchronously: WebGPU has no synchronous read in Node). */
async function onTfBackend(backend: Backend, fn: (tf: typeof tfc) => tfc.Tensor[]): Promise<Float32Array[]> {
  const tf = await backend.activate();
  const out = tf.tidy(() => fn(tf));
  const values = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())));
  out.forEach((t) => t.dispose());
  return values;
}

function ulpOf(v: number): number {
  const f = Math.fround(Math.abs(v));
  if (f === 0) return 2 ** -149;
  const next = new Float32Array([f]);
  new Int32Array(next.buffer)[0]++;
  return next[0] - f;
}

function maxUlps(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / ulpOf(ref[i]));
  return worst;
}

const digits = mnistRows(3000);
const testDigits = mnistRows(2000, { split: 'test' });

/**
 * Sizes of the end-to-end comparisons: full on real engines, "smoke size" on WebGPU's software
 * adapter (SwiftShader runs shaders on the CPU, about 20× slower than wasm here).
 */
const SIZES = {
  full: { shardedTrain: 20000, shardedTest: 2000, denseTrain: 3000, denseTest: 5000, sameTrain: 20000, sameTest: 10000 },
  smoke: { shardedTrain: 3000, shardedTest: 500, denseTrain: 500, denseTest: 1000, sameTrain: 5000, sameTest: 2000 },
};

/** A Dense AM trained on `train` digits (2 epochs, minibatches of 100) with a given backend; its predictions on the first `test` test digits. */
async function denseAmPredictions(backend: Backend, { denseTrain, denseTest }: typeof SIZES.full): Promise<Int32Array> {
  const tr = loadMnist('train');
  const norm = (u: ArrayLike<number>) => Float32Array.from(u, (v) => v / 127.5 - 1);
  const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 2, learningRate: 0.1 }), backend);
  const x = norm(tr.x.subarray(0, denseTrain * 784));
  const ids = Int32Array.from({ length: denseTrain }, (_, i) => i);
  await model.fit(makeSampleBatch({ ids, x, y: tr.y.slice(0, denseTrain), info: { shape: [28, 28], range: [-1, 1], encoding: 'scaled' } }), { epochs: 2, batchSize: 100 });
  const t = loadMnist('test');
  const n = denseTest;
  const test = makeSampleBatch({ ids: t.ids.slice(0, n), y: t.y.slice(0, n), x: norm(t.x.subarray(0, n * 784)), info: { shape: [28, 28], range: [-1, 1], encoding: 'scaled' } });
  return model.predict(test);
}
const cpuDenseAm = new Map<typeof SIZES.full, Promise<Int32Array>>();

describe.each(statuses.map((s) => [s.available ? (deferredReason(s) ? `${s.name} (skipped here: ${deferredReason(s)})` : s.name) : `${s.name} (unavailable: ${s.reason})`, s] as const))(
  'backend %s',
  (_label, status) => {
    if (status.name === 'cpu') {
      it('is the reference the others are compared with', () => expect(status.available).toBe(true));
      return;
    }
    // On a software adapter in `npm test`: listed as skipped with the reason in the describe label.
    const deferred = deferredReason(status) !== undefined;
    let backend: Backend;
    let cpu: Backend;
    beforeAll(async () => {
      if (!status.available || deferred) return;
      cpu = await createBackend('cpu');
      backend = await createBackend(status.name);
    });

    const rng = new Rng(11);
    const floats = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rng.float() * 2 - 1) * scale);
    const ints = (n: number, max: number) => Float32Array.from({ length: n }, () => rng.int(2 * max + 1) - max);

    /** Runs `fn` on the reference and on this backend. */
    async function both(fn: (tf: typeof tfc) => tfc.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
      const ref = await onTfBackend(cpu, fn);
      const got = await onTfBackend(backend, fn);
      return [got, ref];
    }

    describe.skipIf(!status.available || deferred)('exact ops', () => {
      it('threshold (binarize), clip, relu, min, max and argmax/argmin (first index on ties) are bit-identical', async () => {
        const x = floats(4000, 3);
        x.set([1, 1, 1, 1], 0); // ties at the start of the first row
        const [got, ref] = await both((tf) => {
          const t = tf.tensor2d(x, [40, 100]);
          return [
            tf.where(tf.greater(t, 0.5), tf.onesLike(t), tf.neg(tf.onesLike(t))),
            tf.clipByValue(t, -1, 1),
            tf.relu(t),
            tf.minimum(t, 0.3),
            tf.maximum(t, -0.3),
            tf.argMax(t, 1),
            tf.argMin(t, 1),
          ];
        });
        got.forEach((g, i) => expect(firstDifference(g, ref[i]), `op ${i}`).toBe(-1));
      });

      it('integer-valued matmul and recalled ±1 states are bit-identical', async () => {
        const patterns = Float32Array.from({ length: 5 * 784 }, () => (rng.float() < 0.5 ? -1 : 1));
        const a = ints(100 * 784, 3);
        const b = ints(784 * 60, 3);
        const [got, ref] = await both((tf) => {
          const xi = tf.tensor2d(patterns, [5, 784]);
          const w = tf.matMul(xi, xi, true, false); // Σ ξξᵀ: integers ≤ 5
          const state = tf.tensor2d(patterns.slice(0, 784), [784, 1]);
          const recalled = tf.sign(tf.matMul(w, state));
          return [tf.matMul(tf.tensor2d(a, [100, 784]), tf.tensor2d(b, [784, 60])), recalled];
        });
        expect(firstDifference(got[0], ref[0])).toBe(-1);
        expect(firstDifference(got[1], ref[1])).toBe(-1);
      });
    });

    describe.skipIf(!status.available || deferred)('float ops within stated tolerances', () => {
      it('matmul at the models’ shapes: |Δ| ≤ 2√n·ε·Σ|a||b|', async () => {
        const [m, k, n] = [100, 784, 200];
        const a = floats(m * k);
        const b = floats(k * n);
        const [[got], [ref]] = await both((tf) => [tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]))]);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let bound = 0;
            for (let q = 0; q < k; q++) bound += Math.abs(a[i * k + q] * b[q * n + j]);
            expect(Math.abs(got[i * n + j] - ref[i * n + j])).toBeLessThanOrEqual(2 * Math.sqrt(k) * EPS * bound);
          }
        }
      });

      it('sums over 794 and 60000 non-negative elements: |Δ| ≤ 2√n·ε·Σx', async () => {
        for (const n of [794, 60000]) {
          const x = Float32Array.from(floats(n, 10), Math.abs);
          const [[[got]], [[ref]]] = await both((tf) => [tf.sum(tf.tensor1d(x))]);
          const bound = 2 * Math.sqrt(n) * EPS * x.reduce((s, v) => s + v, 0);
          expect(Math.abs(got - ref)).toBeLessThanOrEqual(bound);
        }
      });

      const wgsl = status.name === 'webgpu';
      it(`pow and exp within ${wgsl ? "WGSL's stated accuracy" : '2 ulp, tanh within 4'}, softmax within 10 ulp`, async () => {
        const x = Float32Array.from(floats(5000), (v) => Math.abs(v) + 0.01);
        const [got, ref] = await both((tf) => {
          const t = tf.tensor1d(x);
          return [tf.pow(t, 20), tf.exp(tf.mul(t, 5)), tf.tanh(tf.mul(t, 3)), tf.softmax(tf.tensor2d(x, [50, 100]))];
        });
        if (!wgsl) {
          expect(maxUlps(got[0], ref[0])).toBeLessThanOrEqual(2);
          expect(maxUlps(got[1], ref[1])).toBeLessThanOrEqual(2);
          expect(maxUlps(got[2], ref[2])).toBeLessThanOrEqual(4);
        } else {
          const excess = (k: number, allowed: (i: number) => number) => ref[k].findIndex((r, i) => !(Math.abs(got[k][i] - r) <= allowed(i) || (Math.abs(r) < 2 ** -126 && got[k][i] === 0)));
          const log2Error = (v: number) => (v >= 0.5 && v <= 2 ? 2 ** -21 : 3 * ulpOf(Math.log2(v)));
          expect(excess(0, (i) => (3 + 2 * Math.abs(20 * Math.log2(x[i]))) * ulpOf(ref[0][i]) + 20 * Math.LN2 * log2Error(x[i]) * ref[0][i])).toBe(-1);
          expect(excess(1, (i) => (3 + 2 * 5 * x[i]) * ulpOf(ref[1][i]))).toBe(-1);
          expect(excess(2, (i) => 4 * ulpOf(ref[2][i]) + 4 * EPS)).toBe(-1);
        }
        expect(maxUlps(got[3], ref[3])).toBeLessThanOrEqual(10);
      });
    });

    // A backend on the reference's own engine (f64) differs from cpu only in kernels, which parity.test.ts checks one by one.
    const smoke = status.name === 'webgpu';
    const size = smoke ? SIZES.smoke : SIZES.full;
    const title = status.engine === 'cpu' ? ' (skipped: same tfjs engine as cpu; its kernels are checked in parity.test.ts)' : smoke ? ' at smoke size' : '';
    describe.skipIf(!status.available || status.engine === 'cpu' || deferred)(`end to end${title}`, () => {
      it('the sharded-mnist pipeline (reduced) reaches the same accuracy (±0.1 point) as on cpu', async () => {
        const raw = await loadPipelineFile('pipelines/sharded-mnist.ts');
        const spec = resolvePipeline(
          applySettings(raw, [`data.trainSize=${size.shardedTrain}`, `data.testSize=${size.shardedTest}`, 'train.curveEpochs=off', 'outputs.model=false', 'outputs.plots=false']),
        );
        const ref = await runPipeline(spec, { backend: 'cpu' });
        const got = await runPipeline(spec, { backend: status.name });
        expect(got.metrics.backend).toBe(status.name);
        for (const [name, e] of Object.entries(ref.metrics.evaluations)) expect(Math.abs(got.metrics.evaluations[name].accuracy - e.accuracy), name).toBeLessThanOrEqual(0.001);
      });

      // The dense-am and competing-units pipelines end to end through runPipeline (their models are compared in detail below);
      // at smoke size only: on real engines pipelines.test.ts runs every pipeline already.
      if (smoke) {
        it.each([
          ['dense-am-mnist', ['data.trainSize=600', 'data.testSize=500', 'train.epochs=1', 'train.batchSize=100', 'model.learningRate=0.1']],
          ['competing-units-mnist', ['data.trainSize=2000', 'data.testSize=500', 'train.epochs=2', 'model.outputs=20', 'train.curveEpochs=off']],
        ])('the %s pipeline (tiny) reaches the same test accuracy as on cpu, within one digit of 500', async (name, sets) => {
          const raw = await loadPipelineFile(`pipelines/${name}.ts`);
          const spec = resolvePipeline(applySettings(raw, [...sets, 'outputs.model=false', 'outputs.plots=false']));
          const ref = await runPipeline(spec, { backend: 'cpu' });
          const got = await runPipeline(spec, { backend: status.name });
          expect(got.metrics.backend).toBe(status.name);
          // float32 device arithmetic against the cpu reference can flip a near-tie: one digit in 500.
          for (const [k, e] of Object.entries(ref.metrics.evaluations)) expect(Math.abs(got.metrics.evaluations[k].accuracy - e.accuracy), k).toBeLessThanOrEqual(0.002);
        });
      }

      it('dense-am: the same training gives the same accuracy (±0.1 point) and >= 99.9% the same predictions', async () => {
        if (!cpuDenseAm.has(size))
          cpuDenseAm.set(
            size,
            createBackend('cpu').then((b) => denseAmPredictions(b, size)),
          );
        const ref = await cpuDenseAm.get(size)!;
        const got = await denseAmPredictions(await createBackend(status.name), size);
        const y = loadMnist('test').y;
        const accuracy = (p: Int32Array) => p.filter((v, i) => v === y[i]).length / size.denseTest;
        expect(Math.abs(accuracy(got) - accuracy(ref))).toBeLessThanOrEqual(0.001);
        expect(got.filter((v, i) => v === ref[i]).length / size.denseTest).toBeGreaterThanOrEqual(0.999);
      });

      it('competing-units: the same seed gives the same weights (bit-identical with host kernels) and read-out accuracy (±0.1 point)', async () => {
        const x = { values: Float32Array.from(digits.x, (v) => v / 255), rows: 3000, cols: 784 };
        const t = { values: Float32Array.from(testDigits.x, (v) => v / 255), rows: 2000, cols: 784 };
        const run = async (b: Backend) => {
          await b.activate();
          const m = await new CompetingUnits({ outputs: 20, numEpochs: 3, randomState: 2 }, b).fit(x);
          const head = await fitReadout(b, await m.transform(x), digits.y, { classes: 10, power: 4.5, ridge: 1e-4, normalize: 'unit' });
          return { weights: m.weights, accuracy: readoutPredict(head, await m.transform(t)).filter((c, i) => c === testDigits.y[i]).length / 2000 };
        };
        const ref = await run(cpu);
        const got = await run(backend);
        if (backend.workerKernels === backend.name) expect(firstDifference(got.weights, ref.weights)).toBe(-1);
        expect(Math.abs(got.accuracy - ref.accuracy)).toBeLessThanOrEqual(0.001);
      });

      it('recall lab: every model recalls bit-identical states on this backend and on cpu', async () => {
        const spec = resolveLab({
          name: 'eq',
          lab: 'capacity',
          counts: [3, 50],
          trials: 5,
          models: [{ kind: 'classical' }, { kind: 'dense', power: 20 }, { kind: 'modern', beta: 1 }, { kind: 'modern', beta: 0.02 }],
        });
        const states = async (name: Backend['name']) => {
          const b = await createBackend(name);
          const set = await storedPatterns(spec, 50);
          const { probes } = await corruptedProbes(set, 0, 5, 0.1);
          const modern = await new ModernHopfield({ beta: 0.02, tolerance: 1e-6, maxSteps: 10 }, b).store(set.values, 50, 784).recall(probes, 5);
          const dense = await Promise.all(
            Array.from({ length: 5 }, (_, t) =>
              new DenseHopfield({ power: 20, rectified: true }, b).store(set.values, 50, 784).recall(probes.subarray(t * 784, (t + 1) * 784), { schedule: 'async', seed: t, maxSweeps: 20 }),
            ),
          );
          return [...modern, ...dense].map((r) => Array.from(r.state).join(''));
        };
        expect(await states(status.name)).toEqual(await states('cpu'));
        const ref = await runLab(spec, { backend: 'cpu' });
        const got = await runLab(spec, { backend: status.name });
        for (const [name, e] of Object.entries(ref.metrics.evaluations)) expect(got.metrics.evaluations[name].correct, name).toBe(e.correct);
      });

      it(`the same seed gives the same predictions on >= 99.9% of the first ${size.sameTest} test digits`, async () => {
        const train = () => arraysSource(loadMnist('train'), { rows: selectRows(loadMnist('train'), { end: size.sameTrain }) });
        const fitted = async (b: Backend) => {
          const m = new ShardedLshModel({ bits: 8, shards: 50, classes: 10, seed: 5 }, b);
          await m.fit(train(), { epochs: 50, workers: 2 });
          return m;
        };
        const t = loadMnist('test');
        const n = size.sameTest;
        const test = makeSampleBatch({ ids: t.ids.slice(0, n), y: t.y.slice(0, n), x: t.x.slice(0, n * 784), info: t.info });
        const ref = await (await fitted(cpu)).predict(test);
        const got = await (await fitted(backend)).predict(test);
        const same = ref.filter((v, i) => v === got[i]).length;
        expect(same / n).toBeGreaterThanOrEqual(0.999);
      });
    });
  },
);

it('lists every backend, with a reason for each unavailable one', () => {
  expect(statuses.map((s) => s.name)).toEqual([...BACKEND_NAMES]);
  for (const s of statuses) if (!s.available) expect(s.reason).toMatch(/install|adapter|device|load/);
  expect(statuses.find((s) => s.name === 'cpu')?.available).toBe(true);
});
