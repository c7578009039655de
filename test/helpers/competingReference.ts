/**
 * Krotov & Hopfield's competing-units training step (the reference notebook's loop, as the
 * `plasticity` library's `Hopfield._weights_update` also computes it) transcribed into float64
 * JavaScript: dense currents, a full sort per sample, dense g·xᵀ — the reference for tests.
 */

/** One minibatch update of `w` (H × D, float64, in place). */
export function referenceStep(w: Float64Array, x: Float64Array, o: { H: number; D: number; B: number; p: number; k: number; delta: number; lr: number; prec: number }): void {
  const { H, D, B, p, k, delta, lr, prec } = o;
  const wp = w.map((v) => Math.sign(v) * Math.abs(v) ** (p - 1));
  const I = new Float64Array(H * B); // tot_input = wp · inputs
  for (let h = 0; h < H; h++)
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += wp[h * D + j] * x[b * D + j];
      I[h * B + b] = s;
    }
  const yl = new Float64Array(H * B);
  for (let b = 0; b < B; b++) {
    const order = Array.from({ length: H }, (_, h) => h).sort((a, c) => I[a * B + b] - I[c * B + b] || c - a); // ascending; ties: lower index last
    yl[order[H - 1] * B + b] = 1;
    yl[order[H - k] * B + b] = -delta;
  }
  const ds = new Float64Array(H * D);
  let nc = 0;
  for (let h = 0; h < H; h++) {
    let xx = 0;
    for (let b = 0; b < B; b++) xx += yl[h * B + b] * I[h * B + b];
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += yl[h * B + b] * x[b * D + j];
      const d = s - xx * w[h * D + j];
      ds[h * D + j] = d;
      nc = Math.max(nc, Math.abs(d));
    }
  }
  const scale = lr / Math.max(nc, prec);
  for (let i = 0; i < w.length; i++) w[i] += scale * ds[i];
}
