/**
 * Scale-out from the command line, on NATS JetStream (`--nats URL`, default nats://127.0.0.1:4222):
 * `publish SOURCE --pipeline P` routes the data to shard subjects (or stores it in chunks for
 * data-parallel models), `worker P --worker i/W` trains a share, and `run P --from-cluster` (in
 * main.ts) assembles the model and evaluates it.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { BACKEND_NAMES } from '../backends/backend.js';
import type { ResolvedPipeline } from '../pipeline/spec.js';
import { UsageError } from '../util/errors.js';
import { pipelineOptions, resolveFromArgs, settingOptions } from './pipelineArgs.js';
import { createCliReporter } from './reporter.js';

const NATS_OPTION = { type: 'string', default: 'nats://127.0.0.1:4222', describe: 'NATS server with JetStream' } as const;

/** Resolves a pipeline that trains by shard (publish and worker need one). */
async function batchPipeline(args: { pipeline: string; set: string[]; seed?: number; epochs?: number }): Promise<ResolvedPipeline> {
  const spec = await resolveFromArgs(args);
  if ('lab' in spec) throw new UsageError(`${args.pipeline} is a recall lab: it trains nothing to scale out`);
  return spec;
}

/** `--worker i/W` → [i, W]. */
function parseWorker(value: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[1]) >= Number(m[2])) throw new UsageError(`--worker takes i/W (this worker's index i of W workers, 0 <= i < W), got '${value}'`);
  return [Number(m[1]), Number(m[2])];
}

/** Adds `publish` and `worker` to the parser; `guarded` wraps handlers with the CLI's error handling. */
export function clusterCommands<T>(
  y: Argv<T>,
  guarded: (fn: () => Promise<void>) => Promise<void>,
  io: { out: (t: string) => void; err: (t: string) => void; interactive: boolean },
  setCode: (code: number) => void,
): Argv<T> {
  return y
    .command(
      'publish <source>',
      'publish a data set to NATS JetStream: routed by shard to shard subjects (sharded-lsh), or in chunks to the object store (dense-am, competing-units)',
      (c) =>
        settingOptions(
          c
            .positional('source', { type: 'string', demandOption: true, describe: 'mnist:train, idx:IMAGES,LABELS, an Arrow file, tcp://HOST:PORT or -' })
            .option('pipeline', { type: 'string', demandOption: true, describe: 'pipeline file whose router splits the data (e.g. pipelines/sharded-mnist.ts)' })
            .option('nats', NATS_OPTION)
            .option('backend', { type: 'string', choices: ['auto', ...BACKEND_NAMES], default: 'auto', describe: 'backend that hashes the rows' })
            .option('out', { type: 'string', describe: 'folder for dead letters (default runs/<pipeline>-publish)' })
            .option('quiet', { type: 'boolean', default: false })
            .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }),
        ),
      (args) =>
        guarded(async () => {
          const spec = await batchPipeline({ ...args, pipeline: args.pipeline });
          const [{ connectJetStream }, { publishShards }, { publishParts }, { parseBackendName }] = await Promise.all([
            import('../cluster/node/jetstream.js'),
            import('../pipeline/node/clusterPublish.js'),
            import('../pipeline/node/clusterPublishParts.js'),
            import('../backends/index.js'),
          ]);
          const outDir = resolve(args.out ?? `runs/${spec.name}-publish`);
          (await import('../io/node/outputFolder.js')).prepareOutputFolder(outDir, '--out');
          const transport = await connectJetStream(args.nats);
          try {
            const reporter = createCliReporter({ interactive: io.interactive, quiet: args.quiet, write: io.err });
            const dataParallel = (spec.model.kind === 'dense-am' || spec.model.kind === 'competing-units') && !spec.stream;
            const report = dataParallel
              ? await publishParts(spec, args.source, transport, { outDir, reporter })
              : await publishShards(spec, args.source, transport, { outDir, backend: parseBackendName(args.backend), reporter });
            if (args.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
          } finally {
            await transport.close();
          }
        }),
    )
    .command(
      'worker <pipeline>',
      'train a share from NATS JetStream: shards (stored before their data are acknowledged), or a part of every data-parallel round',
      (c) =>
        pipelineOptions(c)
          .option('worker', { type: 'string', default: '0/1', describe: 'i/W: this worker trains the shards k with k mod W = i' })
          .option('nats', NATS_OPTION)
          .option('ack-wait', { type: 'number', default: 60, describe: 'seconds before the server redelivers what a dead worker held' })
          .option('idle-timeout', { type: 'number', describe: 'give up on a shard whose data stop arriving for this many seconds (default: wait)' })
          .option('local-steps', { type: 'number', default: 1, describe: 'dense-am and competing-units: minibatch steps each worker runs before the states are averaged' })
          .option('backend', { type: 'string', choices: ['auto', ...BACKEND_NAMES], default: 'auto' })
          .option('quiet', { type: 'boolean', default: false })
          .option('json', { type: 'boolean', default: false, describe: 'print the per-shard report as JSON' }),
      (args) =>
        guarded(async () => {
          const spec = await batchPipeline(args);
          const [index, count] = parseWorker(args.worker);
          const ackWait = args['ack-wait'];
          if (!(ackWait >= 1 && Number.isFinite(ackWait))) throw new UsageError(`--ack-wait must be a number of seconds >= 1, got ${ackWait}`);
          const [{ connectJetStream }, { runWorker }, { parseBackendName }] = await Promise.all([
            import('../cluster/node/jetstream.js'),
            import('../pipeline/node/clusterWorker.js'),
            import('../backends/index.js'),
          ]);
          const transport = await connectJetStream(args.nats);
          // An online worker stops on SIGINT/SIGTERM after storing and acknowledging what it learned.
          const stop = new AbortController();
          const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
          if (spec.stream) {
            process.once('SIGINT', onSignal);
            process.once('SIGTERM', onSignal);
          }
          try {
            const reporter = createCliReporter({ interactive: io.interactive, quiet: args.quiet, write: io.err });
            const report = await runWorker(spec, transport, {
              index,
              count,
              ackWaitS: ackWait,
              idleTimeoutS: args['idle-timeout'],
              localSteps: args['local-steps'],
              backend: parseBackendName(args.backend),
              reporter,
              signal: stop.signal,
            });
            if (args.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
            if (stop.signal.aborted) setCode(stop.signal.reason === 'SIGTERM' ? 143 : 130);
          } finally {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            await transport.close();
          }
        }),
    );
}
