/**
 * `amem-flow describe`: the graph `run` executes (each branch: source → operators with their
 * settings and the backend kernels they call → the model's training graph, or predict → score)
 * followed by every resolved setting, so a user sees what `--set` can change and what a run will do.
 */
import type { Backend } from '../backends/backend.js';
import { UsageError } from '../util/errors.js';
import { flattenSettings } from '../util/settings.js';
import { openData } from './data.js';
import { pipelineGraph, renderGraph } from './graph.js';
import { createPipelineModel } from './models.js';
import type { ResolvedPipeline } from './spec.js';

/** Renders a resolved pipeline for humans. */
export function describePipeline(spec: ResolvedPipeline): string {
  const model = createPipelineModel(spec.model, unloadedBackend, spec.seed);
  const graph = pipelineGraph(spec, { seed: spec.seed, backend: unloadedBackend, route: model.route && (() => model.route!()) }, model, openData(spec.data, spec.seed));
  const lines = [
    `${spec.name}${spec.description ? `: ${spec.description}` : ''}`,
    '',
    'graph (what run executes; [kernels] each operator calls on the backend):',
    ...renderGraph(graph),
    '',
    'settings (change any with --set key=value):',
    ...flattenSettings(spec).map(([k, v]) => `  ${k} = ${v}`),
  ];
  return lines.join('\n');
}

/** Building a graph does not run it: a backend whose kernels are never called, so describing loads no engine. */
const unloadedBackend: Backend = {
  name: 'cpu',
  description: 'not loaded (describe builds the graph without running it)',
  engine: 'none',
  get tf(): never {
    throw new UsageError('describe: the graph was run; describe only builds it');
  },
  activate: () => Promise.reject(new UsageError('describe: the graph was run; describe only builds it')),
  run: () => {
    throw new UsageError('describe: a kernel was called; describe only builds the graph');
  },
  gaps: {},
  workerKernels: 'cpu',
  // As the cpu and wasm backends: a step that would use worker threads there shows them here.
  threadable: true,
  dispose: () => undefined,
};
