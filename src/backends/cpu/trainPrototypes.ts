/**
 * Fused training of one shard of the sharded prototype memory (SPEC 4.1), on the CPU.
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
import type { PrototypeSnapshot, TrainPrototypesArgs, TrainPrototypesResult } from '../backend.js';
import { fromPixelMajor, prototypeScore, squaredNorm, toPixelMajor } from './prototypeScore.js';
import { nonZeros, sparseDots } from './sparse.js';

const MARGIN = 1e-9;

/** See `Kernels.trainPrototypes`. */
export function trainPrototypes(args: TrainPrototypesArgs): TrainPrototypesResult {
  const { x, y, width: D, classes: K, sums, counts: T, maxEpochs } = args;
  const n = y.length;
  const { rowStart, cols, vals, xNorm } = sparseRows(x, n, D);
  const S = toPixelMajor(sums, 0, K, D);
  const norm = new Float64Array(K);
  for (let c = 0; c < K; c++) norm[c] = squaredNorm(S, c, K, D);

  const version = new Int32Array(K); // bumped whenever prototype c moves
  const drift = new Float64Array(K); // cumulative length of prototype c's moves
  const score = new Float64Array(n * K); // cached scores per (sample, class)
  const dist = new Float64Array(n * K); // the matching distances, for the bounds
  const seenVersion = new Int32Array(n * K).fill(-1); // version when cached (-1: never)
  const seenDrift = new Float64Array(n * K); // drift when cached
  const lower = new Float64Array(K);
  const stale = new Int32Array(K);
  const dots = new Float64Array(K);

  const misses: number[] = [];
  const snapshotEpochs = new Set(args.snapshotEpochs ?? []);
  const snapshots: PrototypeSnapshot[] = [];
  let evaluations = 0;
  let converged = false;

  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    let epochMisses = 0;
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

      const label = y[i];
      if (p !== label) {
        epochMisses++;
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
    misses.push(epochMisses);
    if (snapshotEpochs.has(epoch)) snapshots.push({ epoch, sums: fromPixelMajor(S, K, D), counts: T.slice() });
    args.onEpoch?.(epoch, epochMisses);
    if (epochMisses === 0) {
      converged = true;
      break;
    }
  }
  sums.set(fromPixelMajor(S, K, D));
  return { epochs: misses.length, converged, misses: Int32Array.from(misses), visits: n * misses.length, distanceEvaluations: evaluations, snapshots };
}

/** The non-zero pixels of each row (CSR) and each row's squared norm. */
function sparseRows(x: Float32Array, n: number, D: number) {
  let nnz = 0;
  for (let k = 0; k < n * D; k++) if (x[k] !== 0) nnz++;
  const rowStart = new Int32Array(n + 1);
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  const xNorm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e0 = rowStart[i];
    const e1 = e0 + nonZeros(x, i * D, D, cols, vals, e0);
    let s = 0;
    for (let e = e0; e < e1; e++) s += vals[e] * vals[e];
    xNorm[i] = s;
    rowStart[i + 1] = e1;
  }
  return { rowStart, cols, vals, xNorm };
}
