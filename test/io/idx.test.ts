import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeIdx, encodeIdx, readIdx, writeIdx, type IdxTensor } from '../../src/io/node/idx.js';
import { loadIdxPair } from '../../src/io/node/idxSource.js';
import { DataError, UsageError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'amem-idx-'));

describe('IDX reader', () => {
  const tensors: IdxTensor[] = [
    { dtype: 'uint8', dims: [2, 2, 3], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) },
    { dtype: 'int8', dims: [4], data: Int8Array.from([-128, -1, 0, 127]) },
    { dtype: 'int16', dims: [3], data: Int16Array.from([-32768, 258, 32767]) },
    { dtype: 'int32', dims: [2, 1], data: Int32Array.from([-5, 1 << 30]) },
    { dtype: 'float32', dims: [2], data: Float32Array.from([1.5, -0.25]) },
    { dtype: 'float64', dims: [1, 2], data: Float64Array.from([Math.PI, -1e300]) },
  ];

  it.each(tensors)('round-trips $dtype of any dims, plain and gzip', (t) => {
    for (const gz of [false, true]) {
      const back = decodeIdx(encodeIdx(t, gz));
      expect(back.dtype).toBe(t.dtype);
      expect(back.dims).toEqual(t.dims);
      expect(Array.from(back.data)).toEqual(Array.from(t.data));
    }
  });

  it('reads files by path and detects gzip by content', () => {
    writeIdx(join(dir, 'a.idx.gz'), tensors[0]);
    writeFileSync(join(dir, 'b.idx'), gzipSync(encodeIdx(tensors[2])));
    expect(readIdx(join(dir, 'a.idx.gz')).dims).toEqual([2, 2, 3]);
    expect(Array.from(readIdx(join(dir, 'b.idx')).data)).toEqual([-32768, 258, 32767]);
  });

  const good = encodeIdx({ dtype: 'uint8', dims: [2, 3], data: new Uint8Array(6) });
  it.each([
    ['too short for a header', good.subarray(0, 3), /too short for an IDX header/],
    ['bad magic', Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), /must start with two zero bytes, found 0x01 0x00/],
    ['unknown type', Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 1, 7]), /unknown IDX type code 0x42/],
    ['truncated header', good.subarray(0, 9), /truncated inside its header/],
    ['truncated data', good.subarray(0, good.length - 1), /truncated: dims 2×3 of uint8 need 18 bytes, the file has 17/],
    ['trailing bytes', Uint8Array.from([...good, 9, 9]), /2 unexpected bytes after the data/],
    ['corrupt gzip', gzipSync(good).subarray(0, 15), /does not decompress/],
  ])('rejects %s with a clear message', (_name, bytes, message) => {
    expect(() => decodeIdx(bytes, 'f.idx')).toThrow(DataError);
    expect(() => decodeIdx(bytes, 'f.idx')).toThrow(message);
  });

  it('names a missing file as a usage error', () => {
    expect(() => readIdx(join(dir, 'nope.idx'))).toThrow(UsageError);
    expect(() => readIdx(join(dir, 'nope.idx'))).toThrow(/ENOENT/);
  });

  it('pairs images with labels and rejects files that do not belong together', () => {
    writeIdx(join(dir, 'img.idx'), { dtype: 'uint8', dims: [3, 2, 2], data: new Uint8Array(12).fill(7) });
    writeIdx(join(dir, 'lab.idx'), { dtype: 'uint8', dims: [3], data: Uint8Array.from([1, 0, 2]) });
    writeIdx(join(dir, 'lab2.idx'), { dtype: 'uint8', dims: [2], data: Uint8Array.from([1, 0]) });
    const pair = loadIdxPair(join(dir, 'img.idx'), join(dir, 'lab.idx'), 100);
    expect(Array.from(pair.ids)).toEqual([100, 101, 102]);
    expect(pair.info).toEqual({ shape: [2, 2], range: [0, 255], encoding: 'raw' });
    expect(() => loadIdxPair(join(dir, 'img.idx'), join(dir, 'lab2.idx'))).toThrow(/has 3 samples but .* has 2 labels/);
    expect(() => loadIdxPair(join(dir, 'lab.idx'), join(dir, 'lab.idx'))).toThrow(/expected samples × feature dims/);
  });
});
