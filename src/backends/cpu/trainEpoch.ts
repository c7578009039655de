/**
 * One epoch of the sharded prototype memory's rule  in TypeScript: the reference
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
 */
import type { EpochEngine, PrototypeTrainingState } from '../prototypeTrainer.js';
import { prototypeScore, squaredNorm } from './prototypeScore.js';
import { sparseDots } from './sparse.js';

const MARGIN = 1e-9;

/** The TypeScript epoch engine: arrays on the JavaScript heap. */
export const cpuEpochEngine: EpochEngine = {
  allocate: (n, D, K, nnz, withPredictions) => ({
    n,
    D,
    K,
    rowStart: new Int32Array(n + 1),
    cols: new Int32Array(nnz),
    vals: new Float64Array(nnz),
    xNorm: new Float64Array(n),
    x: new Float32Array(n * D),
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
    pred: withPredictions ? new Int32Array(n) : undefined,
  }),
  runEpoch,
};

function runEpoch(st: PrototypeTrainingState, recordPredictions: boolean): { misses: number; evaluations: number } {
  const { n, D, K, rowStart, cols, vals, xNorm, x, labels: y, S, T, norm, version, drift, score, dist, seenVersion, seenDrift } = st;
  const lower = new Float64Array(K);
  const stale = new Int32Array(K);
  const dots = new Float64Array(K);
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
      // S_y += x, T_y += 1: every coordinate of M_y moves because T_y changes.
      const t0 = T[label];
      const t1 = t0 + 1;
      T[label] = t1;
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) S[cols[e] * K + label] += vals[e];
      let movedY = 0;
      const xo = i * D;
      for (let j = 0; j < D; j++) {
        const now = S[j * K + label];
        const dm = now / t1 - (now - x[xo + j]) / t0;
        movedY += dm * dm;
      }
      // S_p = max(S_p − x/2, 0): only the pixels where x is non-zero move.
      let movedP = 0;
      const tp = T[p];
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
        const o = cols[e] * K + p;
        const before = S[o];
        const after = Math.max(before - vals[e] / 2, 0);
        S[o] = after;
        const dm = (after - before) / tp;
        movedP += dm * dm;
      }
      norm[label] = squaredNorm(S, label, K, D);
      norm[p] = squaredNorm(S, p, K, D);
      // Round drifts up a little so accumulated rounding can only loosen the bounds.
      drift[label] += Math.sqrt(movedY) * (1 + 1e-12);
      drift[p] += Math.sqrt(movedP) * (1 + 1e-12);
      version[label]++;
      version[p]++;
    }
  }
  return { misses, evaluations };
}
