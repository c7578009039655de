/**
 * How the competing hidden units' minibatch steps run on a backend. On one thread a call runs all
 * its minibatches in the fused `competingSteps` kernel (the weights and their powers stay in the
 * kernel's memory for the call). With a worker thread, or on the GPU backends (the currents as a
 * matmul on the device), each minibatch runs `competingCurrents`, the ranking and
 * `competingUpdate` separately, a worker ranking the second half. Both give the same weights, bit
 * for bit. Also keeps sign(W)·|W|^(p−1), transposed, for the separate currents kernel.
 */
import type { Backend } from '../backends/backend.js';
import { UpdateScratch } from '../backends/competingHits.js';
import { writePowersT } from '../backends/competingPowers.js';
import { concatRanks, rankRows, type Ranks } from '../backends/competingRanks.js';
import type { KernelName } from '../backends/kernel.js';
import type { PartWorker } from '../parallel/node/partWorker.js';
import { sharedCopy } from '../parallel/sharedMemory.js';
import { DataError } from '../util/errors.js';
import { applyUpdate } from './competingRule.js';
import type { CompetingUnitsOptions } from './competingUnitsOptions.js';
import type { CompetingTask } from './node/competingTask.js';

/** About the rows of one fused `competingSteps` call in an epoch (whole minibatches). */
const FUSED_ROWS = 5000;

/** One call's minibatches: the weights they update (in place), the samples, the rate, and the epoch that errors name. */
export interface StepCall {
  w: Float32Array;
  x: Float32Array;
  rows: number;
  width: number;
  rate: number;
  epoch: number;
  workers: number;
}

/** Runs the steps of one model; holds its currents' weights and its worker thread. */
export class CompetingStepper {
  /** sign(W)·|W|^(p−1), transposed (width × hidden), for the separate currents kernel; recomputed on use after fused steps. */
  private wpT: Float32Array | undefined;
  private stale = false;
  private readonly scratch = new UpdateScratch();
  private workers: PartWorker<CompetingTask, Ranks> | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly options: () => CompetingUnitsOptions,
  ) {}

  /** The kernels a step runs with this many worker threads. */
  kernels(workers = 1): KernelName[] {
    return this.fused(workers) ? ['competingSteps'] : ['competingCurrents', 'competingUpdate'];
  }

  /** Rows per step call in an epoch: many minibatches for the fused kernel (the weights go into its memory once per call), else one. */
  rows(workers = 1): number {
    const B = this.options().batchSize;
    return this.fused(workers) ? B * Math.max(1, Math.floor(FUSED_ROWS / B)) : B;
  }

  /** New weights (or none): their powers are recomputed on next use. */
  reset(w: Float32Array | undefined): void {
    if (!w) this.wpT = undefined;
    else if (!this.wpT || this.wpT.length !== w.length) this.wpT = new Float32Array(w.length);
    this.stale = true;
  }

  /** Starts the worker thread when steps will use one, and waits until it has loaded its kernels. */
  async prepare(workers: number, w: Float32Array, width: number): Promise<void> {
    if (workers > 1 && this.backend.threadable) await (await this.startWorkers(w, width)).warm({ kernels: this.backend.workerKernels });
  }

  /** One update per minibatch of `batchSize` rows of the call, in order. */
  async run(c: StepCall): Promise<void> {
    const o = this.options();
    try {
      if (this.fused(c.workers)) {
        this.stale = true;
        await this.backend.run('competingSteps', {
          w: c.w,
          hidden: o.outputs,
          width: c.width,
          x: c.x,
          rows: c.rows,
          batchSize: o.batchSize,
          p: o.p,
          k: o.k,
          delta: o.delta,
          rate: c.rate,
          precision: o.precision,
          weightDecay: o.weightDecay,
        });
        return;
      }
      const parallel = c.workers > 1 && this.backend.threadable;
      const D = c.width;
      for (let at = 0; at < c.rows; at += o.batchSize) {
        const n = Math.min(o.batchSize, c.rows - at);
        const xb = c.x.subarray(at * D, (at + n) * D);
        const ranks = parallel ? await this.rankParallel(c.w, xb, n, D) : rankRows(await this.currents(c.w, xb, n, D), n, o.outputs, o.k);
        const report = await applyUpdate(
          c.w,
          ranks,
          { x: xb, rows: n, width: D, delta: o.delta, rate: c.rate, precision: o.precision, weightDecay: o.weightDecay },
          (u) => this.backend.run('competingUpdate', u),
          this.scratch,
        );
        writePowersT(c.w, this.wpT!, D, o.p, o.weightDecay > 0 ? undefined : report.touched);
      }
    } catch (err) {
      if (err instanceof RangeError) throw new DataError(`competing-units, epoch ${c.epoch}: ${err.message}`);
      throw err;
    }
  }

  /** Hidden currents of `rows` samples with the separate kernel, rows × hidden. */
  currents(w: Float32Array, x: Float32Array, rows: number, width: number): Float32Array | Promise<Float32Array> {
    return this.backend.run('competingCurrents', { wT: this.powers(w, width), hidden: this.options().outputs, x, rows, width });
  }

  /** Stops the worker thread. */
  async release(): Promise<void> {
    await this.workers?.close();
    this.workers = undefined;
  }

  /** Whether a call runs as one `competingSteps` kernel: on one thread, unless the backend runs the currents on a device and the fused kernel on the host (the GPU backends). */
  private fused(workers: number): boolean {
    if (workers > 1 && this.backend.threadable) return false;
    return this.backend.gaps.competingSteps === undefined || this.backend.gaps.competingCurrents !== undefined;
  }

  /** The currents' weights, recomputed first when they are stale. */
  private powers(w: Float32Array, width: number): Float32Array {
    if (this.stale) {
      writePowersT(w, this.wpT!, width, this.options().p);
      this.stale = false;
    }
    return this.wpT!;
  }

  /** Ranks a minibatch while a worker ranks its second half (each sample's currents do not depend on the split). */
  private async rankParallel(w: Float32Array, xb: Float32Array, n: number, D: number): Promise<Ranks> {
    const { outputs: hidden, k } = this.options();
    const half = Math.ceil(n / 2);
    if (half === n) return rankRows(await this.currents(w, xb, n, D), n, hidden, k);
    const workers = this.workers ?? (await this.startWorkers(w, D));
    const remote = workers.run(xb.subarray(half * D, n * D), { kernels: this.backend.workerKernels, width: D, rows: n - half, wT: this.powers(w, D).buffer as SharedArrayBuffer, hidden, k });
    const local = rankRows(await this.currents(w, xb.subarray(0, half * D), half, D), half, hidden, k);
    return concatRanks(local, await remote);
  }

  private async startWorkers(w: Float32Array, width: number): Promise<PartWorker<CompetingTask, Ranks>> {
    const workers = (await import('./node/competingWorkers.js')).competingWorkers();
    this.workers = workers;
    this.wpT = sharedCopy(this.powers(w, width));
    return workers;
  }
}
