/**
 * Options of the competing hidden units estimator: the `plasticity` library's `Hopfield`
 * parameters in TypeScript idiom, with defaults, validation that names the option and the fix,
 * and the learning-rate schedule.
 */
import { z } from 'zod';
import { UsageError } from '../util/errors.js';

const seed = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The learning-rate schedule over epochs (never per minibatch). */
const OptimizerSchema = z.strictObject({
  /** ε0, the learning rate at epoch 0. */
  lr: z.number().positive().default(0.02),
  /**
   * `linear`: ε0·(1 − epoch/numEpochs), the reference notebook's; `constant`: ε0 (the library's
   * default); `inverse`: ε0/(1 + decay·epoch); `exponential`: ε0·(1 − decay)^epoch.
   */
  schedule: z.enum(['linear', 'constant', 'inverse', 'exponential']).default('linear'),
  /** Decay rate of the `inverse` and `exponential` schedules, per epoch. */
  decay: z.number().min(0).default(0),
  /** Floor of the learning rate. */
  lrMin: z.number().min(0).default(0),
});

/** Initial weights. */
const WeightsInitSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('normal'), mean: z.number().default(0), std: z.number().positive().default(1) }),
  z.strictObject({ kind: z.literal('uniform'), low: z.number().default(-1), high: z.number().default(1) }),
]);

/** Every option of the estimator. */
export const CompetingUnitsOptionsSchema = z.strictObject({
  /** Number of hidden units H. */
  outputs: z.number().int().min(2).default(100),
  /** Maximum number of epochs of `fit`. */
  numEpochs: z.number().int().min(1).default(100),
  /** Minibatch size. */
  batchSize: z.number().int().min(1).default(100),
  /** Strength Δ of the anti-Hebbian update of the k-th ranked unit. */
  delta: z.number().min(0).default(0.4),
  /** Lebesgue norm p of the weights (p ≥ 2; the currents use sign(W)·|W|^(p−1)). */
  p: z.number().min(2).max(10).default(2),
  /** Ranking parameter k ≥ 2: the k-th most active unit is pushed away. */
  k: z.number().int().min(2).default(2),
  /** Floor of the update's max-normaliser (the update is left out when it is all zero). */
  precision: z.number().positive().default(1e-30),
  optimizer: OptimizerSchema.prefault({}),
  weightsInit: WeightsInitSchema.default({ kind: 'normal', mean: 0, std: 1 }),
  /** Weight decay λ: each minibatch also moves W by −ε·λ·W. */
  weightDecay: z.number().min(0).default(0),
  /** Seed of the initial weights and the epoch shuffles. */
  randomState: seed().default(0),
  /** Stop when the weights stayed within `convergenceAtol` of their current values over this many epochs; null: run numEpochs. */
  epochsForConvergence: z.number().int().min(1).nullable().default(null),
  /** Absolute tolerance of the convergence test. */
  convergenceAtol: z.number().positive().default(0.01),
  /** Threads for `fit` (each minibatch is ranked in two halves; with 2+ threads the halves run in parallel). */
  workers: z.number().int().min(1).default(1),
  /** Print one line per epoch to stderr. */
  verbose: z.boolean().default(false),
});

/**
 * Options as given (any may be omitted). The names shared by every amem-flow model are accepted as
 * aliases of the library's: `seed` for `randomState`, `epochs` for `numEpochs`, `learningRate` for
 * `optimizer.lr`.
 */
export type CompetingUnitsInput = z.input<typeof CompetingUnitsOptionsSchema> & { seed?: number; epochs?: number; learningRate?: number };
/** Options with every default filled in. */
export type CompetingUnitsOptions = z.output<typeof CompetingUnitsOptionsSchema>;

/** Validates options and fills in defaults; throws a UsageError naming each bad option. */
export function resolveCompetingOptions(input: CompetingUnitsInput, who = 'competing-units'): CompetingUnitsOptions {
  const parsed = CompetingUnitsOptionsSchema.safeParse(withoutAliases(input, who));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new UsageError(`${who}: invalid options\n${lines.join('\n')}`);
  }
  const o = parsed.data;
  if (o.k > o.outputs) throw new UsageError(`${who}: k = ${o.k} ranks past the ${o.outputs} hidden units; use k <= outputs`);
  if (o.optimizer.schedule === 'exponential' && o.optimizer.decay >= 1) throw new UsageError(`${who}: optimizer.decay must be < 1 for the exponential schedule (the rate is lr·(1 − decay)^epoch)`);
  if (o.weightsInit.kind === 'uniform' && !(o.weightsInit.low < o.weightsInit.high)) throw new UsageError(`${who}: weightsInit needs low < high`);
  return o;
}

/** The learning rate in a given epoch (from 0) of a run of `numEpochs`. */
export function learningRateAt(o: Pick<CompetingUnitsOptions, 'optimizer' | 'numEpochs'>, epoch: number): number {
  const { lr, schedule, decay, lrMin } = o.optimizer;
  const rate = schedule === 'linear' ? lr * (1 - epoch / o.numEpochs) : schedule === 'inverse' ? lr / (1 + decay * epoch) : schedule === 'exponential' ? lr * (1 - decay) ** epoch : lr;
  return Math.max(rate, lrMin);
}

/** The options with the shared names (`seed`, `epochs`, `learningRate`) replaced by the library's; both names at once must agree. */
export function withoutAliases(input: CompetingUnitsInput, who = 'competing-units'): z.input<typeof CompetingUnitsOptionsSchema> {
  const { seed, epochs, learningRate, ...rest } = input;
  const pick = <T>(alias: string, a: T | undefined, name: string, b: T | undefined): T | undefined => {
    if (a !== undefined && b !== undefined && a !== b) throw new UsageError(`${who}: ${alias} = ${String(a)} and ${name} = ${String(b)} name the same option; give one`);
    return a ?? b;
  };
  const out: z.input<typeof CompetingUnitsOptionsSchema> = { ...rest };
  const randomState = pick('seed', seed, 'randomState', rest.randomState);
  const numEpochs = pick('epochs', epochs, 'numEpochs', rest.numEpochs);
  const lr = pick('learningRate', learningRate, 'optimizer.lr', rest.optimizer?.lr);
  if (randomState !== undefined) out.randomState = randomState;
  if (numEpochs !== undefined) out.numEpochs = numEpochs;
  if (lr !== undefined) out.optimizer = { ...rest.optimizer, lr };
  return out;
}
