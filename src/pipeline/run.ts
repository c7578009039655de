/**
 * Runs a resolved pipeline: open the data, train the model on the `train` partition, run every
 * evaluation, then write `metrics.json`, the model checkpoint and plots to the output folder.
 *
 * @example
 * const spec = resolvePipeline(await loadPipelineFile('pipelines/sharded-mnist.ts'));
 * const result = await runPipeline(spec, { outDir: 'runs/sharded-mnist' });
 * console.log(result.metrics.evaluations.test.accuracy);
 */
import { collectBatch } from '../io/collect.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, map, take, tap, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { BackendName } from '../backends/backend.js';
import { createBackend } from '../backends/index.js';
import { features } from '../data/batch.js';
import { type Checkpoint } from '../io/checkpoint.js';
import { loadCheckpoint } from '../io/node/checkpointFile.js';
import { evaluate } from '../operators/evaluate.js';
import type { Classifier } from '../models/model.js';
import { defaultThreads } from '../parallel/node/workerPool.js';
import { DataError, UsageError } from '../util/errors.js';
import { round } from '../util/round.js';
import { openData } from './data.js';
import { sealMetrics, type EvaluationMetrics, type GateResult, type Metrics } from './metrics.js';
import { createPipelineModel } from './models.js';
import { type TrainOutcome } from './training.js';
import { silentReporter, type Reporter } from '../util/reporter.js';
import type { ResolvedPipeline } from './spec.js';
import type { StepContext } from './steps.js';
import { pipelineGraph } from './graph.js';
import type { ClusterTransport } from '../cluster/node/transport.js';
import { modelFromCluster } from './node/clusterModel.js';
import { noLearnableSamples, streamAsTrainingSet, streamMetrics, trainOnline } from './online.js';

/** Options of `runPipeline`. */
export interface RunOptions {
  backend?: BackendName | 'auto';
  /** Folder for metrics.json, the model and plots; nothing is written when absent. */
  outDir?: string;
  reporter?: Reporter;
  /** A stream source (`--source`): online pipelines learn from it, batch pipelines train on it. */
  source?: string;
  /** End a stream source that sends nothing for this many seconds (`--idle-timeout`). */
  idleTimeoutS?: number;
  /** Keep retrying a TCP source that refuses the connection for this many seconds (`--connect-timeout`, default 3). */
  connectTimeoutS?: number;
  /** The user changed the pipeline's settings: gates on results no longer produced are skipped. */
  settingsChanged?: boolean;
  /** Continue an online run from the checkpoint in `outDir` (`--resume`). */
  resume?: boolean;
  /** Stops an online run gracefully: checkpoint, then results without evaluations. */
  signal?: AbortSignal;
  /** `--from-cluster`: assemble the model from the shard states the workers stored, instead of training. */
  cluster?: ClusterTransport;
}

/** What a run produced. */
export interface RunResult {
  metrics: Metrics;
  gates: GateResult[];
  summary: [string, string][];
  files: string[];
}

