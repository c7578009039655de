/**
 * Locality-sensitive hashing of samples to shards: random ±1 projections, one sign bit each.
 *
 * Bit b is 1 when the projection of x on plane b is > 0; the bits are packed MSB-first (plane 0 is
 * the most significant, as numpy's packbits does) and the shard is code mod `shards`. The planes
 * come from a seeded generator, so the same seed routes the same sample to the same shard
 * everywhere. The `shard` column carries the router's fingerprint in its metadata, so a model can
 * check that a batch was routed by its own router.
 *
 * @example
 * import { lshHash } from 'amem-flow';
 * batches$.pipe(lshHash({ bits: 8, shards: 50, seed: 7 })); // adds an Int32 `shard` column
 *
 * @param opts.bits number of planes (1–31); opts.shards number of shards; opts.seed or opts.planes
 * @returns an operator that adds (or replaces) the `shard` column
 */
import { concatMap, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { KernelRunner } from '../backends/backend.js';
import { cpuReference } from '../backends/cpu/reference.js';
import { features, withIntColumn } from '../data/batch.js';
import { DataError, UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';

/** A fixed set of hash planes and the shard count: everything needed to route a sample. */
export interface LshRouter {
  bits: number;
  shards: number;
  width: number;
  /** ±1 planes, row-major `bits × width`. */
  planes: Float32Array;
  /** A short hash of the above, recorded on routed batches. */
  fingerprint: string;
}

/** Options of `lshHash`: a router, or the settings to draw one. */
export type LshHashOptions = ({ router: LshRouter } | { bits: number; shards: number; seed: number }) & { backend?: KernelRunner };

/** Draws a router's ±1 planes for features of the given width from `seed`. */
export function createLshRouter(width: number, bits: number, shards: number, seed: number): LshRouter {
  checkSettings(bits, shards);
  const rng = new Rng(seed);
  const planes = new Float32Array(bits * width);
  for (let k = 0; k < planes.length; k++) planes[k] = rng.sign();
  return routerFromPlanes(planes, width, bits, shards);
}

/** Wraps existing planes (e.g. loaded from a checkpoint) as a router. */
export function routerFromPlanes(planes: Float32Array, width: number, bits: number, shards: number): LshRouter {
  checkSettings(bits, shards);
  if (planes.length !== bits * width) throw new DataError(`LSH planes hold ${planes.length} values, expected ${bits} × ${width}`);
  let h = 0x811c9dc5;
  for (let k = 0; k < planes.length; k++) h = Math.imul(h ^ (planes[k] > 0 ? 1 : 2), 0x01000193);
  const fingerprint = `lsh-${bits}-${shards}-${width}-${(h >>> 0).toString(16).padStart(8, '0')}`;
  return { bits, shards, width, planes, fingerprint };
}

/** Shard of every row of a batch under `router`. */
export async function routeRows(batch: RecordBatch, router: LshRouter, backend: KernelRunner = cpuReference): Promise<Int32Array> {
  const f = features(batch, 'lshHash');
  if (f.width !== router.width) throw new DataError(`lshHash: features have width ${f.width}, the router was drawn for width ${router.width}`);
  const codes = await backend.run('lshCodes', { x: f.values, rows: f.rows, width: f.width, planes: router.planes, bits: router.bits });
  const shard = new Int32Array(f.rows);
  for (let i = 0; i < f.rows; i++) shard[i] = codes[i] % router.shards;
  return shard;
}

/** Metadata for a `shard` column made by `router`. */
export function routerMetadata(router: LshRouter): Map<string, string> {
  return new Map([
    ['router', router.fingerprint],
    ['shards', String(router.shards)],
  ]);
}

/** Adds the `shard` column: LSH code of `x` mod `shards`. */
export function lshHash(opts: LshHashOptions): OperatorFunction<RecordBatch, RecordBatch> {
  if (!('router' in opts)) checkSettings(opts.bits, opts.shards);
  let router = 'router' in opts ? opts.router : undefined;
  return concatMap(async (batch) => {
    if (!router && !('router' in opts)) router = createLshRouter(features(batch, 'lshHash').width, opts.bits, opts.shards, opts.seed);
    return withIntColumn(batch, 'shard', await routeRows(batch, router!, opts.backend), routerMetadata(router!));
  });
}

function checkSettings(bits: number, shards: number): void {
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 31)) throw new UsageError(`lshHash: bits must be an integer in 1..31, got ${bits}`);
  if (!(Number.isInteger(shards) && shards >= 1)) throw new UsageError(`lshHash: shards must be a positive integer, got ${shards}`);
}
