import { describe, expect, it } from 'vitest';
import { cpuReference } from '../../../src/backends/cpu/reference.js';
import { mnistRows } from '../../helpers/mnist.js';
import { Rng } from '../../../src/util/random.js';

/** Seed 000's training loop, deciding each visit with `nearest(S, T, i)`. */
function referenceRule(x: Float32Array, y: Int32Array, D: number, K: number, maxEpochs: number, nearest: (S: Float64Array, T: Float64Array, i: number) => number) {
  const S = new Float64Array(K * D);
  const T = new Float64Array(K).fill(1);
  const misses: number[] = [];
  for (let e = 0; e < maxEpochs; e++) {
    let m = 0;
    for (let i = 0; i < y.length; i++) {
      const p = nearest(S, T, i);
      if (p !== y[i]) {
        m++;
        for (let j = 0; j < D; j++) {
          S[y[i] * D + j] += x[i * D + j];
          S[p * D + j] = Math.max(S[p * D + j] - x[i * D + j] / 2, 0);
        }
        T[y[i]] += 1;
      }
    }
    misses.push(m);
    if (m === 0) break;
  }
  return { S, T, misses };
}

/** As the notebook writes it: M = S/T every visit, dense float64 squared distances. */
function seedRule(x: Float32Array, y: Int32Array, D: number, K: number, maxEpochs: number) {
  return referenceRule(x, y, D, K, maxEpochs, (S, T, i) => {
    let p = 0;
    let best = Infinity;
    for (let c = 0; c < K; c++) {
      let d = 0;
      for (let j = 0; j < D; j++) d += (S[c * D + j] / T[c] - x[i * D + j]) ** 2;
      if (d < best) [best, p] = [d, c];
    }
    return p;
  });
}

/** Decided by the prediction kernel (identical arithmetic to training, no bounds). */
function bruteForce(x: Float32Array, y: Int32Array, D: number, K: number, maxEpochs: number) {
  return referenceRule(x, y, D, K, maxEpochs, (S, T, i) => cpuReference.run('nearestPrototypes', { x: x.subarray(i * D, (i + 1) * D), rows: 1, width: D, sums: S, counts: T, classes: K })[0]);
}

function train(x: Float32Array, y: Int32Array, D: number, K: number, maxEpochs: number, snapshotEpochs?: number[]) {
  const S = new Float64Array(K * D);
  const T = new Float64Array(K).fill(1);
  const r = cpuReference.run('trainPrototypes', { x, y, width: D, classes: K, sums: S, counts: T, maxEpochs, snapshotEpochs });
  return { S, T, r };
}

