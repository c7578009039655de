/** The options every command that reads a pipeline file takes, and the spec they resolve to. */
import type { Argv } from 'yargs';
import type { AnyResolved } from '../pipeline/dispatch.js';
import { UsageError } from '../util/errors.js';

/** Adds the pipeline positional, --set, --seed and --epochs. */
export function pipelineOptions<T>(y: Argv<T>) {
  return settingOptions(y.positional('pipeline', { type: 'string', demandOption: true, describe: 'pipeline file, e.g. pipelines/sharded-mnist.ts' }));
}

/** Adds --set, --seed and --epochs. */
export function settingOptions<T>(y: Argv<T>) {
  return y
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'override a setting: --set train.epochs=20 (repeatable)' })
    .option('seed', { type: 'number', describe: 'pipeline seed (every random draw derives from it)' })
    .option('epochs', { type: 'number', describe: 'training epochs (same as --set train.epochs=N)' });
}

/** Loads the pipeline file, applies --set, --seed and --epochs, and validates the result. */
export async function resolveFromArgs(args: { pipeline: string; set: string[]; seed?: number; epochs?: number }): Promise<AnyResolved> {
  const sets = [...args.set];
  if (args.epochs !== undefined) sets.push(`train.epochs=${args.epochs}`);
  if (args.seed !== undefined) {
    if (!Number.isSafeInteger(args.seed) || args.seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${args.seed}`);
    sets.push(`seed=${args.seed}`);
  }
  const [{ applySettings, loadPipelineFile }, { resolveAny }] = await Promise.all([import('../pipeline/resolve.js'), import('../pipeline/dispatch.js')]);
  const raw = await loadPipelineFile(args.pipeline);
  if ('lab' in raw && args.epochs !== undefined) throw new UsageError(`${args.pipeline} is a recall lab: it has no training epochs (drop --epochs; --set maxSweeps=N caps the recall sweeps)`);
  return resolveAny(applySettings(raw, sets), args.pipeline);
}
