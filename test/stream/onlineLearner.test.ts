import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastValueFrom, identity, toArray } from 'rxjs';
import { RecordBatchStreamWriter, tableFromArrays, type RecordBatch } from 'apache-arrow';
import { createBackend } from '../../src/backends/index.js';
import { makeSampleBatch, withIntColumn } from '../../src/data/batch.js';
import { arraysSource } from '../../src/io/labelledArrays.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { readArrow } from '../../src/io/node/arrowReader.js';
import { ShardedLshModel } from '../../src/models/shardedLsh.js';
import { silentReporter } from '../../src/util/reporter.js';
import { learnOnline, type OnlineModel } from '../../src/stream/node/onlineLearner.js';
import { openSource } from '../../src/stream/node/sources.js';
import { Rng } from '../../src/util/random.js';
import { firstDifference } from '../helpers/arrays.js';
import { startEmitter } from '../helpers/emitter.js';
import { testBatch } from '../helpers/batches.js';

const settings = { bits: 8, shards: 50, classes: 10, seed: Rng.deriveSeed(12, 'model') };
const online = (m: ShardedLshModel): OnlineModel => ({ classes: m.classes, learn: async (b) => (await m.learn(b)).predictions!, checkpoint: () => m.toCheckpoint() });
const opts = (outDir: string) => ({ window: 1000, checkpointEvery: 10, outDir, steps: identity, reporter: silentReporter });

describe('online learning from a stream', () => {
  it('learns all 60000 MNIST digits from a socket in one pass: test accuracy >= 0.875, identical to a one-epoch batch run', async () => {
    const backend = await createBackend('wasm');
    const emitter = await startEmitter('mnist:train');
    const model = new ShardedLshModel(settings, backend);
    const report = await learnOnline(await openSource(emitter.url), online(model), opts(mkdtempSync(join(tmpdir(), 'amem-online-'))));
    expect(await emitter.exited).toBe(0);
    expect(report.counters).toMatchObject({ received: 60000, trained: 60000, dead_lettered: 0, duplicates_skipped: 0 });
    const test = makeSampleBatch(loadMnist('test'));
    const predicted = await model.predict(test);
    const accuracy = predicted.filter((p, i) => p === loadMnist('test').y[i]).length / 10000;
    expect(accuracy).toBeGreaterThanOrEqual(0.875);
    const batch = new ShardedLshModel(settings, backend);
    const fit = await batch.fit(arraysSource(loadMnist('train')), { epochs: 1, workers: 2 });
    expect(firstDifference(await batch.predict(test), predicted)).toBe(-1);
    expect(firstDifference(batch.prototypes(), model.prototypes())).toBe(-1);
    // Prequential accuracy is the one-epoch run's online error, counted sample by sample.
    expect(report.prequential_accuracy).toBeCloseTo(1 - fit.epochMisses[0] / 60000, 10);
  });

  it('dead-letters bad samples with their id and reason, skips repeated ids, and loses none of the good ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amem-dead-'));
    const path = join(dir, 'bad.arrows');
    const good = (first: number) => testBatch(10, { shape: [4], firstId: first, classes: 3 });
    const nan = testBatch(10, { shape: [4], firstId: 20, classes: 3, value: (i, j) => (i === 3 && j === 1 ? NaN : 5) });
    const label = withIntColumn(
      good(30),
      'y',
      Int32Array.from({ length: 10 }, (_, i) => (i === 7 ? 9 : 1)),
    );
    const wide = testBatch(10, { shape: [5], firstId: 40, classes: 3 });
    const renamed = tableFromArrays({ id: Int32Array.from([60, 61]), other: Float32Array.from([1, 2]) });
    // One IPC stream of good and bad batches, then a second stream with another schema, then a cut-off batch.
    const bytes = (batches: RecordBatch[]) => {
      const w = new RecordBatchStreamWriter();
      batches.forEach((b) => w.write(b));
      w.finish();
      return w.toUint8Array(true);
    };
    const tail = bytes([good(70)]);
    const extra = withIntColumn(good(50), 'weight', new Int32Array(10));
    // Separate IPC streams wherever the schema changes (a writer cannot change it mid-stream), then a cut-off batch.
    const all = Buffer.concat([bytes([good(0), nan, good(10), label, good(0)]), bytes([wide]), bytes(renamed.batches), bytes([extra]), bytes([good(80)]), tail.subarray(0, tail.length - 60)]);
    (await import('node:fs')).writeFileSync(path, all);
    const model = new ShardedLshModel({ bits: 2, shards: 2, classes: 3, seed: 1 }, await createBackend('cpu'));
    const report = await learnOnline(await openSource(path), online(model), opts(dir));
    const dead = await lastValueFrom(readArrow(report.files.dead_letters).pipe(toArray()));
    const rows = dead.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => ({ id: b.getChild('id')!.get(i) as number, reason: String(b.getChild('reason')!.get(i)) })));
    expect(rows.filter((r) => r.id === 23)).toEqual([{ id: 23, reason: 'feature 1 is NaN' }]);
    expect(rows.filter((r) => r.id === 37)).toEqual([{ id: 37, reason: 'label 9 outside [0, 3)' }]);
    expect(rows.filter((r) => r.id >= 40 && r.id < 50).map((r) => r.reason)).toEqual(new Array(10).fill('wrong feature width 5, expected 4'));
    expect(rows.filter((r) => r.id === 60 || r.id === 61).every((r) => /no 'x' feature column/.test(r.reason))).toBe(true);
    expect(rows.filter((r) => r.id >= 50 && r.id < 60).every((r) => /schema changed mid-stream: \(.*weight:Int32\)/.test(r.reason))).toBe(true);
    expect(rows.at(-1)).toMatchObject({ id: -1, reason: expect.stringMatching(/corrupt or truncated Arrow data after 9 good batches/) });
    // 10 + 9 + 10 + 9 + 10 good samples, the last after all the bad ones: none lost; the repeat of ids 0–9 is skipped.
    expect(report.counters).toMatchObject({ trained: 48, dead_lettered: 1 + 1 + 10 + 2 + 10 + 1, duplicates_skipped: 10, received: 82 });
    expect(readFileSync(report.files.jsonl, 'utf8').trim().split('\n').length).toBe(5);
  });

  it('reads no further ahead than it learns: a slow model slows the emitter, and memory stays flat over a pass of MNIST', async () => {
    const emitter = await startEmitter('mnist:train');
    // How far the learner had got when the emitter finished: with backpressure, the emitter can be
    // ahead only by what the socket and the pull gate hold, whatever the speed of either.
    let learned = 0;
    let learnedWhenEmitterDone = -1;
    void emitter.exited.then(() => (learnedWhenEmitterDone = learned));
    const model = new ShardedLshModel(settings, await createBackend('wasm'));
    const slow: OnlineModel = {
      ...online(model),
      async learn(b) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a model that takes 5 ms more per batch
        learned += b.numRows;
        return (await model.learn(b)).predictions!;
      },
    };
    const report = await learnOnline(await openSource(emitter.url), slow, opts(mkdtempSync(join(tmpdir(), 'amem-slow-'))));
    await emitter.exited;
    expect(report.counters).toMatchObject({ trained: 60000, duplicates_skipped: 0 });
    // Unthrottled, the emitter would be done while the learner is a few of its 60 batches in.
    expect(learnedWhenEmitterDone).toBeGreaterThan(60000 - 30 * 1000);
    const lines = readFileSync(report.files.jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rss_mb: number });
    const rss = lines.slice(30).map((l) => l.rss_mb);
    expect(Math.max(...rss) - Math.min(...rss)).toBeLessThan(64);
  });
});
