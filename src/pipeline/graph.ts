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
import type { PipelineModel } from './training.js';

/** One branch of the graph: a source, the steps applied to it, and the nodes that consume it. */
export interface GraphBranch {
  source: string;
  steps: StepNode[];
  sink: GraphNode[];
}

/** The graph a run executes. */
export interface PipelineGraph {
  train: GraphBranch;
  evaluations: (GraphBranch & { name: string; partition: Partition })[];
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
    return { name: e.name, partition, source: partition.describe, steps: [...steps, ...stepNodes(e.steps, ctx, `evaluate:${e.name}`)], sink: predict };
  });
  return {
    train,
    evaluations,
    open: (branch, source) => applyNodes(source ?? branch.partition!.open(), branch.steps),
  };
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
