/**
 * Asynchronous recall over ±1 states for the classical and the dense Hopfield networks, by
 * overlaps: with m_μ = ξ^μ·s kept up to date (a flip of unit i changes every m_μ by 2ξ_i^μ s_i),
 * unit i's input needs O(P) work instead of O(P·N), and a sweep over N units costs O(N·P).
 *
 * - classical (W = Σ_μ ξ^μ ξ^μᵀ / P, zero diagonal, threshold θ): P·h_i = Σ_μ ξ_i^μ m_μ − P·s_i,
 *   an integer, so the sign is exact; E = −½ sᵀWs − θᵀs = −½(Σ_μ m_μ²/P − N) − θᵀs.
 * - dense (Krotov & Hopfield 2016, eq. 4): s_i ← sign Σ_μ [F(ξ_i^μ + r_μ) − F(−ξ_i^μ + r_μ)] with
 *   r_μ = m_μ − ξ_i^μ s_i and F(x) = x^n (rectified: relu(x)^n); E = −Σ_μ F(m_μ). Overlaps are
 *   divided by N before the power (|m|/N ≤ 1, no overflow at any n), in float64; energies are
 *   reported in units of N^n.
 * A unit whose input is exactly 0 keeps its state, so energy never increases. Asynchronous: units are
 * visited in a seeded random order, a new one each sweep. Synchronous: every unit is updated at once
 * from the same state (energy may then rise, and 2-cycles occur). Recall stops after a sweep with no
 * flip or at the cap.
 */
import { Rng } from '../../../util/random.js';
import type { KernelConfig, RecallArgs, RecallResult, RecallRule } from '../../kernel.js';

/** Recalls from `probe` by asynchronous or synchronous updates until a sweep changes nothing. */
export function recallStates(a: RecallArgs): RecallResult {
  const { patterns: X, count: P, width: N, rule } = a;
  const s = a.probe.slice();
  const m = new Float64Array(P);
  for (let mu = 0; mu < P; mu++) {
    let o = 0;
    for (let i = 0; i < N; i++) o += X[mu * N + i] * s[i];
    m[mu] = o;
  }
  const energyTrace: number[] = [];
  const distTrace: number[] = [];
  const record = () => {
    energyTrace.push(energyOf(rule, m, s, P, N));
    for (let mu = 0; mu < P; mu++) distTrace.push((N - m[mu]) / 2);
  };
  if (a.trace) record();
  const rng = Rng.derive(a.seed, 'recall order');
  const order = Int32Array.from({ length: N }, (_, i) => i);
  let sweeps = 0;
  let updates = 0;
  let flips = 0;
  let converged = false;
  const inputs = new Float64Array(N);
  while (sweeps < a.maxSweeps) {
    sweeps++;
    let changed = 0;
    if (a.schedule === 'sync') {
      for (let i = 0; i < N; i++) inputs[i] = unitInput(rule, X, m, s, i, P, N);
      for (let i = 0; i < N; i++) {
        const next = inputs[i] > 0 ? 1 : inputs[i] < 0 ? -1 : s[i];
        if (next !== s[i]) {
          for (let mu = 0; mu < P; mu++) m[mu] += 2 * X[mu * N + i] * next;
          s[i] = next;
          changed++;
        }
      }
      updates++;
      if (a.trace) record();
    } else {
      rng.shuffle(order);
      for (let t = 0; t < N; t++) {
        const i = order[t];
        const input = unitInput(rule, X, m, s, i, P, N);
        const next = input > 0 ? 1 : input < 0 ? -1 : s[i];
        updates++;
        if (next !== s[i]) {
          for (let mu = 0; mu < P; mu++) m[mu] += 2 * X[mu * N + i] * next;
          s[i] = next;
          changed++;
        }
        if (a.trace) record();
      }
    }
    flips += changed;
    if (changed === 0) {
      converged = true;
      break;
    }
  }
  const out: RecallResult = { state: s, sweeps, updates, flips, converged };
  if (a.trace) {
    out.energy = Float64Array.from(energyTrace);
    out.distances = Int32Array.from(distTrace);
  }
  return out;
}

/** Unit i's input (its sign is the update): P·h_i − P·θ for classical, the energy gap for dense. */
function unitInput(rule: RecallRule, X: Int8Array, m: Float64Array, s: Int8Array, i: number, P: number, N: number): number {
  if (rule.kind === 'classical') {
    let sum = 0;
    for (let mu = 0; mu < P; mu++) sum += X[mu * N + i] * m[mu];
    return sum - P * s[i] - P * rule.threshold;
  }
  const { power: n, rectified } = rule;
  let gap = 0;
  for (let mu = 0; mu < P; mu++) {
    const xi = X[mu * N + i];
    const r = m[mu] - xi * s[i];
    gap += F((r + xi) / N, n, rectified) - F((r - xi) / N, n, rectified);
  }
  return gap;
}

/** F(x) = x^n, or relu(x)^n when rectified; by repeated squaring (x^20: 5 multiplies, ~10× faster than a generic pow here). */
function F(x: number, n: number, rectified: boolean): number {
  if (rectified && x <= 0) return 0;
  let result = 1;
  let base = x;
  for (let e = n; e > 0; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return result;
}

/** The network's energy from the overlaps (dense: in units of N^n). */
function energyOf(rule: RecallRule, m: Float64Array, s: Int8Array, P: number, N: number): number {
  if (rule.kind === 'classical') {
    let sq = 0;
    for (let mu = 0; mu < P; mu++) sq += m[mu] * m[mu];
    let field = 0;
    if (rule.threshold !== 0) for (let i = 0; i < N; i++) field += rule.threshold * s[i];
    return -0.5 * (sq / P - N) - field;
  }
  let e = 0;
  for (let mu = 0; mu < P; mu++) e -= F(m[mu] / N, rule.power, rule.rectified);
  return e;
}

/** The cpu registration of `hopfieldRecall`. */
export const hopfieldRecallConfig: KernelConfig<'hopfieldRecall'> = { kernelName: 'hopfieldRecall', backendName: 'cpu', kernelFunc: recallStates };
