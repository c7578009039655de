/**
 * IDX files: the format of MNIST, EMNIST and Fashion-MNIST (plain or gzip-compressed).
 *
 * Layout: two zero bytes, a type code, the number of dimensions, then each dimension as a
 * big-endian uint32, then the values in row-major order, big-endian. `readIdx` validates the magic,
 * the type, the sizes and the length, and names the file and the fix in every error. Unsigned
 * bytes are returned as a zero-copy view of the file buffer; wider types are converted to native
 * byte order.
 *
 * @example
 * const images = readIdx('train-images-idx3-ubyte'); // { dtype: 'uint8', dims: [60000, 28, 28], data }
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { DataError, UsageError } from '../../util/errors.js';

/** Element types an IDX file can hold. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A decoded IDX tensor. */
export interface IdxTensor {
  dtype: IdxDtype;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const CODES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/** Reads and validates an IDX file (gzip is detected from its magic bytes). */
export function readIdx(path: string): IdxTensor {
  let raw: Buffer;
  try {
    // A device or pipe (e.g. /dev/zero) never ends: only regular files are read whole.
    if (!statSync(path).isFile()) throw new UsageError(`IDX input '${path}' is not a regular file; give the path of an IDX file (plain or .gz)`);
    raw = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read IDX file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`);
  }
  return decodeIdx(raw, path);
}

/** Decodes IDX bytes (plain or gzip); `name` is used in error messages. */
export function decodeIdx(bytes: Uint8Array, name = 'IDX data'): IdxTensor {
  const buf = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipIdx(bytes, name) : bytes;
  if (buf.length < 4) throw new DataError(`'${name}' is ${buf.length} bytes long, too short for an IDX header (4 bytes of magic)`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(`'${name}' is not an IDX file: it must start with two zero bytes, found 0x${hex(buf[0])} 0x${hex(buf[1])}`);
  }
  const code = CODES[buf[2]];
  if (!code) throw new DataError(`'${name}' has unknown IDX type code 0x${hex(buf[2])} (known: 08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double)`);
  const ndims = buf[3];
  if (ndims === 0) throw new DataError(`'${name}' declares 0 dimensions`);
  const headerSize = 4 + 4 * ndims;
  if (buf.length < headerSize) throw new DataError(`'${name}' is truncated inside its header: ${ndims} dimensions need ${headerSize} header bytes, the file has ${buf.length}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * code.size;
  if (buf.length < expected) {
    throw new DataError(`'${name}' is truncated: dims ${dims.join('×')} of ${code.dtype} need ${expected} bytes, the file has ${buf.length}; re-download or re-extract it`);
  }
  if (buf.length > expected) {
    throw new DataError(`'${name}' has ${buf.length - expected} unexpected bytes after the data (dims ${dims.join('×')} of ${code.dtype} need ${expected}); it may be a different file or corrupt`);
  }
  return { dtype: code.dtype, dims, data: decodeValues(buf, headerSize, count, code.dtype, view) };
}

/** Deflate expands at most about 1032:1, so a gzip file cannot hold more than this many bytes per compressed byte. */
const MAX_GZIP_RATIO = 1032;

/**
 * Gunzips IDX bytes with memory bounded by what the header declares: the header is inflated
 * first, then the whole file with an output limit of exactly the declared size, so a file that
 * decompresses to more (or claims more than a gzip of its length can hold) fails without
 * inflating it.
 */
function gunzipIdx(bytes: Uint8Array, name: string): Uint8Array {
  const fail = (err: unknown): never => {
    throw new DataError(`'${name}' looks gzip-compressed but does not decompress (${(err as Error).message}); the download is probably truncated`);
  };
  let head: Uint8Array = new Uint8Array(0);
  try {
    // 1100 compressed bytes inflate to at most ~1.1 MB and hold any header (at most 4 + 4·255 bytes).
    head = gunzipSync(bytes.subarray(0, 1100), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    fail(err);
  }
  const declared = head.length >= 4 ? declaredSize(head) : undefined;
  if (declared === undefined) return inflateAll(bytes, 1100 * MAX_GZIP_RATIO, name, fail, 'without a valid IDX header'); // decodeIdx names the problem
  if (declared > bytes.length * MAX_GZIP_RATIO) {
    throw new DataError(`'${name}' claims ${declared} bytes of IDX data, more than a ${bytes.length}-byte gzip file can hold; the header is corrupt or the file is truncated`);
  }
  return inflateAll(bytes, declared, name, fail, 'the size its header declares');
}

/** Gunzips all of `bytes`, refusing output past `limit` bytes. */
function inflateAll(bytes: Uint8Array, limit: number, name: string, fail: (err: unknown) => never, what: string): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, Math.min(limit + 1, 2 ** 31 - 1)) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError(`'${name}' decompresses to more than ${limit} bytes (${what}); it may be a different file or corrupt`);
    }
    return fail(err);
  }
}

/** The byte length an IDX header declares (header plus values), or undefined when the header is not readable yet. */
function declaredSize(head: Uint8Array): number | undefined {
  const code = CODES[head[2]];
  const ndims = head[3];
  const headerSize = 4 + 4 * ndims;
  if (head[0] !== 0 || head[1] !== 0 || !code || ndims === 0 || head.length < headerSize) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let d = 0; d < ndims; d++) count *= view.getUint32(4 + 4 * d, false);
  return headerSize + count * code.size;
}

function decodeValues(buf: Uint8Array, at: number, count: number, dtype: IdxDtype, view: DataView): IdxTensor['data'] {
  switch (dtype) {
    case 'uint8':
      // A plain Uint8Array view (not a Node Buffer), so copies made from it are plain arrays too.
      return new Uint8Array(buf.buffer, buf.byteOffset + at, count);
    case 'int8':
      return new Int8Array(buf.buffer, buf.byteOffset + at, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
    default:
      return dtype satisfies never;
  }
}

/** Encodes a tensor as IDX bytes (the inverse of `decodeIdx`); gzip when asked. */
export function encodeIdx(tensor: IdxTensor, gzip = false): Uint8Array {
  const entry = Object.entries(CODES).find(([, c]) => c.dtype === tensor.dtype)!;
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  if (count !== tensor.data.length) throw new DataError(`encodeIdx: dims ${tensor.dims.join('×')} hold ${count} values, data has ${tensor.data.length}`);
  const size = entry[1].size;
  const header = 4 + 4 * tensor.dims.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = Number(entry[0]);
  out[3] = tensor.dims.length;
  tensor.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const v = tensor.data[i];
    const at = header + i * size;
    switch (tensor.dtype) {
      case 'uint8':
        out[at] = v;
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      case 'float64':
        view.setFloat64(at, v, false);
        break;
    }
  }
  return gzip ? gzipSync(out) : out;
}

/** Writes a tensor as an IDX file (gzip if the path ends in `.gz`). */
export function writeIdx(path: string, tensor: IdxTensor): void {
  writeFileSync(path, encodeIdx(tensor, path.endsWith('.gz')));
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
