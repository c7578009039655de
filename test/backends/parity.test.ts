/**
 * Kernel parity: every available backend × every kernel in the catalog, against the cpu
 * reference. A backend's kernels come from the registry; a kernel the backend lists as a gap (it
 * runs elsewhere, usually the reference itself) is skipped with the reason in the test's name.
 * Kernels registered as `bitIdentical` must match the reference bit for bit; the others within the
 * tolerances stated here:
 * - nearest prototypes: ≥ 99.9% the same argmin (float32 scores resolve near-ties differently);
 * - competing currents: |Δ| ≤ 2√n·ε·Σ|w·x| (float32 sums of n = 784 terms);
 * - the Dense AM step: max |Δ| ≤ 1e-4 × max |reference| (x^19 by ~8 roundings, sums of 100 memories);
 * - shard training and the competing update: the same misses, and sums within 1e-9 relative.
 * The GPU backends' device kernels are also run here on tfjs cpu and wasm engines, so they are
 * tested on machines without a GPU.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom } from 'rxjs';
import { createBackend, listBackends } from '../../src/backends/index.js';
import type { Backend, KernelRunner } from '../../src/backends/backend.js';
import { KERNEL_NAMES, type KernelName } from '../../src/backends/kernel.js';
import { cpuReference } from '../../src/backends/cpu/reference.js';
import { kernelsFor } from '../../src/backends/registry.js';
import { deviceKernelConfigs } from '../../src/backends/tfjs/deviceKernels.js';
import { DenseAmModel, defaultDenseAmSettings } from '../../src/models/denseAm.js';
import { features } from '../../src/data/batch.js';
import { arraysSource, selectRows } from '../../src/io/labelledArrays.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { addNoise } from '../../src/operators/addNoise.js';
import { normalizedBytes } from '../../src/operators/normalize.js';
import { createLshRouter } from '../../src/operators/lshHash.js';
import { Rng } from '../../src/util/random.js';
import { mnistRows } from '../helpers/mnist.js';
import { deferredReason } from '../helpers/softwareAdapter.js';
import { firstDifference } from '../helpers/arrays.js';

const EPS = 2 ** -23;
const digits = mnistRows(3000);
const testDigits = mnistRows(2000, { split: 'test' });
const router = createLshRouter(784, 8, 50, 7);
const ref = cpuReference;
const codesOf = async (x: Float32Array | Uint8Array, rows: number) => await ref.run('lshCodes', { x, rows, width: 784, planes: router.planes, bits: 8 });
const groups = Int32Array.from(await codesOf(testDigits.x, 2000), (c) => c % 5);
const trained = await (async () => {
  const sums = new Float64Array(5 * 10 * 784);
  const counts = new Float64Array(50).fill(1);
  const codes = await codesOf(digits.x, 3000);
  for (let g = 0; g < 5; g++) {
    const rows = [...codes.keys()].filter((i) => codes[i] % 5 === g);
    const x = new Float32Array(rows.length * 784);
    rows.forEach((r, i) => x.set(digits.x.subarray(r * 784, (r + 1) * 784), i * 784));
    await ref.run('trainPrototypes', {
      x,
      y: Int32Array.from(rows, (r) => digits.y[r]),
      width: 784,
      classes: 10,
      sums: sums.subarray(g * 7840, (g + 1) * 7840),
      counts: counts.subarray(g * 10, (g + 1) * 10),
      maxEpochs: 20,
    });
  }
  return { sums, counts };
})();

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let top = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    top = Math.max(top, Math.abs(b[i]));
  }
  return diff / top;
}

/** Dense AM arguments: 300 digits in [-1, 1], memories of a seeded model. */
async function denseAmArgs() {
  const B = 300;
  const x = Float32Array.from(digits.x.subarray(0, B * 784), (v) => v / 127.5 - 1);
  const targets = new Float32Array(10 * B).fill(-1);
  digits.y.subarray(0, B).forEach((c, i) => (targets[c * B + i] = 1));
  const cpu = await createBackend('cpu');
  const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 4 }), cpu);
  model.initialize(784);
  return { cpu, args: { xi: model.memories(), x, rows: B, width: 784, classes: 10, memories: 100, power: 20, temperature: 540, targets, lossPower: 30 } };
}

/** The same batch as raw bytes with the value of each byte (a fused normalize step): must give the same bits as its floats on any backend. */
const asBytes = <T extends { x: Float32Array | Uint8Array; rows: number }>(args: T): T => ({
  ...args,
  x: Uint8Array.from(digits.x.subarray(0, args.rows * 784)),
  byteValues: normalizedBytes([0, 255], [-1, 1]),
});

