/**
 * Results as a run learns them, for live watchers (the dashboard): each is a piece of what
 * `metrics.json` will hold at the end, sent when it becomes known.
 */

/** One result of a running pipeline. */
export type LiveEvent =
  /** The run has its backend (`auto` resolved). */
  | { kind: 'backend'; name: string }
  /** A learning-curve row: `epoch`, `train_error`, `test_error` when scored, `seconds`. */
  | { kind: 'epoch'; row: Readonly<Record<string, number | undefined>> }
  /** A stream progress line (as in `stream.jsonl`): counters, prequential and window accuracy, samples/s, RSS. */
  | { kind: 'stream'; line: Readonly<Record<string, number>> }
  /** A sharded-lsh shard's training state. */
  | { kind: 'shard'; shard: number; epoch: number; misses: number; done: boolean }
  /** A finished evaluation. */
  | { kind: 'evaluation'; name: string; accuracy: number; n: number }
  /** A recall-lab capacity cell: model, patterns, exact_fraction, mean_hamming, ms_per_recall. */
  | { kind: 'cell'; row: Readonly<Record<string, number | string>> }
  /** A figure written (or redrawn) in the output folder: its path. */
  | { kind: 'figure'; path: string };
