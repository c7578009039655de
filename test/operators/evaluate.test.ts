import { describe, expect, it } from 'vitest';
import { labels } from '../../src/data/batch.js';
import { evaluate } from '../../src/operators/evaluate.js';
import type { Classifier } from '../../src/models/model.js';
import { testBatch } from '../helpers/batches.js';
import { expectPropagates, run } from '../helpers/streams.js';

// Predicts the label, except that class 2 is always predicted as 0.
const oracle: Classifier = { classes: 3, predict: async (b) => labels(b).map((y) => (y === 2 ? 0 : y)) };

describe('evaluate', () => {
  it('emits running accuracy and a confusion matrix per batch', async () => {
    const out = await run(evaluate(oracle), [testBatch(3), testBatch(6, { firstId: 3 })]);
    expect(out.map((e) => e.n)).toEqual([3, 9]);
    expect(out[1].correct).toBe(6);
    expect(out[1].accuracy).toBeCloseTo(6 / 9);
    expect(out[1].confusion).toEqual([
      [3, 0, 0],
      [0, 3, 0],
      [3, 0, 0],
    ]);
    expect(out[0].confusion[2][0]).toBe(1);
  });

  it('emits nothing for an empty stream and propagates upstream errors', async () => {
    expect(await run(evaluate(oracle), [])).toEqual([]);
    await expectPropagates(evaluate(oracle), [testBatch(2)]);
  });

  it('fails the stream when the model throws, or a label or prediction count is wrong', async () => {
    const broken: Classifier = {
      classes: 3,
      predict: () => {
        throw new Error('model exploded');
      },
    };
    await expect(run(evaluate(broken), [testBatch(2)])).rejects.toThrow('model exploded');
    await expect(run(evaluate({ classes: 2, predict: async (b) => new Int32Array(b.numRows) }), [testBatch(3)])).rejects.toThrow(/label 2 is outside \[0, 2\)/);
    await expect(run(evaluate({ classes: 3, predict: async () => new Int32Array(1) }), [testBatch(3)])).rejects.toThrow(/returned 1 predictions for 3 rows/);
  });
});
