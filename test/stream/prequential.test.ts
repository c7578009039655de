import { describe, expect, it } from 'vitest';
import { Prequential } from '../../src/stream/prequential.js';

describe('Prequential', () => {
  it('keeps cumulative accuracy and a sliding window', () => {
    const p = new Prequential(4);
    expect(Number.isNaN(p.accuracy)).toBe(true);
    p.update(Int32Array.from([1, 1, 0, 0]), Int32Array.from([1, 1, 1, 1])); // 2 of 4
    expect(p.windowAccuracy).toBe(0.5);
    p.update(Int32Array.from([2, 2]), Int32Array.from([2, 2])); // window now 0,0,1,1
    expect(p.windowAccuracy).toBe(0.5);
    p.update(Int32Array.from([3, 3]), Int32Array.from([3, 3])); // window 1,1,1,1
    expect(p.windowAccuracy).toBe(1);
    expect(p.accuracy).toBe(6 / 8);
  });

  it('continues the same curve after a round trip through a checkpoint', () => {
    const a = new Prequential(3);
    a.update(Int32Array.from([0, 1, 0, 1]), Int32Array.from([0, 0, 0, 0]));
    const t = a.toTensors();
    const b = Prequential.fromTensors(3, t.ring, t.counters);
    for (const p of [a, b]) p.update(Int32Array.from([1, 1]), Int32Array.from([1, 0]));
    expect([b.windowAccuracy, b.accuracy, b.total]).toEqual([a.windowAccuracy, a.accuracy, a.total]);
    expect(() => Prequential.fromTensors(5, t.ring, t.counters)).toThrow(/window of 3/);
  });
});
