/**
 * `amem-flow describe`: the pipeline as a graph (source → steps → model → evaluations) followed
 * by every resolved setting, so a user sees what `--set` can change and what a run will do.
 */
import type { ResolvedPipeline, StepSpec } from './spec.js';
import { openData } from './data.js';
import { describeStep } from './steps.js';
import { flattenSettings } from '../util/settings.js';

/** Renders a resolved pipeline for humans. */
export function describePipeline(spec: ResolvedPipeline): string {
  const parts = openData(spec.data, spec.seed);
  const chain = (steps: readonly StepSpec[]) => steps.map((s) => ` → ${describeStep(s)}`).join('');
  const { kind, ...modelSettings } = spec.model;
  const lines = [
    `${spec.name}${spec.description ? `: ${spec.description}` : ''}`,
    '',
    'graph:',
    `  train: ${spec.stream ? `stream ${spec.stream.source}` : parts.train.describe}${chain(spec.steps)} → ${spec.stream ? 'learn online' : 'fit'} ${kind}(${settingsList(modelSettings)})${spec.stream ? '' : ` [${settingsList(spec.train)}]`}`,
    ...spec.evaluate.map((e) => {
      const p = e.partition === 'train' ? parts.train : parts.test;
      return `  evaluate ${e.name}: ${p?.describe ?? `(no ${e.partition} partition)`}${chain([...spec.steps, ...e.steps])} → predict → score`;
    }),
    '',
    'settings (change any with --set key=value):',
    ...flattenSettings(spec).map(([k, v]) => `  ${k} = ${v}`),
  ];
  return lines.join('\n');
}

/** `k=v` pairs, nested groups in braces. */
function settingsList(settings: object): string {
  const fmt = (v: unknown): string => (Array.isArray(v) ? `[${v.join(',')}]` : v !== null && typeof v === 'object' ? `{${settingsList(v)}}` : String(v));
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(' ');
}
