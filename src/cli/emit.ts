/**
 * `amem-flow emit SOURCE [--to -|tcp://HOST:PORT|FILE]`: a live Arrow IPC stream for tests and
 * demos (see `stream/emitter.ts`).
 */
import type { Argv } from 'yargs';
import type { AddNoiseOptions } from '../operators/addNoise.js';
import type { EmitOptions } from '../stream/node/emitter.js';
import { UsageError } from '../util/errors.js';

/** Adds the emit command to a yargs parser; `run` wraps the handler with the CLI's error handling. */
export function emitCommand<T>(y: Argv<T>, run: (fn: () => Promise<void>) => Promise<void>, err: (text: string) => void): Argv<T> {
  return y.command(
    'emit <source>',
    'stream a data set as Arrow IPC (stdout, a growing file, or a TCP server)',
    (c) =>
      c
        .positional('source', { type: 'string', demandOption: true, describe: 'mnist:train|test|all, idx:IMAGES,LABELS or an Arrow file' })
        .option('to', { type: 'string', default: '-', describe: "'-' (stdout), tcp://HOST:PORT (serve clients), or a file path" })
        .option('batch-size', { type: 'number', default: 1000, describe: 'rows per batch' })
        .option('rate', { type: 'number', describe: 'samples per second (default: as fast as the reader takes them)' })
        .option('order', { choices: ['file', 'shuffled', 'class-incremental'] as const, default: 'file' as const, describe: 'sample order; class-incremental gives a drifting stream' })
        .option('noise', { type: 'string', describe: 'pm1, flip:P or gaussian:SIGMA' })
        .option('repeat', { type: 'number', default: 1, describe: 'passes over the data (ids offset per pass, so they stay unique)' })
        .option('limit', { type: 'number', describe: 'only the first N samples' })
        .option('seed', { type: 'number', default: 0, describe: 'seed of the shuffle and the noise' })
        .option('connections', {
          type: 'number',
          default: 1,
          describe: 'with tcp://: how many readers must receive the whole stream before emit exits (readers are served at once; one that leaves early does not count)',
        }),
    (args) =>
      run(async () => {
        const opts: EmitOptions = {
          batchSize: positiveInt(args['batch-size'], '--batch-size'),
          rate: args.rate === undefined ? undefined : positive(args.rate, '--rate'),
          order: args.order,
          noise: args.noise === undefined ? undefined : parseNoise(args.noise, args.seed),
          repeat: positiveInt(args.repeat, '--repeat'),
          limit: args.limit === undefined ? undefined : positiveInt(args.limit, '--limit'),
          seed: args.seed,
        };
        const { emit } = await import('../stream/node/emitter.js');
        const report = await emit(
          args.source,
          args.to,
          opts,
          positiveInt(args.connections, '--connections'),
          (port) => err(`emit: serving ${args.source} on tcp://${new URL(args.to).hostname}:${port}\n`),
          err,
        );
        err(`emit: sent ${report.samples} samples in ${report.batches} batches to ${report.connections} reader(s)\n`);
      }),
  );
}

/** Parses `--noise`: pm1, flip:P or gaussian:SIGMA. */
function parseNoise(text: string, seed: number): AddNoiseOptions {
  const [kind, value] = text.split(':');
  if (kind === 'pm1' && value === undefined) return { kind, seed };
  if (kind === 'flip' && value !== undefined) return { kind, p: Number(value), seed };
  if (kind === 'gaussian' && value !== undefined) return { kind, sigma: Number(value), seed };
  throw new UsageError(`--noise '${text}': use pm1, flip:P (e.g. flip:0.05) or gaussian:SIGMA`);
}

function positiveInt(v: number, name: string): number {
  if (!(Number.isInteger(v) && v > 0)) throw new UsageError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function positive(v: number, name: string): number {
  if (!(v > 0 && Number.isFinite(v))) throw new UsageError(`${name} must be a positive number, got ${v}`);
  return v;
}
