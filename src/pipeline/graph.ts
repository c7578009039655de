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
  train: GraphBranch;
  /** `noise`: a trailing addNoise pm1 step that the model's prediction applies itself (no noisy copy of each batch). */
  evaluations: (GraphBranch & { name: string; partition: Partition; noise?: Pm1Noise })[];
  /** The stream a branch's source gives after its steps. */
  open(branch: GraphBranch & { partition?: Partition }, source?: Observable<RecordBatch>): Observable<RecordBatch>;
}

/** Builds the graph of `spec` for `model` over the opened data. */
export function pipelineGraph(spec: ResolvedPipeline, ctx: StepContext, model: PipelineModel, parts: Partitions): PipelineGraph {
  const steps = stepNodes(spec.steps, ctx, 'steps');
  const predict: GraphNode[] = [
    { op: 'predict', settings: {}, kernels: model.kernels.predict },
    { op: 'score', settings: { classes: model.classes }, kernels: [] },
  ];
  const train: GraphBranch & { partition: Partition } = {
    source: spec.stream ? `stream ${spec.stream.source}` : parts.train.describe,
    steps,
    sink: spec.stream ? [{ op: 'learnOnline', settings: { window: spec.stream.window, checkpointEvery: spec.stream.checkpointEvery }, kernels: model.kernels.learn }] : model.trainGraph(spec.train),
    partition: parts.train,
  };
  const evaluations = spec.evaluate.map((e) => {
    const partition = parts[e.partition];
    if (!partition) throw new UsageError(`evaluation '${e.name}' uses the '${e.partition}' partition, but the data section defines none`);
    const branch = [...steps, ...stepNodes(e.steps, ctx, `evaluate:${e.name}`)];
    const noise = fusableNoise(branch, model);
    if (!noise) return { name: e.name, partition, source: partition.describe, steps: branch, sink: predict };
    const { operator: _applied, ...described } = branch.at(-1)!;
    const fused: GraphNode = { ...described, settings: { ...described.settings, into: 'predict' } };
    return { name: e.name, partition, source: partition.describe, steps: branch.slice(0, -1), sink: [fused, ...predict], noise };
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

/** The graph as text, one line per branch: `source → op(settings) [kernels] → …`. */
export function renderGraph(graph: PipelineGraph): string[] {
  const chain = (b: GraphBranch) => [b.source, ...[...b.steps, ...b.sink].map(renderNode)].join(' → ');
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
