/**
 * The Dense AM's optimiser (eq. 13), on the host: V ← p·V + d (d = the descent direction);
 * ξ ← clip(ξ + ε·V / max(max_j |V_j|, prec), −1, 1) per memory (row).
 *
 * V is kept as exp(logScale) times a float32 `velocity`, and the direction arrives as exp(its
 * logScale) times a float32 direction (see `backends/denseAm.ts`). The common scale cancels in
 * the max-normalisation, so float32 only holds numbers of order one, and the scales — which can
 * exceed float64's range at large n — never leave the log domain.
 */

/** The optimiser state: V = exp(logScale) × velocity. */
export interface Momentum {
  velocity: Float32Array;
  logScale: number;
}

/** Applies one update to `xi` (K × units, in place) and `momentum` (in place). */
export function momentumUpdate(
  xi: Float32Array,
  momentum: Momentum,
  direction: Float32Array,
  directionLogScale: number,
  opts: { units: number; momentum: number; rate: number; precision: number },
): void {
  const carried = opts.momentum > 0 ? Math.log(opts.momentum) + momentum.logScale : -Infinity;
  const logScale = Math.max(carried, directionLogScale);
  if (logScale === -Infinity) return;
  const keep = Math.exp(carried - logScale);
  const add = Math.exp(directionLogScale - logScale);
  const v = momentum.velocity;
  for (let k = 0; k < v.length; k++) v[k] = v[k] * keep + direction[k] * add;
  momentum.logScale = logScale;
  // prec applies to max|V| = exp(logScale)·max|velocity|; in velocity units the floor is prec / exp(logScale).
  const floor = Math.exp(Math.log(opts.precision) - logScale);
  const U = opts.units;
  for (let row = 0; row < v.length / U; row++) {
    let max = 0;
    for (let j = 0; j < U; j++) max = Math.max(max, Math.abs(v[row * U + j]));
    const step = opts.rate / Math.max(max, floor);
    for (let j = 0; j < U; j++) {
      const o = row * U + j;
      xi[o] = Math.min(1, Math.max(-1, xi[o] + v[o] * step));
    }
  }
}
