/**
 * `sharded-lsh`: a sharded nearest-prototype memory (after a sharded nearest-prototype notebook with LSH routing).
 *
 * An LSH router (random ±1 projections, sign bits, mod `shards`) sends each sample to one shard;
 * each shard holds one prototype per class, M = S/T, trained by the seed's miss-driven rule until
 * an epoch has no miss or the epoch cap. Shards are independent, so they train in parallel on
 * worker threads. Prediction routes a sample and returns its shard's nearest prototype.
 *
 * @example
 * const model = new ShardedLshModel({ bits: 8, shards: 50, classes: 10, seed: 1 }, cpuBackend);
 * const report = await model.fit(train$, { epochs: 100, workers: 2 });
 * const accuracy = (await lastValueFrom(test$.pipe(evaluate(model)))).accuracy;
 */
import { concatMap, lastValueFrom, type Observable, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../backends/backend.js';
import { allocLike, features, gatherRows, intColumn, labels, sampleIds, withFeatures, withIntColumn } from '../data/batch.js';
import type { Checkpoint } from '../io/checkpoint.js';
import { createLshRouter, routeRows, routerMetadata, type LshRouter } from '../operators/lshHash.js';
import { trainStep, type StepOptions } from '../operators/trainStep.js';
import { DataError, UsageError } from '../util/errors.js';
import { assertFinite, assertLabels } from './inputs.js';
import type { Model } from './model.js';
import { trainShards, type ShardReport } from './shardTraining.js';
import { readShardedLshCheckpoint, shardedLshCheckpoint, SHARDED_LSH_KIND, type ShardedLshSettings } from './shardedLshCheckpoint.js';
import { ShardCollector } from './shardCollector.js';

export type { ShardReport } from './shardTraining.js';

export type { ShardedLshSettings } from './shardedLshCheckpoint.js';

/** Options of `fit`. */
export interface ShardedLshFitOptions {
  /** Per-shard epoch cap (a shard stops at its first epoch without a miss). */
  epochs: number;
  /** Worker threads for the shards (1: train in this thread). */
  workers: number;
  /** Keep a copy of the model after these epochs (see `ShardedLshFitReport.snapshots`). */
  snapshotEpochs?: readonly number[];
  /** Called as shards train: epochs done and misses so far, per shard. */
  onProgress?: (progress: { shard: number; epoch: number; misses: number; done: boolean }) => void;
}

/** What one `learn` step or `flush` did. */
export interface ShardedLshStep {
  samples: number;
  /** A single-pass step: each row's prediction before learning it. */
  predictions?: Int32Array;
  /** `flush`: the training of every shard. */
  fit?: ShardedLshFitReport;
}

/** What `fit` did. */
export interface ShardedLshFitReport {
  samples: number;
  shards: ShardReport[];
  /** Misses per epoch summed over shards (a converged shard contributes 0 from then on). */
  epochMisses: number[];
  seconds: number;
  /** The model as it was after each requested epoch (up to the last epoch any shard ran). */
  snapshots: { epoch: number; model: ShardedLshModel }[];
}

/** The sharded nearest-prototype memory. */
export class ShardedLshModel implements Model<ShardedLshStep> {
  static readonly kind = SHARDED_LSH_KIND;
  readonly kind = SHARDED_LSH_KIND;
  readonly classes: number;
  private routerState: LshRouter | undefined;
  private gathered: { collector: ShardCollector; started: number } | undefined;
  private sums: Float64Array | undefined;
  private counts: Float64Array | undefined;

  constructor(
    readonly settings: ShardedLshSettings,
    readonly backend: Backend,
  ) {
    const { bits, shards, classes } = settings;
    if (!(Number.isInteger(classes) && classes >= 2)) throw new UsageError(`sharded-lsh: classes must be an integer >= 2, got ${classes}`);
    if (!(Number.isInteger(bits) && bits >= 1 && bits <= 31)) throw new UsageError(`sharded-lsh: bits must be in 1..31, got ${bits}`);
    if (!(Number.isInteger(shards) && shards >= 1 && shards <= 2 ** bits)) {
      throw new UsageError(`sharded-lsh: shards must be in 1..2^bits (${2 ** bits}), got ${shards}`);
    }
    this.classes = classes;
  }

  /** The router, once the feature width is known (after `fit` or `load`). */
  get router(): LshRouter | undefined {
    return this.routerState;
  }

  /** An operator that adds the `shard` column with this model's router (e.g. to route clean data before adding noise); batches it already routed pass through. */
  route(): OperatorFunction<RecordBatch, RecordBatch> {
    return concatMap(async (batch) => {
      const router = this.routerFor(batch);
      if (intColumn(batch, 'shard') && shardColumnRouter(batch) === router.fingerprint) return batch;
      return withIntColumn(batch, 'shard', await routeRows(batch, router, this.backend), routerMetadata(router));
    });
  }

  /**
   * Trains on every sample of `batches`: the graph `route → trainStep(this)`, which
   * gathers each shard's rows in stream order and then trains every shard until converged or capped.
   */
  async fit(batches: Observable<RecordBatch>, opts: ShardedLshFitOptions): Promise<ShardedLshFitReport> {
    if (!(Number.isInteger(opts.epochs) && opts.epochs >= 1)) throw new UsageError(`sharded-lsh fit: epochs must be a positive integer, got ${opts.epochs}`);
    const onProgress = opts.onProgress;
    const step: StepOptions = {
      epochs: opts.epochs,
      workers: opts.workers,
      snapshotEpochs: opts.snapshotEpochs,
      onProgress: onProgress && ((p) => onProgress({ shard: p.part, epoch: p.epoch, misses: p.misses, done: p.done })),
    };
    const last = await lastValueFrom(batches.pipe(this.route(), trainStep(this, step)), { defaultValue: undefined });
    if (!last?.fit) throw new DataError('sharded-lsh fit: the training stream had no samples');
    return last.fit;
  }

  /**
   * One training step. With `epochs` (batch training), the batch's rows are gathered by shard (a
   * routed batch, or one shard's rows from `routeByShard`), and `flush` trains each shard on all of
   * its rows. Without,
   * the batch is learnt at once in a single pass (see below).
   */
  async learn(batch: RecordBatch, opts?: StepOptions): Promise<ShardedLshStep> {
    if (opts?.epochs === undefined) return { samples: batch.numRows, predictions: await this.learnPass(batch) };
    const f = features(batch, 'sharded-lsh fit');
    const y = labels(batch, 'sharded-lsh fit');
    checkSamples(f.values, f.width, y, batch, this.classes);
    this.gathered ??= { collector: new ShardCollector(this.settings.shards), started: performance.now() };
    this.gathered.collector.add(f.values, f.width, y, await this.shardsOf(batch));
    return { samples: batch.numRows };
  }

  /** Trains every shard on the rows `learn` gathered, largest first, on `opts.workers` threads. */
  async flush(opts: StepOptions = {}): Promise<ShardedLshStep[]> {
    const gathered = this.gathered;
    this.gathered = undefined;
    const width = this.routerState?.width;
    if (!gathered || width === undefined || gathered.collector.samples === 0) return [];
    const { shards, classes } = this.settings;
    this.sums ??= new Float64Array(shards * classes * width);
    this.counts ??= new Float64Array(shards * classes).fill(1);
    const onProgress = opts.onProgress;
    const reports = await trainShards(gathered.collector.finish(width), this.sums, this.counts, {
      classes,
      width,
      backend: this.backend,
      maxEpochs: opts.epochs ?? 1,
      workers: opts.workers ?? 1,
      snapshotEpochs: opts.snapshotEpochs,
      onProgress: onProgress && ((p) => onProgress({ part: p.shard, epoch: p.epoch, misses: p.misses, done: p.done })),
    });
    const epochMisses = sumMisses(reports);
    const fit: ShardedLshFitReport = {
      samples: gathered.collector.samples,
      shards: reports,
      epochMisses,
      seconds: (performance.now() - gathered.started) / 1000,
      snapshots: (opts.snapshotEpochs ?? []).filter((e) => e <= epochMisses.length).map((epoch) => ({ epoch, model: this.snapshot(reports, epoch) })),
    };
    return [{ samples: fit.samples, fit }];
  }

  /**
   * Learns from one batch in a single pass, in row order, test-then-train: returns each row's
   * prediction made just before training on it. A stream of batches learnt this way gives the
   * same model as `fit` with one epoch over the same samples in the same order.
   */
  private async learnPass(batch: RecordBatch): Promise<Int32Array> {
    const f = features(batch, 'sharded-lsh learn');
    const y = labels(batch, 'sharded-lsh learn');
    checkSamples(f.values, f.width, y, batch, this.classes);
    const shard = await this.shardsOf(batch);
    const { shards, classes } = this.settings;
    const D = f.width;
    this.sums ??= new Float64Array(shards * classes * D);
    this.counts ??= new Float64Array(shards * classes).fill(1);
    const predictions = new Int32Array(f.rows);
    const rowsOf = new Map<number, number[]>();
    for (let i = 0; i < f.rows; i++) {
      let rows = rowsOf.get(shard[i]);
      if (!rows) rowsOf.set(shard[i], (rows = []));
      rows.push(i);
    }
    for (const [s, rows] of rowsOf) {
      const x = gatherRows(f.values, D, rows, allocLike(f.values, rows.length * D));
      const visitPredictions = new Int32Array(rows.length);
      await this.backend.run('trainPrototypes', {
        x,
        y: Int32Array.from(rows, (r) => y[r]),
        width: D,
        classes,
        sums: this.sums.subarray(s * classes * D, (s + 1) * classes * D),
        counts: this.counts.subarray(s * classes, (s + 1) * classes),
        maxEpochs: 1,
        visitPredictions,
      });
      rows.forEach((r, i) => (predictions[r] = visitPredictions[i]));
    }
    return predictions;
  }

  /** Predicted class per row: the nearest prototype of the row's shard. */
  async predict(batch: RecordBatch): Promise<Int32Array> {
    if (!this.sums || !this.counts) throw new UsageError('sharded-lsh: predict called before fit or load');
    const f = features(batch, 'sharded-lsh predict');
    assertFinite(f.values, f.width, batch, FINITE_FIX);
    return this.backend.run('nearestPrototypes', {
      x: f.values,
      rows: f.rows,
      width: f.width,
      groups: await this.shardsOf(batch),
      sums: this.sums,
      counts: this.counts,
      classes: this.classes,
    });
  }

  /**
   * Predicted class per row as if `addNoise({ kind: 'pm1', seed })` had run on the batch, with
   * the same result, without a noisy copy of each batch: rows are routed as given (the route step
   * saw clean samples) and the search kernel adds their noise itself.
   */
  async predictWithNoise(batch: RecordBatch, noise: { kind: 'pm1'; seed: number }): Promise<Int32Array> {
    if (!this.sums || !this.counts) throw new UsageError('sharded-lsh: predict called before fit or load');
    const f = features(batch, 'sharded-lsh predict');
    assertFinite(f.values, f.width, batch, FINITE_FIX);
    const ids = sampleIds(batch);
    if (intColumn(batch, 'shard') === undefined) {
      // Not routed yet: the noisy samples are routed, as predict on addNoise's output would.
      const x = await this.backend.run('pm1Noise', { x: f.values, rows: f.rows, width: f.width, ids, seed: noise.seed, out: new Float32Array(f.rows * f.width) });
      return this.predict(withFeatures(batch, x, { shape: f.shape, range: f.range, encoding: f.encoding }));
    }
    const groups = await this.shardsOf(batch);
    return this.backend.run('nearestPrototypes', { x: f.values, rows: f.rows, width: f.width, groups, sums: this.sums, counts: this.counts, classes: this.classes, noise: { ...noise, ids } });
  }

  /** The prototypes M = S/T as `shards × classes × width` (for plots and inspection). */
  prototypes(): Float64Array {
    if (!this.sums || !this.counts) throw new UsageError('sharded-lsh: no prototypes before fit or load');
    const width = this.routerState!.width;
    const out = new Float64Array(this.sums.length);
    for (let k = 0; k < out.length; k++) out[k] = this.sums[k] / this.counts[Math.floor(k / width)];
    return out;
  }

  /** The model as a checkpoint (router planes, sums, counts, settings). */
  toCheckpoint(): Checkpoint {
    if (!this.sums || !this.counts || !this.routerState) throw new UsageError('sharded-lsh: nothing to save before training');
    return shardedLshCheckpoint({ settings: this.settings, router: this.routerState, sums: this.sums, counts: this.counts });
  }

  /** Rebuilds a model from `toCheckpoint`'s output. */
  static fromCheckpoint(ckpt: Checkpoint, backend: Backend, source = 'checkpoint'): ShardedLshModel {
    const s = readShardedLshCheckpoint(ckpt, source);
    const model = new ShardedLshModel(s.settings, backend);
    model.routerState = s.router;
    model.sums = s.sums;
    model.counts = s.counts;
    return model;
  }

  /** This model as it was after `epoch`: shards without a snapshot there had converged earlier. */
  private snapshot(reports: ShardReport[], epoch: number): ShardedLshModel {
    const copy = new ShardedLshModel(this.settings, this.backend);
    copy.routerState = this.routerState;
    copy.sums = this.sums!.slice();
    copy.counts = this.counts!.slice();
    const block = this.classes * this.routerState!.width;
    for (const r of reports) {
      const snap = r.snapshots.find((s) => s.epoch === epoch);
      if (!snap) continue;
      copy.sums.set(snap.sums, r.shard * block);
      copy.counts.set(snap.counts, r.shard * this.classes);
    }
    return copy;
  }

  /** The router for this batch's width, drawn from the seed on first use. */
  private routerFor(batch: RecordBatch): LshRouter {
    const width = features(batch, 'sharded-lsh').width;
    if (!this.routerState) {
      const { bits, shards, seed } = this.settings;
      this.routerState = createLshRouter(width, bits, shards, seed);
    } else if (this.routerState.width !== width) {
      throw new DataError(`sharded-lsh: features have width ${width}, the model was built for width ${this.routerState.width}`);
    }
    return this.routerState;
  }

  /** Shard ids of a batch: its `shard` column if this model's router made it, else routed now. */
  private async shardsOf(batch: RecordBatch): Promise<Int32Array> {
    const router = this.routerFor(batch);
    const column = intColumn(batch, 'shard');
    if (!column) return routeRows(batch, router, this.backend);
    const by = shardColumnRouter(batch);
    if (by !== router.fingerprint) {
      throw new DataError(`sharded-lsh: the batch's 'shard' column was made by router '${by ?? 'unknown'}', not this model's '${router.fingerprint}'; route with model.route() or drop the column`);
    }
    return column;
  }
}

/** The router fingerprint recorded on a batch's `shard` column. */
function shardColumnRouter(batch: RecordBatch): string | undefined {
  return batch.schema.fields.find((f) => f.name === 'shard')?.metadata.get('router');
}

function sumMisses(reports: ShardReport[]): number[] {
  const epochs = Math.max(0, ...reports.map((r) => r.misses.length));
  const out = new Array<number>(epochs).fill(0);
  for (const r of reports) r.misses.forEach((m, e) => (out[e] += m));
  return out;
}

const FINITE_FIX = '; features must be finite';

function checkSamples(values: ArrayLike<number>, width: number, y: Int32Array, batch: RecordBatch, classes: number): void {
  assertLabels(y, classes, batch, '; set model.classes or filter the data');
  assertFinite(values, width, batch, FINITE_FIX);
}
