/** Gathers each shard's training samples, in stream order, for training shard by shard. */
import { gatherRows, type FeatureArray } from '../data/batch.js';
import { DataError } from '../util/errors.js';
import type { ShardData } from './shardTraining.js';

/** Rows of one batch that belong to one shard: the batch's features (not copied), which rows, their labels. */
interface Part {
  values: FeatureArray;
  /** The rows of `values` in this shard, in order; all of them when absent. */
  rows?: Int32Array;
  y: Int32Array;
}

/**
 * Gathers each shard's samples, in stream order. Batches are immutable, so it keeps references to
 * their features and the row numbers of each shard (no copy while the stream runs); a shard's rows
 * are copied into one array of the stream's feature type when its training starts.
 */
export class ShardCollector {
  samples = 0;
  private readonly parts: Part[][];

  constructor(shards: number) {
    this.parts = Array.from({ length: shards }, () => []);
  }

  /** Adds a batch's rows to their shards. */
  add(values: FeatureArray, width: number, y: Int32Array, shard: Int32Array): void {
    const shards = this.parts.length;
    const start = new Int32Array(shards + 1);
    for (let i = 0; i < y.length; i++) {
      const s = shard[i];
      if (!(s >= 0 && s < shards)) throw new DataError(`sharded-lsh: row ${i} has shard ${s}, outside [0, ${shards})`);
      start[s + 1]++;
    }
    this.samples += y.length;
    if (y.length > 0 && start[shard[0] + 1] === y.length) {
      // The rows of one shard (e.g. a batch from routeByShard).
      this.parts[shard[0]].push({ values, y });
      return;
    }
    // Counting sort: each shard's row numbers, in order, as one index array.
    for (let s = 0; s < shards; s++) start[s + 1] += start[s];
    const order = new Int32Array(y.length);
    const labels = new Int32Array(y.length);
    const at = start.slice(0, shards);
    for (let i = 0; i < y.length; i++) {
      const k = at[shard[i]]++;
      order[k] = i;
      labels[k] = y[i];
    }
    for (let s = 0; s < shards; s++) {
      if (start[s + 1] > start[s]) this.parts[s].push({ values, rows: order.subarray(start[s], start[s + 1]), y: labels.subarray(start[s], start[s + 1]) });
    }
  }

  /**
   * Each shard's rows, to be taken as contiguous features and labels when its training starts:
   * bytes when every part is bytes (raw pixels stay 1 byte each), else float32. Taking a shard
   * releases its parts, so only the shards in training hold a contiguous copy.
   */
  finish(width: number): ShardData[] {
    return this.parts.map((parts, shard) => ({
      shard,
      samples: parts.reduce((a, p) => a + p.y.length, 0),
      take: () => this.take(shard, width),
    }));
  }

  private take(shard: number, width: number): { x: FeatureArray; y: Int32Array } {
    const parts = this.parts[shard];
    const n = parts.reduce((a, p) => a + p.y.length, 0);
    const x = parts.every((p) => p.values instanceof Uint8Array) ? new Uint8Array(n * width) : new Float32Array(n * width);
    const y = new Int32Array(n);
    let o = 0;
    for (const p of parts) {
      const m = p.y.length;
      if (p.rows) gatherRows(p.values, width, p.rows, x.subarray(o * width, (o + m) * width));
      else x.set(p.values.subarray(0, m * width), o * width);
      y.set(p.y, o);
      o += m;
    }
    this.parts[shard] = [];
    return { x, y };
  }
}
