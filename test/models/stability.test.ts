/**
 * Float stability: no model step lets NaN or Inf out, at the seeds' settings on real MNIST and on
 * extreme but finite inputs. (Non-finite inputs are rejected with the sample id; see the models' tests.)
 */
import { describe, expect, it } from 'vitest';
import { from } from 'rxjs';
import { createBackend } from '../../src/backends/index.js';
import { arraysSource } from '../../src/io/labelledArrays.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { ShardedLshModel } from '../../src/models/shardedLsh.js';
import { Rng } from '../../src/util/random.js';
import { testBatch } from '../helpers/batches.js';

const allFinite = (a: ArrayLike<number>) => Array.prototype.every.call(a, Number.isFinite);

describe('sharded-lsh stays finite', () => {
  it("at the reference notebook's settings on all 60000 training digits (8 bits, 50 shards, raw pixels)", async () => {
    const backend = await createBackend('wasm');
    const model = new ShardedLshModel({ bits: 8, shards: 50, classes: 10, seed: Rng.deriveSeed(2, 'model') }, backend);
    const report = await model.fit(arraysSource(loadMnist('train')), { epochs: 200, workers: 2 });
    expect(report.shards.every((s) => s.converged)).toBe(true);
    const protos = model.prototypes();
    expect(allFinite(protos)).toBe(true);
    // M = S/T with S ≤ 255·(T − 1) and the shrink clipped at 0: prototypes stay in [0, 255).
    expect(protos.reduce((m, v) => Math.max(m, v), -Infinity)).toBeLessThan(255);
    expect(protos.reduce((m, v) => Math.min(m, v), Infinity)).toBeGreaterThanOrEqual(0);
  });

  it('with extreme finite inputs (±3.4e38): float64 sums of float32 values cannot overflow', async () => {
    const backend = await createBackend('cpu');
    const rng = new Rng(1);
    const huge = testBatch(200, { shape: [16], classes: 4, value: () => (rng.float() < 0.5 ? -1 : 1) * 3.4e38 * rng.float() });
    const model = new ShardedLshModel({ bits: 2, shards: 2, classes: 4, seed: 3 }, backend);
    await model.fit(from([huge]), { epochs: 50, workers: 1 });
    expect(allFinite(model.prototypes())).toBe(true);
    const pred = await model.predict(huge);
    expect(pred.every((p) => p >= 0 && p < 4)).toBe(true);
  });
});
