/**
 * The `amem-flow` command line: run and describe pipelines, list backends.
 *
 * Exit codes: 0 success, 1 a failed run (or a failed gate with --check), 2 a usage error
 * (unknown option, missing file, bad --set).
 *
 * Start-up: only yargs loads before the arguments are parsed; each command imports what it needs
 * (tfjs, Arrow, the pipeline runner) when it runs, so `--help` and `--version` answer at once.
 */
import { resolve } from 'node:path';
import yargs from 'yargs';
import { BACKEND_NAMES } from '../backends/backend.js';
import { VERSION } from '../pipeline/version.js';
import { UsageError } from '../util/errors.js';
import { dashboardCommand, dashboardPort, openLiveDashboard, type LiveDashboard } from './dashboard.js';
import { clusterCommands } from './cluster.js';
import { emitCommand } from './emit.js';
import { pipelineOptions, resolveFromArgs } from './pipelineArgs.js';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars). */
  interactive: boolean;
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
};

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(rawArgv: string[], io: CliIo = defaultIo): Promise<number> {
  // yargs reads a lone '-' as a positional; '-' means stdin/stdout for these options.
  const argv = rawArgv.flatMap((a, i) => (a === '-' && ['--source', '--to'].includes(rawArgv[i - 1]) ? [] : ['--source', '--to'].includes(a) && rawArgv[i + 1] === '-' ? [`${a}=-`] : [a]));
  let code = 0;
  const fail = (err: unknown): void => {
    const usage = err instanceof UsageError;
    io.err(`amem-flow: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.AMEM_DEBUG && err instanceof Error) io.err(`${err.stack}\n`);
    code = usage ? 2 : 1;
  };

  const guarded = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      fail(err);
    }
  };

  const parser = yargs(argv)
    .scriptName('amem-flow')
    .usage('$0 <command> [options]\n\nAssociative-memory models as streaming Arrow + RxJS pipelines.')
    .command(
      'run <pipeline>',
      'train and evaluate a pipeline, writing metrics.json, the model and plots',
      (y) =>
        pipelineOptions(y)
          .option('backend', { type: 'string', choices: ['auto', ...BACKEND_NAMES], default: 'auto', describe: "compute backend ('amem-flow backends' says which run here)" })
          .option('out', { type: 'string', describe: 'output folder (default runs/<pipeline name>)' })
          .option('quiet', { type: 'boolean', default: false, describe: 'print only the results and warnings' })
          .option('check', { type: 'boolean', default: false, describe: "exit 1 if a result misses the pipeline's expected bounds" })
          .option('json', { type: 'boolean', default: false, describe: 'print metrics.json to stdout instead of the table' })
          .option('source', { type: 'string', describe: 'stream to learn from: -, tcp://HOST:PORT, follow:FILE, an Arrow file, idx:IMAGES,LABELS or mnist:train' })
          .option('resume', { type: 'string', describe: 'continue the run (online, or dense-am training) whose checkpoint is in this folder' })
          .option('idle-timeout', { type: 'number', describe: 'end a stream source (-, tcp://, follow:) that sends nothing for this many seconds (default: wait)' })
          .option('connect-timeout', { type: 'number', describe: 'keep retrying a tcp:// source that refuses the connection for this many seconds', default: 3 })
          .option('dashboard', { type: 'string', describe: 'serve a live, read-only page of the run on 127.0.0.1:PORT (default 8765; 0: any free port)' })
          .option('host', { type: 'string', describe: "the dashboard's address (default 127.0.0.1; another is reachable by others: a warning says so)" })
          .option('from-cluster', { type: 'boolean', default: false, describe: 'assemble the model from the shard states workers stored in NATS JetStream instead of training' })
          .option('nats', { type: 'string', default: 'nats://127.0.0.1:4222', describe: 'NATS server for --from-cluster' }),
      async (args) => {
        try {
          const spec = await resolveFromArgs(args);
          const [{ parseBackendName }, { runAny }, { createCliReporter }, { resultsTable }] = await Promise.all([
            import('../backends/index.js'),
            import('../pipeline/dispatch.js'),
            import('./reporter.js'),
            import('./resultsTable.js'),
          ]);
          const backend = parseBackendName(args.backend);
          if (args.resume && args.out && resolve(args.out) !== resolve(args.resume)) throw new UsageError('--resume DIR writes to DIR; drop --out or give the same folder');
          const outDir = resolve(args.resume ?? args.out ?? `runs/${spec.name}`);
          (await import('../io/node/outputFolder.js')).prepareOutputFolder(outDir, args.resume ? '--resume' : '--out');
          let reporter = createCliReporter({ interactive: io.interactive, quiet: args.quiet, write: io.err });
          if (args.host !== undefined && args.dashboard === undefined) throw new UsageError("--host is the dashboard's address: add --dashboard[=PORT]");
          let live: LiveDashboard | undefined;
          if (args.dashboard !== undefined) {
            live = await openLiveDashboard(spec, { port: dashboardPort(args.dashboard), host: args.host ?? '127.0.0.1', outDir, backend: args.backend, warn: (m) => reporter.warn(m) });
            io.err(`dashboard: ${live.url}\n`);
            reporter = live.watch(reporter);
          }
          // Online runs stop gracefully on SIGINT/SIGTERM: finish the batch, write a checkpoint.
          const stop = new AbortController();
          const onSignal = (signal: NodeJS.Signals) => {
            reporter.warn(`${signal}: stopping after the current batch and writing a checkpoint`);
            stop.abort(signal);
          };
          if ('stream' in spec && spec.stream) {
            process.once('SIGINT', onSignal);
            process.once('SIGTERM', onSignal);
          }
          let result;
          try {
            const idle = args['idle-timeout'];
            const settingsChanged = args.set.length > 0 || args.epochs !== undefined || args.seed !== undefined;
            const connect = args['connect-timeout'];
            if (idle !== undefined && !(idle > 0 && Number.isFinite(idle))) throw new UsageError(`--idle-timeout must be a positive number of seconds, got ${idle}`);
            if (!(connect >= 0 && Number.isFinite(connect))) throw new UsageError(`--connect-timeout must be a number of seconds >= 0, got ${connect}`);
            const streamOpts = { source: args.source, resume: args.resume !== undefined, signal: stop.signal, idleTimeoutS: idle, connectTimeoutS: connect };
            if (args['from-cluster'] && (args.source || args.resume || 'lab' in spec))
              throw new UsageError('--from-cluster assembles a model trained by shard: it takes a batch pipeline, and no --source or --resume');
            const cluster = args['from-cluster'] ? await (await import('../cluster/node/jetstream.js')).connectJetStream(args.nats) : undefined;
            try {
              result = await runAny(spec, { backend, outDir, reporter, ...streamOpts, settingsChanged, cluster });
            } finally {
              await cluster?.close();
            }
          } catch (err) {
            await live?.finish({ error: (err as Error).message });
            // A signal ends the run with the signal's exit status, whatever the interrupted run then reported.
            if (!stop.signal.aborted) throw err;
            reporter.warn((err as Error).message);
            code = stop.signal.reason === 'SIGTERM' ? 143 : 130;
            return;
          } finally {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
          }
          await live?.finish({ metrics: result.metrics });
          for (const w of result.metrics.warnings) reporter.warn(w);
          if (stop.signal.aborted) code = stop.signal.reason === 'SIGTERM' ? 143 : 130;
          io.out(args.json ? `${JSON.stringify(result.metrics, null, 2)}\n` : `${resultsTable(result)}\n`);
          const skipped = result.gates.filter((g) => g.skipped);
          if (skipped.length > 0) io.err(`note: ${skipped.length} expected result(s) not checked (not produced with the changed settings): ${skipped.map((g) => g.metric).join(', ')}\n`);
          const failed = result.gates.filter((g) => !g.passed);
          if (failed.length > 0) {
            io.err(`${args.check ? 'error' : 'note'}: ${failed.length} expected result(s) missed: ${failed.map((g) => g.metric).join(', ')}\n`);
            if (args.check) code = 1;
          }
        } catch (err) {
          fail(err);
        }
      },
    )
    .command(
      'describe <pipeline>',
      'print the pipeline graph and every resolved setting',
      (y) => pipelineOptions(y),
      async (args) => {
        try {
          const spec = await resolveFromArgs(args);
          const { describeAny } = await import('../pipeline/dispatch.js');
          io.out(`${describeAny(spec)}\n`);
        } catch (err) {
          fail(err);
        }
      },
    )
    .command(
      'backends',
      'list the compute backends and whether they run here',
      (y) => y,
      async () => {
        const { listBackends } = await import('../backends/index.js');
        const all = await listBackends();
        for (const b of all) {
          const state = b.available ? `available${b.auto ? ' (auto)' : ''}` : 'unavailable';
          io.out(`${b.name.padEnd(7)} ${state.padEnd(17)} ${b.available ? b.description : b.reason}\n`);
          for (const [kernel, where] of Object.entries(b.gaps)) io.out(`${''.padEnd(26)}${kernel}: ${where}\n`);
        }
      },
    );
  emitCommand(parser, guarded, io.err);
  dashboardCommand(parser, guarded, io.err);
  clusterCommands(parser, guarded, io, (c) => (code = c));
  parser
    .completion('completion', 'print a bash/zsh completion script (amem-flow completion >> ~/.bashrc)')
    .demandCommand(1, 'name a command: run, describe, backends, emit, dashboard, publish, worker or completion')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .alias('v', 'version')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .showHelpOnFail(false)
    .exitProcess(false)
    // Throwing here stops yargs before any command handler runs (with exitProcess(false) it would go on).
    .fail((msg, err) => {
      throw err ?? new UsageError(`${msg}\nRun 'amem-flow --help' for usage.`);
    });

  try {
    await parser.parseAsync(argv, {}, (err, _argv, output) => {
      if (output && !err) io.out(`${output}\n`);
    });
  } catch (err) {
    fail(err);
  }
  return code;
}
