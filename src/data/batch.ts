/**
 * The sample batch: the one data shape that flows through every amem-flow pipeline.
 *
 * A sample batch is an Arrow `RecordBatch` with
 * - `id`: Int32, a stable sample id from the source (so any sample can be traced and none is lost);
 * - `x`:  FixedSizeList<Float32 | Uint8>[width], the features, with field metadata `shape`
 *         (e.g. `28,28`), `range` (nominal value range, e.g. `0,255`) and `encoding`
 *         (`raw` intensities, `scaled` to a range, or `binary` two-valued);
 * - `y`:  Int32 labels (optional: unlabelled streams have none);
 * - more Int32 / Float32 columns that operators add (e.g. `shard`).
 *
 * Batches are immutable. Helpers here read columns as zero-copy typed-array views and build new
 * batches that share every unchanged column. Only re-batching (take, concat) copies.
 */
import { DataType, Field, FixedSizeList, Float32, Int32, makeData, RecordBatch, Schema, Struct, Type, Uint8, type Data } from 'apache-arrow';
import { DataError } from '../util/errors.js';

/** Feature storage types: raw bytes or float32. */
export type FeatureArray = Float32Array | Uint8Array;
/** What the feature values mean. */
export type Encoding = 'raw' | 'scaled' | 'binary';

/** Feature metadata carried on the `x` field. */
export interface FeatureInfo {
  /** Sample shape, e.g. [28, 28]; its product is the width. */
  shape: number[];
  /** Nominal range of the values, e.g. [0, 255] or [-1, 1]. */
  range: [number, number];
  encoding: Encoding;
}

/** A zero-copy view of a batch's features: `values` is row-major, `rows × width`. */
export interface Features extends FeatureInfo {
  values: FeatureArray;
  width: number;
  rows: number;
}

/** Everything needed to build a sample batch from typed arrays (no copy is made). */
export interface SampleBatchInit {
  ids: Int32Array;
  x: FeatureArray;
  y?: Int32Array;
  info: FeatureInfo;
}

/** Storage of the column types sample batches hold. */
export type ColumnArray = Int32Array | Float32Array | Uint8Array;

/** Builds a sample batch that wraps the given arrays without copying them. */
export function makeSampleBatch(init: SampleBatchInit): RecordBatch {
  const rows = init.ids.length;
  const width = product(init.info.shape);
  if (init.x.length !== rows * width) {
    throw new DataError(`makeSampleBatch: x has ${init.x.length} values, expected ${rows} rows × ${width} (shape ${init.info.shape.join('×')})`);
  }
  if (init.y && init.y.length !== rows) throw new DataError(`makeSampleBatch: y has ${init.y.length} labels for ${rows} ids`);
  const fields: Field[] = [new Field('id', new Int32(), false), featureField(init.x, init.info)];
  const children: Data[] = [scalarData(init.ids), listData(fields[1].type as FixedSizeList, init.x, rows)];
  if (init.y) {
    fields.push(new Field('y', new Int32(), false));
    children.push(scalarData(init.y));
  }
  return assemble(fields, children, rows);
}

/** The features of a batch as a zero-copy view; throws a clear error if `x` is missing or malformed. */
export function features(batch: RecordBatch, who = 'features'): Features {
  const field = batch.schema.fields.find((f) => f.name === 'x');
  if (!field) throw new DataError(`${who}: the batch has no 'x' column (columns: ${columnNames(batch)}); features must be FixedSizeList<Float32|Uint8> in 'x'`);
  const type = field.type as DataType;
  if (!DataType.isFixedSizeList(type) || !isFeatureValueType(type.children[0].type)) {
    throw new DataError(`${who}: column 'x' has type ${String(type)}; expected FixedSizeList<Float32|Uint8>`);
  }
  const width = type.listSize;
  const rows = batch.numRows;
  const data = batch.getChild('x')!.data[0];
  const values = (data.children[0].values as FeatureArray).subarray(0, rows * width);
  if (values.length !== rows * width) throw new DataError(`${who}: column 'x' holds ${values.length} values for ${rows} rows of ${width}; the batch is truncated or corrupt`);
  return { values, width, rows, ...featureInfo(field, width) };
}

