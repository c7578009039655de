/**
 * The nearest-prototype score that training and prediction share, so they agree to the last bit.
 *
 * With prototypes M_c = S_c / T_c, ||M_c − x||² = ||S_c||²/T_c² − 2 (S_c·x)/T_c + ||x||². The last
 * term is the same for every class, so the argmin only needs `score_c = ||S_c||²/T_c² − 2 (S_c·x)/T_c`.
 * Both sums run in float64, sequentially in pixel order; zero pixels add exactly nothing, so a
 * sum over the non-zero pixels of x (MNIST: ~19% of them) equals the dense sum bit for bit.
 * S_c·x is exact for integer pixels (S holds integers and halves), so rounding enters only at the
 * final combination.
 */

/** Σ_j S[j·K + c]² over a pixel-major (`width × classes`) sum matrix, in pixel order. */
export function squaredNorm(pixelMajor: Float64Array, c: number, classes: number, width: number): number {
  let s = 0;
  for (let j = 0; j < width; j++) {
    const v = pixelMajor[j * classes + c];
    s += v * v;
  }
  return s;
}

/** The score of class c given its squared sum norm, its count and the dot product S_c·x. */
export function prototypeScore(norm: number, count: number, dot: number): number {
  return norm / (count * count) - (2 * dot) / count;
}

/** Transposes a `classes × width` block (at `offset`) into pixel-major `width × classes`. */
export function toPixelMajor(sums: Float64Array, offset: number, classes: number, width: number, out: Float64Array = new Float64Array(classes * width)): Float64Array {
  for (let c = 0; c < classes; c++) for (let j = 0; j < width; j++) out[j * classes + c] = sums[offset + c * width + j];
  return out;
}

/** The inverse of `toPixelMajor`: a new `classes × width` array. */
export function fromPixelMajor(pixelMajor: Float64Array, classes: number, width: number): Float64Array {
  const out = new Float64Array(classes * width);
  for (let c = 0; c < classes; c++) for (let j = 0; j < width; j++) out[c * width + j] = pixelMajor[j * classes + c];
  return out;
}
