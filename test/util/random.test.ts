import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.js';

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.uint32());
    expect(Array.from({ length: 8 }, () => b.uint32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.uint32())).not.toEqual(sa);
  });

  it('pins the first outputs, so a change to the generator cannot go unnoticed', () => {
    const r = new Rng(0);
    expect([r.uint32(), r.uint32(), r.uint32()]).toMatchSnapshot();
  });

  it('derives independent, reproducible streams from labels', () => {
    const x = Rng.derive(7, 'noise', 3).uint32();
    expect(Rng.derive(7, 'noise', 3).uint32()).toBe(x);
    expect(Rng.derive(7, 'noise', 4).uint32()).not.toBe(x);
    expect(Rng.derive(7, 'other', 3).uint32()).not.toBe(x);
    expect(Rng.deriveSeed(7, 'noise', 3)).toBe(x);
  });

  it('draws floats in [0, 1) and unbiased integers', () => {
    const r = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      counts[r.int(6)]++;
    }
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const r = new Rng(2);
    let s = 0;
    let s2 = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('shuffles into a permutation', () => {
    const a = new Rng(3).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integers/);
    expect(() => new Rng(0).int(0)).toThrow(/integer n/);
  });
});
