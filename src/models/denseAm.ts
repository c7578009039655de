/**
 * `dense-am`: a Dense Associative Memory classifier (Krotov & Hopfield 2016, "Dense Associative
 * Memory for Pattern Recognition"). K memories span the pixel units and Nc label units; a class
 * scores c_α = tanh(β Σ_μ [F(ξ·V^α) − F(ξ·U)]) with F(x) = relu(x)^n, and the memories learn by
 * the max-normalised momentum update of the paper's eq. 13 on the loss Σ (c − t)^(2m). The
 * minibatch math runs on the backend (`denseAmActivations`, `denseAmGradient`: float32-stable,
 * no per-class tiling); the memories and the optimiser state (`denseAmUpdate.ts`) live on the
 * host, K × (width + Nc) floats. Its checkpoint format is `denseAmCheckpoint.ts`; the
 * worker-thread split of a minibatch is `node/denseAmWorkers.ts`.
 *
 * Inputs are features scaled to [-1, 1] (a `normalize` step), or raw features with the normalize
 * step fused in (`normalize` in `fit`, `learn` and `predict`: bytes stay bytes, the kernels map
 * each byte to the value the step would give it); labels in [0, classes).
 *
 * @example
 * const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 1 }), backend);
 * await model.fit(train$, { epochs: 30, batchSize: 1000, onEpoch: (e) => console.log(e.epoch, e.trainError) });
 */
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../backends/backend.js';
import type { Checkpoint } from '../io/checkpoint.js';
import type { StepOptions } from '../operators/trainStep.js';
import { DataError, UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { denseAmCheckpoint, readDenseAmCheckpoint, DENSE_AM_KIND } from './denseAmCheckpoint.js';
import { argmaxColumns, checkActivations, combineParts, partPredictions, splitRows, targets, type DenseAmPart } from './denseAmMath.js';
import { checkDenseAmSettings, learningRateAt, temperatureAt, type DenseAmSettings } from './denseAmSettings.js';
import { momentumUpdate, type Momentum } from './denseAmUpdate.js';
import { completeLabels, type CompletedLabels } from './denseRecall.js';
import { trainEpochs, trainingBatch, type TrainingData } from './epochTrainer.js';
import { checkedInputs, checkFused, fusedInputs, type FusedInputs } from './inputs.js';
import type { Model } from './model.js';
import type { DenseAmWorker } from './node/denseAmWorkers.js';

export { defaultDenseAmSettings, type DenseAmSettings } from './denseAmSettings.js';

/** What one training step did. */
export interface DenseAmStep {
  rows: number;
  /** Rows whose prediction, made before the step, was right. */
  correct: number;
  /** Each row's prediction before the step. */
  predictions: Int32Array;
}

/** One epoch of `fit`. */
export interface DenseAmEpoch {
  /** Epochs completed, this one included. */
  epoch: number;
  /** Share of the epoch's samples predicted wrong just before their step. */
  trainError: number;
}

/** Options of `fit`. */
export interface DenseAmFitOptions {
  epochs: number;
  batchSize: number;
  workers?: number;
  /** A normalize step fused into the steps: the data stay as given (bytes stay bytes) and each minibatch is mapped to this range as the kernels read it. */
  normalize?: [number, number];
  onEpoch?: (epoch: DenseAmEpoch) => void | Promise<void>;
}

const PREDICT_ROWS = 2000;

/** The Dense Associative Memory classifier. */
export class DenseAmModel implements Model<DenseAmStep> {
  static readonly kind = DENSE_AM_KIND;
  readonly kind = DENSE_AM_KIND;
  readonly classes: number;
  /** Epochs completed (sets the learning rate and temperature of the next one). */
  epoch = 0;
  private xi: Float32Array | undefined;
  private state: Momentum | undefined;
  private widthState: number | undefined;
  private workers: DenseAmWorker | undefined;
  private directionScratch: Float32Array | undefined;

  constructor(
    readonly settings: DenseAmSettings,
    readonly backend: Backend,
  ) {
    checkDenseAmSettings(settings);
    this.classes = settings.classes;
  }

  /** Creates the memories for features of this width (done on first use; explicit for inspection and tests). */
  initialize(width: number): void {
    this.ensure(width);
  }

  /** Pixel width, once known. */
  get width(): number | undefined {
    return this.widthState;
  }

  /** Temperature in a given epoch (linear ramp, then constant). */
  temperatureAt(epoch: number): number {
    return temperatureAt(this.settings, epoch);
  }

  /** Learning rate in a given epoch: ε0·f^epoch. */
  learningRateAt(epoch: number): number {
    return learningRateAt(this.settings, epoch);
  }

  /** Trains for `epochs` more epochs, each over the data in its seeded order, in minibatches (see `trainEpochs`). */
  async fit(data: TrainingData, opts: DenseAmFitOptions): Promise<DenseAmEpoch[]> {
    const batch = await trainingBatch(data, 'dense-am');
    if (opts.normalize) checkFused(batch, 'dense-am fit', this.rules(true), opts.normalize);
    else this.inputs(batch, 'dense-am fit');
    return trainEpochs(this, batch, { ...opts, seed: this.settings.seed, validated: true });
  }

  /**
   * One minibatch update at the current epoch's learning rate and temperature (test-then-train:
   * the report holds the predictions made before it). With `opts.workers` > 1 the minibatch's
   * second half runs on a worker thread; the arithmetic is the same as on one. With
   * `opts.normalize` the batch's features are mapped to that range as the kernels read them.
   */
  async learn(batch: RecordBatch, opts: StepOptions = {}): Promise<DenseAmStep> {
    const { x, y, byteValues }: FusedInputs = opts.normalize
      ? fusedInputs(batch, 'dense-am learn', this.rules(true, opts.validated), opts.normalize)
      : this.inputs(batch, 'dense-am learn', true, opts.validated);
    const halves = splitRows(y.length);
    if (halves.length === 2 && (opts.workers ?? 1) > 1 && this.backend.threadable) return this.learnParallel(x, y, halves[1], byteValues);
    return report(y, await this.step(x, y, this.epoch, byteValues));
  }

  /** `learn` with the minibatch's second half on a worker thread. */
  private async learnParallel(x: Float32Array | Uint8Array, y: Int32Array, [from, to]: [number, number], byteValues?: Float32Array): Promise<DenseAmStep> {
    const epoch = this.epoch;
    const D = this.ensure(x.length / y.length);
    this.workers ??= (await import('./node/denseAmWorkers.js')).denseAmWorkers(this.backend.name);
    // The worker reads the memories where they are: in shared memory while it is used (they change only after both halves are done).
    if (!(this.xi!.buffer instanceof SharedArrayBuffer)) this.xi = sharedCopy(this.xi!);
    const { memories, power, lossPower } = this.settings;
    const half = {
      width: D,
      labels: y.subarray(from, to),
      xi: this.xi!,
      classes: this.classes,
      memories,
      power,
      lossPower,
      temperature: this.temperatureAt(epoch),
      byteValues,
    };
    const remote = this.workers.run(x.subarray(from * D, to * D), half);
    const local = await this.halfGradient(x, y, D, [0, from], epoch, byteValues);
    return report(y, this.update([local, await remote], y.length, epoch));
  }

  /** Starts the worker thread before training when steps will use one, and waits until it has loaded its kernels. */
  async prepare(opts: StepOptions): Promise<void> {
    if (!((opts.workers ?? 1) > 1 && this.backend.threadable)) return;
    this.workers ??= (await import('./node/denseAmWorkers.js')).denseAmWorkers(this.backend.name);
    await this.workers.warm();
  }

  /** Closes an epoch of `trainEpochs`. */
  endEpoch(steps: DenseAmStep[]): DenseAmEpoch {
    const rows = steps.reduce((n, s) => n + s.rows, 0);
    const correct = steps.reduce((n, s) => n + s.correct, 0);
    this.epoch++;
    return { epoch: this.epoch, trainError: 1 - correct / rows };
  }

  /** Stops the worker thread of parallel steps. */
  async release(): Promise<void> {
    await this.workers?.close();
    this.workers = undefined;
  }

  /**
   * One minibatch update at `epoch`'s learning rate and temperature, on this thread; returns
   * predictions made before it. `x` is float32 in [-1, 1], or bytes with `byteValues` (the value each byte stands for).
   */
  async step(x: Float32Array | Uint8Array, y: Int32Array, epoch: number, byteValues?: Float32Array): Promise<Int32Array> {
    const D = this.ensure(x.length / y.length);
    const parts: DenseAmPart[] = [];
    for (const half of splitRows(y.length)) parts.push(await this.halfGradient(x, y, D, half, epoch, byteValues));
    return this.update(parts, y.length, epoch);
  }

  private halfGradient(x: Float32Array | Uint8Array, y: Int32Array, D: number, [from, to]: [number, number], epoch: number, byteValues?: Float32Array): Promise<DenseAmPart> | DenseAmPart {
    return this.backend.run('denseAmGradient', {
      ...this.dims(x.subarray(from * D, to * D), to - from, D),
      byteValues,
      targets: targets(y.subarray(from, to), this.classes),
      lossPower: this.settings.lossPower,
      temperature: this.temperatureAt(epoch),
    });
  }

  /** Combines the parts' descent directions (exactly, through their float64 scales), updates, and returns the predictions. */
  private update(parts: DenseAmPart[], rows: number, epoch: number): Int32Array {
    // The direction lives until the update is applied: one buffer serves every step.
    if (this.directionScratch?.length !== parts[0].direction.length) this.directionScratch = new Float32Array(parts[0].direction.length);
    const { direction, logScale } = combineParts(parts, this.directionScratch);
    for (const p of parts) this.assertActivations(p.activations, `a step in epoch ${epoch + 1}`);
    assertFinite(direction, 'descent direction', epoch);
    if (Number.isNaN(logScale)) throw new Error(`dense-am: the descent direction's scale is NaN in epoch ${epoch + 1}; this is a bug, please report it`);
    const finite = momentumUpdate(this.xi!, this.state!, direction, logScale, {
      units: this.widthState! + this.classes,
      momentum: this.settings.momentum,
      rate: this.learningRateAt(epoch),
      precision: this.settings.precision,
    });
    if (!finite) assertFinite(this.xi!, 'memories', epoch);
    return partPredictions(parts, this.classes, rows);
  }

  /**
   * Class activations Σ_μ [F(ξ·V^α) − F(ξ·U)]/T^n, classes × rows (tanh is monotone: the argmax is
   * the prediction). `x` is float32 in [-1, 1], or bytes with `byteValues` (the value each byte stands for).
   */
  async activations(x: Float32Array | Uint8Array, rows: number, byteValues?: Float32Array): Promise<Float32Array> {
    const D = this.ensure(x.length / rows);
    const out = new Float32Array(rows * this.classes);
    for (let at = 0; at < rows; at += PREDICT_ROWS) {
      const n = Math.min(PREDICT_ROWS, rows - at);
      const a = await this.backend.run('denseAmActivations', { ...this.dims(x.subarray(at * D, (at + n) * D), n, D), byteValues, temperature: this.temperatureAt(this.epoch) });
      this.assertActivations(a, 'scoring');
      for (let c = 0; c < this.classes; c++) out.set(a.subarray(c * n, (c + 1) * n), c * rows + at);
    }
    return out;
  }

  /** Predicted class per row: the largest activation. With `opts.normalize` the features are mapped to that range as the kernel reads them (a fused normalize step). */
  async predict(batch: RecordBatch, opts: { normalize?: [number, number] } = {}): Promise<Int32Array> {
    const { x, rows, byteValues }: Omit<FusedInputs, 'y'> = opts.normalize ? fusedInputs(batch, 'dense-am predict', this.rules(false), opts.normalize) : this.inputs(batch, 'dense-am predict', false);
    return argmaxColumns(await this.activations(x, rows, byteValues), this.classes, rows);
  }

  /**
   * Pattern completion (the paper's eq. 4): pixels clamped, label units start at −1 and settle by
   * the asynchronous dense update. Returns the label states (rows × classes, ±1) and the class:
   * the single unit at +1, or −1 when none or several are.
   */
  async complete(batch: RecordBatch, maxSweeps = 10): Promise<CompletedLabels> {
    const { x, rows } = this.inputs(batch, 'dense-am complete', false);
    const width = this.ensure(x.length / rows);
    return completeLabels(await this.backend.activate(), this.xi!, x, rows, { width, classes: this.classes, memories: this.settings.memories, power: this.settings.power, maxSweeps });
  }

  /** The memories, row-major K × (width + classes). */
  memories(): Float32Array {
    if (!this.xi) throw new UsageError('dense-am: no memories before training or loading');
    return this.xi.slice();
  }

  /** Model and optimiser state as a checkpoint. */
  toCheckpoint(): Checkpoint {
    if (!this.xi || !this.state) throw new UsageError('dense-am: nothing to save before training');
    return denseAmCheckpoint({ settings: this.settings, width: this.widthState!, epoch: this.epoch, memories: this.xi, velocity: this.state.velocity, logScale: this.state.logScale });
  }

  /** Rebuilds a model (and its optimiser state) from `toCheckpoint`'s output. */
  static fromCheckpoint(ckpt: Checkpoint, backend: Backend, source = 'checkpoint'): DenseAmModel {
    const s = readDenseAmCheckpoint(ckpt, source);
    const model = new DenseAmModel(s.settings, backend);
    model.widthState = s.width;
    model.epoch = s.epoch;
    model.xi = s.memories;
    model.state = { velocity: s.velocity, logScale: s.logScale };
    return model;
  }

  /** Class activations are Σ (overlap/T)^n: past float32's range when T is far below the overlaps. */
  private assertActivations(a: Float32Array, during: string): void {
    checkActivations(a, { during, temperature: this.temperatureAt(this.epoch), power: this.settings.power, units: (this.widthState ?? 0) + this.classes });
  }

  private dims(x: Float32Array | Uint8Array, rows: number, width: number) {
    const { memories, power } = this.settings;
    return { xi: this.xi!, x, rows, width, classes: this.classes, memories, power };
  }

  /** Creates the memories (seeded Normal(mean, std)) for this width on first use. */
  private ensure(width: number): number {
    if (this.widthState === undefined) {
      const { memories: K, init, seed } = this.settings;
      const units = width + this.classes;
      const rng = Rng.derive(seed, 'dense-am init');
      const values = new Float32Array(K * units);
      for (let k = 0; k < values.length; k++) values[k] = init.mean + init.std * rng.normal();
      this.xi = values;
      this.state = { velocity: new Float32Array(K * units), logScale: -Infinity };
      this.widthState = width;
    } else if (width !== this.widthState) {
      throw new DataError(`dense-am: features have width ${width}, the model was built for width ${this.widthState}`);
    }
    return this.widthState;
  }

  /** Float32 features (scaled to [-1, 1], finite unless already checked) and labels of a batch. */
  private inputs(batch: RecordBatch, who: string, withLabels = true, checked = false) {
    return checkedInputs(batch, who, this.rules(withLabels, checked));
  }

  /** What the model checks on its inputs. */
  private rules(withLabels: boolean, checked = false) {
    return {
      range: [-1, 1] as [number, number],
      classes: withLabels ? this.classes : undefined,
      checked,
      fix: "the Dense AM expects [-1, 1]: add { op: 'normalize', range: [-1, 1] } to the pipeline's steps",
    };
  }
}

/** A step's report: its predictions made before the update, and how many were right. */
function report(y: Int32Array, predictions: Int32Array): DenseAmStep {
  let correct = 0;
  for (let i = 0; i < y.length; i++) if (predictions[i] === y[i]) correct++;
  return { rows: y.length, correct, predictions };
}

/** A copy of `values` in shared memory. */
function sharedCopy(values: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

/** Stops training when a step produced NaN or ±Inf (the float32 rescaling should make that impossible). */
function assertFinite(values: Float32Array, what: string, epoch: number): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k]))
      throw new Error(
        `dense-am: ${what}[${k}] = ${values[k]} after a step in epoch ${epoch + 1}; the float32 rescaling should prevent this: check the temperature against the feature scale, or report it with the settings`,
      );
  }
}
