/**
 * The task a worker thread runs for data-parallel Dense AM training: the gradient (or the
 * activations) of one part of a minibatch, with the worker's own instance of the backend. The
 * training set is read from a SharedArrayBuffer, so only row numbers and the memories travel.
 */
import type { Backend, BackendName } from '../../backends/backend.js';
import { createBackend } from '../../backends/index.js';

/** One part of a minibatch. */
export interface DenseAmTask {
  backend: BackendName;
  /** The whole training set, rows × width float32, shared. */
  x: SharedArrayBuffer;
  width: number;
  /** Row numbers of this part. */
  rows: Int32Array;
  /** Their labels (gradient) — absent for activations only. */
  labels?: Int32Array;
  xi: Float32Array;
  classes: number;
  memories: number;
  power: number;
  temperature: number;
  lossPower: number;
}

/** Activations (classes × rows) and, with labels, the descent direction and its scale. */
export interface DenseAmTaskResult {
  activations: Float32Array;
  direction?: Float32Array;
  logScale?: number;
}

let backend: Promise<Backend> | undefined;

/** Runs one part. */
export default async function run(task: DenseAmTask): Promise<DenseAmTaskResult> {
  backend ??= createBackend(task.backend);
  const b = await backend;
  const all = new Float32Array(task.x);
  const D = task.width;
  const x = new Float32Array(task.rows.length * D);
  task.rows.forEach((r, i) => x.set(all.subarray(r * D, (r + 1) * D), i * D));
  const args = { xi: task.xi, x, rows: task.rows.length, width: D, classes: task.classes, memories: task.memories, power: task.power, temperature: task.temperature };
  if (!task.labels) return { activations: b.run('denseAmActivations', args) };
  const targets = new Float32Array(task.classes * task.labels.length).fill(-1);
  task.labels.forEach((y, i) => (targets[y * task.labels!.length + i] = 1));
  return b.run('denseAmGradient', { ...args, targets, lossPower: task.lossPower });
}