/** Feature metadata of a batch's `x` field (shape, range, encoding), with defaults for plain Arrow data. */
export function featureInfo(field: Field, width: number): FeatureInfo {
  const meta = field.metadata;
  const shape = meta.get('shape')?.split(',').map(Number) ?? [width];
  if (product(shape) !== width || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new DataError(`column 'x': shape metadata '${meta.get('shape')}' does not match the list width ${width}`);
  }
  const range = (meta.get('range')?.split(',').map(Number) ?? [0, 1]) as [number, number];
  if (range.length !== 2 || !(range[0] < range[1])) throw new DataError(`column 'x': bad range metadata '${meta.get('range')}' (expected 'lo,hi' with lo < hi)`);
  const encoding = (meta.get('encoding') ?? 'scaled') as Encoding;
  if (!['raw', 'scaled', 'binary'].includes(encoding)) throw new DataError(`column 'x': unknown encoding '${encoding}' (raw, scaled, binary)`);
  return { shape, range, encoding };
}

/** The `id` column as a zero-copy Int32Array. */
export function sampleIds(batch: RecordBatch): Int32Array {
  const ids = intColumn(batch, 'id');
  if (!ids) throw new DataError(`the batch has no 'id' column (columns: ${columnNames(batch)}); every sample needs a stable Int32 id`);
  return ids;
}

/** The `y` column as a zero-copy Int32Array, or a clear error naming the step that needed it. */
export function labels(batch: RecordBatch, who = 'labels'): Int32Array {
  const y = intColumn(batch, 'y');
  if (!y) throw new DataError(`${who}: the batch has no 'y' label column (columns: ${columnNames(batch)})`);
  return y;
}

/** An Int32 column as a zero-copy view, or undefined if absent. */
export function intColumn(batch: RecordBatch, name: string): Int32Array | undefined {
  const field = batch.schema.fields.find((f) => f.name === name);
  if (!field) return undefined;
  if (field.type.typeId !== Type.Int || (field.type as Int32).bitWidth !== 32 || !(field.type as Int32).isSigned) {
    throw new DataError(`column '${name}' has type ${String(field.type)}; expected Int32`);
  }
  const values = (batch.getChild(name)!.data[0].values as Int32Array).subarray(0, batch.numRows);
  if (values.length !== batch.numRows) throw new DataError(`column '${name}' holds ${values.length} values for ${batch.numRows} rows; the batch is truncated or corrupt`);
  return values;
}

/** A new batch with `x` replaced; every other column is shared. */
export function withFeatures(batch: RecordBatch, values: FeatureArray, info: FeatureInfo): RecordBatch {
  const field = featureField(values, info);
  return replaceColumn(batch, field, listData(field.type as FixedSizeList, values, batch.numRows));
}

/** A new batch with an Int32 column added or replaced; every other column is shared. */
export function withIntColumn(batch: RecordBatch, name: string, values: Int32Array, metadata?: Map<string, string>): RecordBatch {
  if (values.length !== batch.numRows) throw new DataError(`column '${name}' has ${values.length} values for ${batch.numRows} rows`);
  // The column's own field when it is already Int32: an IPC stream writer compares schemas by class, and a
  // field read from IPC (type class Int_) differs from a fresh Int32 one, which would start a new stream.
  const own = batch.schema.fields.find((f) => f.name === name);
  const keep = own && metadata === undefined && !own.nullable && DataType.isInt(own.type) && own.type.bitWidth === 32 && own.type.isSigned;
  return replaceColumn(batch, keep ? own : new Field(name, new Int32(), false, metadata), scalarData(values));
}

/**
 * Copies the given rows (in the given order) into a new batch with the same schema. With
 * `scratch`, the columns are written into its arrays (kept per column, reused when the size
 * matches): the batch is then valid only until the next `takeRows` with the same scratch.
 */
