/**
 * The bridge between pipeline specs and model classes: each model kind gets an adapter that
 * trains it from a stream according to the pipeline's schedule and reports what the run needs
 * (per-epoch curve, a model-specific metrics section, summary rows, warnings).
 */
import type { Backend } from '../backends/backend.js';
import { DenseAmModel } from '../models/denseAm.js';
import { ShardedLshModel } from '../models/shardedLsh.js';
import { denseAmAdapter } from './adapters/denseAm.js';
import { shardedLshAdapter } from './adapters/shardedLsh.js';
import { competingUnitsAdapter } from './adapters/competingUnits.js';
import { Rng } from '../util/random.js';
import type { ModelSpec } from './spec.js';
import type { PipelineModel } from './training.js';

/** Builds the adapter for a model spec. */
export function createPipelineModel(spec: ModelSpec, backend: Backend, pipelineSeed: number): PipelineModel {
  const seed = spec.seed ?? Rng.deriveSeed(pipelineSeed, 'model');
  switch (spec.kind) {
    case 'sharded-lsh':
      return shardedLshAdapter(new ShardedLshModel({ bits: spec.bits, shards: spec.shards, classes: spec.classes, seed }, backend));
    case 'dense-am': {
      const { kind: _kind, figureColumns, ...settings } = spec;
      return denseAmAdapter(new DenseAmModel({ ...settings, seed }, backend), figureColumns);
    }
    case 'competing-units': {
      const { kind: _kind, classes, head, figureColumns, seed: _seed, ...options } = spec;
      return competingUnitsAdapter(backend, { options: { ...options, randomState: seed }, head, classes, figureColumns });
    }
    default:
      return spec satisfies never;
  }
}
