import { describe, expect, it } from 'vitest';
import { makeData, RecordBatch, Schema, Field, Int32, Struct } from 'apache-arrow';
import { sampleIds } from '../../src/data/batch.js';
import { validateBatch } from '../../src/stream/validate.js';
import { testBatch } from '../helpers/batches.js';

describe('validateBatch', () => {
  it('sets aside samples with bad labels or non-finite features, keeping the rest in order', () => {
    const b = testBatch(6, { firstId: 100, classes: 3, value: (i, j) => (i === 2 && j === 4 ? NaN : i === 4 && j === 0 ? Infinity : 1) });
    const { good, rejected } = validateBatch(b, { classes: 2, width: 6 });
    // labels: (100+i) % 3 → 1,2,0,1,2,0: rows 1 and 4 have label 2 (out of range), row 2 has NaN
    expect(rejected).toEqual([
      { id: 101, reason: 'label 2 outside [0, 2)' },
      { id: 102, reason: 'feature 4 is NaN' },
      { id: 104, reason: 'label 2 outside [0, 2)' },
    ]);
    expect(Array.from(sampleIds(good!))).toEqual([100, 103, 105]);
  });

  it('rejects every row of a batch with the wrong width, no labels, no features or no ids', () => {
    expect(validateBatch(testBatch(3), { classes: 3, width: 7 }).rejected.map((r) => r.reason)).toEqual(new Array(3).fill('wrong feature width 6, expected 7'));
    const idsOnly = new RecordBatch(
      new Schema([new Field('id', new Int32())]),
      makeData({ type: new Struct([new Field('id', new Int32())]), length: 2, nullCount: 0, children: [makeData({ type: new Int32(), length: 2, nullCount: 0, data: Int32Array.from([7, 8]) })] }),
    );
    const r = validateBatch(idsOnly, { classes: 3 });
    expect(r.good).toBeUndefined();
    expect(r.rejected).toEqual([
      { id: 7, reason: expect.stringMatching(/no 'x' feature column/) },
      { id: 8, reason: expect.stringMatching(/no 'x'/) },
    ]);
    expect(validateBatch(testBatch(2), { classes: 3 }).good?.numRows).toBe(2);
  });
});
