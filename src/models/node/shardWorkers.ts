/**
 * The worker-thread side of shard training: each shard's `trainPrototypes` call runs on a pooled
 * worker with copies of its sums and counts, reporting epochs back through a message port.
 */
import { MessageChannel } from 'node:worker_threads';
import type { TrainPrototypesResult } from '../../backends/kernel.js';
import type { TrainPrototypesTask, TrainPrototypesTaskResult } from '../../parallel/node/kernelTask.js';
import { createWorkerPool, siblingModule } from '../../parallel/node/workerPool.js';
import type { ShardData, TrainShardsOptions } from '../shardTraining.js';

/** Where a shard's state lives, and where its result goes. */
export interface ShardSlots {
  sumsOf(shard: number): Float64Array;
  countsOf(shard: number): Float64Array;
  record(shard: number, result: TrainPrototypesResult, seconds: number): void;
}

/** Trains the shards of `work` on `threads` worker threads. */
export async function trainOnWorkers(work: ShardData[], threads: number, opts: TrainShardsOptions, slots: ShardSlots): Promise<void> {
  const { classes: K, width: D } = opts;
  const pool = createWorkerPool(threads, siblingModule('../../parallel/node/kernelTask', import.meta.url));
  const runOne = async (d: ShardData): Promise<void> => {
    const { x, y } = d.take();
    const args = {
      x,
      y,
      width: D,
      classes: K,
      sums: slots.sumsOf(d.shard).slice(),
      counts: slots.countsOf(d.shard).slice(),
      maxEpochs: opts.maxEpochs,
      snapshotEpochs: opts.snapshotEpochs,
    };
    const channel = new MessageChannel();
    channel.port1.on('message', (m: { epoch: number; misses: number }) => opts.onProgress?.({ shard: d.shard, ...m, done: false }));
    try {
      const task: TrainPrototypesTask = { kernels: opts.backend.workerKernels, args, progress: channel.port2 };
      const out = await pool.run<TrainPrototypesTask, TrainPrototypesTaskResult>(task, [args.x.buffer, args.y.buffer, args.sums.buffer, args.counts.buffer, channel.port2]);
      slots.sumsOf(d.shard).set(out.sums);
      slots.countsOf(d.shard).set(out.counts);
      slots.record(d.shard, out.result, out.seconds);
    } finally {
      channel.port1.close();
    }
  };
  // One shard per free thread, in the order given (largest first): a shard's contiguous copy is
  // made when its training starts, not all at once.
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < work.length) await runOne(work[next++]);
  };
  try {
    await Promise.all(Array.from({ length: threads }, lane));
  } finally {
    await pool.close();
  }
}