export function takeRows(batch: RecordBatch, rows: ArrayLike<number>, scratch?: Map<string, ColumnArray>): RecordBatch {
  const children = batch.schema.fields.map((field) => {
    const { values, width } = columnValues(batch, field);
    let out = scratch?.get(field.name);
    if (!out || out.length !== rows.length * width || out.constructor !== values.constructor) {
      out = allocLike(values, rows.length * width);
      scratch?.set(field.name, out);
    }
    return rebuild(field, gatherRows(values, width, rows, out), rows.length);
  });
  return assemble(batch.schema.fields, children, rows.length, batch.schema.metadata);
}

/** Copies rows `rows` (in that order) of a row-major array of `width` columns into `out` (converting the element type if it differs); returns `out`. */
export function gatherRows<T extends ColumnArray>(values: ColumnArray, width: number, rows: ArrayLike<number>, out: T): T {
  // One loop per array type keeps each call site monomorphic: a shared generic loop runs ~10× slower.
  if (values instanceof Float32Array && out instanceof Float32Array) gatherFloat32(values, width, rows, out);
  else if (values instanceof Int32Array && out instanceof Int32Array) gatherInt32(values, width, rows, out);
  else if (values instanceof Uint8Array && out instanceof Uint8Array) gatherUint8(values, width, rows, out);
  else for (let r = 0; r < rows.length; r++) for (let j = 0, at = rows[r] * width; j < width; j++) out[r * width + j] = values[at + j];
  return out;
}

function gatherFloat32(values: Float32Array, width: number, rows: ArrayLike<number>, out: Float32Array): void {
  if (width === 1) for (let r = 0; r < rows.length; r++) out[r] = values[rows[r]];
  else for (let r = 0; r < rows.length; r++) out.set(values.subarray(rows[r] * width, (rows[r] + 1) * width), r * width);
}

function gatherInt32(values: Int32Array, width: number, rows: ArrayLike<number>, out: Int32Array): void {
  if (width === 1) for (let r = 0; r < rows.length; r++) out[r] = values[rows[r]];
  else for (let r = 0; r < rows.length; r++) out.set(values.subarray(rows[r] * width, (rows[r] + 1) * width), r * width);
}

function gatherUint8(values: Uint8Array, width: number, rows: ArrayLike<number>, out: Uint8Array): void {
  if (width === 1) for (let r = 0; r < rows.length; r++) out[r] = values[rows[r]];
  else for (let r = 0; r < rows.length; r++) out.set(values.subarray(rows[r] * width, (rows[r] + 1) * width), r * width);
}

/** Concatenates batches with the same schema into one contiguous batch: a copy, unless the columns are consecutive slices of one buffer (then a view of it). */
export function concatBatches(batches: RecordBatch[]): RecordBatch {
  if (batches.length === 0) throw new DataError('concatBatches: no batches to concatenate');
  if (batches.length === 1) return batches[0];
  const first = batches[0];
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  for (const b of batches) {
    if (b.schema.fields.length !== first.schema.fields.length) {
      throw new DataError(`concatBatches: schemas differ (columns ${columnNames(first)} vs ${columnNames(b)})`);
    }
  }
  const children = first.schema.fields.map((field, c) => {
    const parts = batches.map((b) => {
      const other = b.schema.fields[c];
      if (!other || other.name !== field.name || !sameType(other.type, field.type)) {
        throw new DataError(`concatBatches: schemas differ at column ${c} ('${field.name}' ${String(field.type)} vs '${other?.name}' ${String(other?.type)})`);
      }
      return columnValues(b, other);
    });
    return rebuild(
      field,
      joined(parts.map((p) => p.values)) ??
        copied(
          parts.map((p) => p.values),
          rows * parts[0].width,
        ),
      rows,
    );
  });
  return assemble(first.schema.fields, children, rows, first.schema.metadata);
}

/** One view of arrays that lie back to back in one buffer (slices of one data set, in order), or undefined. */
function joined(parts: ColumnArray[]): ColumnArray | undefined {
  const first = parts[0];
  let end = first.byteOffset + first.byteLength;
  for (const p of parts.slice(1)) {
    if (p.buffer !== first.buffer || p.constructor !== first.constructor || p.byteOffset !== end) return undefined;
    end += p.byteLength;
  }
  const at = first.byteOffset;
  const n = (end - at) / first.BYTES_PER_ELEMENT;
  if (first instanceof Float32Array) return new Float32Array(first.buffer, at, n);
  if (first instanceof Int32Array) return new Int32Array(first.buffer, at, n);
  return new Uint8Array(first.buffer, at, n);
}

