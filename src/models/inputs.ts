/**
 * The input check every model makes on a batch it learns from or scores: features in the range
 * the model's math expects (by the batch's range metadata), finite values, labels in range.
 */
import type { RecordBatch } from 'apache-arrow';
import { features, labels, sampleIds } from '../data/batch.js';
import { normalizedBytes, normalizedValues } from '../operators/normalize.js';
import { DataError } from '../util/errors.js';

/** What to check. */
export interface InputRules {
  /** The nominal feature range the model expects (not checked when absent). */
  range?: [number, number];
  /** Check labels against [0, classes); no labels are read when absent. */
  classes?: number;
  /** The values were checked already (by `fit` on the whole data set): skip the finiteness scan. */
  checked?: boolean;
  /** How to fix a wrong range, appended to the error. */
  fix: string;
}

/** A batch's features as float32 (rows × width) and its labels, checked; `who` names the caller in errors. */
export function checkedInputs(batch: RecordBatch, who: string, rules: InputRules): { x: Float32Array; y: Int32Array; rows: number; width: number } {
  const f = features(batch, who);
  if (rules.range && (f.range[0] !== rules.range[0] || f.range[1] !== rules.range[1])) throw new DataError(`${who}: features are in [${f.range.join(', ')}]; ${rules.fix}`);
  const x = f.values instanceof Float32Array ? f.values : Float32Array.from(f.values);
  const ids = rules.checked && rules.classes === undefined ? undefined : sampleIds(batch);
  if (!rules.checked) for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k])) throw new DataError(`sample id ${ids![Math.floor(k / f.width)]}: feature ${k % f.width} is ${x[k]}`);
  const y = rules.classes === undefined ? new Int32Array(0) : labels(batch, who);
  if (rules.classes !== undefined)
    for (let i = 0; i < y.length; i++) if (!(y[i] >= 0 && y[i] < rules.classes)) throw new DataError(`sample id ${ids![i]}: label ${y[i]} is outside [0, ${rules.classes})`);
  return { x, y, rows: f.rows, width: f.width };
}

/** A batch's inputs with a normalize step fused in: byte features stay bytes, with the value each byte stands for. */
export interface FusedInputs {
  x: Float32Array | Uint8Array;
  /** With byte features: the float32 value `normalize` gives each byte. */
  byteValues?: Float32Array;
  y: Int32Array;
  rows: number;
  width: number;
}

/**
 * The inputs a model reads when a `normalize({ range: to })` step is fused into it: the same
 * values the step would emit, without writing them for bytes (the kernel maps each byte as it
 * reads it). Checks as `checkedInputs`, with `rules.range` compared to `to`.
 */
export function fusedInputs(batch: RecordBatch, who: string, rules: InputRules, to: [number, number]): FusedInputs {
  const f = checkFused(batch, who, rules, to);
  const y = rules.classes === undefined ? new Int32Array(0) : labels(batch, who);
  if (f.values instanceof Uint8Array) return { x: f.values, byteValues: normalizedBytes(f.range, to), y, rows: f.rows, width: f.width };
  return { x: normalizedValues(f.values, f.range, to), y, rows: f.rows, width: f.width };
}

/** The checks of `fusedInputs` (finite raw values, labels in range, the fused step's range the one expected); returns the features. */
export function checkFused(batch: RecordBatch, who: string, rules: InputRules, to: [number, number]) {
  const f = features(batch, who);
  if (rules.range && (to[0] !== rules.range[0] || to[1] !== rules.range[1])) throw new DataError(`${who}: the normalize step maps features to [${to.join(', ')}]; ${rules.fix}`);
  if (!rules.checked) assertFinite(f.values, f.width, batch);
  if (rules.classes !== undefined) assertLabels(labels(batch, who), rules.classes, batch);
  return f;
}

/** Throws, naming the sample id and feature, at the first value that is NaN or ±Infinity (raw bytes are always finite). */
export function assertFinite(values: ArrayLike<number>, width: number, batch: RecordBatch, fix = ''): void {
  if (values instanceof Uint8Array) return;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) throw new DataError(`sample id ${sampleIds(batch)[Math.floor(k / width)]}: feature ${k % width} is ${values[k]}${fix}`);
  }
}

/** Throws, naming the sample id, at the first label outside [0, classes). */
export function assertLabels(y: Int32Array, classes: number, batch: RecordBatch, fix = ''): void {
  for (let i = 0; i < y.length; i++) if (!(y[i] >= 0 && y[i] < classes)) throw new DataError(`sample id ${sampleIds(batch)[i]}: label ${y[i]} is outside [0, ${classes})${fix}`);
}
