/**
 * The pipeline format: a pipeline file default-exports plain data (a `PipelineSpec`) that names
 * its data, preprocessing steps, model, training schedule, evaluations, outputs and expected
 * results. This schema gives every setting its default, rejects unknown keys, and produces the
 * fully resolved settings that `describe` prints and `metrics.json` records.
 *
 * @example
 * import type { PipelineSpec } from 'amem-flow';
 * export default {
 *   name: 'my-run',
 *   data: { kind: 'mnist' },
 *   model: { kind: 'sharded-lsh' },
 *   evaluate: [{ name: 'test', partition: 'test' }],
 * } satisfies PipelineSpec;
 */
import { z } from 'zod';
import { COMPETING_GROUPS, COMPETING_RULES } from '../models/competingUnitsOptions.js';
import { numberGroupSchema, ruleSchema } from './ruleSchema.js';

const int = () => z.number().int();
const seedField = () => int().min(0).max(Number.MAX_SAFE_INTEGER);
/**
 * Upper bounds of the settings that size an allocation (rows, memories, shards, threads, pattern
 * widths: a classical Hopfield net holds width² weights): far
 * above any real run, low enough that a typo fails at once with the limit named instead of
 * exhausting memory minutes later.
 */
export const LIMITS = {
  rows: 10_000_000,
  batch: 1_000_000,
  window: 1_000_000,
  memories: 100_000,
  shards: 1_000_000,
  classes: 10_000,
  epochs: 1_000_000,
  workers: 256,
  columns: 10_000,
  patterns: 70_000,
} as const;

/** Preprocessing and routing steps, each mapped to one operator. */
const StepSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('normalize'), range: z.tuple([z.number(), z.number()]).default([-1, 1]) }),
  z.strictObject({ op: z.literal('binarize'), threshold: z.number().min(0).max(1).default(0.5), values: z.enum(['pm1', '01']).default('pm1') }),
  z
    .strictObject({
      op: z.literal('addNoise'),
      kind: z.enum(['pm1', 'flip', 'gaussian']),
      p: z.number().min(0).max(1).optional(),
      sigma: z.number().min(0).optional(),
      seed: seedField().optional(),
    })
    .refine((s) => s.kind !== 'flip' || s.p !== undefined, { message: "addNoise kind 'flip' needs p (the flip probability)" })
    .refine((s) => s.kind !== 'gaussian' || s.sigma !== undefined, { message: "addNoise kind 'gaussian' needs sigma" }),
  z.strictObject({ op: z.literal('lshHash'), bits: int().min(1).max(31), shards: int().min(1).max(LIMITS.shards), seed: seedField().optional() }),
  z.strictObject({ op: z.literal('route') }),
  z.strictObject({
    op: z.literal('minibatch'),
    size: int().min(1).max(LIMITS.batch),
    shuffle: z.boolean().default(false),
    window: int().min(1).max(LIMITS.window).optional(),
    seed: seedField().optional(),
  }),
]);

/** Labels to keep, remapped to 0, 1, … in this order; a letter stands for its EMNIST-letters label (a = 1 … z = 26). */
const classesField = z
  .array(z.union([int().min(0).max(LIMITS.classes), z.string().regex(/^[a-zA-Z]$/, 'a class is a label number or a single letter')]))
  .min(2)
  .optional();
const batchSizeField = int().min(1).max(LIMITS.batch).default(10000);

const MnistDataSchema = z.strictObject({
  kind: z.literal('mnist'),
  /** `standard`: the official 60000/10000 split; `shuffled`: pool all 70000, seeded shuffle, then split (as the sharded-memory notebook does with sklearn). */
  split: z.enum(['standard', 'shuffled']).default('standard'),
  /** Number of training samples to use (the first ones of the split); default all. */
  trainSize: int().min(1).max(LIMITS.rows).optional(),
  /** Number of test samples to use; default all. */
  testSize: int().min(1).max(LIMITS.rows).optional(),
  /** Keep only these digits. */
  classes: classesField,
  /** Seed of the `shuffled` split; default: the pipeline seed. */
  shuffleSeed: seedField().optional(),
  batchSize: batchSizeField,
});

