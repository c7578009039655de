/**
 * Capacity sweep of the recall lab: for each number P of stored MNIST digits (the first P
 * training images, binarized at 0.5), 50 seeded trials flip 5% of a random stored digit and ask
 * each model to recall it; the table, metrics.json and capacity.png give the fraction recalled
 * exactly and the mean final Hamming distance per model and P.
 *
 * Run:     npx amem-flow run pipelines/hopfield-capacity.ts
 * Random:  --set patterns.source=random --set counts=[20,40,60,80,100,120,140,160,200] --set models=[{"kind":"classical"}]
 *          (N = 784 random ±1 patterns, where the classical capacity 0.138 N ≈ 108 applies)
 */
import type { LabSpec } from '../src/lab/spec.js';

export default {
  name: 'hopfield-capacity',
  description: 'fraction of corrupted digits recalled exactly, per model and number of stored digits',
  seed: 0,
  lab: 'capacity',
  patterns: { source: 'mnist', select: 'first', threshold: 0.5 },
  counts: [1, 2, 3, 5, 10, 20, 50, 100, 1000],
  trials: 50,
  flip: 0.05,
  models: [{ kind: 'classical' }, { kind: 'dense', power: 2 }, { kind: 'dense', power: 3 }, { kind: 'dense', power: 20 }, { kind: 'modern', beta: 1 }],
  schedule: 'async',
  maxSweeps: 50,
  // The checks: classical exact at P = 1, 2 and failing at 3; dense n = 20 >= 95% at 50; modern β = 1 >= 95% at 1000.
  expect: {
    'evaluations.classical@2.accuracy': { min: 1 },
    'evaluations.classical@3.accuracy': { max: 0.05 },
    'evaluations.dense-n20@50.accuracy': { min: 0.95 },
    'evaluations.modern-b1@1000.accuracy': { min: 0.95 },
  },
  smoke: {
    set: { counts: [1, 2, 3, 50], trials: 10, models: [{ kind: 'classical' }, { kind: 'dense', power: 20 }] },
    expect: { 'evaluations.classical@2.accuracy': { min: 1 }, 'evaluations.classical@3.accuracy': { max: 0.1 }, 'evaluations.dense-n20@50.accuracy': { min: 0.9 } },
  },
} satisfies LabSpec;