/** One parity check per kernel: `run` is the backend under test, `exact` its bit-identity claim. */
const checks: Record<KernelName, (run: KernelRunner, exact: boolean, activate: () => Promise<unknown>) => Promise<void>> = {
  async lshCodes(run) {
    const x = digits.x.subarray(0, 500 * 784);
    const raw = Uint8Array.from(digits.x.subarray(0, 300 * 784));
    const noisy = features((await lastValueFrom(arraysSource(loadMnist('test'), { rows: selectRows(loadMnist('test'), { end: 300 }) }).pipe(addNoise({ kind: 'pm1', seed: 3 }))))!).values;
    for (const [v, rows] of [
      [x, 500],
      [raw, 300],
      [noisy, 300],
    ] as const) {
      const args = { x: v, rows, width: 784, planes: router.planes, bits: 8 };
      expect(firstDifference(await run.run('lshCodes', args), await ref.run('lshCodes', args))).toBe(-1);
    }
  },
  async nearestPrototypes(run, exact) {
    const args = { x: testDigits.x, rows: 2000, width: 784, groups, sums: trained.sums, counts: trained.counts, classes: 10 };
    const ids = Int32Array.from({ length: 2000 }, (_, i) => 5000 + i);
    const noise = { kind: 'pm1' as const, seed: 77, ids };
    const noisyBytes = { ...args, x: Uint8Array.from(testDigits.x), noise };
    // With noise: as the search on pm1Noise's output (bytes drawn in place, and float32).
    const materialised = await ref.run('pm1Noise', { x: testDigits.x, rows: 2000, width: 784, ids, seed: 77, out: new Float32Array(2000 * 784) });
    for (const [a, b] of [
      [args, args],
      [
        { ...args, noise },
        { ...args, x: materialised },
      ],
      [noisyBytes, { ...args, x: materialised }],
    ] as const) {
      const got = await run.run('nearestPrototypes', a);
      const want = await ref.run('nearestPrototypes', b);
      const differ = want.filter((v, i) => v !== got[i]).length;
      if (exact) expect(differ).toBe(0);
      else expect(differ / 2000).toBeLessThanOrEqual(0.001);
    }
  },
  async pm1Noise(run) {
    // Bytes, integral and fractional float32 (with −0), ids of both signs, a seed above 2^32, and a
    // width (50) that leaves partial groups of 4 and of 32 values.
    const rows = 40;
    const ids = Int32Array.from({ length: rows }, (_, i) => i * 7919 - 100000);
    const bytes = Uint8Array.from(digits.x.subarray(0, rows * 784));
    const fractions = Float32Array.from(digits.x.subarray(0, rows * 784), (v, k) => (k % 97 === 0 ? -0 : v / 255 - 0.5));
    for (const [x, width] of [
      [bytes, 784],
      [digits.x.subarray(0, rows * 784), 784],
      [fractions, 784],
      [fractions.subarray(0, rows * 50), 50],
    ] as const) {
      const args = { x, rows, width, ids, seed: 2 ** 40 + 12345 };
      const want = await ref.run('pm1Noise', { ...args, out: new Float32Array(rows * width) });
      const got = await run.run('pm1Noise', { ...args, out: new Float32Array(rows * width) });
      expect(firstDifference(got, want)).toBe(-1);
    }
  },
  async trainPrototypes(run, exact) {
    const { x, y } = mnistRows(1500, { start: 5000 });
    // Raw pixels (norms updated in place), fractions (norms recomputed), and integers whose squared
    // norms leave the exact range within the first epochs (random labels keep every epoch missing).
    const rng = new Rng(9);
    const few = mnistRows(300, { start: 7000 });
    const cases = [
      { x, y, K: 10, epochs: 60 },
      { x: Uint8Array.from(x), y, K: 10, epochs: 60 },
      { x: x.map((v) => v / 255), y, K: 10, epochs: 60 },
      { x: few.x.map((v) => v * 60), y: Int32Array.from(few.y, () => rng.int(3)), K: 3, epochs: 30 },
    ];
    for (const c of cases) {
      const train = async (k: KernelRunner) => {
        const sums = new Float64Array(784 * c.K);
        const counts = new Float64Array(c.K).fill(1);
        const r = await k.run('trainPrototypes', { x: c.x, y: c.y, width: 784, classes: c.K, sums, counts, maxEpochs: c.epochs, snapshotEpochs: [2] });
        return { sums, counts, r };
      };
      const a = await train(run);
      const b = await train(ref);
      expect(Array.from(a.r.misses)).toEqual(Array.from(b.r.misses));
      if (exact) {
        expect(firstDifference(a.sums, b.sums)).toBe(-1);
        expect(firstDifference(a.counts, b.counts)).toBe(-1);
        expect(firstDifference(a.r.snapshots[0].sums, b.r.snapshots[0].sums)).toBe(-1);
        expect(a.r.distanceEvaluations).toBe(b.r.distanceEvaluations);
      } else expect(relativeError(a.sums, b.sums)).toBeLessThan(1e-9);
    }
  },
  async denseAmActivations(run, exact, activate) {
    const { cpu, args } = await denseAmArgs();
    const want = await cpu.run('denseAmActivations', args);
    await activate();
    const got = await run.run('denseAmActivations', args);
    expect(firstDifference(await run.run('denseAmActivations', asBytes(args)), got)).toBe(-1);
    if (exact) expect(firstDifference(got, want)).toBe(-1);
    else expect(relativeError(got, want)).toBeLessThan(1e-4);
  },
  async denseAmGradient(run, exact, activate) {
    const { cpu, args } = await denseAmArgs();
    const want = await cpu.run('denseAmGradient', args);
    await activate();
    const got = await run.run('denseAmGradient', args);
    const fromBytes = await run.run('denseAmGradient', asBytes(args));
    expect(firstDifference(fromBytes.direction, got.direction)).toBe(-1);
    expect(firstDifference(fromBytes.activations, got.activations)).toBe(-1);
    if (exact) expect(firstDifference(got.direction, want.direction)).toBe(-1);
    expect(relativeError(got.activations, want.activations)).toBeLessThan(1e-4);
    expect(relativeError(got.direction, want.direction)).toBeLessThan(1e-4);
    expect(Math.abs(got.logScale - want.logScale)).toBeLessThan(1e-4);
  },
  async competingCurrents(run, exact) {
    const H = 37; // not a multiple of 4: exercises the SIMD padding
    const rng = new Rng(11);
    const wT = Float32Array.from({ length: 784 * H }, () => rng.normal());
    const x = Float32Array.from(digits.x.subarray(0, 60 * 784), (v) => v / 255);
    const args = { wT, hidden: H, x, rows: 60, width: 784 };
    const got = await run.run('competingCurrents', args);
    const want = await ref.run('competingCurrents', args);
    if (exact) expect(firstDifference(got, want)).toBe(-1);
    for (let b = 0; b < 60; b++) {
      for (let h = 0; h < H; h++) {
        let bound = 0;
        for (let j = 0; j < 784; j++) bound += Math.abs(wT[j * H + h] * x[b * 784 + j]);
        expect(Math.abs(got[b * H + h] - want[b * H + h])).toBeLessThanOrEqual(2 * Math.sqrt(784) * EPS * bound);
      }
    }
  },
  async competingUpdate(run, exact) {
    for (const keep of [1, 0.999]) {
      const rng = new Rng(5);
      const [T, D, B] = [7, 784, 10];
      const x = Float32Array.from(digits.x.subarray(0, B * D), (v) => v / 255);
      const rows = Float32Array.from({ length: T * D }, () => rng.normal());
      const hitStart = Int32Array.from([0, 3, 5, 9, 12, 15, 18, 20]);
      const hitSample = Int32Array.from({ length: 20 }, () => rng.int(B));
      const hitCoef = Float64Array.from({ length: 20 }, (_, e) => (e % 2 ? -0.4 : 1));
      const theta = Float64Array.from({ length: T }, () => 5 * rng.float());
      const update = async (k: KernelRunner) => {
        const r = rows.slice();
        const m = await k.run('competingUpdate', { rows: r, count: T, width: D, theta, hitStart, hitSample, hitCoef, x, rate: 0.02, precision: 1e-30, keep });
        return { r, m };
      };
      const a = await update(run);
      const b = await update(ref);
      expect(firstDifference(a.r, rows)).toBeGreaterThanOrEqual(0);
      if (exact) {
        expect(a.m).toBe(b.m);
        expect(firstDifference(a.r, b.r)).toBe(-1);
      } else expect(relativeError(a.r, b.r)).toBeLessThan(1e-6);
    }
  },
  async competingSteps(run, exact) {
    // Units not a multiple of 4, a short last minibatch; weight decay; a non-integer power; an odd width (the update's TypeScript path).
    for (const c of [
      { hidden: 37, width: 784, p: 3, weightDecay: 0 },
      { hidden: 37, width: 784, p: 3, weightDecay: 0.05 },
      { hidden: 12, width: 784, p: 3.5, weightDecay: 0 },
      { hidden: 10, width: 783, p: 2, weightDecay: 0 },
    ]) {
      const rng = new Rng(9);
      const rows = 230;
      const x = new Float32Array(rows * c.width);
      for (let r = 0; r < rows; r++) for (let j = 0; j < c.width; j++) x[r * c.width + j] = digits.x[r * 784 + j] / 255;
      const w = Float32Array.from({ length: c.hidden * c.width }, () => 0.1 * rng.normal());
      const steps = async (k: KernelRunner) => {
        const weights = w.slice();
        const n = await k.run('competingSteps', { w: weights, x, rows, batchSize: 50, k: 3, delta: 0.4, rate: 0.02, precision: 1e-30, ...c });
        return { weights, n };
      };
      const a = await steps(run);
      const b = await steps(ref);
      expect(a.n).toBe(5);
      expect(firstDifference(a.weights, w)).toBeGreaterThanOrEqual(0);
      if (exact) expect(firstDifference(a.weights, b.weights), JSON.stringify(c)).toBe(-1);
      else expect(relativeError(a.weights, b.weights)).toBeLessThan(1e-5);
    }
  },
  async hopfieldRecall(run) {
    const rng = new Rng(3);
    const [P, N] = [20, 400];
    const patterns = Int8Array.from({ length: P * N }, () => (rng.float() < 0.5 ? -1 : 1));
    const probe = patterns.slice(0, N).map((v, i) => (i % 9 === 0 ? -v : v));
    for (const rule of [
      { kind: 'classical', threshold: 0 },
      { kind: 'dense', power: 10, rectified: true },
    ] as const) {
      for (const schedule of ['async', 'sync'] as const) {
        const args = { patterns, count: P, width: N, probe, rule, schedule, seed: 7, maxSweeps: 20 };
        expect(Array.from((await run.run('hopfieldRecall', args)).state)).toEqual(Array.from((await ref.run('hopfieldRecall', args)).state));
      }
    }
  },
};

