/**
 * Recall models on real binarized MNIST digits (threshold 0.5, 5% of units flipped, 50 seeded
 * trials per cell) and on random patterns, the energy descent, and the input checks.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/index.js';
import { ClassicalHopfield } from '../../src/models/hopfieldClassical.js';
import { DenseHopfield } from '../../src/models/hopfieldDense.js';
import { ModernHopfield } from '../../src/models/hopfieldModern.js';
import type { RecallResult } from '../../src/backends/kernel.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { Rng } from '../../src/util/random.js';

const backend = await createBackend('wasm');
const N = 784;
const digits = loadMnist('train');
/** The first P training digits as ±1 (pixel > 127.5). */
const stored = (P: number) => Int8Array.from(digits.x.subarray(0, P * N), (v) => (v > 127.5 ? 1 : -1));
const randomPatterns = (P: number, seed: number) => {
  const rng = new Rng(seed);
  return Int8Array.from({ length: P * N }, () => rng.sign());
};

/** Trial t: a seeded stored pattern with each unit flipped with probability 0.05. */
function trial(X: Int8Array, P: number, t: number) {
  const rng = Rng.derive(7, 'trial', P, t);
  const target = rng.int(P);
  const probe = X.slice(target * N, (target + 1) * N);
  for (let i = 0; i < N; i++) if (rng.float() < 0.05) probe[i] = -probe[i];
  return { target, probe };
}

const exact = (r: RecallResult, X: Int8Array, target: number) => r.state.every((v, i) => v === X[target * N + i]);

async function fractionExact(model: { recall: (p: Int8Array, o: { schedule: 'async'; seed: number; maxSweeps: number }) => Promise<RecallResult> }, X: Int8Array, P: number, trials = 50) {
  let ok = 0;
  for (let t = 0; t < trials; t++) {
    const { target, probe } = trial(X, P, t);
    if (exact(await model.recall(probe, { schedule: 'async', seed: t, maxSweeps: 50 }), X, target)) ok++;
  }
  return ok / trials;
}

describe('capacity on real MNIST digits (5% flips, 50 trials)', () => {
  it('classical: recalls 1 and 2 stored digits exactly and fails from 3 on (spurious mixtures)', async () => {
    const at = (P: number) => fractionExact(new ClassicalHopfield({ threshold: 0 }, backend).store(stored(P), P, N), stored(P), P);
    expect([await at(1), await at(2), await at(3)]).toEqual([1, 1, 0]);
  });

  it('dense n = 20 recalls >= 95% at P = 50; n = 2 and 3 fail from 3 and 5 digits', async () => {
    const dense = (n: number, P: number) => fractionExact(new DenseHopfield({ power: n, rectified: true }, backend).store(stored(P), P, N), stored(P), P);
    expect(await dense(20, 50)).toBeGreaterThanOrEqual(0.95);
    expect(await dense(2, 3)).toBe(0);
    expect(await dense(3, 3)).toBe(1);
    expect(await dense(3, 5)).toBe(0);
  }, 30_000);

  it('modern, β = 1: recalls >= 95% at P = 1000', async () => {
    const P = 1000;
    const X = stored(P);
    const model = new ModernHopfield({ beta: 1, tolerance: 1e-6, maxSteps: 10 }, backend).store(X, P, N);
    const trials = Array.from({ length: 50 }, (_, t) => trial(X, P, t));
    const probes = new Int8Array(50 * N);
    trials.forEach((t, i) => probes.set(t.probe, i * N));
    const results = await model.recall(probes, 50);
    const ok = results.filter((r, i) => exact(r, X, trials[i].target)).length;
    expect(ok / 50).toBeGreaterThanOrEqual(0.95);
  });
});

describe('random patterns (N = 784): the classical capacity 0.138 N ≈ 108', () => {
  it('recalls reliably well below it and fails well above it', async () => {
    const at = (P: number) => {
      const X = randomPatterns(P, P);
      return fractionExact(new ClassicalHopfield({ threshold: 0 }, backend).store(X, P, N), X, P, 20);
    };
    expect(await at(40)).toBeGreaterThanOrEqual(0.95);
    expect(await at(200)).toBe(0);
  });
});

describe('energy', () => {
  it.each([
    ['classical', () => new ClassicalHopfield({ threshold: 0 }, backend)],
    ['dense n = 3', () => new DenseHopfield({ power: 3, rectified: true }, backend)],
    ['dense n = 20, not rectified', () => new DenseHopfield({ power: 20, rectified: false }, backend)],
  ] as const)('never increases under asynchronous updates: %s, checked after every update', async (_name, make) => {
    for (const P of [3, 10]) {
      const X = stored(P);
      const model = make().store(X, P, N);
      for (let t = 0; t < 5; t++) {
        const r = await model.recall(trial(X, P, t).probe, { schedule: 'async', seed: t, maxSweeps: 20, trace: true });
        const e = r.energy!;
        expect(e.length).toBe(r.updates + 1);
        for (let k = 1; k < e.length; k++) expect(e[k]).toBeLessThanOrEqual(e[k - 1] + 1e-12 * Math.abs(e[k - 1]));
        expect(r.distances!.length).toBe((r.updates + 1) * P);
      }
    }
  });

  it('modern: the energy does not increase from step to step', async () => {
    const P = 20;
    const X = stored(P);
    const [r] = await new ModernHopfield({ beta: 0.05, tolerance: 1e-6, maxSteps: 10 }, backend).store(X, P, N).recall(trial(X, P, 1).probe, 1, { trace: true });
    for (let k = 1; k < r.energy!.length; k++) expect(r.energy![k]).toBeLessThanOrEqual(r.energy![k - 1] + 1e-3);
  });
});

describe('inputs', () => {
  it('rejects non-±1 states, wrong sizes and bad settings with messages naming them', async () => {
    const c = new ClassicalHopfield({ threshold: 0 }, backend);
    expect(() => c.store(new Int8Array([1, 0, -1, 1]), 2, 2)).toThrow(/pattern 0, unit 1 is 0; states must be ±1/);
    expect(() => c.store(new Int8Array(5), 2, 2)).toThrow(/5 values do not make 2 patterns of 2 units/);
    await expect(c.recall(new Int8Array(N).fill(1), { schedule: 'async', seed: 0, maxSweeps: 5 })).rejects.toThrow(/store patterns before recalling/);
    c.store(stored(2), 2, N);
    await expect(c.recall(new Int8Array(10).fill(1), { schedule: 'async', seed: 0, maxSweeps: 5 })).rejects.toThrow(/probe has 10 units, the stored patterns 784/);
    expect(() => new DenseHopfield({ power: 1, rectified: true }, backend)).toThrow(/power n must be an integer in \[2, 100\]/);
    expect(() => new ModernHopfield({ beta: 0, tolerance: 1e-6, maxSteps: 5 }, backend)).toThrow(/beta must be > 0/);
  });

  it('synchronous updates reach the same fixed point from a clean pattern and report sweeps', async () => {
    const X = stored(2);
    const r = await new ClassicalHopfield({ threshold: 0 }, backend).store(X, 2, N).recall(X.slice(0, N), { schedule: 'sync', seed: 0, maxSweeps: 10 });
    expect(r.converged).toBe(true);
    expect(r.sweeps).toBe(1);
    expect(exact(r, X, 0)).toBe(true);
  });
});
