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

/** Applies one update to `xi` (K × units, in place) and `momentum` (in place); returns false when a memory became NaN. */
export function momentumUpdate(
  xi: Float32Array,
  momentum: Momentum,
  direction: Float32Array,
  directionLogScale: number,
  opts: { units: number; momentum: number; rate: number; precision: number },
): boolean {
  const carried = opts.momentum > 0 ? Math.log(opts.momentum) + momentum.logScale : -Infinity;
  const logScale = Math.max(carried, directionLogScale);
  if (logScale === -Infinity) return true;
  const keep = Math.exp(carried - logScale);
  const add = Math.exp(directionLogScale - logScale);
  const v = momentum.velocity;
  momentum.logScale = logScale;
  // prec applies to max|V| = exp(logScale)·max|velocity|; in velocity units the floor is prec / exp(logScale).
  const floor = Math.exp(Math.log(opts.precision) - logScale);
  const U = opts.units;
  let finite = true;
  // Row by row (a row stays in cache): the velocity and its max, then the memory.
  for (let start = 0; start < v.length; start += U) {
    const end = start + U;
    let max = 0;
    for (let o = start; o < end; o++) {
      v[o] = v[o] * keep + direction[o] * add;
      max = Math.max(max, Math.abs(v[o]));
    }
    const step = opts.rate / Math.max(max, floor);
    for (let o = start; o < end; o++) {
      const x = Math.min(1, Math.max(-1, xi[o] + v[o] * step));
      xi[o] = x;
      if (x !== x) finite = false;
    }
  }
  return finite;
}
