/**
 * The worker-thread split of Dense AM training: a worker thread computes the second half of each
 * minibatch's gradient while this thread computes the first. A step is handed over through shared
 * memory and an `Atomics` counter (`denseAmShared.ts`): the memories are read where the model
 * keeps them, the half's rows are copied once, and the direction comes back in place — no message
 * and no structured clone per step, which cost the worker 1–3 ms of every ~14 ms step.
 */
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../../backends/backend.js';
import { siblingModule, WORKER_BOOTSTRAP } from '../../parallel/node/workerPool.js';
import type { DenseAmPart } from '../denseAmMath.js';
import { changed, CTRL, NUM, type DenseAmBuffers } from './denseAmShared.js';

/** What a half-minibatch step needs besides its rows. */
export interface DenseAmHalf {
  width: number;
  labels: Int32Array;
  /** The memories, in shared memory. */
  xi: Float32Array;
  byteValues?: Float32Array;
  classes: number;
  memories: number;
  power: number;
  lossPower: number;
  temperature: number;
}

/** The room a step needs in the shared buffers (counts of elements). */
interface Need {
  xi: Float32Array;
  xBytes: number;
  rows: number;
  direction: number;
  activations: number;
}

/** The worker thread of a Dense AM model. */
export class DenseAmWorker {
  private readonly worker: Worker;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL.length * 4));
  private readonly nums = new Float64Array(new SharedArrayBuffer(NUM.length * 8));
  private readonly started: Promise<void>;
  private bufs: DenseAmBuffers | undefined;
  private configured = 0;
  private ready = false;
  private seq = 0;
  private errors: string[] = [];
  private failure: Error | undefined;

  constructor(backend: BackendName) {
    const entry = siblingModule('./denseAmThread', import.meta.url);
    this.worker = new Worker(WORKER_BOOTSTRAP, { workerData: { entry: entry.href, backend, ctrl: this.ctrl.buffer, nums: this.nums.buffer } });
    this.worker.on('message', (m: { error?: string }) => void (m.error !== undefined && this.errors.push(m.error)));
    const gone = (err: Error) => {
      this.failure ??= err;
      // Wake a step waiting for a worker that is gone.
      Atomics.store(this.ctrl, CTRL.failed, 1);
      Atomics.store(this.ctrl, CTRL.done, this.seq);
      Atomics.notify(this.ctrl, CTRL.done);
    };
    this.worker.on('error', gone);
    this.worker.on('exit', (code) => gone(new Error(`dense-am worker thread: it exited (code ${code})`)));
    this.started = this.message((m) => m.ready === true);
    this.started.catch(() => undefined); // reported by the step that awaits it
  }

  /** Waits until the worker has loaded its backend. */
  warm(): Promise<void> {
    return this.started;
  }

  /**
   * Computes a half's gradient on the worker; the returned direction is valid until the next call.
   * The step is handed over before this returns (the caller computes its own half meanwhile),
   * except on the first call or when the buffers must grow.
   */
  run(x: Float32Array | Uint8Array, half: DenseAmHalf): Promise<DenseAmPart> {
    if (this.failure) return Promise.reject(this.failure);
    const rows = half.labels.length;
    const U = half.width + half.classes;
    const need = { xi: half.xi, xBytes: x.byteLength, rows, direction: half.memories * U, activations: half.classes * rows };
    if (!this.ready || !this.fits(need)) return this.layout(need).then(() => this.run(x, half));
    const b = this.bufs!;
    new Uint8Array(b.x).set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    new Int32Array(b.labels).set(half.labels);
    if (half.byteValues) new Float32Array(b.byteValues).set(half.byteValues);
    const n = this.nums;
    [n[NUM.rows], n[NUM.width], n[NUM.classes], n[NUM.memories], n[NUM.power], n[NUM.lossPower], n[NUM.temperature], n[NUM.bytes]] = [
      rows,
      half.width,
      half.classes,
      half.memories,
      half.power,
      half.lossPower,
      half.temperature,
      half.byteValues ? 1 : 0,
    ];
    const prev = this.seq++;
    Atomics.store(this.ctrl, CTRL.step, this.seq);
    Atomics.notify(this.ctrl, CTRL.step);
    return this.result(prev, half, rows, U);
  }

  /** Waits for the step after `prev` and reads its result. */
  private async result(prev: number, half: DenseAmHalf, rows: number, U: number): Promise<DenseAmPart> {
    await changed(this.ctrl, CTRL.done, prev);
    if (Atomics.load(this.ctrl, CTRL.failed) === 1) throw await this.error();
    const b = this.bufs!;
    return {
      activations: new Float32Array(b.activations, 0, half.classes * rows).slice(),
      direction: new Float32Array(b.direction, 0, half.memories * U),
      logScale: this.nums[NUM.logScale],
    };
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    this.failure ??= new Error('dense-am worker thread: closed');
    Atomics.store(this.ctrl, CTRL.step, -1);
    Atomics.notify(this.ctrl, CTRL.step);
    await this.worker.terminate();
  }

  /** Whether the shared buffers hold a step of this size over these memories. */
  private fits(need: Need): boolean {
    const b = this.bufs;
    return (
      !!b &&
      b.xi === need.xi.buffer &&
      b.x.byteLength >= need.xBytes &&
      b.labels.byteLength >= need.rows * 4 &&
      b.direction.byteLength >= need.direction * 4 &&
      b.activations.byteLength >= need.activations * 4
    );
  }

  /** Waits for the worker's start, and (re)allocates the shared buffers when a step needs more room or the memories moved, handing them to the worker. */
  private async layout(need: Need): Promise<void> {
    await this.started;
    this.ready = true;
    if (this.fits(need)) return;
    const { xi } = need;
    if (!(xi.buffer instanceof SharedArrayBuffer) || xi.byteOffset !== 0) throw new Error('dense-am worker: the memories must be a whole SharedArrayBuffer');
    this.bufs = {
      xi: xi.buffer,
      x: new SharedArrayBuffer(need.xBytes),
      labels: new SharedArrayBuffer(need.rows * 4),
      byteValues: new SharedArrayBuffer(256 * 4),
      direction: new SharedArrayBuffer(need.direction * 4),
      activations: new SharedArrayBuffer(need.activations * 4),
    };
    const id = ++this.configured;
    const acked = this.message((m) => m.configured === id);
    this.worker.postMessage({ buffers: this.bufs, id });
    await acked;
  }

  /** The worker's error for a failed step. */
  private async error(): Promise<Error> {
    Atomics.store(this.ctrl, CTRL.failed, 0);
    if (this.failure) return this.failure;
    if (this.errors.length === 0) await this.message((m) => m.error !== undefined);
    return new Error(`dense-am worker thread: ${this.errors.shift() ?? 'failed'}`);
  }

  /** Resolves on the first message from the worker that `match` accepts (rejects if the worker fails first). */
  private message(match: (m: Record<string, unknown>) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (!match(m)) return;
        this.worker.off('message', onMessage);
        this.worker.off('error', reject);
        resolve();
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
    });
  }
}

/** A worker for the second half of each minibatch, running `backend`. */
export function denseAmWorkers(backend: BackendName): DenseAmWorker {
  return new DenseAmWorker(backend);
}
