/**
 * The worker thread of data-parallel Dense AM training: it computes the gradient of the second
 * half of each minibatch with its own instance of the backend. Steps arrive through shared memory
 * (the memories, the half's features and labels, the settings) and an `Atomics` counter, and the
 * results go back the same way: no message, no copy per step. `denseAmWorkers.ts` is the other side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendName } from '../../backends/backend.js';
import { createBackend } from '../../backends/index.js';
import { targets } from '../denseAmMath.js';
import { changed, CTRL, NUM, type DenseAmBuffers } from './denseAmShared.js';

const { backend: name, ctrl: ctrlBuffer, nums: numsBuffer } = workerData as { backend: BackendName; ctrl: SharedArrayBuffer; nums: SharedArrayBuffer };
const ctrl = new Int32Array(ctrlBuffer);
const nums = new Float64Array(numsBuffer);
let bufs: DenseAmBuffers | undefined;
parentPort!.on('message', (m: { buffers: DenseAmBuffers; id: number }) => {
  bufs = m.buffers;
  parentPort!.postMessage({ configured: m.id });
});
const backend = await createBackend(name);
parentPort!.postMessage({ ready: true });

let seen = 0;
for (;;) {
  await changed(ctrl, CTRL.step, seen);
  seen = Atomics.load(ctrl, CTRL.step);
  if (seen < 0) break;
  try {
    await step(bufs!);
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    Atomics.store(ctrl, CTRL.failed, 1);
  }
  Atomics.store(ctrl, CTRL.done, seen);
  Atomics.notify(ctrl, CTRL.done);
}
parentPort!.close();

/** One half-minibatch gradient, from and into the shared buffers. */
async function step(b: DenseAmBuffers): Promise<void> {
  const [rows, width, classes, memories] = [nums[NUM.rows], nums[NUM.width], nums[NUM.classes], nums[NUM.memories]];
  const bytes = nums[NUM.bytes] === 1;
  const x = bytes ? new Uint8Array(b.x, 0, rows * width) : new Float32Array(b.x, 0, rows * width);
  const xi = new Float32Array(b.xi);
  const labels = new Int32Array(b.labels, 0, rows);
  const args = { xi, x, byteValues: bytes ? new Float32Array(b.byteValues) : undefined, rows, width, classes, memories, power: nums[NUM.power], temperature: nums[NUM.temperature] };
  const r = await backend.run('denseAmGradient', { ...args, targets: targets(labels, classes), lossPower: nums[NUM.lossPower] });
  new Float32Array(b.direction).set(r.direction);
  new Float32Array(b.activations).set(r.activations);
  nums[NUM.logScale] = r.logScale;
}
