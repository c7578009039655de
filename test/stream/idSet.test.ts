import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/stream/idSet.js';
import { Rng } from '../../src/util/random.js';

describe('IdSet', () => {
  it('adds, finds and deletes ids, including negative and far-apart ones', () => {
    const s = new IdSet();
    for (const id of [0, 1, 65535, 65536, -1, -70000, 2 ** 31 - 1]) expect(s.add(id)).toBe(true);
    expect(s.add(65536)).toBe(false);
    expect(s.size).toBe(7);
    expect([0, -1, 2 ** 31 - 1, -70000].every((id) => s.has(id))).toBe(true);
    expect(s.has(2) || s.has(-2)).toBe(false);
    expect(s.delete(-1)).toBe(true);
    expect(s.delete(-1)).toBe(false);
    expect(s.has(-1)).toBe(false);
    expect(s.size).toBe(6);
  });

  it('round-trips through checkpoint tensors, in any insertion order', () => {
    const rng = new Rng(3);
    const s = new IdSet();
    const ids = Array.from({ length: 5000 }, () => rng.int(700000) - 1000);
    ids.forEach((id) => s.add(id));
    const t = s.toTensors();
    const back = IdSet.fromTensors(t.blocks, t.bits);
    expect(back.size).toBe(s.size);
    expect(ids.every((id) => back.has(id))).toBe(true);
    expect(back.has(700001)).toBe(false);
    const empty = new IdSet().toTensors();
    expect(IdSet.fromTensors(empty.blocks, empty.bits).size).toBe(0);
  });
});
