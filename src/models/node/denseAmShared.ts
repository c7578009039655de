/** The shared-memory layout between the Dense AM model and its worker thread (`denseAmThread.ts`). */

/** Int32 slots of the control words: the step counter the model bumps, the one the worker has finished, and a failure flag. */
export const CTRL = { step: 0, done: 1, failed: 2, length: 4 } as const;

/** Float64 slots of a step's numbers (inputs, then the result's log scale). */
export const NUM = { rows: 0, width: 1, classes: 2, memories: 3, power: 4, lossPower: 5, temperature: 6, bytes: 7, logScale: 8, length: 9 } as const;

/** The shared buffers of a step, sent to the worker when they are (re)allocated. */
export interface DenseAmBuffers {
  /** The memories: the model's own array (it lives in shared memory while a worker is used). */
  xi: SharedArrayBuffer;
  /** The half's features: float32, or bytes with `byteValues`. */
  x: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  /** The value of each byte (256 float32). */
  byteValues: SharedArrayBuffer;
  /** Out: the descent direction, K × (width + classes) float32. */
  direction: SharedArrayBuffer;
  /** Out: the activations, classes × rows float32. */
  activations: SharedArrayBuffer;
}

/** `Atomics.waitAsync` (ES2024, Node 16+): resolves once `array[index]` is no longer `value`. */
export async function changed(array: Int32Array, index: number, value: number): Promise<void> {
  const wait = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync(array, index, value);
  if (wait.async) await wait.value;
}
