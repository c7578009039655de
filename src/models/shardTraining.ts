/**
 * Trains the shards of a sharded-lsh model: each shard is one fused `trainPrototypes` kernel
 * call, run in this thread or spread over worker threads (`node/shardWorkers.ts`), largest shard
 * first (so the longest job starts at once and the small ones fill the other cores).
 */
import type { Backend } from '../backends/backend.js';
import type { TrainPrototypesResult, PrototypeSnapshot } from '../backends/kernel.js';
import type { FeatureArray } from '../data/batch.js';

/** One shard's training samples, in stream order (bytes when the stream's features are bytes). */
export interface ShardData {
  shard: number;
  samples: number;
  /** The samples and labels, contiguous; called once, when the shard's training starts. */
  take(): { x: FeatureArray; y: Int32Array };
}

/** How one shard's training went. */
export interface ShardReport {
  shard: number;
  samples: number;
  epochs: number;
  converged: boolean;
  /** Misses in each epoch. */
  misses: number[];
  /** Sample visits (samples × epochs). */
  visits: number;
  /** Full distance computations (the rest were skipped by exact bounds). */
  distanceEvaluations: number;
  seconds: number;
  /** This shard's sums and counts after the requested epochs it reached. */
  snapshots: PrototypeSnapshot[];
}

/** Options of `trainShards`. */
export interface TrainShardsOptions {
  classes: number;
  width: number;
  backend: Backend;
  maxEpochs: number;
  snapshotEpochs?: readonly number[];
  workers: number;
  onProgress?: (progress: { shard: number; epoch: number; misses: number; done: boolean }) => void;
}

/** Trains every shard in place in `sums` (`shards × classes × width`) and `counts` (`shards × classes`). */
export async function trainShards(data: ShardData[], sums: Float64Array, counts: Float64Array, opts: TrainShardsOptions): Promise<ShardReport[]> {
  const { classes: K, width: D } = opts;
  const reports: ShardReport[] = data.map((d) => ({ shard: d.shard, samples: d.samples, epochs: 0, converged: true, misses: [], visits: 0, distanceEvaluations: 0, seconds: 0, snapshots: [] }));
  const work = data.filter((d) => d.samples > 0).sort((a, b) => b.samples - a.samples);
  const sumsOf = (s: number) => sums.subarray(s * K * D, (s + 1) * K * D);
  const countsOf = (s: number) => counts.subarray(s * K, (s + 1) * K);
  const record = (shard: number, r: TrainPrototypesResult, seconds: number): void => {
    Object.assign(reports[data.findIndex((d) => d.shard === shard)], { ...r, misses: Array.from(r.misses), seconds });
    opts.onProgress?.({ shard, epoch: r.epochs, misses: r.misses.at(-1) ?? 0, done: true });
  };

  const threads = Math.min(opts.workers, work.length);
  if (threads <= 1) {
    for (const d of work) {
      const started = performance.now();
      const { x, y } = d.take();
      const r = await opts.backend.run('trainPrototypes', {
        x,
        y,
        width: D,
        classes: K,
        sums: sumsOf(d.shard),
        counts: countsOf(d.shard),
        maxEpochs: opts.maxEpochs,
        snapshotEpochs: opts.snapshotEpochs,
        onEpoch: (epoch, misses) => opts.onProgress?.({ shard: d.shard, epoch, misses, done: false }),
      });
      record(d.shard, r, (performance.now() - started) / 1000);
    }
    return reports;
  }

  const { trainOnWorkers } = await import('./node/shardWorkers.js');
  await trainOnWorkers(work, threads, opts, { sumsOf, countsOf, record });
  return reports;
}
