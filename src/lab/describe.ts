/** `amem-flow describe` for a recall lab: what it stores, how it corrupts, which models recall. */
import { flattenSettings } from '../util/settings.js';
import { modelLabel, type ResolvedLab } from './spec.js';

/** Renders a resolved lab for humans. */
export function describeLab(spec: ResolvedLab): string {
  const p = spec.patterns;
  const source = p.source === 'mnist' ? `MNIST training digits (${p.select}), binarized at ${p.threshold}` : `seeded random ±1 patterns of ${p.width} units`;
  const what =
    spec.lab === 'recall'
      ? `store ${spec.count} ${source}; flip ${100 * spec.flip}% of pattern ${spec.probe}; recall`
      : `for P in [${spec.counts.join(', ')}]: store P ${source}; ${spec.trials} trials flipping ${100 * spec.flip}% of a random stored pattern; recall`;
  return [
    `${spec.name}${spec.description ? `: ${spec.description}` : ''}`,
    '',
    'graph:',
    `  ${what} with ${spec.models.map(modelLabel).join(', ')} (${spec.schedule}, at most ${spec.maxSweeps} sweeps)`,
    '',
    'settings (change any with --set key=value):',
    ...flattenSettings(spec).map(([k, v]) => `  ${k} = ${v}`),
  ].join('\n');
}