function copied(parts: ColumnArray[], length: number): ColumnArray {
  const out = allocLike(parts[0], length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A copy of the schema's metadata value `key` of a batch, if set. */
export function batchMeta(batch: RecordBatch, key: string): string | undefined {
  return batch.schema.metadata.get(key);
}

/** Column names, for error messages. */
export function columnNames(batch: RecordBatch): string {
  return batch.schema.fields.map((f) => f.name).join(', ') || '(none)';
}

/** A new zeroed array of `length` elements of the same element type as `like` (a Node Buffer gives a Uint8Array). */
export function allocLike<T extends ColumnArray>(like: T, length: number): T {
  if (like instanceof Float32Array) return new Float32Array(length) as T;
  if (like instanceof Int32Array) return new Int32Array(length) as T;
  return new Uint8Array(length) as T;
}

/** Product of the dimensions of a shape. */
export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

// ---- internals: the closed set of column types (Int32, Float32, Uint8, FixedSizeList of those) ----

function isFeatureValueType(t: DataType): boolean {
  return (t.typeId === Type.Float && (t as Float32).precision === 1) || (t.typeId === Type.Int && (t as Uint8).bitWidth === 8 && !(t as Uint8).isSigned);
}

function featureField(x: FeatureArray, info: FeatureInfo): Field {
  const valueType = x instanceof Uint8Array ? new Uint8() : new Float32();
  const meta = new Map([
    ['shape', info.shape.join(',')],
    ['range', info.range.join(',')],
    ['encoding', info.encoding],
  ]);
  return new Field('x', new FixedSizeList(product(info.shape), new Field('item', valueType, false)), false, meta);
}

function scalarData(values: Int32Array): Data {
  return makeData({ type: new Int32(), length: values.length, nullCount: 0, data: values });
}

function listData(type: FixedSizeList, values: FeatureArray, rows: number): Data {
  const child = makeData({ type: type.children[0].type, length: values.length, nullCount: 0, data: values } as never);
  return makeData({ type, length: rows, nullCount: 0, child });
}

function columnValues(batch: RecordBatch, field: Field): { values: ColumnArray; width: number } {
  const data = batch.getChild(field.name)!.data[0];
  const type = field.type as DataType;
  if (DataType.isFixedSizeList(type)) {
    const width = type.listSize;
    return { values: (data.children[0].values as ColumnArray).subarray(0, batch.numRows * width), width };
  }
  if (type.typeId === Type.Int || type.typeId === Type.Float) return { values: (data.values as ColumnArray).subarray(0, batch.numRows), width: 1 };
  throw new DataError(`column '${field.name}' has unsupported type ${String(type)} (sample batches hold Int32, Float32, Uint8 and FixedSizeList columns)`);
}

function rebuild(field: Field, values: ColumnArray, rows: number): Data {
  const type = field.type as DataType;
  if (DataType.isFixedSizeList(type)) return listData(type, values as FeatureArray, rows);
  return makeData({ type, length: rows, nullCount: 0, data: values } as never);
}

function replaceColumn(batch: RecordBatch, field: Field, data: Data): RecordBatch {
  const fields = [...batch.schema.fields];
  const children = fields.map((f) => batch.getChild(f.name)!.data[0]);
  const at = fields.findIndex((f) => f.name === field.name);
  if (at >= 0) {
    fields[at] = field;
    children[at] = data;
  } else {
    fields.push(field);
    children.push(data);
  }
  return assemble(fields, children, batch.numRows, batch.schema.metadata);
}

function assemble(fields: Field[], children: Data[], rows: number, metadata?: Map<string, string>): RecordBatch {
  const schema = new Schema(fields, metadata);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }));
}

function sameType(a: DataType, b: DataType): boolean {
  return String(a) === String(b);
}
