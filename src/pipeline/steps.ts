/**
 * Turns declarative steps into operators. Steps that draw random numbers get a seed derived from
 * the pipeline seed and the step's place (unless the step names its own), so two noise steps in
 * different evaluations draw different noise, and a rerun draws the same.
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { KernelRunner } from '../backends/backend.js';
import { addNoise } from '../operators/addNoise.js';
import { binarize } from '../operators/binarize.js';
import { lshHash } from '../operators/lshHash.js';
import { minibatch } from '../operators/minibatch.js';
import { normalize } from '../operators/normalize.js';
import { UsageError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import type { StepSpec } from './spec.js';

/** What steps may need from the run: the seed, the backend's kernels, the model's router. */
export interface StepContext {
  seed: number;
  backend: KernelRunner;
  route?: () => OperatorFunction<RecordBatch, RecordBatch>;
}

/** The operator for one step; `where` and `index` name its place for seed derivation. */
function stepOperator(step: StepSpec, ctx: StepContext, where: string, index: number): OperatorFunction<RecordBatch, RecordBatch> {
  const seed = (own: number | undefined) => own ?? Rng.deriveSeed(ctx.seed, where, index, step.op);
  switch (step.op) {
    case 'normalize':
      return normalize({ range: step.range });
    case 'binarize':
      return binarize({ threshold: step.threshold, values: step.values });
    case 'addNoise':
      if (step.kind === 'flip') return addNoise({ kind: 'flip', p: step.p!, seed: seed(step.seed) });
      if (step.kind === 'gaussian') return addNoise({ kind: 'gaussian', sigma: step.sigma!, seed: seed(step.seed) });
      return addNoise({ kind: 'pm1', seed: seed(step.seed) });
    case 'lshHash':
      return lshHash({ bits: step.bits, shards: step.shards, seed: seed(step.seed), backend: ctx.backend });
    case 'route':
      if (!ctx.route) throw new UsageError(`step 'route' (in ${where}) needs a model with a router, such as sharded-lsh`);
      return ctx.route();
    case 'minibatch':
      return minibatch({ size: step.size, shuffle: step.shuffle, window: step.window, seed: seed(step.seed) });
    default:
      return step satisfies never;
  }
}

/** Applies `steps` in order to `source`. */
export function applySteps(source: Observable<RecordBatch>, steps: readonly StepSpec[], ctx: StepContext, where: string): Observable<RecordBatch> {
  return steps.reduce((stream, step, i) => stream.pipe(stepOperator(step, ctx, where, i)), source);
}

/** A one-line rendering of a step for `describe`. */
export function describeStep(step: StepSpec): string {
  const { op, ...rest } = step;
  const args = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(' ');
  return args ? `${op}(${args})` : op;
}