/** Runs `spec` end to end. */
export async function runPipeline(spec: ResolvedPipeline, opts: RunOptions = {}): Promise<RunResult> {
  const reporter = opts.reporter ?? silentReporter;
  const started = performance.now();
  // tfjs loads only if the model's kernels need tensor ops (the sharded and Hopfield models run without it).
  const backend = await createBackend(opts.backend ?? 'auto', { engine: 'on-demand' });
  reporter.record?.({ kind: 'backend', name: backend.name });
  const timings: Record<string, number> = {};
  const lap = (phase: string, since: number) => (timings[`${phase}_s`] = round((performance.now() - since) / 1000));

  let t = performance.now();
  const partitions = openData(spec.data, spec.seed);
  lap('load', t);
  const model = createPipelineModel(spec.model, backend, spec.seed);
  const ctx: StepContext = { seed: spec.seed, backend, route: model.route && (() => model.route!()) };
  const workers = spec.train.workers === 'auto' ? defaultThreads() : spec.train.workers;

  t = performance.now();
  let shape: number[] | undefined;
  const noteShape = (b: RecordBatch) => (shape ??= features(b).shape);
  const graph = pipelineGraph(spec, ctx, model, partitions);
  const test = partitions.test;
  // The learning curve's test error: the training branch's steps on the test partition (a fused normalize step applied by the model).
  const fusedTrain = graph.train.fused;
  const testError = test
    ? async (m: Classifier) => {
        // A model that fuses the step scores its current state (the classifier `m`) through predictNormalized.
        const range = model.predictNormalized && fusedTrain?.range;
        const predictor: Classifier = range ? { classes: m.classes, predict: (b) => model.predictNormalized!(b, range) } : m;
        const e = await lastValueFrom(graph.open({ ...graph.train, steps: range ? fusedTrain.before : graph.train.steps, partition: test }).pipe(evaluate(predictor)));
        return 1 - e.accuracy;
      }
    : undefined;
  let outcome: TrainOutcome;
  let stream: Record<string, unknown> | undefined;
  let interrupted = false;
  let failure: string | undefined;
  if (opts.cluster) {
    ({ outcome, stream } = await modelFromCluster(spec, model, opts.cluster, () => collectBatch(graph.open(graph.train), model.kind)));
    if (test)
      shape = await lastValueFrom(
        test.open().pipe(
          take(1),
          map((b) => features(b).shape),
        ),
        { defaultValue: undefined },
      );
  } else if (spec.stream) {
    if (!opts.outDir) throw new UsageError('online pipelines need an output folder for their checkpoints (--out)');
    // The width the pipeline's data declare, from its test partition: a stream of other samples is dead-lettered, not learned.
    const width = test
      ? await lastValueFrom(
          test.open().pipe(
            take(1),
            map((b) => features(b).width),
          ),
          { defaultValue: undefined },
        )
      : undefined;
    // A stream may never end: the figures are redrawn every outputs.plotEvery seconds while it goes.
    const plotEvery = spec.outputs.plots && model.figures ? spec.outputs.plotEvery : undefined;
    const outDir = opts.outDir;
    let lastFigure = performance.now();
    const afterBatch =
      plotEvery === undefined
        ? undefined
        : async () => {
            if (!shape || performance.now() - lastFigure < plotEvery * 1000) return;
            for (const path of await model.figures!(outDir, [], shape)) reporter.record?.({ kind: 'figure', path });
            lastFigure = performance.now();
          };
    const online = await trainOnline(
      spec,
      model,
      graph,
      { source: opts.source, outDir, resume: opts.resume, signal: opts.signal, reporter, width, idleTimeoutS: opts.idleTimeoutS, connectTimeoutS: opts.connectTimeoutS, afterBatch },
      noteShape,
    );
    outcome = online.outcome;
    stream = streamMetrics(online.report, opts.source ?? spec.stream.source);
    interrupted = online.report.interrupted;
    if (online.report.counters.trained === 0 && !interrupted) failure = noLearnableSamples(online.report.counters, online.report.dead_letter_reasons);
  } else {
    let source = partitions.train.open();
    let finish: (() => Promise<Record<string, unknown>>) | undefined;
    if (opts.source) {
      if (!opts.outDir) throw new UsageError('--source needs an output folder for the dead-letter file (--out)');
      const fromStream = await streamAsTrainingSet(opts.source, model.classes, opts.outDir, opts);
      source = fromStream.batches;
      finish = fromStream.finish;
    }
    // With a fused normalize step the data are collected before it (bytes stay bytes) and the model's steps apply it.
    const fused = graph.train.fused;
    const trainStream = graph.open(fused ? { ...graph.train, steps: fused.before } : graph.train, source).pipe(tap(noteShape));
    if (opts.resume && !model.resumable)
      throw new UsageError(`${model.kind} keeps no training checkpoint (it retrains in seconds): --resume continues online runs and dense-am or competing-units training`);
    const resume = opts.resume ? resumeCheckpoint(opts.outDir, model.kind) : undefined;
    const plotEvery = spec.outputs.plots ? spec.outputs.plotEvery : undefined;
    try {
      outcome = await model.train(trainStream, { schedule: spec.train, workers, reporter, testError, outDir: opts.outDir, resume, plotEvery, normalize: fused?.range });
    } catch (err) {
      const counts = await finish?.();
      if (!counts || counts.used_for_training !== 0) throw err;
      failure = noLearnableSamples(counts as never, String(counts.dead_letter_reasons));
      outcome = { samples: 0, epochs: [], section: { mode: 'stream' }, summary: [], warnings: [], timings: {} };
      stream = counts;
    }
    stream ??= await finish?.();
    outcome.warnings.push(...((stream?.notes as string[] | undefined) ?? []));
    const dead = Number(stream?.dead_lettered ?? 0);
    if (dead > 0) outcome.warnings.push(`${dead} samples were dead-lettered (${String(stream!.dead_letter_reasons)}; see ${String(stream!.dead_letters_file)})`);
  }
  lap('train', t);
  Object.assign(timings, outcome.timings);

  const evaluations: Record<string, EvaluationMetrics> = {};
  t = performance.now();
  const learned = !failure && outcome.samples > 0;
  for (const ev of interrupted || !learned ? [] : graph.evaluations) {
    const { noise, normalize } = ev;
    const predictor: Classifier =
      noise && model.predictWithNoise
        ? { classes: model.classes, predict: (b) => model.predictWithNoise!(b, noise) }
        : normalize && model.predictNormalized
          ? { classes: model.classes, predict: (b) => model.predictNormalized!(b, normalize) }
          : model;
    evaluations[ev.name] = await scoreStream(graph.open(ev), predictor, ev.partition.size, `evaluate ${ev.name}`, reporter);
  }
  lap('evaluate', t);

  const files: string[] = [];
  if (opts.outDir) {
    mkdirSync(opts.outDir, { recursive: true });
    if (spec.outputs.model && learned) {
      const path = join(opts.outDir, 'model.arrow');
      model.save(path);
      files.push(path);
    }
    if (spec.outputs.plots && learned && model.figures && shape) {
      const figures = await model.figures(opts.outDir, outcome.epochs, shape);
      for (const path of figures) reporter.record?.({ kind: 'figure', path });
      files.push(...figures);
    }
  }
  timings.total_s = round((performance.now() - started) / 1000);

  const { metrics, gates, file } = sealMetrics(
    {
      pipeline: spec.name,
      backend: backend.name,
      seed: spec.seed,
      settings: spec,
      evaluations,
      timings,
      epochs: outcome.epochs,
      training: outcome.section,
      ...(stream ? { stream } : {}),
      warnings: outcome.warnings,
      ...(failure ? { error: failure } : {}),
    },
    spec.expect,
    opts.outDir,
    opts.settingsChanged,
  );
  if (file) files.unshift(file);
  if (failure) {
    for (const w of outcome.warnings) reporter.warn(w);
    throw new DataError(`${failure}${file ? `; metrics in ${file}` : ''}`);
  }
  return { metrics, gates, summary: outcome.summary, files };
}

