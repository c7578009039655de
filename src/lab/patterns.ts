/**
 * The recall lab's patterns: stored sets (binarized MNIST digits or seeded random ±1 patterns)
 * and corrupted probes, made with the project's operators: MNIST digits go through `binarize`
 * (+1 above threshold·255), and probes through `addNoise` flip (each unit flipped with
 * probability p, the draws keyed by the probe's id and a seed derived from (lab seed, P)).
 */
import { lastValueFrom, of } from 'rxjs';
import { features, makeSampleBatch, gatherRows } from '../data/batch.js';
import { loadMnist } from '../io/node/mnist.js';
import { addNoise } from '../operators/addNoise.js';
import { binarize } from '../operators/binarize.js';
import { UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import type { ResolvedLab } from './spec.js';

/** P stored patterns of N units, row-major, ±1; with their MNIST labels when from MNIST. */
export interface PatternSet {
  values: Int8Array;
  count: number;
  width: number;
  /** Image shape for figures ([28, 28] for MNIST; [1, N] otherwise). */
  shape: [number, number];
  labels?: Int32Array;
}

/** The first P patterns of the lab's source (a random source draws P patterns seeded by (seed, P)). */
export async function storedPatterns(spec: ResolvedLab, P: number): Promise<PatternSet> {
  const { source, select, threshold, width } = spec.patterns;
  if (source === 'random') {
    const rng = Rng.derive(spec.seed, 'random patterns', P);
    const side = Math.sqrt(width);
    return { values: Int8Array.from({ length: P * width }, () => rng.sign()), count: P, width, shape: Number.isInteger(side) ? [side, side] : [1, width] };
  }
  const data = loadMnist('train');
  const N = 784;
  const rows: number[] = [];
  if (select === 'distinct') {
    if (P > 10) throw new UsageError(`patterns.select 'distinct' takes one digit of each class, so at most 10; got ${P} (use 'first')`);
    const seen = new Set<number>();
    for (let r = 0; r < data.y.length && rows.length < P; r++) {
      if (seen.has(data.y[r])) continue;
      seen.add(data.y[r]);
      rows.push(r);
    }
  } else {
    if (P > data.y.length) throw new UsageError(`asked for ${P} patterns; MNIST has ${data.y.length} training digits`);
    for (let r = 0; r < P; r++) rows.push(r);
  }
  const pixels = gatherRows(data.x, N, rows, new Uint8Array(P * N));
  const batch = makeSampleBatch({ ids: Int32Array.from(rows), x: pixels, info: { shape: [28, 28], range: [0, 255], encoding: 'raw' } });
  const states = features(await lastValueFrom(of(batch).pipe(binarize({ threshold, values: 'pm1' }))));
  return { values: Int8Array.from(states.values), count: P, width: N, shape: [28, 28], labels: Int32Array.from(rows, (r) => data.y[r]) };
}

/** Probes for trials 0 … T−1: each a seeded choice of stored pattern (or `target`) with each unit flipped with probability `flip`. */
export async function corruptedProbes(set: PatternSet, seed: number, trials: number, flip: number, target?: number): Promise<{ targets: Int32Array; probes: Int8Array }> {
  const N = set.width;
  if (target !== undefined && target >= set.count) throw new UsageError(`probe ${target} is not a stored pattern (there are ${set.count}); use probe < count`);
  const pick = Rng.derive(seed, 'probe targets', set.count);
  const targets = Int32Array.from({ length: trials }, () => target ?? pick.int(set.count));
  const clean = new Float32Array(trials * N);
  targets.forEach((t, i) => {
    for (let j = 0; j < N; j++) clean[i * N + j] = set.values[t * N + j];
  });
  const batch = makeSampleBatch({ ids: Int32Array.from({ length: trials }, (_, i) => i), x: clean, info: { shape: set.shape, range: [-1, 1], encoding: 'binary' } });
  const noisy = features(await lastValueFrom(of(batch).pipe(addNoise({ kind: 'flip', p: flip, seed: Rng.deriveSeed(seed, 'flip', set.count) }))));
  return { targets, probes: Int8Array.from(noisy.values) };
}

/** Hamming distance between a state and stored pattern `mu`. */
export function hamming(state: Int8Array, set: PatternSet, mu: number): number {
  let d = 0;
  for (let i = 0; i < set.width; i++) if (state[i] !== set.values[mu * set.width + i]) d++;
  return d;
}
