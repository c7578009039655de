/**
 * A pipeline's operator graph, built once from the resolved spec: the training branch (source →
 * steps → the model's training graph) and one branch per evaluation (source → steps → predict →
 * score). `run` applies these nodes' operators; `describe` prints the same nodes with their
 * settings and kernels.
 */
import type { Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { UsageError } from '../util/errors.js';
import type { Partition, Partitions } from './data.js';
import type { ResolvedPipeline } from './spec.js';
import { applyNodes, stepNodes, type GraphNode, type StepContext, type StepNode } from './steps.js';
import type { PipelineModel, Pm1Noise } from './training.js';

/** One branch of the graph: a source, the steps applied to it, and the nodes that consume it. */
export interface GraphBranch {
  source: string;
  steps: StepNode[];
  sink: GraphNode[];
}

/** The graph a run executes. */
export interface PipelineGraph {
  /**
   * `steps` are the pipeline's steps (what a sample looks like to the model); with `fused`, batch
   * training runs only `fused.before` ahead of collection, and the model's steps apply the
   * trailing normalize step themselves (bytes are collected as bytes).
   */
  train: GraphBranch & { fused?: FusedNormalize };
  /**
   * `noise`: a trailing addNoise pm1 step that the model's prediction applies itself (no noisy copy
   * of each batch); `normalize`: likewise a trailing normalize step (bytes are read as bytes).
   */
  evaluations: (GraphBranch & { name: string; partition: Partition; noise?: Pm1Noise; normalize?: [number, number] })[];
  /** The stream a branch's source gives after its steps. */
  open(branch: GraphBranch & { partition?: Partition }, source?: Observable<RecordBatch>): Observable<RecordBatch>;
}

/** A trailing normalize step that a model's training steps apply as they read each minibatch. */
interface FusedNormalize {
  /** The steps run before collection. */
  before: StepNode[];
  /** The normalize step's target range. */
  range: [number, number];
}

/** Builds the graph of `spec` for `model` over the opened data. */
export function pipelineGraph(spec: ResolvedPipeline, ctx: StepContext, model: PipelineModel, parts: Partitions): PipelineGraph {
  const steps = stepNodes(spec.steps, ctx, 'steps');
  const predict: GraphNode[] = [
    { op: 'predict', settings: {}, kernels: model.kernels.predict },
    { op: 'score', settings: { classes: model.classes }, kernels: [] },
  ];
  const fused = spec.stream ? undefined : fusableNormalize(steps, model);
  const train: PipelineGraph['train'] & { partition: Partition } = {
    source: spec.stream ? `stream ${spec.stream.source}` : parts.train.describe,
    steps,
    sink: spec.stream
      ? [{ op: 'learnOnline', settings: { window: spec.stream.window, checkpointEvery: spec.stream.checkpointEvery }, kernels: model.kernels.learn }]
      : model.trainGraph(spec.train, fused && { op: 'normalize', settings: { range: fused.range, into: 'trainStep' }, kernels: [] }),
    partition: parts.train,
    fused,
  };
  const evaluations = spec.evaluate.map((e) => {
    const partition = parts[e.partition];
    if (!partition) throw new UsageError(`evaluation '${e.name}' uses the '${e.partition}' partition, but the data section defines none`);
    const branch = [...steps, ...stepNodes(e.steps, ctx, `evaluate:${e.name}`)];
    const noise = fusableNoise(branch, model);
    const normalize = model.predictNormalized && branch.at(-1)?.op === 'normalize' ? normalizeRange(branch.at(-1)!) : undefined;
    if (!noise && !normalize) return { name: e.name, partition, source: partition.describe, steps: branch, sink: predict };
    const { operator: _applied, ...described } = branch.at(-1)!;
    const fused: GraphNode = { ...described, settings: { ...described.settings, into: 'predict' } };
    return { name: e.name, partition, source: partition.describe, steps: branch.slice(0, -1), sink: [fused, ...predict], noise, normalize };
  });
  return {
    train,
    evaluations,
    open: (branch, source) => applyNodes(source ?? branch.partition!.open(), branch.steps),
  };
}

/**
 * The noise of a branch's last step when prediction can apply it: an addNoise pm1 step after the
 * samples were routed (so routing sees them as the step would leave them), on a model that
 * predicts on noisy samples itself. The predictions are the same; no noisy copy is made.
 */
function fusableNoise(branch: StepNode[], model: PipelineModel): Pm1Noise | undefined {
  const last = branch.at(-1);
  if (!model.predictWithNoise || last?.op !== 'addNoise' || last.settings.kind !== 'pm1') return undefined;
  if (!branch.slice(0, -1).some((n) => n.op === 'route')) return undefined;
  return { kind: 'pm1', seed: last.settings.seed as number };
}

/**
 * The normalize step that ends a training branch when the model's steps can apply it: the data
 * are then collected as the steps before it leave them (raw bytes stay bytes, a quarter of their
 * float32 size) and each minibatch is normalized as the step reads it, to the same values.
 */
function fusableNormalize(steps: StepNode[], model: PipelineModel): FusedNormalize | undefined {
  const last = steps.at(-1);
  if (!model.fusesNormalize || last?.op !== 'normalize') return undefined;
  return { before: steps.slice(0, -1), range: normalizeRange(last) };
}

function normalizeRange(node: StepNode): [number, number] {
  return (node.settings.range as [number, number] | undefined) ?? [-1, 1];
}

/** The graph as text, one line per branch: `source → op(settings) [kernels] → …`. */
export function renderGraph(graph: PipelineGraph): string[] {
  const chain = (b: GraphBranch & { fused?: FusedNormalize }) => [b.source, ...[...(b.fused?.before ?? b.steps), ...b.sink].map(renderNode)].join(' → ');
  return [`  train: ${chain(graph.train)}`, ...graph.evaluations.map((e) => `  evaluate ${e.name}: ${chain(e)}`)];
}

function renderNode(n: GraphNode): string {
  const settings = settingsList(n.settings);
  return `${n.op}${settings ? `(${settings})` : ''}${n.kernels.length > 0 ? ` [${n.kernels.join(', ')}]` : ''}`;
}

/** `k=v` pairs, nested groups in braces. */
function settingsList(settings: object): string {
  const fmt = (v: unknown): string => (Array.isArray(v) ? `[${v.join(',')}]` : v !== null && typeof v === 'object' ? `{${settingsList(v)}}` : String(v));
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(' ');
}