/** The checkpoint a batch run continues from (`--resume`). */
function resumeCheckpoint(outDir: string | undefined, kind: string): Checkpoint {
  const path = outDir ? join(outDir, 'checkpoint.arrow') : '';
  if (!outDir || !existsSync(path)) throw new UsageError(`--resume: no checkpoint at '${path}'; resume with the folder of an earlier run`);
  return loadCheckpoint(path, kind);
}

async function scoreStream(stream: Observable<RecordBatch>, model: Classifier, size: number | undefined, phase: string, reporter: Reporter): Promise<EvaluationMetrics> {
  const started = performance.now();
  const bar = reporter.start(phase, size ?? 0);
  const result = await lastValueFrom(
    stream.pipe(
      evaluate(model),
      tap((e) => bar.update(e.n, `accuracy ${e.accuracy.toFixed(4)}`)),
    ),
    {
      defaultValue: undefined,
    },
  );
  if (!result) throw new UsageError(`${phase}: the partition has no samples`);
  const seconds = round((performance.now() - started) / 1000);
  bar.done(`accuracy ${result.accuracy.toFixed(4)} on ${result.n} samples in ${seconds} s`);
  reporter.record?.({ kind: 'evaluation', name: phase.replace(/^evaluate /, ''), accuracy: result.accuracy, n: result.n });
  return { accuracy: result.accuracy, n: result.n, correct: result.correct, seconds, confusion: result.confusion };
}
