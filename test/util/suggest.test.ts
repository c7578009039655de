import { describe, expect, it } from 'vitest';
import { nearest } from '../../src/util/suggest.js';

describe('nearest', () => {
  it('names the closest candidate for a typo, and nothing for a word far from all', () => {
    const keys = ['train.epochs', 'train.batchSize', 'model.shards', 'model.bits'];
    expect(nearest('train.epoch', keys)).toBe('train.epochs');
    expect(nearest('model.shard', keys)).toBe('model.shards');
    expect(nearest('train.bachSize', keys)).toBe('train.batchSize');
    expect(nearest('evaluate.frobnicate', keys)).toBeUndefined();
  });
});
