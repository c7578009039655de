/**
 * One epoch of the sharded prototype memory's rule in TypeScript: the reference
 * `EpochEngine`, driven by `../prototypeTrainer.ts`.
 *
 * The rule, per sample in order: p = argmin_c ||M_c − x||² with M = S/T; on a miss (p ≠ y)
 * S_y += x, T_y += 1, S_p = max(S_p − x/2, 0). Epochs repeat until one has no miss.
 *
 * Two exact accelerations keep the result equal to the brute-force rule, visit for visit:
 * - Sparse scores: the argmin uses `prototypeScore` over the non-zero pixels of x only, with the
 *   sums stored pixel-major so the classes' dot products run side by side.
 * - Elkan's bounds (from k-means): each sample caches its distance to every prototype and each
 *   prototype its cumulative drift (the summed length of its moves). By the triangle inequality the
 *   current distance lies within ± (drift since caching) of the cached one, so a prototype whose
 *   lower bound exceeds the best upper bound cannot be the argmin and is not recomputed.
 *   Candidates are recomputed exactly and ties go to the first index. A relative margin of 1e-9
 *   covers the float64 rounding of the bounds (~1e-13 relative), so near-ties are always recomputed.
 * - Norms in place: with integer pixels (raw MNIST) every sum S_c is a multiple of ½ and ||S_c||²,
 *   S_c·x are exact float64 values while below 2^50, so a miss updates the two norms it changes
 *   from the touched pixels alone (||S_y + x||² = ||S_y||² + 2 S_y·x + ||x||²), with the same bits
 *   as recomputing them over all pixels; past that range, or for fractional inputs, they are
 *   recomputed in pixel order. The drift of M_y then comes from the same sums: ||x − M_y||/t1.
 */
import { EXACT_LIMIT, type EpochEngine, type PrototypeTrainingState } from '../prototypeTrainer.js';
import { prototypeScore, squaredNorm } from './prototypeScore.js';
import { sparseDots } from './sparse.js';

const MARGIN = 1e-9;
/** A relative bound on the rounding of a three-term float64 sum of squares and quotients. */
const ROUNDING = 8 * Number.EPSILON;

/** The TypeScript epoch engine: arrays on the JavaScript heap. */
export const cpuEpochEngine: EpochEngine = {
  allocate: (n, D, K, nnz, withPredictions, bytes) => ({
    n,
    D,
    K,
    rowStart: new Int32Array(n + 1),
    cols: new Int32Array(nnz),
    vals: new Float64Array(nnz),
    xNorm: new Float64Array(n),
    x: bytes ? new Uint8Array(n * D) : new Float32Array(n * D),
    labels: new Int32Array(n),
    S: new Float64Array(D * K),
    T: new Float64Array(K),
    norm: new Float64Array(K),
    version: new Int32Array(K),
    drift: new Float64Array(K),
    score: new Float64Array(n * K),
    dist: new Float64Array(n * K),
    seenVersion: new Int32Array(n * K),
    seenDrift: new Float64Array(n * K),
    exactSums: new Int32Array(1),
    pred: withPredictions ? new Int32Array(n) : undefined,
  }),
  runEpoch,
};

/**
 * How far M_y moves when x joins it, from sums already at hand: M_y' − M_y = (1/t1 − 1/t0)·S_y' +
 * x/t0, squared and expanded over ||S_y'||², S_y'·x and ||x||². The drift only bounds, so the
 * rounding of those pixel-order sums (up to D terms each) is added as slack, with |S_y'·x| bounded
 * by ||S_y'||·||x||.
 */
function moveFromSums(normNew: number, dotNew: number, xn: number, t0: number, t1: number, D: number): number {
  const r0 = 1 / t0;
  const dr = 1 / t1 - r0;
  const a = dr * dr * normNew;
  const b = 2 * dr * r0 * dotNew;
  const c = r0 * r0 * xn;
  const size = a + 2 * Math.abs(dr) * r0 * Math.sqrt(normNew * xn) + c;
  return Math.sqrt(Math.max(a + b + c + (2 * D + 16) * Number.EPSILON * size, 0));
}

