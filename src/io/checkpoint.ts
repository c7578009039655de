/**
 * Model checkpoints as Arrow IPC files, readable by any Arrow library (e.g. pyarrow).
 *
 * Format (version 1): an Arrow IPC *file* holding one record batch of one row. Each tensor is one
 * column of type FixedSizeList<Float64 | Float32 | Int32>[size], with field metadata `shape`
 * (comma-separated dims, row-major). Schema metadata: `amem.kind` (model kind),
 * `amem.version` (format version of that model), `amem.settings` (the model's settings as
 * JSON) and `amem.checksum`: `sha256:` and the SHA-256 of the whole file with these 64 hex
 * digits written as zeros. Values are stored bit for bit, so save → load round-trips exactly.
 * Files are written atomically (temp file, fsync, rename).
 *
 * Loading finds the checksum in the raw bytes and verifies it before Arrow decodes anything: a
 * flipped byte anywhere is refused, and Arrow's decoder (which believes corrupt counts in a file
 * footer and can then loop for minutes) only ever sees the exact bytes this encoder wrote.
 *
 * @example
 * saveCheckpoint('model.arrow', { kind: 'sharded-lsh', version: 1, settings, tensors: { sums: { data, shape: [50, 10, 784] } } });
 * const ckpt = loadCheckpoint('model.arrow', 'sharded-lsh');
 */
import { DataType, Field, FixedSizeList, Float32, Float64, Int32, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Type } from 'apache-arrow';
import { sha256Hex } from '../util/sha256.js';
import './arrowGuard.js';
import { DataError, UsageError } from '../util/errors.js';

/** Tensor element storage. */
export type TensorData = Float64Array | Float32Array | Int32Array;

/** A named array with its shape. */
export interface Tensor {
  data: TensorData;
  shape: number[];
}

/** Everything a model needs to be rebuilt. */
export interface Checkpoint {
  kind: string;
  version: number;
  settings: Record<string, unknown>;
  tensors: Record<string, Tensor>;
}

/** Encodes a checkpoint as Arrow IPC file bytes. */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const fields: Field[] = [];
  const children = [];
  for (const [name, t] of Object.entries(ckpt.tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length || size === 0) throw new DataError(`checkpoint tensor '${name}': shape ${t.shape.join('×')} does not match ${t.data.length} values`);
    const valueType = t.data instanceof Float64Array ? new Float64() : t.data instanceof Float32Array ? new Float32() : new Int32();
    const type = new FixedSizeList(size, new Field('item', valueType, false));
    fields.push(new Field(name, type, false, new Map([['shape', t.shape.join(',')]])));
    const child = makeData({ type: valueType, length: size, nullCount: 0, data: t.data } as never);
    children.push(makeData({ type, length: 1, nullCount: 0, child } as never));
  }
  const meta = new Map([
    ['amem.kind', ckpt.kind],
    ['amem.version', String(ckpt.version)],
    ['amem.settings', JSON.stringify(ckpt.settings)],
    ['amem.checksum', `${CHECKSUM_PREFIX}${'0'.repeat(64)}`],
  ]);
  const schema = new Schema(fields, meta);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: 1, nullCount: 0, children }));
  const bytes = tableToIPC(new Table([batch]), 'file');
  const at = checksumOffsets(bytes);
  if (at.length !== 1) throw new DataError(`checkpoint of '${ckpt.kind}': its settings contain a '${CHECKSUM_PREFIX}' checksum-like text; remove it`);
  bytes.set(ASCII.encode(sha256Hex(bytes)), at[0]);
  return bytes;
}

const CHECKSUM_PREFIX = 'sha256:';
const ASCII = new TextEncoder();
const PREFIX_BYTES = ASCII.encode(CHECKSUM_PREFIX);

/** Where the 64 hex digits of each `sha256:…` text in the bytes start. */
function checksumOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66);
  for (let i = bytes.indexOf(PREFIX_BYTES[0]); i >= 0 && i + 7 + 64 <= bytes.length; i = bytes.indexOf(PREFIX_BYTES[0], i + 1)) {
    if (!PREFIX_BYTES.every((b, k) => bytes[i + k] === b)) continue;
    let k = 0;
    while (k < 64 && isHex(bytes[i + 7 + k])) k++;
    if (k === 64) out.push(i + 7);
  }
  return out;
}

