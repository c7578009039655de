/**
 * Online learning from a stream: each batch is validated (bad samples go to the dead-letter file
 * with their id and reason), samples already learned are skipped (at-least-once sources and
 * replays after a crash), the pipeline's steps run, and the model learns test-then-train,
 * which gives the prequential accuracy. The state (model, ids learned, counters, accuracy window)
 * is checkpointed atomically every N batches and when the run is aborted; a resumed run skips
 * exactly the samples the checkpoint had learned.
 *
 * Invariant: received = trained + dead_lettered + duplicates_skipped + pending, where pending
 * counts samples still held by a buffering step (minibatch) when the stream stopped.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filter, lastValueFrom, map, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { labels, sampleIds } from '../../data/batch.js';
import { tensorOf, type Checkpoint } from '../../io/checkpoint.js';
import { saveCheckpoint } from '../../io/node/checkpointFile.js';
import type { Reporter } from '../../util/reporter.js';
import { DeadLetterSink } from './deadLetters.js';
import { DataError } from '../../util/errors.js';
import { IdSet } from '../idSet.js';
import { Prequential } from '../prequential.js';
import type { StreamCounters, StreamState } from '../state.js';
import { StreamIngest } from '../ingest.js';
import { PullGate } from '../pullGate.js';
import { round } from '../../util/round.js';
import type { Source } from './sources.js';

/** A model that can learn from a stream. */
export interface OnlineModel {
  readonly classes: number;
  /** Learns from the batch test-then-train; returns each row's prediction made before learning it. */
  learn(batch: RecordBatch): Int32Array | Promise<Int32Array>;
  checkpoint(): Checkpoint;
}

/** Options of `learnOnline`. */
export interface OnlineOptions {
  window: number;
  /** Write a checkpoint every this many learned batches (and at the end, and when aborted). */
  checkpointEvery: number;
  outDir: string;
  /** The pipeline's steps, applied to validated batches before learning. */
  steps: OperatorFunction<RecordBatch, RecordBatch>;
  reporter: Reporter;
  signal?: AbortSignal;
  resume?: StreamState;
  /** The feature width the pipeline's data declare: samples of another width are dead-lettered from the first batch on. */
  width?: number;
  /** Called after each learned batch (and its checkpoint), before the next is read: redraws the figures now and then. */
  afterBatch?: () => Promise<void>;
}

/** What the stream did. */
export interface OnlineReport {
  counters: StreamCounters;
  pending: number;
  prequential_accuracy: number;
  window_accuracy: number;
  seconds: number;
  samples_per_s: number;
  interrupted: boolean;
  files: { checkpoint: string; dead_letters: string; jsonl: string };
  /** The most common dead-letter reasons of this session (empty when none). */
  dead_letter_reasons: string;
}

/** The checkpoint file of an online run in `dir`. */
export const checkpointFile = (dir: string) => join(dir, 'checkpoint.arrow');

