/** What an online run has seen and counted so far: carried from batch to batch and into checkpoints for exact-once resume. */
import type { IdSet } from './idSet.js';
import type { Prequential } from './prequential.js';

/** Stream counters, as they appear in `metrics.json` under `stream`. */
export interface StreamCounters {
  received: number;
  trained: number;
  dead_lettered: number;
  duplicates_skipped: number;
  batches: number;
  sessions: number;
}

/** Everything about a stream that a checkpoint keeps besides the model. */
export interface StreamState {
  seen: IdSet;
  counters: StreamCounters;
  prequential: Prequential;
  width?: number;
}
