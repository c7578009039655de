/**
 * `modern` recall: the continuous Hopfield network of Ramsauer et al. (2020), whose update is
 * attention over the stored patterns: ξ ← X softmax(β Xᵀ ξ) (X: N × P, one pattern per column).
 * Energy E = −β⁻¹ log Σ_μ exp(β x_μ·ξ) + ½ ξ·ξ (up to a constant), non-increasing under the update.
 * Updates are synchronous (the whole state at once) until the state moves by less than `tolerance`
 * or `maxSteps`; the recalled ±1 pattern is sign(ξ) (0 counts as +1).
 *
 * The overlaps run on the backend as one matmul for a batch of probes; softmax subtracts the row
 * maximum (tfjs does), so β·x·ξ up to β·N never overflows float32.
 */
import type { Backend } from '../backends/backend.js';
import { DataError, UsageError } from '../util/errors.js';
import type { RecallResult } from '../backends/kernel.js';
import { transpose } from '../backends/transpose.js';

/** Settings of modern recall. */
export interface ModernSettings {
  /** Inverse temperature β. */
  beta: number;
  /** Stop when max |Δξ| falls below this. */
  tolerance: number;
  maxSteps: number;
}

/** Stored ±1 patterns recalled by the softmax update. */
export class ModernHopfield {
  static readonly kind = 'modern';
  private X: Int8Array | undefined;
  private count = 0;
  private width = 0;

  constructor(
    readonly settings: ModernSettings,
    readonly backend: Backend,
  ) {
    if (!(settings.beta > 0)) throw new UsageError(`modern: beta must be > 0, got ${settings.beta}`);
    if (!(Number.isInteger(settings.maxSteps) && settings.maxSteps >= 1)) throw new UsageError(`modern: maxSteps must be a positive integer, got ${settings.maxSteps}`);
  }

  /** Stores P patterns of N ±1 values (P × N, row-major). */
  store(patterns: Int8Array, count: number, width: number): this {
    if (!(count >= 1 && width >= 1) || patterns.length !== count * width) throw new UsageError(`modern: ${patterns.length} values do not make ${count} patterns of ${width} units`);
    for (let k = 0; k < patterns.length; k++) {
      const v = patterns[k];
      if (v !== 1 && v !== -1) throw new DataError(`modern: pattern ${Math.floor(k / width)}, unit ${k % width} is ${v}; states must be ±1 (add { op: 'binarize', values: 'pm1' })`);
    }
    // Kept as int8: a float32 copy costs a fresh 3 MB at P = 1000 (on these machines, ~10 µs per new memory page).
    this.X = patterns.slice();
    this.count = count;
    this.width = width;
    return this;
  }

  /** Recalls each probe (rows × N, ±1); with `trace`, records energy and Hamming distances after each step. */
  async recall(probes: Int8Array, rows: number, opts: { trace?: boolean } = {}): Promise<RecallResult[]> {
    if (!this.X) throw new UsageError('modern: store patterns before recalling');
    if (probes.length !== rows * this.width) throw new DataError(`modern: ${probes.length} probe values do not make ${rows} probes of ${this.width} units`);
    const { count: P, width: N } = this;
    const { beta, tolerance, maxSteps } = this.settings;
    const tf = await this.backend.activate();
    const Xt = tf.tensor2d(asFloat32(this.X), [P, N]);
    const results: RecallResult[] = [];
    try {
      let state = Float32Array.from(probes);
      const traces = Array.from({ length: rows }, () => ({ energy: [] as number[], distances: [] as number[] }));
      const record = (s: Float32Array, overlaps: Float32Array) => {
        for (let r = 0; r < rows; r++) {
          const o = overlaps.subarray(r * P, (r + 1) * P);
          const row = s.subarray(r * N, (r + 1) * N);
          traces[r].energy.push(energy(o, row, beta));
          const signs = Int8Array.from(row, (v) => (v >= 0 ? 1 : -1));
          for (let mu = 0; mu < P; mu++) {
            let d = 0;
            for (let i = 0; i < N; i++) if (this.X![mu * N + i] !== signs[i]) d++;
            traces[r].distances.push(d);
          }
        }
      };
      const moved = new Float32Array(rows);
      const done = new Uint8Array(rows);
      const steps = new Int32Array(rows);
      for (let step = 0; step < maxSteps && done.some((d) => !d); step++) {
        const [overlaps, next] = tf.tidy(() => {
          // X·ξ for every probe as one P × N by N × rows product, then turned (P × rows is small): a
          // matmul with transposeB, or transposing X, costs several times more on tfjs-wasm.
          const o = tf.transpose(tf.matMul(Xt, tf.tensor2d(transpose(state, rows, N), [N, rows]))); // rows × P
          return [o, tf.matMul(tf.softmax(tf.mul(o, beta)), Xt)] as const; // rows × N
        });
        // The overlaps come back only for the trace.
        if (opts.trace && step === 0) record(state, (await overlaps.data()) as Float32Array);
        const n = (await next.data()) as Float32Array;
        tf.dispose([overlaps, next]);
        for (let r = 0; r < rows; r++) {
          if (done[r]) continue;
          let d = 0;
          for (let i = r * N; i < (r + 1) * N; i++) d = Math.max(d, Math.abs(n[i] - state[i]));
          moved[r] = d;
          state.set(n.subarray(r * N, (r + 1) * N), r * N);
          steps[r]++;
          if (d < tolerance) done[r] = 1;
        }
        if (opts.trace) {
          const after = tf.tidy(() => tf.transpose(tf.matMul(Xt, tf.tensor2d(transpose(state, rows, N), [N, rows]))));
          record(state, (await after.data()) as Float32Array);
          after.dispose();
        }
      }
      for (let r = 0; r < rows; r++) {
        // sign(ξ) (0 counts as +1) and the flips from the probe, in one loop (a callback per value cost ~0.8 ms per 20 probes).
        const signs = new Int8Array(N);
        let flips = 0;
        for (let i = 0; i < N; i++) {
          signs[i] = state[r * N + i] >= 0 ? 1 : -1;
          if (signs[i] !== probes[r * N + i]) flips++;
        }
        const out: RecallResult = { state: signs, sweeps: steps[r], updates: steps[r], flips, converged: done[r] === 1 };
        if (opts.trace) {
          out.energy = Float64Array.from(traces[r].energy);
          out.distances = Int32Array.from(traces[r].distances);
        }
        results.push(out);
      }
      state = new Float32Array(0);
    } finally {
      Xt.dispose();
    }
    return results;
  }
}

/** −β⁻¹ log Σ exp(β o_μ) + ½ ξ·ξ, with the log-sum-exp taken stably in float64. */
function energy(overlaps: Float32Array, state: Float32Array, beta: number): number {
  let top = -Infinity;
  for (const v of overlaps) top = Math.max(top, beta * v);
  let sum = 0;
  for (const v of overlaps) sum += Math.exp(beta * v - top);
  let sq = 0;
  for (const v of state) sq += v * v;
  return -(top + Math.log(sum)) / beta + 0.5 * sq;
}

let scratch = new Float32Array(0);

/** The patterns as float32 in a buffer reused from call to call (the backend copies it at once). */
function asFloat32(values: Int8Array): Float32Array {
  if (scratch.length < values.length) scratch = new Float32Array(values.length);
  const out = scratch.subarray(0, values.length);
  out.set(values);
  return out;
}
