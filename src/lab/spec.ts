/**
 * The recall lab's pipeline format: instead of training a classifier, a lab stores P binarized
 * patterns in one or more recall models (classical, dense, modern) and recalls corrupted copies.
 * `lab: 'recall'` follows one probe update by update (images, energy, Hamming distances);
 * `lab: 'capacity'` sweeps P over a list with seeded trials and reports how often each model
 * recalls exactly. Like every pipeline file it is plain data, checked here with defaults filled in.
 *
 * @example
 * export default { name: 'my-lab', lab: 'capacity', counts: [1, 2, 3], models: [{ kind: 'classical' }] } satisfies LabSpec;
 */
import { z } from 'zod';
import { GatesSchema, LIMITS } from '../pipeline/spec.js';
import { UsageError } from '../util/errors.js';
import { assertPlainKeys, sealedSettings, settingIssues } from '../util/settings.js';
import { suggestKeys } from '../util/suggest.js';

const int = () => z.number().int();

/** One recall model and its settings. */
const RecallModelSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('classical'), name: z.string().optional(), threshold: z.number().default(0) }),
  z.strictObject({ kind: z.literal('dense'), name: z.string().optional(), power: int().min(2).max(100).default(20), rectified: z.boolean().default(true) }),
  z.strictObject({
    kind: z.literal('modern'),
    name: z.string().optional(),
    beta: z.number().positive().default(1),
    tolerance: z.number().positive().default(1e-6),
    maxSteps: int().min(1).max(LIMITS.epochs).default(10),
  }),
]);

/** A whole recall-lab pipeline. */
const LabSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
  description: z.string().default(''),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  lab: z.enum(['recall', 'capacity']),
  /** Where the stored patterns come from. */
  patterns: z
    .strictObject({
      /** `mnist`: training digits binarized at `threshold` (a fraction of 255); `random`: seeded ±1 patterns of `width` units. */
      source: z.enum(['mnist', 'random']).default('mnist'),
      /** mnist: `first` P training images, or `distinct` digits (the first image of each of P different classes, P ≤ 10). */
      select: z.enum(['first', 'distinct']).default('first'),
      threshold: z.number().gt(0).lt(1).default(0.5),
      width: int().min(2).max(LIMITS.columns).default(784),
    })
    .prefault({}),
  /** recall: P, the number of stored patterns. */
  count: int().min(1).max(LIMITS.patterns).default(3),
  /** recall: which stored pattern to corrupt and recall. */
  probe: int().min(0).default(0),
  /** capacity: the values of P to try. */
  counts: z.array(int().min(1).max(LIMITS.patterns)).min(1).default([1, 2, 3, 5, 10, 20, 50, 100, 1000]),
  /** capacity: seeded trials per (model, P). */
  trials: int().min(1).max(LIMITS.epochs).default(50),
  /** Fraction of units flipped in each probe. */
  flip: z.number().min(0).max(1).default(0.05),
  models: z
    .array(RecallModelSchema)
    .min(1)
    .default([
      { kind: 'classical', threshold: 0 },
      { kind: 'dense', power: 20, rectified: true },
      { kind: 'modern', beta: 1, tolerance: 1e-6, maxSteps: 10 },
    ]),
  /** classical and dense: `async` (one unit at a time, seeded order) or `sync` (all units at once). */
  schedule: z.enum(['async', 'sync']).default('async'),
  maxSweeps: int().min(1).max(LIMITS.epochs).default(50),
  outputs: z.strictObject({ plots: z.boolean().default(true) }).prefault({}),
  expect: GatesSchema.default({}),
  /** A reduced run (settings as JSON values, e.g. a list of models, and gates) that the test suite runs on every commit. */
  smoke: z.strictObject({ set: z.record(z.string(), z.json()), expect: GatesSchema }).optional(),
});

/** What a lab file exports (defaults may be omitted). */
export type LabSpec = z.input<typeof LabSchema>;
/** A lab with every default filled in. */
export type ResolvedLab = z.output<typeof LabSchema>;
/** One resolved recall model. */
export type RecallModelSpec = z.output<typeof RecallModelSchema>;

/** The name a model goes by in results: its own, or its kind and main setting (no dots, so gates can address it). */
export function modelLabel(m: RecallModelSpec): string {
  if (m.name) return m.name;
  const num = (v: number) => String(v).replace('.', '_');
  return m.kind === 'classical' ? 'classical' : m.kind === 'dense' ? `dense-n${m.power}` : `modern-b${num(m.beta)}`;
}

/** Validates a lab and fills in every default; throws a UsageError listing each problem. */
export function resolveLab(spec: LabSpec, source = 'lab'): ResolvedLab {
  assertPlainKeys(spec, source);
  const parsed = LabSchema.safeParse(spec);
  if (!parsed.success) {
    const hints = suggestKeys(LabSchema, spec, parsed.error).join('\n');
    throw new UsageError(`${source}: invalid settings\n${settingIssues(parsed.error, spec)}\n${hints ? `${hints}\n` : ''}(run 'amem-flow describe ${source}' to see every setting and its value)`);
  }
  return sealedSettings(parsed.data);
}
