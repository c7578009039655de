/**
 * `dense-am`: a Dense Associative Memory classifier (Krotov & Hopfield 2016; SPEC 4.2, seeds 001
 * and 002). K memories span the 784 pixel units and Nc label units; a class scores
 * c_α = tanh(β Σ_μ [F(ξ·V^α) − F(ξ·U)]) with F(x) = relu(x)^n, and the memories learn by the
 * max-normalised momentum update of eq. 13 on the loss Σ (c − t)^(2m). The minibatch math runs on
 * the backend (`backends/denseAm.ts`: float32-stable, no per-class tiling); the memories and the
 * optimiser state (`denseAmUpdate.ts`) live on the host, K × (784 + Nc) floats.
 *
 * Inputs are features scaled to [-1, 1] (a `normalize` step); labels in [0, classes).
 *
 * @example
 * const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 1 }), backend);
 * await model.fit(data, { epochs: 30, batchSize: 1000, onEpoch: (e, err) => console.log(e, err) });
 */
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../backends/backend.js';
import { features, labels, sampleIds } from '../data/batch.js';
import { tensorOf, type Checkpoint, checkCheckpoint } from '../io/checkpoint.js';
import { DataError, UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import type { DenseAmTask, DenseAmTaskResult } from './node/denseAmTask.js';
import { createWorkerPool } from '../parallel/node/workerPool.js';
import { sharedCopy } from '../parallel/sharedMemory.js';
import { momentumUpdate, type Momentum } from './denseAmUpdate.js';
import { settleUnits } from './denseRecall.js';
import type { Classifier } from './model.js';

/** Hyper-parameters of the Dense AM classifier (defaults: the seeds' settings). */
export interface DenseAmSettings {
  classes: number;
  /** K, the number of memories. */
  memories: number;
  /** n, the power of the rectified polynomial F. */
  power: number;
  /** m, the loss power: Σ (c − t)^(2m). */
  lossPower: number;
  /** ε0, the learning rate at epoch 0; ε = ε0·f^epoch. */
  learningRate: number;
  /** f, the learning-rate decay per epoch. */
  decay: number;
  /** p, the momentum. */
  momentum: number;
  /** Temperature T (β = 1/T^n), ramped linearly from `start` to `end` over `rampEpochs`. */
  temperature: { start: number; end: number; rampEpochs: number };
  /** Memories start as Normal(mean, std). */
  init: { mean: number; std: number };
  /** Floor of the update's normaliser (prec). */
  precision: number;
  seed: number;
}

/** The seeds' settings for `classes` classes. */
export function defaultDenseAmSettings(overrides: Partial<DenseAmSettings> & { classes: number; seed: number }): DenseAmSettings {
  return {
    memories: 100,
    power: 20,
    lossPower: 30,
    learningRate: 0.04,
    decay: 0.998,
    momentum: 0.6,
    temperature: { start: 540, end: 540, rampEpochs: 200 },
    init: { mean: -0.3, std: 0.3 },
    precision: 1e-30,
    ...overrides,
  };
}

/** In-memory training data: features in [-1, 1] (rows × width) and labels. */
export interface DenseAmData {
  x: Float32Array;
  y: Int32Array;
}

const FORMAT_VERSION = 1;
const PREDICT_ROWS = 2000;

/** The Dense Associative Memory classifier. */
export class DenseAmModel implements Classifier {
  static readonly kind = 'dense-am';
  readonly classes: number;
  /** Epochs completed (sets the learning rate and temperature of the next one). */
  epoch = 0;
  private xi: Float32Array | undefined;
  private state: Momentum | undefined;
  private widthState: number | undefined;

  constructor(
    readonly settings: DenseAmSettings,
    readonly backend: Backend,
  ) {
    const s = settings;
    const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
    if (!int(s.classes, 2)) throw new UsageError(`dense-am: classes must be an integer >= 2, got ${s.classes}`);
    if (!int(s.memories, 1)) throw new UsageError(`dense-am: memories must be a positive integer, got ${s.memories}`);
    if (!int(s.power, 2)) throw new UsageError(`dense-am: power n must be an integer >= 2, got ${s.power}`);
    if (!int(s.lossPower, 1)) throw new UsageError(`dense-am: lossPower m must be a positive integer, got ${s.lossPower}`);
    if (!(s.temperature.start > 0 && s.temperature.end > 0)) throw new UsageError('dense-am: temperatures must be > 0');
    this.classes = s.classes;
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
    const { start, end, rampEpochs } = this.settings.temperature;
    return epoch <= rampEpochs && rampEpochs > 0 ? start + ((end - start) * epoch) / rampEpochs : end;
  }

  /** Learning rate in a given epoch: ε0·f^epoch. */
  learningRateAt(epoch: number): number {
    return this.settings.learningRate * this.settings.decay ** epoch;
  }

  /** One minibatch update at `epoch`'s learning rate and temperature; returns predictions made before it. */
  step(x: Float32Array, y: Int32Array, epoch: number): Int32Array {
    const D = this.ensure(x.length / y.length);
    return this.update(
      splitRows(y.length).map((half) => this.halfGradient(x, y, D, half, epoch)),
      y.length,
      epoch,
    );
  }

  private halfGradient(x: Float32Array, y: Int32Array, D: number, [from, to]: [number, number], epoch: number) {
    return this.backend.run('denseAmGradient', {
      ...this.dims(x.subarray(from * D, to * D), to - from, D),
      targets: targets(y.subarray(from, to), this.classes),
      lossPower: this.settings.lossPower,
      temperature: this.temperatureAt(epoch),
    });
  }

  /**
   * Trains for `epochs` more epochs over the data, shuffled per epoch (seeded), in minibatches;
   * with `workers` > 1 the two halves of each minibatch run on two threads (this one and a worker).
   */
  async fit(data: DenseAmData, opts: { epochs: number; batchSize: number; workers?: number; onEpoch?: (epoch: number, trainError: number) => void | Promise<void> }): Promise<void> {
    const rows = data.y.length;
    const D = this.ensure(data.x.length / rows);
    // Two threads: this one computes the first half of each minibatch while a worker computes the second.
    const pool = this.backend.threadable && (opts.workers ?? 1) > 1 ? createWorkerPool(1, new URL('./node/denseAmTask.ts', import.meta.url)) : undefined;
    const shared = pool ? sharedCopy(data.x).buffer : undefined;
    try {
      for (let e = 0; e < opts.epochs; e++) {
        const epoch = this.epoch;
        const order = Rng.derive(this.settings.seed, 'epoch', epoch).shuffle(Int32Array.from({ length: rows }, (_, i) => i));
        let correct = 0;
        for (let at = 0; at < rows; at += opts.batchSize) {
          const idx = order.subarray(at, Math.min(rows, at + opts.batchSize));
          const y = Int32Array.from(idx, (r) => data.y[r]);
          const x = new Float32Array(idx.length * D);
          idx.forEach((r, i) => x.set(data.x.subarray(r * D, (r + 1) * D), i * D));
          const halves = splitRows(idx.length);
          let predicted: Int32Array;
          if (pool && halves.length === 2) {
            const [from, to] = halves[1];
            const remote = pool.run<DenseAmTask, DenseAmTaskResult>({
              backend: this.backend.name,
              x: shared!,
              width: D,
              rows: idx.slice(from, to),
              labels: y.slice(from, to),
              xi: this.xi!,
              classes: this.classes,
              memories: this.settings.memories,
              power: this.settings.power,
              temperature: this.temperatureAt(epoch),
              lossPower: this.settings.lossPower,
            });
            const local = this.halfGradient(x, y, D, halves[0], epoch);
            predicted = this.update([local, (await remote) as typeof local], idx.length, epoch);
          } else {
            predicted = this.step(x, y, epoch);
          }
          for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) correct++;
        }
        this.epoch++;
        await opts.onEpoch?.(epoch + 1, 1 - correct / rows);
      }
    } finally {
      await pool?.close();
    }
  }

  /** Combines the parts' descent directions (exactly, through their float64 scales), updates, and returns the predictions. */
  private update(parts: { activations: Float32Array; direction: Float32Array; logScale: number }[], rows: number, epoch: number): Int32Array {
    const logScale = Math.max(...parts.map((p) => p.logScale));
    const direction = new Float32Array(parts[0].direction.length);
    if (logScale > -Infinity) {
      for (const p of parts) {
        const factor = Math.exp(p.logScale - logScale);
        const d = p.direction;
        for (let k = 0; k < direction.length; k++) direction[k] += factor * d[k];
      }
    }
    for (const p of parts) this.assertActivations(p.activations, `a step in epoch ${epoch + 1}`);
    assertFinite(direction, 'descent direction', epoch);
    if (Number.isNaN(logScale)) throw new Error(`dense-am: the descent direction's scale is NaN in epoch ${epoch + 1}; this is a bug, please report it`);
    momentumUpdate(this.xi!, this.state!, direction, logScale, {
      units: this.widthState! + this.classes,
      momentum: this.settings.momentum,
      rate: this.learningRateAt(epoch),
      precision: this.settings.precision,
    });
    assertFinite(this.xi!, 'memories', epoch);
    const predicted = new Int32Array(rows);
    let at = 0;
    for (const p of parts) {
      const n = p.activations.length / this.classes;
      predicted.set(argmaxColumns(p.activations, this.classes, n), at);
      at += n;
    }
    return predicted;
  }

  /** Online learning: one update per batch at the current epoch's settings (test-then-train). */
  learn(batch: RecordBatch): Int32Array {
    const { x, y } = this.inputs(batch, 'dense-am learn');
    return this.step(x, y, this.epoch);
  }

  /** Class activations Σ_μ [F(ξ·V^α) − F(ξ·U)]/T^n, classes × rows (tanh is monotone: the argmax is the prediction). */
  activations(x: Float32Array, rows: number): Float32Array {
    const D = this.ensure(x.length / rows);
    const out = new Float32Array(rows * this.classes);
    for (let at = 0; at < rows; at += PREDICT_ROWS) {
      const n = Math.min(PREDICT_ROWS, rows - at);
      const a = this.backend.run('denseAmActivations', { ...this.dims(x.subarray(at * D, (at + n) * D), n, D), temperature: this.temperatureAt(this.epoch) });
      this.assertActivations(a, 'scoring');
      for (let c = 0; c < this.classes; c++) out.set(a.subarray(c * n, (c + 1) * n), c * rows + at);
    }
    return out;
  }

  /** Predicted class per row: the largest activation. */
  predict(batch: RecordBatch): Int32Array {
    const { x, rows } = this.inputs(batch, 'dense-am predict', false);
    return argmaxColumns(this.activations(x, rows), this.classes, rows);
  }

  /**
   * Pattern completion (eq. 4): pixels clamped, label units start at −1 and settle by the
   * asynchronous dense update. Returns the label states (rows × classes, ±1) and the class: the
   * single unit at +1, or −1 when none or several are.
   */
  complete(batch: RecordBatch, maxSweeps = 10): { labels: Float32Array; predicted: Int32Array; sweeps: number } {
    const { x, rows } = this.inputs(batch, 'dense-am complete', false);
    const D = this.ensure(x.length / rows);
    const units = D + this.classes;
    const state = new Float32Array(rows * units).fill(-1);
    for (let r = 0; r < rows; r++) state.set(x.subarray(r * D, (r + 1) * D), r * units);
    const free = Array.from({ length: this.classes }, (_, c) => D + c);
    const xi = this.backend.tf.tensor2d(this.xi!, [this.settings.memories, units]);
    const settled = settleUnits(this.backend.tf, xi, state, rows, { free, power: this.settings.power, maxSweeps });
    xi.dispose();
    const lab = new Float32Array(rows * this.classes);
    const predicted = new Int32Array(rows).fill(-1);
    for (let r = 0; r < rows; r++) {
      let on = 0;
      for (let c = 0; c < this.classes; c++) {
        const v = settled.state[r * units + D + c];
        lab[r * this.classes + c] = v;
        if (v > 0) {
          on++;
          predicted[r] = c;
        }
      }
      if (on !== 1) predicted[r] = -1;
    }
    return { labels: lab, predicted, sweeps: settled.sweeps };
  }

  /** Class activations are Σ (overlap/T)^n: past float32's range when T is far below the overlaps. */
  private assertActivations(a: Float32Array, during: string): void {
    for (let k = 0; k < a.length; k++) {
      if (!Number.isFinite(a[k])) {
        const units = (this.widthState ?? 0) + this.classes;
        throw new DataError(
          `dense-am: class activations overflow float32 during ${during} (${a[k]}): (overlap/T)^n exceeds 3.4e38 at temperature ${this.temperatureAt(this.epoch)} and power ${this.settings.power}; raise model.temperature (overlaps reach ${units} here; the seeds use T = 540 for 794 units and n = 20)`,
        );
      }
    }
  }

  /** The memories, row-major K × (width + classes). */
  memories(): Float32Array {
    if (!this.xi) throw new UsageError('dense-am: no memories before training or loading');
    return this.xi.slice();
  }

  /** Model and optimiser state as a checkpoint. */
  toCheckpoint(): Checkpoint {
    if (!this.xi || !this.state) throw new UsageError('dense-am: nothing to save before training');
    const K = this.settings.memories;
    const units = this.widthState! + this.classes;
    return {
      kind: DenseAmModel.kind,
      version: FORMAT_VERSION,
      settings: { ...this.settings, width: this.widthState, epoch: this.epoch, momentumLogScale: this.state.logScale },
      tensors: {
        memories: { data: this.xi.slice(), shape: [K, units] },
        velocity: { data: this.state.velocity.slice(), shape: [K, units] },
      },
    };
  }

  /** Rebuilds a model (and its optimiser state) from `toCheckpoint`'s output. */
  static fromCheckpoint(ckpt: Checkpoint, backend: Backend, source = 'checkpoint'): DenseAmModel {
    checkCheckpoint(ckpt, DenseAmModel.kind, FORMAT_VERSION, source);
    const saved = ckpt.settings as unknown as DenseAmSettings & { width: number; epoch: number; momentumLogScale: number | null };
    const { width, epoch, momentumLogScale } = saved;
    // Only the model's own settings: a checkpoint may carry more (the pipeline adds the learning curve).
    const { classes, memories, power, lossPower, learningRate, decay, momentum, temperature, init, precision, seed } = saved;
    const settings: DenseAmSettings = { classes, memories, power, lossPower, learningRate, decay, momentum, temperature, init, precision, seed };
    const model = new DenseAmModel(settings, backend);
    const shape = [settings.memories, width + settings.classes];
    model.widthState = width;
    model.epoch = epoch;
    model.xi = (tensorOf(ckpt, 'memories', shape) as Float32Array).slice();
    // JSON has no -Infinity: null stands for 'no momentum yet'.
    model.state = { velocity: (tensorOf(ckpt, 'velocity', shape) as Float32Array).slice(), logScale: momentumLogScale ?? -Infinity };
    return model;
  }

  private dims(x: Float32Array, rows: number, width: number) {
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

  /** Float32 features (checked to be scaled to [-1, 1] and finite) and labels of a batch. */
  private inputs(batch: RecordBatch, who: string, withLabels = true): { x: Float32Array; y: Int32Array; rows: number } {
    const f = features(batch, who);
    if (f.range[0] !== -1 || f.range[1] !== 1) {
      throw new DataError(`${who}: features are in [${f.range.join(', ')}]; the Dense AM expects [-1, 1]: add { op: 'normalize', range: [-1, 1] } to the pipeline's steps`);
    }
    const x = f.values instanceof Float32Array ? f.values : Float32Array.from(f.values);
    const ids = sampleIds(batch);
    for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k])) throw new DataError(`sample id ${ids[Math.floor(k / f.width)]}: feature ${k % f.width} is ${x[k]}`);
    const y = withLabels ? labels(batch, who) : new Int32Array(0);
    for (let i = 0; i < y.length; i++) if (!(y[i] >= 0 && y[i] < this.classes)) throw new DataError(`sample id ${ids[i]}: label ${y[i]} is outside [0, ${this.classes})`);
    return { x, y, rows: f.rows };
  }
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

/**
 * Each minibatch is computed as two halves whose gradients are combined: on two threads or one,
 * the arithmetic is the same, so the model does not depend on the number of cores.
 */
function splitRows(rows: number): [number, number][] {
  const half = Math.ceil(rows / 2);
  return half < rows
    ? [
        [0, half],
        [half, rows],
      ]
    : [[0, rows]];
}

/** ±1 targets, classes × rows. */
function targets(y: Int32Array, classes: number): Float32Array {
  const t = new Float32Array(classes * y.length).fill(-1);
  for (let i = 0; i < y.length; i++) t[y[i] * y.length + i] = 1;
  return t;
}

/** Argmax over the class axis of a classes × rows array (first on ties). */
function argmaxColumns(a: Float32Array, classes: number, rows: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = a[c * rows + i];
      if (v > best) {
        best = v;
        out[i] = c;
      }
    }
  }
  return out;
}
