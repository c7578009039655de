/**
 * The ranking step of the competing hidden units: per sample, the unit with the
 * largest current (Hebbian, g = 1) and the k-th largest (anti-Hebbian, g = −Δ). One pass over
 * each sample's H currents keeping its k best, O(H·k) for small k, instead of the full sort of
 * all H units per sample that the reference implementations do.
 */

/** Per sample of a minibatch: the winning unit, the k-th ranked unit, and their currents. */
export interface Ranks {
  top: Int32Array;
  kth: Int32Array;
  topCurrent: Float32Array;
  kthCurrent: Float32Array;
}

/** Ranks every row of a rows × hidden current matrix (rows `stride` apart); ties go to the lower unit index, as a stable sort would. */
export function rankRows(currents: Float32Array, rows: number, hidden: number, k: number, stride = hidden): Ranks {
  checkRankK(k, hidden);
  const r: Ranks = { top: new Int32Array(rows), kth: new Int32Array(rows), topCurrent: new Float32Array(rows), kthCurrent: new Float32Array(rows) };
  const val = new Float64Array(k);
  const idx = new Int32Array(k);
  for (let b = 0; b < rows; b++) {
    val.fill(-Infinity);
    idx.fill(-1);
    const base = b * stride;
    for (let h = 0; h < hidden; h++) {
      const v = currents[base + h];
      // Strictly greater: an equal value seen later (higher index) ranks below.
      if (!(v > val[k - 1])) {
        if (v !== v) throw new RangeError(nanCurrent(b, h));
        continue;
      }
      let j = k - 1;
      while (j > 0 && v > val[j - 1]) {
        val[j] = val[j - 1];
        idx[j] = idx[j - 1];
        j--;
      }
      val[j] = v;
      idx[j] = h;
    }
    r.top[b] = idx[0];
    r.topCurrent[b] = val[0];
    r.kth[b] = idx[k - 1];
    r.kthCurrent[b] = val[k - 1];
  }
  return r;
}

/** Throws a RangeError unless k is an integer in [2, hidden]. */
export function checkRankK(k: number, hidden: number): void {
  if (!(Number.isInteger(k) && k >= 2 && k <= hidden)) throw new RangeError(`ranking k must be an integer in [2, ${hidden}], got ${k}`);
}

/** The message of a NaN current met while ranking. */
export function nanCurrent(sample: number, unit: number): string {
  return `sample ${sample}: the current of hidden unit ${unit} is NaN; cannot rank the units`;
}

/** The ranks of two consecutive parts of a minibatch as one. */
export function concatRanks(a: Ranks, b: Ranks): Ranks {
  const cat = <T extends Int32Array | Float32Array>(u: T, v: T): T => {
    const out = new (u.constructor as new (n: number) => T)(u.length + v.length);
    out.set(u);
    out.set(v, u.length);
    return out;
  };
  return { top: cat(a.top, b.top), kth: cat(a.kth, b.kth), topCurrent: cat(a.topCurrent, b.topCurrent), kthCurrent: cat(a.kthCurrent, b.kthCurrent) };
}
