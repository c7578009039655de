/**
 * Turns declarative steps into graph nodes: each node holds the operator a run applies, the
 * settings it was built with (seeds resolved) and the backend kernels it calls, so `describe`
 * prints exactly what `run` executes. Steps that draw random numbers get a seed derived from the
 * pipeline seed and the step's place (unless the step names its own), so two noise steps in
 * different evaluations draw different noise, and a rerun draws the same.
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { KernelRunner } from '../backends/backend.js';
import type { KernelName } from '../backends/kernel.js';
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

/** One stage of a pipeline's graph, as `describe` prints it. */
export interface GraphNode {
  op: string;
  /** The settings it runs with (seeds resolved). */
  settings: Record<string, unknown>;
  /** The backend kernels it calls. */
  kernels: readonly KernelName[];
}

/** A graph node that a run applies to a stream. */
export interface StepNode extends GraphNode {
  operator: OperatorFunction<RecordBatch, RecordBatch>;
}

/** The node for one step; `where` and `index` name its place for seed derivation. */
function stepNode(step: StepSpec, ctx: StepContext, where: string, index: number): StepNode {
  const seed = (own: number | undefined) => own ?? Rng.deriveSeed(ctx.seed, where, index, step.op);
  const { op: _op, ...given } = step;
  const node = (operator: OperatorFunction<RecordBatch, RecordBatch>, settings: Record<string, unknown> = given, kernels: KernelName[] = []): StepNode => ({
    op: step.op,
    settings,
    kernels,
    operator,
  });
  switch (step.op) {
    case 'normalize':
      return node(normalize({ range: step.range }));
    case 'binarize':
      return node(binarize({ threshold: step.threshold, values: step.values }));
    case 'addNoise': {
      const s = seed(step.seed);
      const settings = { ...given, seed: s };
      if (step.kind === 'flip') return node(addNoise({ kind: 'flip', p: step.p!, seed: s }), settings);
      if (step.kind === 'gaussian') return node(addNoise({ kind: 'gaussian', sigma: step.sigma!, seed: s }), settings);
      return node(addNoise({ kind: 'pm1', seed: s, backend: ctx.backend }), settings, ['pm1Noise']);
    }
    case 'lshHash': {
      const s = seed(step.seed);
      return node(lshHash({ bits: step.bits, shards: step.shards, seed: s, backend: ctx.backend }), { ...given, seed: s }, ['lshCodes']);
    }
    case 'route':
      if (!ctx.route) throw new UsageError(`step 'route' (in ${where}) needs a model with a router, such as sharded-lsh`);
      return node(ctx.route(), given, ['lshCodes']);
    case 'minibatch': {
      const s = seed(step.seed);
      return node(minibatch({ size: step.size, shuffle: step.shuffle, window: step.window, seed: s }), step.shuffle ? { ...given, seed: s } : given);
    }
    default:
      return step satisfies never;
  }
}

/** The nodes of `steps`, in order. */
export function stepNodes(steps: readonly StepSpec[], ctx: StepContext, where: string): StepNode[] {
  return steps.map((step, i) => stepNode(step, ctx, where, i));
}

/** Applies nodes' operators in order to `source`. */
export function applyNodes(source: Observable<RecordBatch>, nodes: readonly StepNode[]): Observable<RecordBatch> {
  return nodes.reduce((stream, n) => stream.pipe(n.operator), source);
}
