/**
 * Labelled data sets from a pair of IDX files (images and labels), as MNIST, EMNIST and
 * Fashion-MNIST ship them.
 *
 * @example
 * const train = loadIdxPair('emnist-letters-train-images-idx3-ubyte.gz', 'emnist-letters-train-labels-idx1-ubyte.gz');
 */
import { DataError } from '../../util/errors.js';
import { readIdx } from './idx.js';
import type { LabelledArrays } from '../labelledArrays.js';

/** Loads images and labels from IDX files; ids count from `idOffset` in file order. */
export function loadIdxPair(imagesPath: string, labelsPath: string, idOffset = 0): LabelledArrays {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dtype !== 'uint8' && images.dtype !== 'float32') {
    throw new DataError(`'${imagesPath}' holds ${images.dtype} values; image files must hold uint8 or float32`);
  }
  if (images.dims.length < 2) throw new DataError(`'${imagesPath}' has dims ${images.dims.join('×')}; expected samples × feature dims`);
  if (labels.dims.length !== 1) throw new DataError(`'${labelsPath}' has dims ${labels.dims.join('×')}; a label file is one-dimensional`);
  const n = images.dims[0];
  if (labels.dims[0] !== n) {
    throw new DataError(`'${imagesPath}' has ${n} samples but '${labelsPath}' has ${labels.dims[0]} labels; the files do not belong together`);
  }
  if (!Number.isSafeInteger(idOffset + n) || idOffset + n > 2 ** 31) throw new DataError(`sample ids from ${idOffset} for ${n} samples do not fit Int32`);
  const y = Int32Array.from(labels.data as ArrayLike<number>);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = idOffset + i;
  const raw = images.dtype === 'uint8';
  return {
    x: images.data as Uint8Array | Float32Array,
    y,
    ids,
    info: { shape: images.dims.slice(1), range: raw ? [0, 255] : [0, 1], encoding: raw ? 'raw' : 'scaled' },
  };
}