/** The kernel tests of one backend: every registered kernel against the reference, gaps too (through the backend's registry, named with where they run and why). */
function parity(label: string, runner: () => KernelRunner, configs: () => ReturnType<typeof kernelsFor>, activate: () => Promise<unknown>) {
  describe(label, () => {
    for (const kernel of KERNEL_NAMES) {
      const config = () => configs().find((c) => c.kernelName === kernel);
      const gap = config()?.gap;
      const name = `${kernel}${gap ? ` (gap — ${gap})` : ''} matches the cpu reference${config()?.bitIdentical ? ' bit for bit' : ' within tolerance'}`;
      it(name, async () => {
        const c = config();
        if (!c) throw new Error(`${label} registers no '${kernel}' kernel and lists no gap for it`);
        await activate();
        await checks[kernel](runner(), c.bitIdentical === true, activate);
      });
    }
  });
}

const statuses = await listBackends();
const others = statuses.filter((s) => s.name !== 'cpu');
describe.each(others.map((s) => [s.available ? s.name : `${s.name} (unavailable: ${s.reason})`, s] as const))('backend %s kernels', (_label, status) => {
  let backend: Backend;
  beforeAll(async () => {
    if (status.available && !deferredReason(status)) backend = await createBackend(status.name);
  });
  // skipIf unavailable (e.g. no GPU or its optional packages): the reason is in the test name.
  const deferred = deferredReason(status);
  const why = !status.available ? ` (unavailable: ${status.reason})` : deferred ? ` (skipped here: ${deferred})` : '';
  it.skipIf(!status.available || deferred !== undefined)(`runs here${why}`, () => expect(kernelsFor(status.name).length).toBeGreaterThan(0));
  if (!status.available || deferred) return;
  // Registered by createBackend in listBackends above.
  parity(
    status.name,
    () => backend,
    () => kernelsFor(status.name),
    () => backend.activate(),
  );
});

describe.each(['cpu', 'wasm'] as const)('GPU-backend device kernels on the tfjs %s engine', (engine) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend(engine);
  });
  const configs = () => deviceKernelConfigs('gpu');
  const runner = (): KernelRunner => ({
    run: (kernel, args) => {
      const c = configs().find((k) => k.kernelName === kernel)!;
      return (c.kernelFunc as (a: typeof args, ctx: { tf: Backend['tf'] }) => ReturnType<KernelRunner['run']>)(args, { tf: backend.tf });
    },
  });
  parity(`device kernels on tfjs ${engine}`, runner, configs, () => backend.activate());
});

it('the cpu reference registers every kernel in the catalog, with no gap', async () => {
  await createBackend('cpu');
  expect(kernelsFor('cpu').map((c) => c.kernelName)).toEqual([...KERNEL_NAMES]);
  expect(kernelsFor('cpu').filter((c) => c.gap)).toEqual([]);
});
