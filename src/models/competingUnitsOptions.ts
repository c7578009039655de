/**
 * Options of the competing hidden units estimator: the `plasticity` library's `Hopfield`
 * parameters in TypeScript idiom, with defaults, validation that names the option and the fix,
 * and the learning-rate schedule.
 *
 * The options are described once, as rules (`COMPETING_RULES`): this file checks them with no
 * schema library (the core stays quick to import), and the pipeline layer builds its zod schema
 * for the `model` section from the same rules.
 */
import { UsageError } from '../util/errors.js';
import { nearest } from '../util/suggest.js';
import { checkOptions, type OptionRules } from './optionRules.js';

export type { OptionRules } from './optionRules.js';

/** Learning-rate schedules: see `optimizer.schedule`. */
const SCHEDULES = ['linear', 'constant', 'inverse', 'exponential'] as const;

/** The learning-rate schedule over epochs (never per minibatch). */
const OPTIMIZER_RULES = {
  lr: { type: 'number', positive: true, default: 0.02, doc: 'ε0, the learning rate at epoch 0' },
  schedule: {
    type: 'choice',
    values: SCHEDULES,
    default: 'linear',
    doc: "linear: ε0·(1 − epoch/numEpochs), the reference notebook's; constant: ε0 (the library's default); inverse: ε0/(1 + decay·epoch); exponential: ε0·(1 − decay)^epoch",
  },
  decay: { type: 'number', min: 0, default: 0, doc: 'decay rate of the inverse and exponential schedules, per epoch' },
  lrMin: { type: 'number', min: 0, default: 0, doc: 'floor of the learning rate' },
} as const satisfies OptionRules;

/** Initial weights, by kind. */
const WEIGHTS_INIT_RULES = {
  normal: { mean: { type: 'number', default: 0, doc: 'mean' }, std: { type: 'number', positive: true, default: 1, doc: 'standard deviation' } },
  uniform: { low: { type: 'number', default: -1, doc: 'lower bound' }, high: { type: 'number', default: 1, doc: 'upper bound' } },
} as const satisfies Record<string, OptionRules>;

/** Every option of the estimator but the two groups (`optimizer`, `weightsInit`). */
export const COMPETING_RULES = {
  outputs: { type: 'number', int: true, min: 2, max: 1_000_000, default: 100, doc: 'number of hidden units H' },
  numEpochs: { type: 'number', int: true, min: 1, max: 1_000_000, default: 100, doc: 'maximum number of epochs of fit' },
  batchSize: { type: 'number', int: true, min: 1, max: 1_000_000, default: 100, doc: 'minibatch size' },
  delta: { type: 'number', min: 0, default: 0.4, doc: 'strength Δ of the anti-Hebbian update of the k-th ranked unit' },
  p: { type: 'number', min: 2, max: 10, default: 2, doc: 'Lebesgue norm p of the weights (the currents use sign(W)·|W|^(p−1))' },
  k: { type: 'number', int: true, min: 2, max: 1_000_000, default: 2, doc: 'ranking parameter: the k-th most active unit is pushed away' },
  precision: { type: 'number', positive: true, default: 1e-30, doc: "floor of the update's max-normaliser" },
  weightDecay: { type: 'number', min: 0, default: 0, doc: 'weight decay λ: each minibatch also moves W by −ε·λ·W' },
  randomState: { type: 'number', int: true, min: 0, max: Number.MAX_SAFE_INTEGER, default: 0, doc: 'seed of the initial weights and the epoch shuffles' },
  epochsForConvergence: {
    type: 'number',
    int: true,
    min: 1,
    max: 1_000_000,
    nullable: true,
    default: null,
    doc: 'stop when the weights stayed within convergenceAtol over this many epochs; null: run numEpochs',
  },
  convergenceAtol: { type: 'number', positive: true, default: 0.01, doc: 'absolute tolerance of the convergence test' },
  workers: { type: 'number', int: true, min: 1, max: 1024, default: 1, doc: 'threads for fit (each minibatch is ranked in two halves, in parallel with 2+)' },
  verbose: { type: 'boolean', default: false, doc: 'print one line per epoch to stderr' },
} as const satisfies OptionRules;

/** The groups of options, for the pipeline layer's schema. */
export const COMPETING_GROUPS = { optimizer: OPTIMIZER_RULES, weightsInit: WEIGHTS_INIT_RULES } as const;

/** Initial weights: Normal(mean, std) or Uniform(low, high). */
type WeightsInit = { kind: 'normal'; mean: number; std: number } | { kind: 'uniform'; low: number; high: number };

/** Options with every default filled in. */
export interface CompetingUnitsOptions {
  outputs: number;
  numEpochs: number;
  batchSize: number;
  delta: number;
  p: number;
  k: number;
  precision: number;
  optimizer: { lr: number; schedule: (typeof SCHEDULES)[number]; decay: number; lrMin: number };
  weightsInit: WeightsInit;
  weightDecay: number;
  randomState: number;
  epochsForConvergence: number | null;
  convergenceAtol: number;
  workers: number;
  verbose: boolean;
}

