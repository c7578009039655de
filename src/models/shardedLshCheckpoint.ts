/**
 * The sharded-lsh checkpoint format (version 1): the settings with the feature width; the router's
 * hash planes (bits × width, float32), the prototype sums (shards × classes × width) and counts
 * (shards × classes), both float64, so M = S/T is exact.
 */
import { tensorOf, type Checkpoint, checkCheckpoint } from '../io/checkpoint.js';
import { routerFromPlanes, type LshRouter } from '../operators/lshHash.js';

/** Settings that define a sharded-lsh model. */
export interface ShardedLshSettings {
  /** LSH sign bits (planes). */
  bits: number;
  /** Number of shards (LSH code mod shards). */
  shards: number;
  /** Number of classes; labels lie in [0, classes). */
  classes: number;
  /** Seed of the hash planes. */
  seed: number;
}

/** What a sharded-lsh checkpoint holds. */
export interface ShardedLshState {
  settings: ShardedLshSettings;
  router: LshRouter;
  sums: Float64Array;
  counts: Float64Array;
}

/** The checkpoint kind of the sharded-lsh model. */
export const SHARDED_LSH_KIND = 'sharded-lsh';
const FORMAT_VERSION = 1;

/** Writes a state as a checkpoint (the tensors are shared, not copied). */
export function shardedLshCheckpoint(s: ShardedLshState): Checkpoint {
  const { shards, classes } = s.settings;
  const r = s.router;
  return {
    kind: SHARDED_LSH_KIND,
    version: FORMAT_VERSION,
    settings: { ...s.settings, width: r.width },
    tensors: {
      planes: { data: r.planes, shape: [r.bits, r.width] },
      sums: { data: s.sums, shape: [shards, classes, r.width] },
      counts: { data: s.counts, shape: [shards, classes] },
    },
  };
}

/** Reads a state from a checkpoint, after checking its kind and version; `source` names it in errors. */
export function readShardedLshCheckpoint(ckpt: Checkpoint, source = 'checkpoint'): ShardedLshState {
  checkCheckpoint(ckpt, SHARDED_LSH_KIND, FORMAT_VERSION, source);
  const s = ckpt.settings as unknown as ShardedLshSettings & { width: number };
  return {
    settings: { bits: s.bits, shards: s.shards, classes: s.classes, seed: s.seed },
    router: routerFromPlanes(tensorOf(ckpt, 'planes', [s.bits, s.width]) as Float32Array, s.width, s.bits, s.shards),
    sums: tensorOf(ckpt, 'sums', [s.shards, s.classes, s.width]) as Float64Array,
    counts: tensorOf(ckpt, 'counts', [s.shards, s.classes]) as Float64Array,
  };
}
