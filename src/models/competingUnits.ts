/**
 * `competing-units`: unsupervised learning by competing hidden units (Krotov & Hopfield 2019,
 * "Unsupervised learning by competing hidden units"), as an estimator shaped like the
 * `plasticity` library's `Hopfield`.
 *
 * H hidden units with weights W (H × D) learn from inputs in [0, 1]: per minibatch every sample
 * drives its most active unit toward itself (Hebbian) and pushes its k-th most active unit away
 * (anti-Hebbian, strength Δ); the max-normalised update drives each unit's weights to unit
 * Lebesgue p-norm. The steps run on the backend (`competingStepper.ts`: the fused
 * `competingSteps` kernel on one thread, the currents sparse over the inputs' zeros; the separate
 * kernels per minibatch with a worker thread or on the GPUs). Training is `trainEpochs` over whole
 * minibatches; the checkpoint format is `competingCheckpoint.ts`, the worker split
 * `node/competingWorkers.ts`, the classifier with its read-out `competingClassifier.ts`.
 *
 * @example
 * const model = new CompetingUnits({ outputs: 100, epochs: 200 }, backend);
 * await model.fit({ values: x, rows: 60000, cols: 784 });   // x in [0, 1]; or a batch / a stream of batches
 * const hidden = model.transform({ values: xTest, rows: 10000, cols: 784 });   // 10000 × 100 currents
 */
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../backends/backend.js';
import type { KernelName } from '../backends/kernel.js';
import type { Checkpoint } from '../io/checkpoint.js';
import type { StepOptions } from '../operators/trainStep.js';
import { DataError, UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { competingCheckpoint, readCompetingCheckpoint, COMPETING_KIND, type EpochRecord } from './competingCheckpoint.js';
import { rowNorms } from './competingRule.js';
import { CompetingStepper } from './competingStepper.js';
import { learningRateAt, resolveCompetingOptions, withoutAliases, type CompetingUnitsInput, type CompetingUnitsOptions } from './competingUnitsOptions.js';
import { trainEpochs, trainingBatch, type TrainingData } from './epochTrainer.js';
import { ConvergenceWatch, logEpoch } from './competingEpochs.js';
import { checkedInputs } from './inputs.js';
import { checkMatrix, isMatrix, matrixBatch, maxAbsDiff, type Matrix } from './matrix.js';

export type { EpochRecord } from './competingCheckpoint.js';
export type { Matrix } from './matrix.js';

/** An epoch's summary: its record, and whether training stops (converged). */
type EpochEnd = EpochRecord & { stop: boolean };

const TRANSFORM_ROWS = 2000;
const RANGE_FIX = "the rule expects inputs in [0, 1]: add { op: 'normalize', range: [0, 1] } to the pipeline's steps";

/** The competing hidden units estimator. */
export class CompetingUnits {
  static readonly kind = COMPETING_KIND;
  /** Epochs completed (sets the next epoch's learning rate). */
  epoch = 0;
  /** One record per epoch run. */
  history: EpochRecord[] = [];
  /** True when the last `fit` stopped early by the convergence test. */
  converged = false;
  private options: CompetingUnitsOptions;
  private w: Float32Array | undefined;
  private widthState: number | undefined;
  private readonly stepper: CompetingStepper;
  /** The epoch under way in `train`: its learning rate, start time and starting weights. */
  private current: { lr: number; started: number; before: Float32Array } | undefined;
  private watch: ConvergenceWatch | undefined;

  constructor(
    options: CompetingUnitsInput,
    readonly backend: Backend,
  ) {
    this.options = resolveCompetingOptions(options);
    this.stepper = new CompetingStepper(backend, () => this.options);
  }

  /** The options with every default filled in (a copy). */
  getParams(): CompetingUnitsOptions {
    return structuredClone(this.options);
  }

  /** Changes options (validated); fitted weights are kept unless `outputs` changes. */
  setParams(changes: CompetingUnitsInput): this {
    const own = withoutAliases(changes);
    const next = resolveCompetingOptions({ ...this.options, ...own, optimizer: { ...this.options.optimizer, ...own.optimizer } });
    if (next.outputs !== this.options.outputs) this.reset();
    this.options = next;
    this.stepper.reset(this.w);
    return this;
  }

  /** Creates the seeded initial weights for inputs of this width (as the first fit or partialFit does), e.g. to inspect them. */
  initialize(width: number): this {
    this.reset();
    this.ensure(width);
    return this;
  }

  /** The weights, hidden × width (a copy). */
  get weights(): Float32Array {
    return this.fitted('weights').slice();
  }

  /** Input width, once fitted. */
  get width(): number | undefined {
    return this.widthState;
  }

  /** Each unit's Lebesgue p-norm. */
  norms(): Float64Array {
    return rowNorms(this.fitted('norms'), this.widthState!, this.options.p);
  }

  /** Learns the weights from scratch (new seeded weights), for up to numEpochs or until converged. */
  async fit(X: Matrix | TrainingData, opts: { onEpoch?: (record: EpochRecord) => void | Promise<void> } = {}): Promise<this> {
    this.reset();
    return this.train(X, this.options.numEpochs, opts);
  }

  /** Continues training for `epochs` more epochs without re-initialising (e.g. after `load`). */
  async train(X: Matrix | TrainingData, epochs: number, opts: { onEpoch?: (record: EpochRecord) => void | Promise<void> } = {}): Promise<this> {
    const data = isMatrix(X) ? matrixBatch(X, 'competing-units fit') : await trainingBatch(X, 'competing-units');
    const { width, rows } = checkedInputs(data, 'competing-units fit', { range: [0, 1], checked: isMatrix(X), fix: RANGE_FIX });
    const o = this.options;
    if (o.batchSize > rows) throw new UsageError(`competing-units: batchSize ${o.batchSize} exceeds the ${rows} samples; use batchSize <= ${rows}`);
    this.ensure(width);
    this.watch = o.epochsForConvergence === null ? undefined : new ConvergenceWatch(o.epochsForConvergence, o.convergenceAtol, this.w!);
    this.converged = false;
    await trainEpochs(this, data, {
      epochs,
      batchSize: o.batchSize,
      stepRows: this.stepper.rows(o.workers),
      seed: o.randomState,
      workers: o.workers,
      wholeBatches: true,
      validated: true,
      onEpoch: ({ stop: _stop, ...record }: EpochEnd) => opts.onEpoch?.(record),
    });
    return this;
  }

  /** The kernels a training step runs with this many worker threads: the fused steps, or the currents and the update per minibatch (with a worker, or where the currents run on a device). */
  stepKernels(workers = 1): KernelName[] {
    return this.stepper.kernels(workers);
  }

  /** Rows per step call in `fit` with this many worker threads (whole minibatches). */
  stepRows(workers = 1): number {
    return this.stepper.rows(workers);
  }

  /** Starts the worker thread before training when steps will use one, and waits until it has loaded its kernels. */
  async prepare(opts: StepOptions): Promise<void> {
    if (this.w) await this.stepper.prepare(opts.workers ?? 1, this.w, this.widthState!);
  }

  /** Starts an epoch of `trainEpochs`: its learning rate, and the weights to measure its change against. */
  beginEpoch(): void {
    this.current = { lr: learningRateAt(this.options, this.epoch), started: performance.now(), before: this.w!.slice() };
  }

  /**
   * One update per minibatch of `batchSize` rows of the batch, at the current epoch's learning
   * rate (streaming; a batch of exactly `batchSize` rows is one step). With `opts.workers` > 1 a
   * worker ranks each minibatch's second half.
   */
  async learn(batch: RecordBatch, opts: StepOptions = {}): Promise<{ rows: number }> {
    const { x, rows, width } = checkedInputs(batch, 'competing-units learn', { range: [0, 1], checked: opts.validated, fix: RANGE_FIX });
    this.ensure(width);
    const rate = this.current?.lr ?? learningRateAt(this.options, this.epoch);
    await this.stepper.run({ w: this.w!, x, rows, width, rate, epoch: this.epoch + 1, workers: opts.workers ?? 1 });
    return { rows };
  }

  /** One update per minibatch of `batchSize` rows of X at the current epoch's learning rate (the library's streaming call). */
  async partialFit(X: Matrix): Promise<this> {
    const x = checkMatrix(X, 'competing-units partialFit');
    this.ensure(X.cols);
    await this.stepper.run({ w: this.w!, x, rows: X.rows, width: X.cols, rate: learningRateAt(this.options, this.epoch), epoch: this.epoch + 1, workers: 1 });
    return this;
  }

  /** Ends an epoch of `trainEpochs`: records it, and stops when the weights have converged. */
  endEpoch(): EpochEnd {
    const { lr, started, before } = this.current!;
    this.current = undefined;
    this.epoch++;
    const norms = this.norms();
    const record: EpochRecord = {
      epoch: this.epoch,
      lr,
      maxChange: maxAbsDiff(before, this.w!),
      normMin: Math.min(...norms),
      normMax: Math.max(...norms),
      seconds: (performance.now() - started) / 1000,
    };
    this.history.push(record);
    this.converged = this.watch?.settled(this.w!) ?? false;
    if (this.options.verbose) logEpoch(record, this.converged, this.options);
    return { ...record, stop: this.converged };
  }

  /** Stops the worker thread of parallel steps. */
  async release(): Promise<void> {
    this.current = undefined;
    await this.stepper.release();
  }

  /** Hidden currents (sign(W)·|W|^(p−1))·x per sample: rows × outputs, a fresh array. */
  async transform(X: Matrix): Promise<Matrix> {
    const x = checkMatrix(X, 'competing-units transform');
    this.fitted('transform');
    if (X.cols !== this.widthState) throw new DataError(`competing-units transform: inputs have ${X.cols} columns, the model was fitted on ${this.widthState}`);
    const H = this.options.outputs;
    const out = new Float32Array(X.rows * H);
    for (let at = 0; at < X.rows; at += TRANSFORM_ROWS) {
      const n = Math.min(TRANSFORM_ROWS, X.rows - at);
      out.set(await this.stepper.currents(this.w!, x.subarray(at * X.cols, (at + n) * X.cols), n, X.cols), at * H);
    }
    return { values: out, rows: X.rows, cols: H };
  }

  /** Fits, then returns the hidden currents of X. */
  async fitTransform(X: Matrix): Promise<Matrix> {
    await this.fit(X);
    return this.transform(X);
  }

  /** The most active hidden unit of each sample (the library's `predict` returns the currents: use `transform` for those). */
  async predict(X: Matrix): Promise<Int32Array> {
    const t = await this.transform(X);
    const out = new Int32Array(t.rows);
    for (let r = 0; r < t.rows; r++) {
      let best = -Infinity;
      for (let h = 0; h < t.cols; h++) {
        const v = t.values[r * t.cols + h];
        if (v > best) {
          best = v;
          out[r] = h;
        }
      }
    }
    return out;
  }

  /** The model as a checkpoint. */
  toCheckpoint(): Checkpoint {
    const weights = this.fitted('save');
    return competingCheckpoint({ options: this.options, width: this.widthState!, epoch: this.epoch, history: this.history, converged: this.converged, weights });
  }

  /** Rebuilds a model from `toCheckpoint`'s output. */
  static fromCheckpoint(ckpt: Checkpoint, backend: Backend, source = 'checkpoint'): CompetingUnits {
    const s = readCompetingCheckpoint(ckpt, source);
    const model = new CompetingUnits(s.options, backend);
    model.widthState = s.width;
    model.w = s.weights;
    model.stepper.reset(model.w);
    model.epoch = s.epoch;
    model.history = s.history;
    model.converged = s.converged;
    return model;
  }

  private ensure(width: number): void {
    if (this.w) {
      if (width !== this.widthState) throw new DataError(`competing-units: inputs have ${width} columns, the model was fitted on ${this.widthState}`);
      return;
    }
    const { outputs: H, weightsInit: init, randomState } = this.options;
    const rng = Rng.derive(randomState, 'competing-units init');
    const w = new Float32Array(H * width);
    for (let i = 0; i < w.length; i++) w[i] = init.kind === 'normal' ? init.mean + init.std * rng.normal() : init.low + (init.high - init.low) * rng.float();
    this.w = w;
    this.widthState = width;
    this.stepper.reset(w);
  }

  private reset(): void {
    this.w = this.widthState = undefined;
    this.stepper.reset(undefined);
    this.epoch = 0;
    this.history = [];
    this.converged = false;
  }

  private fitted(what: string): Float32Array {
    if (!this.w) throw new UsageError(`competing-units: ${what} needs a fitted model; call fit (or load) first`);
    return this.w;
  }
}
