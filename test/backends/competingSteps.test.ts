/**
 * The fused `competingSteps` kernel: the same weights as its parts run one minibatch at a time
 * (`competingCurrents`, the ranking, `competingUpdate`), and what it leaves when a minibatch fails.
 */
import { describe, expect, it } from 'vitest';
import { writePowersT } from '../../src/backends/competingPowers.js';
import { rankRows } from '../../src/backends/competingRanks.js';
import { createBackend } from '../../src/backends/index.js';
import type { CompetingStepsArgs } from '../../src/backends/kernel.js';
import { applyUpdate } from '../../src/models/competingRule.js';
import { Rng } from '../../src/util/random.js';
import { firstDifference } from '../helpers/arrays.js';
import { mnistRows } from '../helpers/mnist.js';

const digits = mnistRows(400);
const x = Float32Array.from(digits.x, (v) => v / 255);

function args(o: Partial<CompetingStepsArgs> = {}): CompetingStepsArgs {
  const rng = new Rng(21);
  const hidden = o.hidden ?? 30;
  const w = Float32Array.from({ length: hidden * 784 }, () => 0.1 * rng.normal());
  return { w, hidden, width: 784, x, rows: 400, batchSize: 64, p: 3, k: 2, delta: 0.4, rate: 0.05, precision: 1e-30, weightDecay: 0, ...o };
}

/** Weights of `hidden` units in which unit h repeats unit h mod 4: every sample's currents tie in groups. */
function tiedWeights(hidden: number): Float32Array {
  const rng = new Rng(22);
  const base = Float32Array.from({ length: 4 * 784 }, () => 0.1 * rng.normal());
  const w = new Float32Array(hidden * 784);
  for (let h = 0; h < hidden; h++) w.set(base.subarray((h % 4) * 784, ((h % 4) + 1) * 784), h * 784);
  return w;
}

/** The rule one minibatch at a time with the separate kernels of `backend`. */
async function separately(name: 'cpu' | 'wasm', a: CompetingStepsArgs): Promise<Float32Array> {
  const b = await createBackend(name);
  const { hidden: H, width: D } = a;
  const w = a.w.slice();
  const wT = new Float32Array(w.length);
  writePowersT(w, wT, D, a.p);
  for (let at = 0; at < a.rows; at += a.batchSize) {
    const n = Math.min(a.batchSize, a.rows - at);
    const xb = a.x.subarray(at * D, (at + n) * D);
    const ranks = rankRows(await b.run('competingCurrents', { wT, hidden: H, x: xb, rows: n, width: D }), n, H, a.k);
    const report = await applyUpdate(w, ranks, { x: xb, rows: n, width: D, delta: a.delta, rate: a.rate, precision: a.precision, weightDecay: a.weightDecay }, (u) => b.run('competingUpdate', u));
    writePowersT(w, wT, D, a.p, a.weightDecay > 0 ? undefined : report.touched);
  }
  return w;
}

describe.each(['cpu', 'wasm'] as const)('competingSteps on %s', (name) => {
  it.each([
    ['a short last minibatch', {}],
    ['weight decay', { weightDecay: 0.1 }],
    ['a power that is not an integer', { p: 2.5 }],
    ['more named units than units (every unit changes)', { hidden: 7 }],
    ['tied currents (units with the same weights: the lower index ranks first)', { hidden: 13, k: 5, w: tiedWeights(13) }],
    ['all-zero digits (no signal)', { x: x.map((v, i) => (Math.floor(i / 784) % 3 === 0 ? 0 : v)) }],
  ])('gives the weights of its parts run one minibatch at a time: %s', async (_label, o) => {
    const b = await createBackend(name);
    const a = args(o);
    const want = await separately(name, a);
    const w = a.w.slice();
    expect(await b.run('competingSteps', { ...a, w })).toBe(Math.ceil(a.rows / a.batchSize));
    expect(firstDifference(w, a.w)).toBeGreaterThanOrEqual(0);
    expect(firstDifference(w, want)).toBe(-1);
  });

  it('stops at a minibatch whose currents are NaN, leaving the weights of the minibatches before it', async () => {
    const b = await createBackend(name);
    const a = args();
    const bad = x.slice();
    bad[3 * 64 * 784 + 300] = Number.NaN; // in the fourth minibatch
    const before = await separately(name, { ...a, rows: 3 * 64 });
    const w = a.w.slice();
    await expect(Promise.resolve().then(() => b.run('competingSteps', { ...a, w, x: bad }))).rejects.toThrow(/the current of hidden unit \d+ is NaN/);
    expect(firstDifference(w, before)).toBe(-1);
  });

  it('rejects an update that leaves float range, keeping the weights it started from', async () => {
    const b = await createBackend(name);
    const a = args();
    // Positive weights whose powers overflow float32: every current is +Infinity (rankable), θ too, and so is dW.
    const w = a.w.map((v) => 1e20 + Math.abs(v) * 1e20);
    const start = w.slice();
    await expect(Promise.resolve().then(() => b.run('competingSteps', { ...a, w }))).rejects.toThrow(/the update is not finite/);
    expect(firstDifference(w, start)).toBe(-1);
  });

  it('names the mismatch when the weights do not fit hidden × width', async () => {
    const b = await createBackend(name);
    await expect(Promise.resolve().then(() => b.run('competingSteps', { ...args(), hidden: 31 }))).rejects.toThrow(/w has 23520 values, not hidden × width = 31 × 784/);
  });
});
