/**
 * One entry for both kinds of pipeline file: a training pipeline (`model`, `train`, …) or a recall
 * lab (`lab: 'recall' | 'capacity'`). The CLI and the tests resolve, describe and run either.
 */
import { describeLab } from '../lab/describe.js';
import { resolveLab, type LabSpec, type ResolvedLab } from '../lab/spec.js';
import { describePipeline } from './describe.js';
import { resolvePipeline } from './resolve.js';
import type { RunOptions, RunResult } from './run.js';
import type { PipelineSpec, ResolvedPipeline } from './spec.js';

/** Either kind, resolved. */
export type AnyResolved = ResolvedPipeline | ResolvedLab;

/** True for a recall-lab spec. */
function isLab(spec: object): spec is ResolvedLab {
  return 'lab' in spec;
}

/** Validates either kind of pipeline file's export. */
export function resolveAny(raw: PipelineSpec | LabSpec, source: string): AnyResolved {
  return 'lab' in raw ? resolveLab(raw as LabSpec, source) : resolvePipeline(raw as PipelineSpec, source);
}

/** Describes either kind. */
export function describeAny(spec: AnyResolved): string {
  return isLab(spec) ? describeLab(spec) : describePipeline(spec);
}

/** Runs either kind. */
export async function runAny(spec: AnyResolved, opts: RunOptions = {}): Promise<RunResult> {
  // The runners (and the models, tfjs and chart renderers they load) are imported when a run starts.
  if (isLab(spec)) return (await import('../lab/run.js')).runLab(spec, { backend: opts.backend, outDir: opts.outDir, reporter: opts.reporter, settingsChanged: opts.settingsChanged });
  return (await import('./run.js')).runPipeline(spec, opts);
}
