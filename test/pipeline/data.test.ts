/**
 * IDX data sections as EMNIST ships them: prefixed file names, gzip, images stored transposed,
 * letters for labels. The fixture is made here from real MNIST digits, relabelled as letters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { features, labels } from '../../src/data/batch.js';
import { writeIdx } from '../../src/io/node/idx.js';
import { loadMnist } from '../../src/io/node/mnist.js';
import { openData } from '../../src/pipeline/data.js';
import { applySettings, loadPipelineFile, resolvePipeline } from '../../src/pipeline/resolve.js';
import { runPipeline } from '../../src/pipeline/run.js';
import type { DataSpec } from '../../src/pipeline/spec.js';

// digit → EMNIST-letters label: 3 → g (7), 5 → l (12), 8 → x (24); every other digit → a (1).
const letterOf = (digit: number) => ({ 3: 7, 5: 12, 8: 24 })[digit] ?? 1;
const TRAIN = 10000;
const TEST = 1000;
let dir: string;

/** Writes `count` MNIST digits from `part` as EMNIST-style files: transposed images, letter labels. */
function writeEmnistLike(part: 'train' | 'test', count: number, gzip: boolean): void {
  const src = loadMnist(part);
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) images[i * 784 + c * 28 + r] = src.x[i * 784 + r * 28 + c];
  const ext = gzip ? '.gz' : '';
  writeIdx(join(dir, `emnist-letters-${part}-images-idx3-ubyte${ext}`), { dtype: 'uint8', dims: [count, 28, 28], data: images });
  writeIdx(join(dir, `emnist-letters-${part}-labels-idx1-ubyte${ext}`), { dtype: 'uint8', dims: [count], data: Uint8Array.from(src.y.subarray(0, count), letterOf) });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'amem-emnist-'));
  writeEmnistLike('train', TRAIN, false);
  writeEmnistLike('test', TEST, true);
});

const emnist = (extra: Record<string, unknown> = {}) =>
  resolvePipeline({ name: 'x', data: { kind: 'idx', dir, prefix: 'emnist-letters-', transpose: true, classes: ['g', 'l', 'x'], ...extra } as DataSpec, model: { kind: 'dense-am', classes: 3 } }).data;

describe('IDX data (EMNIST-style files)', () => {
  it('finds prefixed plain and .gz files, turns transposed images upright, keeps the listed letters and numbers them 0, 1, 2', async () => {
    const parts = openData(emnist(), 0);
    const batches = await lastValueFrom(parts.train.open().pipe(toArray()));
    const x = batches.flatMap((b) => Array.from(features(b).values));
    const y = batches.flatMap((b) => Array.from(labels(b)));
    const mnist = loadMnist('train');
    const kept = Array.from(mnist.y.subarray(0, TRAIN).entries()).filter(([, d]) => [3, 5, 8].includes(d));
    expect(y).toEqual(kept.map(([, d]) => [3, 5, 8].indexOf(d)));
    // Upright again: the same pixels as the original MNIST digits, in order.
    kept.forEach(([i], row) => expect(x.slice(row * 784, (row + 1) * 784)).toEqual(Array.from(mnist.x.subarray(i * 784, (i + 1) * 784))));
    expect(features(batches[0]).shape).toEqual([28, 28]);
    const test = await lastValueFrom(parts.test!.open().pipe(toArray()));
    expect(test.reduce((n, b) => n + b.numRows, 0)).toBe(Array.from(loadMnist('test').y.subarray(0, TEST)).filter((d) => [3, 5, 8].includes(d)).length);
  });

  it('names what is missing or wrong', () => {
    expect(() => openData(emnist({ prefix: 'emnist-digits-' }), 0)).toThrow(/no IDX training files in .*emnist-digits-train-images-idx3-ubyte\[\.gz\].*set data\.train\.images/);
    expect(() => openData(emnist({ classes: ['g', 'G'] }), 0)).toThrow(/lists a class twice: g,G/);
  });

  it("trains the dense-am-letters pipeline on them (the seeds' g, l, x task, here with relabelled digits)", async () => {
    const raw = await loadPipelineFile('pipelines/dense-am-letters.ts');
    const data = [`data.dir=${dir}`, 'data.kind=idx', 'data.prefix=emnist-letters-', 'data.transpose=true', 'data.classes=g,l,x'];
    const spec = resolvePipeline(applySettings(raw, [...data, 'train.epochs=4', 'train.batchSize=50', 'model.learningRate=0.1', 'outputs.plots=false']), 'dense-am-letters.ts');
    expect(spec.data).toMatchObject({ kind: 'idx', dir, classes: ['g', 'l', 'x'] });
    const result = await runPipeline({ ...spec, expect: { 'evaluations.test.accuracy': { min: 0.75 } } }, { outDir: mkdtempSync(join(tmpdir(), 'amem-letters-')) });
    expect(result.metrics.evaluations.test.n).toBeGreaterThan(250);
    expect(result.gates[0], `test accuracy ${result.gates[0].value}`).toMatchObject({ passed: true });
  });
});
