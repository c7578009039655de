/**
 * The seeds' Dense AM training step (notebooks 001/002) transcribed into float64 JavaScript, with
 * the batch tiled Nc times, raw powers x^n and β = 1/T^n, as the reference for tests.
 */

/** One minibatch update, in place on `memories` and `velocity` (K × (N + Nc), row-major); returns the predicted classes. */
export function seedStep(
  memories: Float64Array,
  velocity: Float64Array,
  v: Float64Array,
  labels: Int32Array,
  o: { K: number; N: number; Nc: number; n: number; m: number; T: number; p: number; lr: number; prec: number },
): Int32Array {
  const { K, N, Nc, n, m, T, p, lr, prec } = o;
  const B = labels.length;
  const U = N + Nc;
  const cols = Nc * B;
  const beta = 1 / T ** n;
  // vv and uu columns: block α, sample b → [v_b; label units]
  const unit = (col: number, I: number, withV: boolean) => {
    const b = col % B;
    const alpha = Math.floor(col / B);
    if (I < N) return v[b * N + I];
    return withV && I - N === alpha ? 1 : -1;
  };
  const KSvv = new Float64Array(K * cols);
  const KSuu = new Float64Array(K * cols);
  for (let mu = 0; mu < K; mu++) {
    for (let col = 0; col < cols; col++) {
      let sv = 0;
      let su = 0;
      for (let I = 0; I < U; I++) {
        sv += memories[mu * U + I] * unit(col, I, true);
        su += memories[mu * U + I] * unit(col, I, false);
      }
      KSvv[mu * cols + col] = Math.max(sv, 0);
      KSuu[mu * cols + col] = Math.max(su, 0);
    }
  }
  const Y = new Float64Array(cols);
  const G = new Float64Array(cols);
  for (let col = 0; col < cols; col++) {
    let s = 0;
    for (let mu = 0; mu < K; mu++) s += KSvv[mu * cols + col] ** n - KSuu[mu * cols + col] ** n;
    Y[col] = Math.tanh(beta * s);
    const t = labels[col % B] === Math.floor(col / B) ? 1 : -1;
    G[col] = (t - Y[col]) ** (2 * m - 1) * (1 - Y[col]) * (1 + Y[col]);
  }
  for (let mu = 0; mu < K; mu++) {
    let nc = 0;
    for (let I = 0; I < U; I++) {
      let d = 0;
      for (let col = 0; col < cols; col++) d += G[col] * (KSvv[mu * cols + col] ** (n - 1) * unit(col, I, true) - KSuu[mu * cols + col] ** (n - 1) * unit(col, I, false));
      velocity[mu * U + I] = p * velocity[mu * U + I] + d;
      nc = Math.max(nc, Math.abs(velocity[mu * U + I]));
    }
    if (nc < prec) nc = prec;
    for (let I = 0; I < U; I++) memories[mu * U + I] = Math.min(1, Math.max(-1, memories[mu * U + I] + (lr * velocity[mu * U + I]) / nc));
  }
  const predicted = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = -Infinity;
    for (let a = 0; a < Nc; a++) if (Y[a * B + b] > best) [best, predicted[b]] = [Y[a * B + b], a];
  }
  return predicted;
}
