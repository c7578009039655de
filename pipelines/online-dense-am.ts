/**
 * The Dense Associative Memory learning online from a stream: whatever the batch size of the
 * stream, the `minibatch` step re-batches it into minibatches of 100, and the model scores each
 * minibatch before one update on it (prequential accuracy). One pass over MNIST is 600 updates.
 *
 * Run:   npx amem-flow run pipelines/online-dense-am.ts
 * Live:  npx amem-flow emit mnist:train --repeat 3 --to tcp://127.0.0.1:7070 &
 *        npx amem-flow run pipelines/online-dense-am.ts --source tcp://127.0.0.1:7070
 */
import type { PipelineSpec } from '../src/index.js';

export default {
  name: 'online-dense-am',
  description: 'Dense Associative Memory learning online, one update per minibatch of 100, from a stream of MNIST digits',
  seed: 0,
  data: { kind: 'mnist', split: 'standard' },
  steps: [
    { op: 'normalize', range: [-1, 1] },
    { op: 'minibatch', size: 100 },
  ],
  model: { kind: 'dense-am', classes: 10 },
  stream: { source: 'mnist:train', batchSize: 1000, window: 5000, checkpointEvery: 50 },
  evaluate: [{ name: 'test', partition: 'test' }],
  expect: { 'evaluations.test.accuracy': { min: 0.8 } },
  // The suite's reduced run: one pass over the 10000 test digits in minibatches of 25 at ε0 = 0.1
  // (400 updates); measured test accuracy 0.83.
  smoke: {
    set: { 'stream.source': 'mnist:test', 'steps.1.size': 25, 'model.learningRate': 0.1 },
    expect: { 'evaluations.test.accuracy': { min: 0.7 }, 'stream.trained': { min: 10000 } },
  },
} satisfies PipelineSpec;
