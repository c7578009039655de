/** Gathers each shard's training samples, in stream order, for training shard by shard. */
import { allocLike, type FeatureArray } from '../data/batch.js';
import { DataError } from '../util/errors.js';
import type { ShardData } from './shardTraining.js';

/** Gathers each shard's samples, in stream order, into contiguous arrays of the stream's feature type. */
export class ShardCollector {
  samples = 0;
  /** Per shard: its parts in stream order (a one-shard batch's features are kept as they are, without a copy). */
  private readonly x: FeatureArray[][];
  private readonly y: Int32Array[][];

  constructor(shards: number) {
    this.x = Array.from({ length: shards }, () => []);
    this.y = Array.from({ length: shards }, () => []);
  }

  /** Adds a batch's rows to their shards. */
  add(values: FeatureArray, width: number, y: Int32Array, shard: Int32Array): void {
    const shards = this.x.length;
    const rows = new Int32Array(shards);
    for (let i = 0; i < y.length; i++) {
      const s = shard[i];
      if (!(s >= 0 && s < shards)) throw new DataError(`sharded-lsh: row ${i} has shard ${s}, outside [0, ${shards})`);
      rows[s]++;
    }
    this.samples += y.length;
    if (y.length > 0 && rows[shard[0]] === y.length) {
      // The rows of one shard (a batch from routeByShard): batches are immutable, so keep views.
      this.x[shard[0]].push(values);
      this.y[shard[0]].push(y);
      return;
    }
    const parts = Array.from(rows, (n) => (n > 0 ? allocLike(values, n * width) : undefined));
    const labels = Array.from(rows, (n) => (n > 0 ? new Int32Array(n) : undefined));
    const at = new Int32Array(shards);
    for (let i = 0; i < y.length; i++) {
      const s = shard[i];
      const r = at[s]++;
      parts[s]!.set(values.subarray(i * width, (i + 1) * width), r * width);
      labels[s]![r] = y[i];
    }
    parts.forEach((p, s) => p && (this.x[s].push(p), this.y[s].push(labels[s]!)));
  }

  /**
   * Each shard's rows, to be taken as contiguous features and labels when its training starts:
   * bytes when every part is bytes (raw pixels stay 1 byte each), else float32. Taking a shard
   * releases its parts, so only the shards in training hold a contiguous copy.
   */
  finish(width: number): ShardData[] {
    return this.x.map((_, shard) => ({
      shard,
      samples: this.y[shard].reduce((a, y) => a + y.length, 0),
      take: () => this.take(shard, width),
    }));
  }

  private take(shard: number, width: number): { x: FeatureArray; y: Int32Array } {
    const parts = this.x[shard];
    const n = this.y[shard].reduce((a, y) => a + y.length, 0);
    const x = parts.every((p) => p instanceof Uint8Array) ? new Uint8Array(n * width) : new Float32Array(n * width);
    const y = new Int32Array(n);
    let o = 0;
    for (const [i, p] of parts.entries()) {
      x.set(p, o * width);
      y.set(this.y[shard][i], o);
      o += this.y[shard][i].length;
    }
    this.x[shard] = [];
    this.y[shard] = [];
    return { x, y };
  }
}