/** Decodes checkpoint bytes after verifying their checksum; `name` appears in error messages. */
export function decodeCheckpoint(bytes: Uint8Array, name = 'checkpoint'): Checkpoint {
  if (bytes.length === 0) throw new DataError(`'${name}' is empty (0 bytes), not a checkpoint: delete it (an interrupted copy?) and train again, or point to a complete checkpoint`);
  const at = checksumOffsets(bytes);
  if (at.length !== 1) {
    throw new DataError(
      `'${name}' carries no amem-flow checksum: it is truncated or damaged, written before checkpoints carried one, or not an amem-flow checkpoint; train again, or point to an intact checkpoint`,
    );
  }
  const stored = new TextDecoder().decode(bytes.subarray(at[0], at[0] + 64));
  const zeroed = bytes.slice();
  zeroed.fill(0x30, at[0], at[0] + 64);
  if (sha256Hex(zeroed) !== stored) {
    throw new DataError(`'${name}' is damaged or truncated: its bytes do not match its checksum, so it cannot be trusted; delete it and train again (without --resume), or restore an intact copy`);
  }
  return decodeContent(bytes, name);
}

/** The checkpoint that verified Arrow IPC file bytes hold. */
function decodeContent(bytes: Uint8Array, name: string): Checkpoint {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new DataError(`'${name}' is not a readable checkpoint (Arrow IPC file): ${(err as Error).message}; it may be truncated`);
  }
  const meta = table.schema.metadata;
  const kind = meta.get('amem.kind');
  const version = Number(meta.get('amem.version'));
  if (!kind || !Number.isInteger(version)) throw new DataError(`'${name}' is an Arrow file but not an amem-flow checkpoint (no amem.kind / amem.version metadata)`);
  if (table.batches.length !== 1 || table.numRows !== 1) throw new DataError(`'${name}': a checkpoint holds exactly one row, found ${table.numRows}`);
  let settings: Record<string, unknown>;
  try {
    settings = JSON.parse(meta.get('amem.settings') ?? '{}') as Record<string, unknown>;
  } catch {
    throw new DataError(`'${name}': the amem.settings metadata is not valid JSON`);
  }
  const tensors: Record<string, Tensor> = {};
  for (const field of table.schema.fields) {
    const type = field.type as DataType;
    if (!DataType.isFixedSizeList(type)) throw new DataError(`'${name}': column '${field.name}' is ${String(type)}, not a tensor`);
    const shape = (field.metadata.get('shape') ?? String(type.listSize)).split(',').map(Number);
    const values = table.batches[0].getChild(field.name)!.data[0].children[0].values as TensorData;
    const vt = type.children[0].type;
    const ok = vt.typeId === Type.Float || (vt.typeId === Type.Int && (vt as Int32).bitWidth === 32);
    if (!ok || shape.reduce((a, b) => a * b, 1) !== type.listSize) throw new DataError(`'${name}': tensor '${field.name}' has a bad type or shape`);
    tensors[field.name] = { data: values.slice(0, type.listSize) as TensorData, shape };
  }
  return { kind, version, settings, tensors };
}

/** Checks that a checkpoint holds a model of this kind and format version (what every model's `fromCheckpoint` does first). */
export function checkCheckpoint(ckpt: Checkpoint, kind: string, version: number, source = 'checkpoint'): void {
  if (ckpt.kind !== kind) throw new UsageError(`'${source}' holds a '${ckpt.kind}' model, not '${kind}'`);
  if (ckpt.version !== version) throw new DataError(`'${source}' is ${kind} format ${ckpt.version}; this version reads format ${version}`);
}

/** The named tensor of a checkpoint with the expected shape, or a clear error. */
export function tensorOf(ckpt: Checkpoint, name: string, shape: number[]): TensorData {
  const t = ckpt.tensors[name];
  if (!t) throw new DataError(`checkpoint of '${ckpt.kind}' lacks tensor '${name}'`);
  if (t.shape.join(',') !== shape.join(',')) throw new DataError(`checkpoint tensor '${name}' has shape ${t.shape.join('×')}, expected ${shape.join('×')}`);
  return t.data;
}