/** Learns from `source` until it ends or `signal` aborts. */
export async function learnOnline(source: Source, model: OnlineModel, opts: OnlineOptions): Promise<OnlineReport> {
  mkdirSync(opts.outDir, { recursive: true });
  const state: StreamState = opts.resume ?? {
    seen: new IdSet(),
    counters: { received: 0, trained: 0, dead_lettered: 0, duplicates_skipped: 0, batches: 0, sessions: 0 },
    prequential: new Prequential(opts.window),
  };
  if (opts.width !== undefined && state.width !== undefined && state.width !== opts.width) {
    throw new DataError(`the checkpoint being resumed learned ${state.width}-wide samples, but the pipeline's data are ${opts.width} wide; resume with the pipeline it was trained with`);
  }
  state.width ??= opts.width;
  const c = state.counters;
  c.sessions++;
  const files = {
    checkpoint: checkpointFile(opts.outDir),
    dead_letters: join(opts.outDir, c.sessions === 1 ? 'dead-letters.arrow' : `dead-letters.${c.sessions}.arrow`),
    jsonl: join(opts.outDir, 'stream.jsonl'),
  };
  if (c.sessions === 1) writeFileSync(files.jsonl, '');
  else
    appendFileSync(
      files.jsonl,
      `${JSON.stringify({ event: 'resume', session: c.sessions, received: c.received, trained: c.trained, dead_lettered: c.dead_lettered, time: new Date().toISOString() })}\n`,
    );
  const deadLetters = new DeadLetterSink(files.dead_letters);
  const ingest = new StreamIngest(state, model.classes, deadLetters);
  let sinceCheckpoint = 0;
  const started = performance.now();
  const trainedAtStart = c.trained;
  const bar = opts.reporter.start('stream', source.size ?? 0);
  const save = () => saveCheckpoint(files.checkpoint, streamCheckpoint(model.checkpoint(), state));

  const learn = async (batch: RecordBatch): Promise<void> => {
    const predicted = await model.learn(batch);
    state.prequential.update(predicted, labels(batch));
    ingest.learned(sampleIds(batch));
    const seconds = (performance.now() - started) / 1000;
    const line = {
      batch: c.batches,
      received: c.received,
      trained: c.trained,
      dead_lettered: c.dead_lettered,
      duplicates_skipped: c.duplicates_skipped,
      window_accuracy: round(state.prequential.windowAccuracy, 4),
      prequential_accuracy: round(state.prequential.accuracy, 4),
      samples_per_s: Math.round((c.trained - trainedAtStart) / Math.max(seconds, 1e-9)),
      rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
      t_s: round(seconds, 4),
    };
    appendFileSync(files.jsonl, `${JSON.stringify(line)}\n`);
    opts.reporter.record?.({ kind: 'stream', line });
    bar.update(c.trained, `window accuracy ${line.window_accuracy.toFixed(4)} · dead ${c.dead_lettered} · dup ${c.duplicates_skipped} · ${line.samples_per_s} samples/s`);
    if (++sinceCheckpoint >= opts.checkpointEvery) {
      save();
      sinceCheckpoint = 0;
    }
    await opts.afterBatch?.();
  };

  const gate = new PullGate();
  try {
    await lastValueFrom(
      gate.source(source.events).pipe(
        map((event) => ingest.accept(event)),
        filter((b): b is RecordBatch => b !== undefined),
        opts.steps,
        gate.consume(learn),
      ),
      { defaultValue: undefined },
    );
  } finally {
    await deadLetters.close();
  }
  if (c.trained > 0) save();
  const seconds = (performance.now() - started) / 1000;
  bar.done(`${c.trained} learned, ${c.dead_lettered} dead-lettered, ${c.duplicates_skipped} duplicates skipped, prequential accuracy ${state.prequential.accuracy.toFixed(4)}`);
  return {
    counters: { ...c },
    pending: ingest.pending,
    prequential_accuracy: state.prequential.accuracy,
    window_accuracy: state.prequential.windowAccuracy,
    seconds: round(seconds, 4),
    samples_per_s: Math.round((c.trained - trainedAtStart) / Math.max(seconds, 1e-9)),
    interrupted: Boolean(opts.signal?.aborted),
    files,
    dead_letter_reasons: deadLetters.reasons(),
  };
}

/** A model checkpoint with the stream state added (ids learned, counters, accuracy window). */
function streamCheckpoint(modelCheckpoint: Checkpoint, state: StreamState): Checkpoint {
  const seen = state.seen.toTensors();
  const preq = state.prequential.toTensors();
  return {
    ...modelCheckpoint,
    settings: { ...modelCheckpoint.settings, stream: { ...state.counters, window: state.prequential.window, width: state.width ?? null } },
    tensors: {
      ...modelCheckpoint.tensors,
      'stream.seen.blocks': { data: seen.blocks, shape: [seen.blocks.length] },
      'stream.seen.bits': { data: seen.bits, shape: [seen.bits.length] },
      'stream.window': { data: preq.ring, shape: [preq.ring.length] },
      'stream.counters': { data: preq.counters, shape: [preq.counters.length] },
    },
  };
}

/** The stream state stored by `streamCheckpoint`. */
export function readStreamState(ckpt: Checkpoint, path: string): StreamState {
  const meta = ckpt.settings.stream as (StreamCounters & { window: number; width: number | null }) | undefined;
  if (!meta) throw new Error(`'${path}' is a model checkpoint without stream state; --resume needs the checkpoint of an online run`);
  const get = (name: string) => {
    const t = ckpt.tensors[name];
    if (!t) throw new Error(`'${path}' lacks tensor '${name}'`);
    return tensorOf(ckpt, name, t.shape);
  };
  const { window, width, ...counters } = meta;
  return {
    seen: IdSet.fromTensors(get('stream.seen.blocks') as Int32Array, get('stream.seen.bits') as Int32Array),
    counters,
    prequential: Prequential.fromTensors(window, get('stream.window') as Int32Array, get('stream.counters') as Float64Array),
    width: width ?? undefined,
  };
}
