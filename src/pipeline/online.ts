/**
 * Pipelines fed by a stream: online learning (test-then-train, one pass) for pipelines with a
 * `stream` section, and, for batch pipelines given `--source`, the stream as their training set.
 * Both validate and de-duplicate what arrives and write the dead letters.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { filter, from, map, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { loadCheckpoint } from '../io/node/checkpointFile.js';
import { DeadLetterSink } from '../stream/node/deadLetters.js';
import { IdSet } from '../stream/idSet.js';
import { StreamIngest } from '../stream/ingest.js';
import { checkpointFile, learnOnline, readStreamState, type OnlineReport } from '../stream/node/onlineLearner.js';
import type { StreamState } from '../stream/state.js';
import { Prequential } from '../stream/prequential.js';
import { openSource } from '../stream/node/sources.js';
import { UsageError } from '../util/errors.js';
import type { PipelineModel, TrainOutcome } from './training.js';
import type { Reporter } from '../util/reporter.js';
import type { ResolvedPipeline } from './spec.js';
import type { PipelineGraph } from './graph.js';

/** Where a stream-fed run reads and writes. */
export interface StreamRunOptions {
  /** Source spec, overriding the pipeline's `stream.source`. */
  source?: string;
  outDir: string;
  /** Continue from the checkpoint in `outDir`. */
  resume?: boolean;
  signal?: AbortSignal;
  reporter: Reporter;
  /** The feature width the pipeline's data declare (checked on the stream's first batch). */
  width?: number;
  /** End the stream when it sends nothing for this many seconds. */
  idleTimeoutS?: number;
  /** Keep retrying a TCP source that refuses the connection for this many seconds (default 3). */
  connectTimeoutS?: number;
  /** Called after each learned batch (the runner redraws the figures every `outputs.plotEvery` seconds). */
  afterBatch?: () => Promise<void>;
}

/** Learns online from the pipeline's stream; returns the training outcome and the stream report. */
export async function trainOnline(
  spec: ResolvedPipeline,
  model: PipelineModel,
  graph: PipelineGraph,
  opts: StreamRunOptions,
  onBatch?: (batch: RecordBatch) => void,
): Promise<{ outcome: TrainOutcome; report: OnlineReport }> {
  const stream = spec.stream!;
  if (!model.online) throw new UsageError(`model '${model.kind}' cannot learn from a stream; remove the pipeline's stream section`);
  let resume: StreamState | undefined;
  if (opts.resume) {
    const path = checkpointFile(opts.outDir);
    if (!existsSync(path)) throw new UsageError(`--resume: no checkpoint at '${path}'; resume with the folder of an earlier online run`);
    const ckpt = loadCheckpoint(path, model.kind);
    model.online.restore(ckpt, path);
    resume = readStreamState(ckpt, path);
    opts.reporter.info(`resuming from ${path}: ${resume.counters.trained} samples learned so far`);
  }
  const source = await openSource(opts.source ?? stream.source, {
    batchSize: stream.batchSize,
    signal: opts.signal,
    idleTimeoutMs: seconds(opts.idleTimeoutS),
    connectTimeoutMs: seconds(opts.connectTimeoutS),
  });
  const report = await learnOnline(source, model.online, {
    window: stream.window,
    checkpointEvery: stream.checkpointEvery,
    outDir: opts.outDir,
    steps: (s) => graph.open(graph.train, s).pipe(map((b) => (onBatch?.(b), b))),
    reporter: opts.reporter,
    signal: opts.signal,
    resume,
    width: opts.width,
    afterBatch: opts.afterBatch,
  });
  const c = report.counters;
  const warnings: string[] = [];
  if (c.dead_lettered > 0) warnings.push(`${c.dead_lettered} samples were dead-lettered (${report.dead_letter_reasons}; see ${report.files.dead_letters})`);
  if (report.pending > 0) warnings.push(`${report.pending} samples were held by a buffering step when the stream stopped; they were not learned`);
  warnings.push(...(source.notes ?? []));
  if (report.interrupted) warnings.push(`interrupted: checkpoint written to ${report.files.checkpoint}; continue with --resume ${opts.outDir}`);
  return {
    report,
    outcome: {
      samples: c.trained,
      epochs: [],
      section: { mode: 'online', source: source.describe },
      summary: [
        ['source', source.describe],
        ['learned / received', `${c.trained} / ${c.received}`],
        ['dead-lettered, duplicates skipped', `${c.dead_lettered}, ${c.duplicates_skipped}`],
        ['prequential accuracy (window)', `${report.prequential_accuracy.toFixed(4)} (${report.window_accuracy.toFixed(4)})`],
        ['samples per second', report.samples_per_s.toLocaleString('en-US')],
      ],
      warnings,
      timings: { stream_s: report.seconds },
    },
  };
}

/** The `stream` section of `metrics.json` for an online run. */
export function streamMetrics(report: OnlineReport, source: string): Record<string, unknown> {
  return {
    source,
    ...report.counters,
    pending: report.pending,
    prequential_accuracy: report.prequential_accuracy,
    window_accuracy: report.window_accuracy,
    samples_per_s: report.samples_per_s,
    seconds: report.seconds,
    interrupted: report.interrupted,
    files: report.files,
  };
}

/** A finite stream as a batch pipeline's training set: validated, de-duplicated, dead letters written. */
export async function streamAsTrainingSet(
  sourceSpec: string,
  classes: number,
  outDir: string,
  timeouts: Pick<StreamRunOptions, 'idleTimeoutS' | 'connectTimeoutS'> = {},
): Promise<{ batches: Observable<RecordBatch>; finish(): Promise<Record<string, unknown>> }> {
  const source = await openSource(sourceSpec, { idleTimeoutMs: seconds(timeouts.idleTimeoutS), connectTimeoutMs: seconds(timeouts.connectTimeoutS) });
  const state: StreamState = { seen: new IdSet(), counters: { received: 0, trained: 0, dead_lettered: 0, duplicates_skipped: 0, batches: 0, sessions: 1 }, prequential: new Prequential(1) };
  const deadLetters = new DeadLetterSink(join(outDir, 'dead-letters.arrow'));
  const ingest = new StreamIngest(state, classes, deadLetters);
  return {
    batches: from(source.events).pipe(
      map((e) => ingest.accept(e)),
      filter((b): b is RecordBatch => b !== undefined),
      map((b) => {
        state.counters.trained += b.numRows;
        return b;
      }),
    ),
    async finish() {
      await deadLetters.close();
      const { trained, ...rest } = state.counters;
      return {
        source: source.describe,
        notes: source.notes ?? [],
        ...rest,
        used_for_training: trained,
        dead_letters_file: deadLetters.written > 0 ? deadLetters.path : null,
        dead_letter_reasons: deadLetters.reasons(),
      };
    },
  };
}

/** The error of a stream that gave nothing to learn: what arrived and why it was refused. */
export function noLearnableSamples(c: { received: number; dead_lettered: number; duplicates_skipped: number }, reasons: string): string {
  const dups = c.duplicates_skipped > 0 ? `, ${c.duplicates_skipped} duplicates skipped` : '';
  return `no learnable samples: ${c.received} received, ${c.dead_lettered} dead-lettered${reasons ? ` (${reasons})` : ''}${dups}`;
}

const seconds = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