function runEpoch(st: PrototypeTrainingState, recordPredictions: boolean): { misses: number; evaluations: number } {
  const { n, K, rowStart, cols, vals, xNorm, labels: y, S, T, norm, version, drift, score, dist, seenVersion, seenDrift } = st;
  const lower = new Float64Array(K);
  const stale = new Int32Array(K);
  const dots = new Float64Array(K);
  const exact = st.exactSums[0] === 1;
  let misses = 0;
  let evaluations = 0;
  for (let i = 0; i < n; i++) {
    const base = i * K;
    let bestUpper = Infinity;
    for (let c = 0; c < K; c++) {
      const k = base + c;
      const seen = seenVersion[k];
      if (seen === version[c]) {
        lower[c] = dist[k];
        if (dist[k] < bestUpper) bestUpper = dist[k];
      } else if (seen < 0) {
        lower[c] = -Infinity;
      } else {
        const slack = drift[c] - seenDrift[k];
        lower[c] = dist[k] - slack;
        if (dist[k] + slack < bestUpper) bestUpper = dist[k] + slack;
      }
    }
    const limit = bestUpper + MARGIN * (bestUpper + 1);

    let m = 0;
    for (let c = 0; c < K; c++) if (lower[c] <= limit && seenVersion[base + c] !== version[c]) stale[m++] = c;
    if (m > 0) {
      sparseDots(S, K, cols, vals, rowStart[i], rowStart[i + 1], stale, m, dots);
      for (let t = 0; t < m; t++) {
        const c = stale[t];
        const k = base + c;
        const s = prototypeScore(norm[c], T[c], dots[t]);
        score[k] = s;
        const d2 = s + xNorm[i];
        dist[k] = d2 > 0 ? Math.sqrt(d2) : 0;
        seenVersion[k] = version[c];
        seenDrift[k] = drift[c];
      }
      evaluations += m;
    }

    let p = 0;
    let best = Infinity;
    for (let c = 0; c < K; c++) {
      if (lower[c] > limit) continue;
      if (score[base + c] < best) {
        best = score[base + c];
        p = c;
      }
    }

    if (recordPredictions) st.pred![i] = p;
    const label = y[i];
    if (p !== label) {
      misses++;
      learnFromMiss(st, i, label, p, exact);
      version[label]++;
      version[p]++;
    }
  }
  return { misses, evaluations };
}

/**
 * The rule's update for a miss on sample i (label y predicted as p), with the moves' lengths added
 * to the drifts. With exact sums the norms are updated in place (the same bits as recomputing them)
 * and M_y's move is ||x − M_y||/t1 from the sums.
 */
function learnFromMiss(st: PrototypeTrainingState, i: number, y: number, p: number, exact: boolean): void {
  const { D, K, rowStart, cols, vals, xNorm, x, S, T, norm, drift } = st;
  const e0 = rowStart[i];
  const e1 = rowStart[i + 1];
  const xn = xNorm[i];
  // S_y += x, T_y += 1: every coordinate of M_y moves because T_y changes.
  const t0 = T[y];
  const t1 = t0 + 1;
  T[y] = t1;
  let dot = 0;
  for (let e = e0; e < e1; e++) {
    const o = cols[e] * K + y;
    dot += S[o] * vals[e];
    S[o] += vals[e];
  }
  let movedY: number;
  if (exact && t0 > 0 && norm[y] < EXACT_LIMIT / 4 && xn < EXACT_LIMIT / 4) {
    // ||S_y + x||² = ||S_y||² + 2 S_y·x + ||x||², and M_y moves by (x − M_y)/t1.
    const a = norm[y] / (t0 * t0);
    const b = (2 * dot) / t0;
    movedY = Math.sqrt(Math.max(xn + a - b + ROUNDING * (xn + a + b), 0)) / t1;
    norm[y] = norm[y] + 2 * dot + xn;
  } else {
    norm[y] = squaredNorm(S, y, K, D);
    if (t0 > 0) movedY = moveFromSums(norm[y], dot + xn, xn, t0, t1, D);
    else {
      let moved2 = 0;
      const xo = i * D;
      for (let j = 0; j < D; j++) {
        const now = S[j * K + y];
        const dm = now / t1 - (now - x[xo + j]) / t0;
        moved2 += dm * dm;
      }
      movedY = Math.sqrt(moved2);
    }
  }
  // S_p = max(S_p − x/2, 0): only the pixels where x is non-zero move.
  let movedP = 0;
  const tp = T[p];
  let normP = norm[p];
  for (let e = e0; e < e1; e++) {
    const o = cols[e] * K + p;
    const before = S[o];
    const after = Math.max(before - vals[e] / 2, 0);
    S[o] = after;
    const dm = (after - before) / tp;
    movedP += dm * dm;
    normP += after * after - before * before;
  }
  norm[p] = exact && norm[p] < EXACT_LIMIT ? normP : squaredNorm(S, p, K, D);
  // Round drifts up a little so accumulated rounding can only loosen the bounds.
  drift[y] += movedY * (1 + 1e-12);
  drift[p] += Math.sqrt(movedP) * (1 + 1e-12);
}
