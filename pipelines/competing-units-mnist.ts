/**
 * Krotov & Hopfield's unsupervised learning by competing hidden units (PNAS 2019) on MNIST, with
 * the reference notebook's settings: 100 hidden units, p = 2, k = 2, Δ = 0.4, ε0 = 0.02 decaying
 * linearly to 0 over 200 epochs, minibatches of 100, weights from Normal(0, 1), inputs in [0, 1].
 * The units learn without labels; a ridge read-out on (relu(I)/s)^4.5, unit-normalised per sample,
 * is fitted at the learning-curve epochs (1, 2, 3, 5, 10, 20, 30, 50, 100, 200) to score them.
 *
 * Run:      npx amem-flow run pipelines/competing-units-mnist.ts
 * Larger:   npx amem-flow run pipelines/competing-units-mnist.ts --set model.outputs=2000 --set model.figureColumns=50
 * Resume:   the same command with --resume runs/competing-units-mnist (a checkpoint is written every epoch)
 * Vary:     --set model.p=3 --set model.k=7 --set model.delta=0.3 --set model.head.power=3 --epochs 100
 */
import type { PipelineSpec } from '../src/index.js';

export default {
  name: 'competing-units-mnist',
  description: 'Unsupervised competing hidden units (Krotov & Hopfield 2019) on MNIST, scored by a ridge read-out',
  seed: 0,
  data: { kind: 'mnist', split: 'standard' },
  steps: [{ op: 'normalize', range: [0, 1] }],
  model: { kind: 'competing-units', outputs: 100, p: 2, k: 2, delta: 0.4, optimizer: { lr: 0.02, schedule: 'linear' } },
  train: { epochs: 200, batchSize: 100 },
  evaluate: [
    { name: 'train', partition: 'train' },
    { name: 'test', partition: 'test' },
  ],
  // A float64 reference of the notebook's rule with a ridge read-out on relu(h)^4.5: 0.904 (measured
  // here: 0.9037 without the per-sample unit scaling, 0.9368 with it). Units reach unit p-norm
  // (measured: 99 of 100 within 1.00003–1.0023); a unit that stops winning keeps its norm (1 here).
  expect: { 'evaluations.test.accuracy': { min: 0.9 }, 'training.units_off_sphere': { max: 5 } },
  // The suite's reduced run: 12000 digits, 8 epochs at ε0 = 0.1 (0.02 needs far more updates
  // before the units settle; 0.3 collapses them); measured test accuracy 0.891.
  smoke: {
    set: { 'data.trainSize': 12000, 'data.testSize': 2000, 'train.epochs': 8, 'model.optimizer.lr': 0.1, 'train.curveEpochs': 'off' },
    expect: { 'evaluations.test.accuracy': { min: 0.85 } },
  },
} satisfies PipelineSpec;
