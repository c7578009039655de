/** Host-side matrix layout helper shared by the backends' matmul wrappers. */

/** The transpose of a rows × cols row-major matrix, in cache-friendly blocks; into `out` when given (it must hold rows × cols values). */
export function transpose(m: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    for (let j0 = 0; j0 < cols; j0 += T) {
      const i1 = Math.min(rows, i0 + T);
      const j1 = Math.min(cols, j0 + T);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = m[i * cols + j];
    }
  }
  return out;
}

/** The transpose of a rows × cols row-major byte matrix with each byte replaced by `values[byte]`, into `out`. */
export function transposeBytes(m: Uint8Array, values: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    for (let j0 = 0; j0 < cols; j0 += T) {
      const i1 = Math.min(rows, i0 + T);
      const j1 = Math.min(cols, j0 + T);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = values[m[i * cols + j]];
    }
  }
  return out;
}

/** A batch's features as float32 values: `x` itself, or its bytes mapped through `byteValues`. */
export function floatFeatures(x: Float32Array | Uint8Array, byteValues: Float32Array | undefined): Float32Array {
  if (x instanceof Float32Array) return x;
  if (!byteValues) throw new TypeError('byte features need byteValues (the value of each byte)');
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = byteValues[x[k]];
  return out;
}

/**
 * A float32 buffer of `n` values reused from call to call (contents undefined): a fresh multi-MB
 * array per minibatch costs more than its transpose here (new memory pages are slow to fault in
 * on these virtual machines). Valid until the next call with the same `slot`.
 */
export function scratchFloat32(slot: Float32Array<ArrayBuffer>[], index: number, n: number): Float32Array<ArrayBuffer> {
  if (!slot[index] || slot[index].length < n) slot[index] = new Float32Array(n);
  return slot[index].subarray(0, n);
}
