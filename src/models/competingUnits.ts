/**
 * `competing-units`: unsupervised learning by competing hidden units (Krotov & Hopfield 2019;
 * SPEC 4.3, seed 003), as an estimator shaped like the `plasticity` library's `Hopfield`.
 *
 * H hidden units with weights W (H × D) learn from inputs in [0, 1]: per minibatch every sample
 * drives its most active unit toward itself (Hebbian) and pushes its k-th most active unit away
 * (anti-Hebbian, strength Δ); the max-normalised update drives each unit's weights to unit
 * Lebesgue p-norm. The currents run on the backend (the `competingCurrents` kernel: sparse over
 * the inputs' zeros on cpu and wasm, a matmul on the GPUs); ranking (`competingRanks.ts`) and the
 * sparse update (`competingRule.ts`) run on the host.
 *
 * @example
 * const model = new CompetingUnits({ outputs: 100, numEpochs: 200 }, backend);
 * await model.fit({ values: x, rows: 60000, cols: 784 });   // x in [0, 1]
 * const hidden = model.transform({ values: xTest, rows: 10000, cols: 784 });   // 10000 × 100 currents
 */
import type { Backend } from '../backends/backend.js';
import { tensorOf, type Checkpoint, checkCheckpoint } from '../io/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../io/node/checkpointFile.js';
import type { CompetingTask } from './node/competingTask.js';
import { createWorkerPool, type WorkerPool } from '../parallel/node/workerPool.js';
import { sharedCopy } from '../parallel/sharedMemory.js';
import { DataError, UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { applyUpdate, rowNorms, UpdateScratch, writePowersT } from './competingRule.js';
import { concatRanks, rankRows, type Ranks } from './competingRanks.js';
import { learningRateAt, resolveCompetingOptions, type CompetingUnitsInput, type CompetingUnitsOptions } from './competingUnitsOptions.js';

/** A dense float32 matrix, row-major (one sample per row). */
export interface Matrix {
  values: Float32Array;
  rows: number;
  cols: number;
}

/** One epoch of `fit`. */
export interface EpochRecord {
  epoch: number;
  /** Learning rate used in this epoch. */
  lr: number;
  /** max |W_after − W_before| over the epoch. */
  maxChange: number;
  /** Smallest and largest unit p-norm after the epoch (they converge to 1). */
  normMin: number;
  normMax: number;
  seconds: number;
}

const KIND = 'competing-units';
const FORMAT_VERSION = 1;
const TRANSFORM_ROWS = 2000;

/** The competing hidden units estimator. */
export class CompetingUnits {
  static readonly kind = KIND;
  /** Epochs completed by `fit` (sets the next epoch's learning rate). */
  epoch = 0;
  /** One record per epoch run. */
  history: EpochRecord[] = [];
  /** True when the last `fit` stopped early by the convergence test. */
  converged = false;
  private options: CompetingUnitsOptions;
  private w: Float32Array | undefined;
  /** sign(W)·|W|^(p−1), transposed (width × hidden): what the currents kernel reads. */
  private wpT: Float32Array | undefined;
  private widthState: number | undefined;
  private readonly scratch = new UpdateScratch();

  constructor(
    options: CompetingUnitsInput,
    readonly backend: Backend,
  ) {
    this.options = resolveCompetingOptions(options);
  }

  /** The options with every default filled in (a copy). */
  getParams(): CompetingUnitsOptions {
    return structuredClone(this.options);
  }

  /** Changes options (validated); fitted weights are kept unless `outputs` changes. */
  setParams(changes: CompetingUnitsInput): this {
    const next = resolveCompetingOptions({ ...this.options, ...changes, optimizer: { ...this.options.optimizer, ...changes.optimizer } });
    if (next.outputs !== this.options.outputs) this.reset();
    this.options = next;
    if (this.w) this.refreshPowers();
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
  async fit(X: Matrix, opts: { onEpoch?: (record: EpochRecord) => void | Promise<void> } = {}): Promise<this> {
    this.reset();
    return this.train(X, this.options.numEpochs, opts);
  }

  /** Continues training for `epochs` more epochs without re-initialising (e.g. after `load`). */
  async train(X: Matrix, epochs: number, opts: { onEpoch?: (record: EpochRecord) => void | Promise<void> } = {}): Promise<this> {
    const x = this.checkInput(X, 'fit');
    const o = this.options;
    if (o.batchSize > X.rows) throw new UsageError(`competing-units: batchSize ${o.batchSize} exceeds the ${X.rows} samples; use batchSize <= ${X.rows}`);
    this.ensure(X.cols);
    const D = X.cols;
    const batches = Math.floor(X.rows / o.batchSize);
    const pool = this.backend.threadable && o.workers > 1 ? createWorkerPool(1, new URL('./node/competingTask.ts', import.meta.url)) : undefined;
    const shared = pool ? sharedCopy(x).buffer : undefined;
    if (pool) this.wpT = sharedCopy(this.wpT!);
    // Weights at the end of recent epochs, starting with those this call starts from.
    const recent: Float32Array[] = o.epochsForConvergence === null ? [] : [this.w!.slice()];
    this.converged = false;
    try {
      for (let e = 0; e < epochs; e++) {
        const started = performance.now();
        const before = this.w!.slice();
        const order = Rng.derive(o.randomState, 'epoch', this.epoch).shuffle(Int32Array.from({ length: X.rows }, (_, i) => i));
        const lr = learningRateAt(o, this.epoch);
        for (let b = 0; b < batches; b++) {
          const idx = order.subarray(b * o.batchSize, (b + 1) * o.batchSize);
          const xb = new Float32Array(idx.length * D);
          idx.forEach((r, i) => xb.set(x.subarray(r * D, (r + 1) * D), i * D));
          const ranks = await this.rank(xb, idx, pool, shared);
          this.update(xb, ranks, lr);
        }
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
        if (o.verbose)
          process.stderr.write(
            `competing-units: epoch ${record.epoch}, lr ${lr.toPrecision(3)}, max change ${record.maxChange.toPrecision(3)}, norms ${record.normMin.toFixed(4)}–${record.normMax.toFixed(4)}, ${record.seconds.toFixed(2)} s\n`,
          );
        await opts.onEpoch?.(record);
        if (this.stable(recent)) {
          this.converged = true;
          if (o.verbose) process.stderr.write(`competing-units: converged after epoch ${this.epoch} (weights within ${o.convergenceAtol} over ${o.epochsForConvergence} epochs)\n`);
          break;
        }
      }
    } finally {
      await pool?.close();
    }
    return this;
  }

  /** One update per minibatch of `batchSize` rows of X at the current epoch's learning rate (streaming). */
  partialFit(X: Matrix): this {
    const x = this.checkInput(X, 'partialFit');
    this.ensure(X.cols);
    const lr = learningRateAt(this.options, this.epoch);
    for (let at = 0; at < X.rows; at += this.options.batchSize) {
      const n = Math.min(this.options.batchSize, X.rows - at);
      const xb = x.subarray(at * X.cols, (at + n) * X.cols);
      this.update(xb, this.rankLocal(xb, n), lr);
    }
    return this;
  }

  /** Hidden currents (sign(W)·|W|^(p−1))·x per sample: rows × outputs, a fresh array. */
  transform(X: Matrix): Matrix {
    const x = this.checkInput(X, 'transform');
    this.fitted('transform');
    if (X.cols !== this.widthState) throw new DataError(`competing-units transform: inputs have ${X.cols} columns, the model was fitted on ${this.widthState}`);
    const H = this.options.outputs;
    const out = new Float32Array(X.rows * H);
    for (let at = 0; at < X.rows; at += TRANSFORM_ROWS) {
      const n = Math.min(TRANSFORM_ROWS, X.rows - at);
      out.set(this.currents(x.subarray(at * X.cols, (at + n) * X.cols), n), at * H);
    }
    return { values: out, rows: X.rows, cols: H };
  }

  /** Fits, then returns the hidden currents of X. */
  async fitTransform(X: Matrix): Promise<Matrix> {
    await this.fit(X);
    return this.transform(X);
  }

  /** The most active hidden unit of each sample (the library's `predict` returns the currents: use `transform` for those). */
  predict(X: Matrix): Int32Array {
    const t = this.transform(X);
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

  /** Writes weights, options and history as an Arrow checkpoint file (bit-exact round trip). */
  save(path: string): void {
    saveCheckpoint(path, this.toCheckpoint());
  }

  /** Reads a model written by `save`. */
  static load(path: string, backend: Backend): CompetingUnits {
    return CompetingUnits.fromCheckpoint(loadCheckpoint(path, KIND), backend, path);
  }

  /** The model as a checkpoint. */
  toCheckpoint(): Checkpoint {
    const w = this.fitted('save');
    return {
      kind: KIND,
      version: FORMAT_VERSION,
      settings: { options: this.options, width: this.widthState, epoch: this.epoch, history: this.history, converged: this.converged },
      tensors: { weights: { data: w.slice(), shape: [this.options.outputs, this.widthState!] } },
    };
  }

  /** Rebuilds a model from `toCheckpoint`'s output. */
  static fromCheckpoint(ckpt: Checkpoint, backend: Backend, source = 'checkpoint'): CompetingUnits {
    checkCheckpoint(ckpt, KIND, FORMAT_VERSION, source);
    const s = ckpt.settings as { options: CompetingUnitsOptions; width: number; epoch: number; history: EpochRecord[]; converged: boolean };
    const model = new CompetingUnits(s.options, backend);
    model.widthState = s.width;
    model.w = (tensorOf(ckpt, 'weights', [s.options.outputs, s.width]) as Float32Array).slice();
    model.refreshPowers();
    model.epoch = s.epoch;
    model.history = s.history;
    model.converged = s.converged;
    return model;
  }

  private currents(x: Float32Array, rows: number): Float32Array {
    return this.backend.run('competingCurrents', { wT: this.wpT!, hidden: this.options.outputs, x, rows, width: this.widthState! });
  }

  /** Ranks a minibatch; with a pool, a worker ranks its second half meanwhile (each sample's currents do not depend on the split). */
  private async rank(xb: Float32Array, idx: Int32Array, pool: WorkerPool | undefined, shared: SharedArrayBuffer | undefined): Promise<Ranks> {
    const n = idx.length;
    const half = Math.ceil(n / 2);
    if (!pool || half === n) return this.rankLocal(xb, n);
    const { outputs: hidden, k } = this.options;
    const D = this.widthState!;
    const remote = pool.run<CompetingTask, Ranks>({ kernels: this.backend.workerKernels, x: shared!, width: D, rows: idx.slice(half), wT: this.wpT!.buffer as SharedArrayBuffer, hidden, k });
    const local = rankRows(this.currents(xb.subarray(0, half * D), half), half, hidden, k);
    return concatRanks(local, await remote);
  }

  private rankLocal(xb: Float32Array, n: number): Ranks {
    return rankRows(this.currents(xb, n), n, this.options.outputs, this.options.k);
  }

  private update(xb: Float32Array, ranks: Ranks, lr: number): void {
    const o = this.options;
    const D = this.widthState!;
    let report;
    try {
      report = applyUpdate(
        this.w!,
        ranks,
        { x: xb, rows: ranks.top.length, width: D, delta: o.delta, rate: lr, precision: o.precision, weightDecay: o.weightDecay },
        (args) => this.backend.run('competingUpdate', args),
        this.scratch,
      );
    } catch (err) {
      if (err instanceof RangeError) throw new DataError(`competing-units, epoch ${this.epoch + 1}: ${err.message}`);
      throw err;
    }
    writePowersT(this.w!, this.wpT!, D, o.p, o.weightDecay > 0 ? undefined : report.touched);
  }

  /** Converged when the weights stayed within atol of their current values over the last N epochs. */
  private stable(recent: Float32Array[]): boolean {
    const N = this.options.epochsForConvergence;
    if (N === null) return false;
    recent.push(this.w!.slice());
    if (recent.length > N + 1) recent.shift();
    if (recent.length < N + 1) return false;
    return recent.every((snap) => maxAbsDiff(snap, this.w!) <= this.options.convergenceAtol);
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
    this.refreshPowers();
  }

  /** Recomputes sign(W)·|W|^(p−1) (transposed) for every unit. */
  private refreshPowers(): void {
    if (!this.wpT || this.wpT.length !== this.w!.length) this.wpT = new Float32Array(this.w!.length);
    writePowersT(this.w!, this.wpT, this.widthState!, this.options.p);
  }

  private reset(): void {
    this.w = this.wpT = this.widthState = undefined;
    this.epoch = 0;
    this.history = [];
    this.converged = false;
  }

  private fitted(what: string): Float32Array {
    if (!this.w) throw new UsageError(`competing-units: ${what} needs a fitted model; call fit (or load) first`);
    return this.w;
  }

  /** Float32 inputs, checked for shape and finiteness. */
  private checkInput(X: Matrix, who: string): Float32Array {
    if (!(X.values instanceof Float32Array)) throw new DataError(`competing-units ${who}: values must be a Float32Array`);
    if (!(Number.isInteger(X.rows) && X.rows >= 1 && Number.isInteger(X.cols) && X.cols >= 1) || X.values.length !== X.rows * X.cols) {
      throw new DataError(`competing-units ${who}: ${X.values.length} values do not make ${X.rows} rows × ${X.cols} columns`);
    }
    for (let i = 0; i < X.values.length; i++) {
      if (!Number.isFinite(X.values[i]))
        throw new DataError(`competing-units ${who}: row ${Math.floor(i / X.cols)}, column ${i % X.cols} is ${X.values[i]}; inputs must be finite (scale them to [0, 1])`);
    }
    return X.values;
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m) m = d;
  }
  return m;
}
