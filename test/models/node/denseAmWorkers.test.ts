import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../src/backends/index.js';
import type { BackendName } from '../../../src/backends/backend.js';
import { targets } from '../../../src/models/denseAmMath.js';
import { denseAmWorkers } from '../../../src/models/node/denseAmWorkers.js';
import { normalizedBytes } from '../../../src/operators/normalize.js';
import { Rng } from '../../../src/util/random.js';
import { firstDifference } from '../../helpers/arrays.js';
import { mnistRows } from '../../helpers/mnist.js';

const D = 784;
const digits = mnistRows(400);
const shared = (n: number, seed: number) => {
  const rng = new Rng(seed);
  const xi = new Float32Array(new SharedArrayBuffer(n * 4));
  for (let k = 0; k < n; k++) xi[k] = 0.3 * rng.normal() - 0.3;
  return xi;
};

describe('the Dense AM worker thread', () => {
  const worker = denseAmWorkers('wasm');
  afterAll(() => worker.close());

  it('computes a half exactly as this thread does, through shared memory, as its buffers grow and the memories move', async () => {
    const here = await createBackend('wasm');
    const byteValues = normalizedBytes([0, 255], [-1, 1]);
    for (const [rows, K, seed] of [
      [50, 20, 1],
      [200, 20, 2], // more rows: the buffers grow
      [120, 30, 3], // other memories: a new shared array
    ] as const) {
      const xi = shared(K * (D + 10), seed);
      const x = Uint8Array.from(digits.x.subarray(0, rows * D));
      const labels = digits.y.slice(0, rows);
      const half = { width: D, labels, xi, byteValues, classes: 10, memories: K, power: 20, lossPower: 30, temperature: 540 };
      const got = await worker.run(x, half);
      const want = await here.run('denseAmGradient', { xi, x, byteValues, rows, width: D, classes: 10, memories: K, power: 20, temperature: 540, targets: targets(labels, 10), lossPower: 30 });
      expect(firstDifference(got.direction, want.direction)).toBe(-1);
      expect(firstDifference(got.activations, want.activations)).toBe(-1);
      expect(got.logScale).toBe(want.logScale);
    }
  });

  it("reports a step's error and goes on serving the next", async () => {
    const xi = shared(20 * (D + 10), 4);
    const labels = digits.y.slice(0, 40);
    const x = Float32Array.from(digits.x.subarray(0, 40 * D), (v) => v / 127.5 - 1);
    // Bytes without the value of each byte: the worker reads them as float32 and finds too few.
    const bytes = Uint8Array.from(digits.x.subarray(0, 40 * D));
    await expect(worker.run(bytes, { width: D, labels, xi, classes: 10, memories: 20, power: 20, lossPower: 30, temperature: 540 })).rejects.toThrow(/dense-am worker thread: RangeError/);
    const ok = await worker.run(x, { width: D, labels, xi, classes: 10, memories: 20, power: 20, lossPower: 30, temperature: 540 });
    expect(ok.direction.length).toBe(20 * (D + 10));
  });

  it('fails with the reason when its backend cannot start', async () => {
    const broken = denseAmWorkers('nowhere' as BackendName);
    await expect(broken.run(new Float32Array(D), { width: D, labels: new Int32Array(1), xi: shared(D + 10, 5), classes: 10, memories: 1, power: 2, lossPower: 2, temperature: 1 })).rejects.toThrow(
      /nowhere/,
    );
    await broken.close();
  });
});