type LibraryInput = Partial<Omit<CompetingUnitsOptions, 'optimizer' | 'weightsInit'>> & {
  optimizer?: Partial<CompetingUnitsOptions['optimizer']>;
  weightsInit?: { kind: 'normal'; mean?: number; std?: number } | { kind: 'uniform'; low?: number; high?: number };
};

/**
 * Options as given (any may be omitted). The names shared by every amem-flow model are accepted as
 * aliases of the library's: `seed` for `randomState`, `epochs` for `numEpochs`, `learningRate` for
 * `optimizer.lr`.
 */
export type CompetingUnitsInput = LibraryInput & { seed?: number; epochs?: number; learningRate?: number };

/** Validates options and fills in defaults; throws a UsageError naming each bad option. */
export function resolveCompetingOptions(input: CompetingUnitsInput, who = 'competing-units'): CompetingUnitsOptions {
  const given = withoutAliases(input, who) as Record<string, unknown>;
  const issues: string[] = [];
  const { optimizer, weightsInit, ...rest } = given;
  const { weightDecay, ...top } = checkOptions(rest, COMPETING_RULES, '', issues, ['optimizer', 'weightsInit']);
  const groups = { optimizer: checkOptions(optimizer ?? {}, OPTIMIZER_RULES, 'optimizer.', issues), weightsInit: initOptions(weightsInit, issues) };
  if (issues.length > 0) throw new UsageError(`${who}: invalid options\n${issues.map((line) => `  ${line}`).join('\n')}`);
  // The groups sit before weightDecay, as they always have in checkpoints and metrics (key order is part of their bytes).
  const { outputs, numEpochs, batchSize, delta, p, k, precision, ...after } = top;
  const out = { outputs, numEpochs, batchSize, delta, p, k, precision, ...groups, weightDecay, ...after } as unknown as CompetingUnitsOptions;
  if (out.k > out.outputs) throw new UsageError(`${who}: k = ${out.k} ranks past the ${out.outputs} hidden units; use k <= outputs`);
  if (out.optimizer.schedule === 'exponential' && out.optimizer.decay >= 1) throw new UsageError(`${who}: optimizer.decay must be < 1 for the exponential schedule (the rate is lr·(1 − decay)^epoch)`);
  if (out.weightsInit.kind === 'uniform' && !(out.weightsInit.low < out.weightsInit.high)) throw new UsageError(`${who}: weightsInit needs low < high`);
  return out;
}

function initOptions(value: unknown, issues: string[]): WeightsInit | undefined {
  if (value === undefined) return { kind: 'normal', mean: 0, std: 1 };
  const kinds = Object.keys(WEIGHTS_INIT_RULES) as (keyof typeof WEIGHTS_INIT_RULES)[];
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !kinds.includes(kind as never)) {
    const near = typeof kind === 'string' ? nearest(kind, kinds) : undefined;
    issues.push(`weightsInit.kind: expected one of ${kinds.join(', ')}, got ${JSON.stringify(kind)}${near ? ` (did you mean '${near}'?)` : ''}`);
    return undefined;
  }
  const { kind: _kind, ...rest } = value as Record<string, unknown>;
  return { kind, ...checkOptions(rest, WEIGHTS_INIT_RULES[kind as keyof typeof WEIGHTS_INIT_RULES], 'weightsInit.', issues) } as WeightsInit;
}

/** The learning rate in a given epoch (from 0) of a run of `numEpochs`. */
export function learningRateAt(o: Pick<CompetingUnitsOptions, 'optimizer' | 'numEpochs'>, epoch: number): number {
  const { lr, schedule, decay, lrMin } = o.optimizer;
  const rate = schedule === 'linear' ? lr * (1 - epoch / o.numEpochs) : schedule === 'inverse' ? lr / (1 + decay * epoch) : schedule === 'exponential' ? lr * (1 - decay) ** epoch : lr;
  return Math.max(rate, lrMin);
}

/** The options with the shared names (`seed`, `epochs`, `learningRate`) replaced by the library's; both names at once must agree. */
export function withoutAliases(input: CompetingUnitsInput, who = 'competing-units'): LibraryInput {
  const { seed, epochs, learningRate, ...rest } = input;
  const pick = <T>(alias: string, a: T | undefined, name: string, b: T | undefined): T | undefined => {
    if (a !== undefined && b !== undefined && a !== b) throw new UsageError(`${who}: ${alias} = ${String(a)} and ${name} = ${String(b)} name the same option; give one`);
    return a ?? b;
  };
  const out: LibraryInput = { ...rest };
  const randomState = pick('seed', seed, 'randomState', rest.randomState);
  const numEpochs = pick('epochs', epochs, 'numEpochs', rest.numEpochs);
  const lr = pick('learningRate', learningRate, 'optimizer.lr', rest.optimizer?.lr);
  if (randomState !== undefined) out.randomState = randomState;
  if (numEpochs !== undefined) out.numEpochs = numEpochs;
  if (lr !== undefined) out.optimizer = { ...rest.optimizer, lr };
  return out;
}