const IdxPairSchema = z.strictObject({ images: z.string().min(1), labels: z.string().min(1) });
const IdxDataSchema = z.strictObject({
  kind: z.literal('idx'),
  /** Folder the file names are relative to (default: the current folder). */
  dir: z.string().default('.'),
  /** File-name prefix for the default names, e.g. 'emnist-letters-' (default: MNIST's names). */
  prefix: z.string().default(''),
  /** Files, when not the default {prefix}train-images-idx3-ubyte[.gz] / {prefix}test- or t10k-images-idx3-ubyte[.gz] and labels. */
  train: IdxPairSchema.optional(),
  test: IdxPairSchema.optional(),
  /** EMNIST stores images transposed; true turns them upright (for figures; accuracy is unaffected). */
  transpose: z.boolean().default(false),
  trainSize: int().min(1).max(LIMITS.rows).optional(),
  testSize: int().min(1).max(LIMITS.rows).optional(),
  classes: classesField,
  batchSize: batchSizeField,
});

const ArrowDataSchema = z.strictObject({
  kind: z.literal('arrow'),
  train: z.string().min(1),
  test: z.string().min(1).optional(),
});

/** Where the data comes from: the `train` and `test` partitions. */
const DataSchema = z.discriminatedUnion('kind', [MnistDataSchema, IdxDataSchema, ArrowDataSchema]);

const ShardedLshModelSchema = z.strictObject({
  kind: z.literal('sharded-lsh'),
  bits: int().min(1).max(31).default(8),
  shards: int().min(1).max(LIMITS.shards).default(50),
  classes: int().min(2).max(LIMITS.classes).default(10),
  /** Seed of the hash planes; default derived from the pipeline seed. */
  seed: seedField().optional(),
});

const DenseAmModelSchema = z.strictObject({
  kind: z.literal('dense-am'),
  /** Nc, the number of classes (label units). */
  classes: int().min(2).max(LIMITS.classes).default(10),
  /** K, the number of memories. */
  memories: int().min(1).max(LIMITS.memories).default(100),
  /** n, the power of the rectified polynomial F(x) = relu(x)^n. */
  power: int().min(2).default(20),
  /** m, the loss power: Σ (c − t)^(2m). */
  lossPower: int().min(1).default(30),
  /** ε0: the learning rate is ε0·f^epoch. */
  learningRate: z.number().positive().default(0.04),
  /** f, the learning-rate decay per epoch. */
  decay: z.number().positive().max(1).default(0.998),
  /** p, the momentum. */
  momentum: z.number().min(0).lt(1).default(0.6),
  /** T (β = 1/T^n), ramped linearly from start to end over rampEpochs. */
  temperature: z.strictObject({ start: z.number().positive().default(540), end: z.number().positive().default(540), rampEpochs: int().min(0).default(200) }).prefault({}),
  /** Memories start as Normal(mean, std). */
  init: z.strictObject({ mean: z.number().default(-0.3), std: z.number().min(0).default(0.3) }).prefault({}),
  /** Floor of the update's normaliser. */
  precision: z.number().positive().default(1e-30),
  /** Seed of the initial memories and the shuffles; default derived from the pipeline seed. */
  seed: seedField().optional(),
  /** Columns of the memory figure (default: about square). */
  figureColumns: int().min(1).max(LIMITS.columns).optional(),
});

const { optimizer: optimizerRules, weightsInit: initRules } = COMPETING_GROUPS;
/** The estimator's options that a pipeline sets (checked and defaulted by the model's own rules). */
const CompetingUnitsModelSchema = z.strictObject({
  outputs: ruleSchema(COMPETING_RULES.outputs),
  delta: ruleSchema(COMPETING_RULES.delta),
  p: ruleSchema(COMPETING_RULES.p),
  k: ruleSchema(COMPETING_RULES.k),
  precision: ruleSchema(COMPETING_RULES.precision),
  optimizer: z
    .strictObject({ lr: ruleSchema(optimizerRules.lr), schedule: ruleSchema(optimizerRules.schedule), decay: ruleSchema(optimizerRules.decay), lrMin: ruleSchema(optimizerRules.lrMin) })
    .prefault({}),
  weightsInit: z
    .discriminatedUnion('kind', [numberGroupSchema(initRules.normal).extend({ kind: z.literal('normal') }), numberGroupSchema(initRules.uniform).extend({ kind: z.literal('uniform') })])
    .default({ kind: 'normal', mean: 0, std: 1 }),
  weightDecay: ruleSchema(COMPETING_RULES.weightDecay),
  epochsForConvergence: ruleSchema(COMPETING_RULES.epochsForConvergence),
  convergenceAtol: ruleSchema(COMPETING_RULES.convergenceAtol),

  kind: z.literal('competing-units'),
  /** Classes of the supervised read-out. */
  classes: int().min(2).max(LIMITS.classes).default(10),
  /** Seed of the initial weights and the shuffles; default derived from the pipeline seed. */
  seed: seedField().optional(),
  /** The read-out: ridge regression on (relu(I)/s)^power, optionally unit-normalised per sample. */
  head: z.strictObject({ power: z.number().positive().default(4.5), ridge: z.number().positive().default(1e-4), normalize: z.enum(['none', 'unit']).default('unit') }).prefault({}),
  /** Columns of the weight figure (default: about square). */
  figureColumns: int().min(1).max(LIMITS.columns).optional(),
});

