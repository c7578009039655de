// amem-flow as a library, with plain `node` (no loader): build sample batches from your own arrays,
// compose operators with RxJS, train a model, predict, save it and load it back.
//   node examples/library/train.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom } from 'rxjs';
import { createBackend, evaluate, makeSampleBatch, normalize, routeByShard, Rng, ShardedLshModel, trainStep } from 'amem-flow';
import { loadModel, saveModel } from 'amem-flow/node';

// Your own data: 3 classes of 8×8 "images", each a noisy copy of a class template.
const rng = new Rng(1);
const templates = Array.from({ length: 3 }, () => Float32Array.from({ length: 64 }, () => rng.float() * 255));
function samples(count, firstId) {
  const x = new Float32Array(count * 64);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 64; j++) x[i * 64 + j] = Math.min(255, Math.max(0, templates[y[i]][j] + 40 * rng.normal()));
  }
  const ids = Int32Array.from({ length: count }, (_, i) => firstId + i);
  return makeSampleBatch({ ids, x, y, info: { shape: [8, 8], range: [0, 255], encoding: 'raw' } });
}
const train = [samples(600, 0), samples(600, 600)];
const test = [samples(300, 10000)];

// A model is an operator graph: normalize → route (its LSH router) → routeByShard → trainStep.
const backend = await createBackend('auto');
const model = new ShardedLshModel({ bits: 4, shards: 4, classes: 3, seed: 7 }, backend);
await lastValueFrom(from(train).pipe(normalize({ range: [0, 1] }), model.route(), routeByShard(), trainStep(model, { epochs: 50, workers: 1 })));
const result = await lastValueFrom(from(test).pipe(normalize({ range: [0, 1] }), evaluate(model)));
console.log(`backend ${backend.name}: test accuracy ${result.accuracy.toFixed(3)} on ${result.n} samples`);

// Save and load: the loaded model predicts the same.
const path = join(mkdtempSync(join(tmpdir(), 'amem-example-')), 'model.arrow');
saveModel(path, model);
const loaded = loadModel(path, ShardedLshModel, backend);
const again = await lastValueFrom(from(test).pipe(normalize({ range: [0, 1] }), evaluate(loaded)));
if (again.correct !== result.correct) throw new Error('the loaded model predicts differently');
console.log(`saved to ${path} and loaded: the same ${again.correct} correct`);
if (result.accuracy < 0.9) throw new Error(`accuracy ${result.accuracy} is below 0.9`);
