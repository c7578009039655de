import { describe, expect, it } from 'vitest';
import { applySettings, parseValue, resolvePipeline } from '../../src/pipeline/resolve.js';
import type { PipelineSpec } from '../../src/pipeline/spec.js';
import { curveEpochsFor } from '../../src/pipeline/training.js';
import { UsageError } from '../../src/util/errors.js';

const base: PipelineSpec = {
  name: 'demo',
  data: { kind: 'mnist' },
  model: { kind: 'sharded-lsh' },
  evaluate: [{ name: 'test', partition: 'test', steps: [{ op: 'addNoise', kind: 'pm1' }] }],
};

describe('pipeline settings', () => {
  it('fill every default', () => {
    const r = resolvePipeline(base);
    expect(r.seed).toBe(0);
    expect(r.model).toEqual({ kind: 'sharded-lsh', bits: 8, shards: 50, classes: 10 });
    expect(r.train).toEqual({ epochs: 200, batchSize: 1000, workers: 'auto', curveEpochs: 'auto' });
    expect(r.data).toMatchObject({ kind: 'mnist', split: 'standard', batchSize: 10000 });
    expect(r.outputs).toEqual({ model: true, plots: true, plotEvery: 10 });
  });

  it('are built without prototypes: a key is a setting or undefined, never an inherited member', () => {
    const r = resolvePipeline(base);
    for (const section of [r, r.model, r.train, r.data, r.evaluate[0], r.evaluate[0].steps[0]]) expect(Object.getPrototypeOf(section)).toBeNull();
    expect((r.model as unknown as Record<string, unknown>).toString).toBeUndefined();
    expect((r.model as unknown as Record<string, unknown>).constructor).toBeUndefined();
    expect(Array.isArray(r.evaluate)).toBe(true);
    expect(JSON.parse(JSON.stringify(r)).model).toEqual({ kind: 'sharded-lsh', bits: 8, shards: 50, classes: 10 });
  });

  it('apply --set overrides by dotted path, with JSON, comma-list and string values', () => {
    const r = resolvePipeline(applySettings(base, ['model.bits=6', 'data.split=shuffled', 'data.classes=1,7', 'evaluate.0.steps.0.seed=5', 'train.curveEpochs=[1,5]']));
    expect(r.model).toMatchObject({ bits: 6 });
    expect(r.data).toMatchObject({ split: 'shuffled', classes: [1, 7] });
    expect(r.evaluate[0].steps[0]).toMatchObject({ op: 'addNoise', seed: 5 });
    expect(r.train.curveEpochs).toEqual([1, 5]);
    expect(base.model).toEqual({ kind: 'sharded-lsh' });
    expect(parseValue('true')).toBe(true);
    expect(parseValue('g,l,x')).toEqual(['g', 'l', 'x']);
    expect(parseValue('hello')).toBe('hello');
  });

  it('start a section afresh when --set changes its kind, whatever the order of the settings', () => {
    const spec = applySettings({ ...base, data: { kind: 'mnist', split: 'shuffled', classes: [1, 7] } }, ['data.dir=/emnist', 'data.kind=idx', 'data.classes=g,l,x']);
    expect(spec.data).toEqual({ kind: 'idx', dir: '/emnist', classes: ['g', 'l', 'x'] });
    expect(applySettings({ ...base, data: { kind: 'mnist', split: 'shuffled' } }, ['data.kind=mnist']).data).toEqual({ kind: 'mnist', split: 'shuffled' });
  });

  it('reject unknown keys, wrong types and malformed overrides with messages naming them', () => {
    const bad = (sets: string[]) => () => resolvePipeline(applySettings(base, sets), 'demo.ts');
    expect(bad(['model.bitz=3'])).toThrow(UsageError);
    expect(bad(['model.bitz=3'])).toThrow(/Unrecognized key: "bitz"[\s\S]*at model/);
    expect(bad(['model.bits=eight'])).toThrow(/expected number[\s\S]*at model.bits/);
    expect(bad(['model.kind=hopfield'])).toThrow(/model.kind/);
    expect(bad(['train.epochs=0'])).toThrow(/>=1[\s\S]*at train.epochs/);
    expect(() => applySettings(base, ['model.bits'])).toThrow(/is not key=value/);
    expect(() => applySettings(base, ['name.x=1'])).toThrow(/'name' is a value, not a group/);
    expect(() => applySettings(base, ['evaluate.3.name=x'])).toThrow(/has 1 entries, there is no \[3\]/);
    expect(() => resolvePipeline({ ...base, evaluate: [{ name: 'x', partition: 'test', steps: [{ op: 'addNoise', kind: 'flip' }] }] })).toThrow(/'flip' needs p/);
  });

  it('space learning-curve epochs logarithmically up to the cap', () => {
    expect(curveEpochsFor('auto', 100)).toEqual([1, 2, 3, 5, 10, 20, 30, 50, 100]);
    expect(curveEpochsFor('auto', 7)).toEqual([1, 2, 3, 5, 7]);
    expect(curveEpochsFor([50, 3, 3, 500], 100)).toEqual([3, 50]);
    expect(curveEpochsFor('off', 100)).toEqual([]);
  });
});