/** The model and its hyper-parameters. */
const ModelSchema = z.discriminatedUnion('kind', [ShardedLshModelSchema, DenseAmModelSchema, CompetingUnitsModelSchema]);

const TrainSchema = z.strictObject({
  /** Epochs: exactly this many for dense-am; at most this many for sharded-lsh (which stops at the first epoch without a miss) and competing-units (with epochsForConvergence). */
  epochs: int().min(1).max(LIMITS.epochs).default(200),
  /** Minibatch size for minibatch learners (dense-am, competing-units). */
  batchSize: int().min(1).max(LIMITS.batch).default(1000),
  /** Worker threads (`auto`: one per core). */
  workers: z.union([z.literal('auto'), int().min(1).max(LIMITS.workers)]).default('auto'),
  /** sharded-lsh, competing-units: epochs after which to score the test partition for the learning curve (`auto`: 1, 2, 3, 5, 10, 20, 50, … up to the cap). */
  curveEpochs: z.union([z.enum(['auto', 'off']), z.array(int().min(1).max(LIMITS.epochs))]).default('auto'),
});

const StreamSchema = z.strictObject({
  /** Where batches come from (mnist:train, idx:IMAGES,LABELS, an Arrow file, -, tcp://HOST:PORT, follow:FILE); `--source` overrides it. */
  source: z.string().min(1).default('mnist:train'),
  /** Rows per batch for in-memory sources (MNIST, IDX). */
  batchSize: int().min(1).max(LIMITS.batch).default(1000),
  /** Samples in the sliding prequential-accuracy window. */
  window: int().min(1).max(LIMITS.window).default(1000),
  /** Write a checkpoint every this many learned batches (also at the end and on SIGINT/SIGTERM). */
  checkpointEvery: int().min(1).default(10),
});

const EvaluationSchema = z.strictObject({
  /** Name in results and `metrics.json` (e.g. `test`, `test+noise`). */
  name: z.string().min(1),
  partition: z.enum(['train', 'test']),
  /** Extra steps after the pipeline's steps (e.g. route, then addNoise). */
  steps: z.array(StepSchema).default([]),
});

const OutputsSchema = z.strictObject({
  /** Save the trained model as `model.arrow`. */
  model: z.boolean().default(true),
  /** Write PNG plots. */
  plots: z.boolean().default(true),
  /** While training epoch by epoch (dense-am), redraw the plots at most this often, in seconds; 0 redraws after every epoch (a redraw takes ~0.4 s). */
  plotEvery: z.number().min(0).default(10),
});

/** Bounds on values of `metrics.json`, keyed by dotted path (e.g. `evaluations.test.accuracy`). */
export const GatesSchema = z.record(z.string(), z.strictObject({ min: z.number().optional(), max: z.number().optional() }));

const scalar = z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string()]))]);

/** A whole pipeline. */
export const PipelineSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
  description: z.string().default(''),
  seed: seedField().default(0),
  data: DataSchema,
  /** Steps applied to every partition before the model (training and evaluation). */
  steps: z.array(StepSchema).default([]),
  model: ModelSchema,
  train: TrainSchema.prefault({}),
  /** Present: learn online from a stream, test-then-train, one pass (see src/stream/). */
  stream: StreamSchema.optional(),
  evaluate: z.array(EvaluationSchema).default([]),
  outputs: OutputsSchema.prefault({}),
  /** Gates on the full run (reported; enforced with `--check`). */
  expect: GatesSchema.default({}),
  /** A reduced run (settings and gates) that the test suite runs on every commit. */
  smoke: z.strictObject({ set: z.record(z.string(), scalar), expect: GatesSchema }).optional(),
});

/** What a pipeline file exports (defaults may be omitted). */
export type PipelineSpec = z.input<typeof PipelineSchema>;
/** A pipeline with every default filled in. */
export type ResolvedPipeline = z.output<typeof PipelineSchema>;
/** One resolved step. */
export type StepSpec = z.output<typeof StepSchema>;
/** The resolved data section. */
export type DataSpec = z.output<typeof DataSchema>;
/** The resolved model section. */
export type ModelSpec = z.output<typeof ModelSchema>;
/** Resolved gates. */
export type Gates = z.output<typeof GatesSchema>;
