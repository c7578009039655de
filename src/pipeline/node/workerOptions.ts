/** What a shard worker is given and what it reports (batch and online workers alike). */
import type { BackendName } from '../../backends/backend.js';
import type { Reporter } from '../../util/reporter.js';
import type { ShardOutcome } from '../adapters/shardedLshShards.js';

/** How far ahead a worker pulls a shard's messages, in bytes (never by count alone). */
export const PULL_BYTES = 8 * 2 ** 20;

/** Options of `runWorker`. */
export interface WorkerOptions {
  /** This worker's index i of `count` W: it trains the shards k with k mod W = i. */
  index: number;
  count: number;
  /** Seconds before the server redelivers a message this worker has not acknowledged (it keeps them alive while it works). */
  ackWaitS: number;
  /** Give up on a shard whose data stop arriving for this long (default: wait). */
  idleTimeoutS?: number;
  backend?: BackendName | 'auto';
  reporter?: Reporter;
  /** Data-parallel pipelines: R, the minibatch steps each worker runs per round (default 1). */
  localSteps?: number;
  /** Online pipelines: stop learning, store and acknowledge what was learned, and return. */
  signal?: AbortSignal;
}

/** What a worker did per shard. */
export interface WorkerReport {
  shards: (ShardOutcome & { status: 'trained' | 'already stored'; messages: number; redelivered: number })[];
}
