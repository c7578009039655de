/**
 * The task a worker thread runs for data-parallel Dense AM training: the gradient of one part of
 * a minibatch, with the worker's own instance of the backend. The part's features arrive in a
 * SharedArrayBuffer that the model refills for every step, so only the memories travel.
 */
import type { Backend, BackendName } from '../../backends/backend.js';
import { createBackend } from '../../backends/index.js';
import { targets, type DenseAmPart } from '../denseAmMath.js';

/** One part of a minibatch. */
export interface DenseAmTask {
  backend: BackendName;
  /** The part's features, rows × width at the start of a shared buffer: float32, or bytes with `byteValues`. */
  x: SharedArrayBuffer;
  /** With byte features: the value each byte stands for (a fused normalize step). */
  byteValues?: Float32Array;
  width: number;
  labels: Int32Array;
  xi: Float32Array;
  classes: number;
  memories: number;
  power: number;
  temperature: number;
  lossPower: number;
  /** Only create the backend (see `PartWorker.warm`). */
  warm?: boolean;
}

let backend: Promise<Backend> | undefined;

/** Runs one part. */
export default async function run(task: DenseAmTask): Promise<DenseAmPart | undefined> {
  backend ??= createBackend(task.backend);
  const b = await backend;
  if (task.warm) return undefined;
  const rows = task.labels.length;
  const x = task.byteValues ? new Uint8Array(task.x, 0, rows * task.width) : new Float32Array(task.x, 0, rows * task.width);
  const args = { xi: task.xi, x, byteValues: task.byteValues, rows, width: task.width, classes: task.classes, memories: task.memories, power: task.power, temperature: task.temperature };
  return b.run('denseAmGradient', { ...args, targets: targets(task.labels, task.classes), lossPower: task.lossPower });
}
