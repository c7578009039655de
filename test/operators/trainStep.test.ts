import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createBackend } from '../../src/backends/index.js';
import { makeSampleBatch } from '../../src/data/batch.js';
import { encodeCheckpoint } from '../../src/io/checkpoint.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { ShardedLshModel } from '../../src/models/shardedLsh.js';
import { lshHash } from '../../src/operators/lshHash.js';
import { normalize } from '../../src/operators/normalize.js';
import { routeByShard } from '../../src/operators/routeByShard.js';
import { trainStep } from '../../src/operators/trainStep.js';
import { applySettings, loadPipelineFile, resolvePipeline } from '../../src/pipeline/resolve.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { Rng } from '../../src/util/random.js';

/** The user's own Arrow batches: MNIST training digits in batches of 777 rows. */
function userBatches(count: number) {
  const mnist = loadMnist('train');
  const out = [];
  for (let start = 0; start < count; start += 777) {
    const end = Math.min(count, start + 777);
    out.push(makeSampleBatch({ x: mnist.x.subarray(start * 784, end * 784), y: mnist.y.subarray(start, end), ids: mnist.ids.subarray(start, end), info: mnist.info }));
  }
  return out;
}

describe('trainStep in a graph the user composes with plain RxJS', () => {
  it('normalize → lshHash → routeByShard → trainStep(model) gives the model `amem-flow run` saves, byte for byte', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'amem-compose-'));
    const raw = await loadPipelineFile('pipelines/sharded-mnist.ts');
    const settings = ['data.trainSize=20000', 'data.testSize=1000', 'outputs.plots=false', 'train.curveEpochs=off', 'train.epochs=50', 'train.workers=2', 'steps=[{"op":"normalize","range":[0,1]}]'];
    const spec = resolvePipeline(applySettings(raw, settings));
    await runPipeline(spec, { backend: 'wasm', outDir });
    const saved = readFileSync(join(outDir, 'model.arrow'));

    // The same model by hand: the pipeline derives the model seed from its own seed (2).
    const seed = Rng.deriveSeed(2, 'model');
    const model = new ShardedLshModel({ bits: 8, shards: 50, classes: 10, seed }, await createBackend('wasm'));
    const reports = await lastValueFrom(
      from(userBatches(20000)).pipe(normalize({ range: [0, 1] }), lshHash({ bits: 8, shards: 50, seed }), routeByShard(), trainStep(model, { epochs: 50, workers: 2 }), toArray()),
    );
    expect(reports.at(-1)?.fit?.samples).toBe(20000);
    expect(reports.slice(0, -1).reduce((n, r) => n + r.samples, 0)).toBe(20000); // one report per shard piece, then the training
    expect(Buffer.from(encodeCheckpoint(model.toCheckpoint())).equals(saved)).toBe(true);
  });
});