describe('cpu trainPrototypes', () => {
  it('follows the seed rule visit for visit on real MNIST (same misses, same S and T)', () => {
    const { x, y } = mnistRows(400, { start: 1000 });
    const fast = train(x, y, 784, 10, 15);
    const seed = seedRule(x, y, 784, 10, 15);
    expect(Array.from(fast.r.misses)).toEqual(seed.misses);
    expect(Array.from(fast.T)).toEqual(Array.from(seed.T));
    expect(fast.S).toEqual(seed.S);
  });

  it('equals brute force over a hundred epochs of constant misses (random labels on real digits)', () => {
    const { x } = mnistRows(400, { start: 2000 });
    const rng = new Rng(4);
    const y = Int32Array.from({ length: 400 }, () => rng.int(3));
    const fast = train(x, y, 784, 3, 300);
    const brute = bruteForce(x, y, 784, 3, 300);
    expect(fast.r.epochs).toBeGreaterThan(100);
    expect(Array.from(fast.r.misses)).toEqual(brute.misses);
    expect(fast.S).toEqual(brute.S);
    expect(fast.T).toEqual(brute.T);
  });

  it('equals brute force on fractional inputs (squared norms recomputed in pixel order)', () => {
    const { x } = mnistRows(300, { start: 3000 });
    const rng = new Rng(6);
    const y = Int32Array.from({ length: 300 }, () => rng.int(3));
    const scaled = x.map((v) => v / 255);
    const fast = train(scaled, y, 784, 3, 80);
    const brute = bruteForce(scaled, y, 784, 3, 80);
    expect(Array.from(fast.r.misses)).toEqual(brute.misses);
    expect(fast.S).toEqual(brute.S);
  });

  it('equals brute force when squared norms outgrow the exact float64 range mid-run', () => {
    const { x } = mnistRows(300, { start: 3000 });
    const rng = new Rng(7);
    const y = Int32Array.from({ length: 300 }, () => rng.int(3));
    const large = x.map((v) => v * 60);
    const fast = train(large, y, 784, 3, 30);
    const brute = bruteForce(large, y, 784, 3, 30);
    expect(Array.from(fast.r.misses)).toEqual(brute.misses);
    expect(fast.S).toEqual(brute.S);
    // The run starts exact and ends beyond 2^50: both ways of keeping the norms were taken.
    const norm = (c: number) => fast.S.subarray(c * 784, (c + 1) * 784).reduce((a, v) => a + v * v, 0);
    expect(Math.max(norm(0), norm(1), norm(2))).toBeGreaterThan(2 ** 50);
  });

  it('skips distance evaluations by its bounds, and still matches brute force', () => {
    const { x, y } = mnistRows(1500);
    const fast = train(x, y, 784, 10, 100);
    const brute = bruteForce(x, y, 784, 10, 100);
    expect(Array.from(fast.r.misses)).toEqual(brute.misses);
    expect(fast.S).toEqual(brute.S);
    expect(fast.r.distanceEvaluations).toBeLessThan(0.8 * fast.r.visits * 10);
  });

  // Pixel values 2·{0,1,2} (exact arithmetic), 0.1·{0,1,2} (every sum rounds) and 30001·{0,1,2}
  // (squared norms pass 2^50): near-ties fall as brute force's pixel-order sums make them fall.
  it.each([2, 0.1, 30001])('breaks exact ties like brute force (first class), with many duplicated and symmetric samples (pixels × %s)', (scale) => {
    const rng = new Rng(5);
    const n = 240;
    const D = 12;
    const K = 4;
    const x = new Float32Array(n * D);
    for (let k = 0; k < x.length; k++) x[k] = rng.int(3) * scale;
    for (let i = 0; i < n; i += 4) x.copyWithin((i + 1) * D, i * D, (i + 1) * D); // duplicate rows
    const y = Int32Array.from({ length: n }, () => rng.int(K));
    const fast = train(x, y, D, K, 60);
    const brute = bruteForce(x, y, D, K, 60);
    expect(Array.from(fast.r.misses)).toEqual(brute.misses);
    expect(fast.S).toEqual(brute.S);
  });

  it('stops at the first epoch without a miss and keeps snapshots equal to shorter runs', () => {
    const { x, y } = mnistRows(200, { classes: [0, 1] });
    const full = train(x, y, 784, 2, 1000, [1, 2, 3, 999]);
    expect(full.r.converged).toBe(true);
    expect(full.r.misses.at(-1)).toBe(0);
    expect(full.r.epochs).toBeLessThan(999);
    expect(full.r.snapshots.map((s: { epoch: number }) => s.epoch)).toEqual([1, 2, 3].filter((e) => e <= full.r.epochs));
    const two = train(x, y, 784, 2, 2);
    expect(full.r.snapshots[1].sums).toEqual(two.S);
    expect(full.r.snapshots[1].counts).toEqual(two.T);
  });
});

describe('cpu nearestPrototypes', () => {
  it('returns the argmin of the squared distance to S/T per row and group (first on ties)', () => {
    const rng = new Rng(9);
    const G = 3;
    const K = 4;
    const D = 20;
    const rows = 60;
    const sums = Float64Array.from({ length: G * K * D }, () => rng.int(50));
    const counts = Float64Array.from({ length: G * K }, () => 1 + rng.int(5));
    const x = Float32Array.from({ length: rows * D }, () => (rng.int(4) === 0 ? 0 : rng.int(20)));
    const groups = Int32Array.from({ length: rows }, () => rng.int(G));
    const got = cpuReference.run('nearestPrototypes', { x, rows, width: D, groups, sums, counts, classes: K });
    for (let i = 0; i < rows; i++) {
      const d = Array.from({ length: K }, (_, c) => {
        let s = 0;
        for (let j = 0; j < D; j++) s += (sums[(groups[i] * K + c) * D + j] / counts[groups[i] * K + c] - x[i * D + j]) ** 2;
        return s;
      });
      expect(got[i]).toBe(d.indexOf(Math.min(...d)));
    }
    const tie = cpuReference.run('nearestPrototypes', { x: new Float32Array(D), rows: 1, width: D, sums: new Float64Array(K * D), counts: new Float64Array(K).fill(1), classes: K });
    expect(tie[0]).toBe(0);
  });
});
