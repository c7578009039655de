/** Host-side matrix layout helper shared by the backends' matmul wrappers. */

/** The transpose of a rows × cols row-major matrix, in cache-friendly blocks. */
export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
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
