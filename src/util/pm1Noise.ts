/**
 * The ±1 noise of `addNoise({ kind: 'pm1' })`: each sample's signs come from a stream keyed by
 * (seed, sample id), one 32-bit draw per 32 values with bit j giving the sign of value j, so the
 * noise does not depend on batching. Shared by the operator and by models that predict on noisy
 * samples without materialising them (the same values, computed the same way).
 */
import { Rng } from './random.js';

/** Writes values + (±1) for `rows` rows of `width` into `out`. */
export function pm1Into(values: Uint8Array | Float32Array, out: Float32Array, rows: number, width: number, ids: ArrayLike<number>, seed: number): void {
  // One loop per input type: a loop reading a Uint8Array or a Float32Array through one variable runs several times slower.
  if (values instanceof Uint8Array) pm1Rows(values, out, rows, width, ids, seed);
  else pm1Rows(values, out, rows, width, ids, seed);
}

function pm1Rows<T extends Uint8Array | Float32Array>(values: T, out: Float32Array, rows: number, width: number, ids: ArrayLike<number>, seed: number): void {
  for (let i = 0; i < rows; i++) {
    const rng = Rng.derive(seed, ids[i]);
    const o = i * width;
    for (let j0 = 0; j0 < width; j0 += 32) {
      const bits = rng.uint32();
      const end = Math.min(width, j0 + 32);
      for (let j = j0; j < end; j++) out[o + j] = values[o + j] + (((bits >>> (j - j0)) & 1) << 1) - 1;
    }
  }
}
