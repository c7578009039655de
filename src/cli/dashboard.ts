/**
 * The dashboard from the command line: `run … --dashboard[=PORT] [--host ADDR]` serves the run
 * live while it goes; `amem-flow dashboard RUN_DIR…` serves finished runs side by side (two
 * backends, two seeds) until interrupted.
 */
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import type { AnyResolved } from '../pipeline/dispatch.js';
import type { Metrics } from '../pipeline/metrics.js';
import type { LiveMetrics } from '../dashboard/liveState.js';
import { UsageError } from '../util/errors.js';
import type { Reporter } from '../util/reporter.js';

/** The port `--dashboard` uses when given none. */
const DEFAULT_PORT = 8765;

/** `--dashboard` as typed: '' (no value) → the default port, else an integer 0–65535 (0: any free port). */
export function dashboardPort(value: string): number {
  if (value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--dashboard takes a port from 0 to 65535 (0: any free port), got '${value}'`);
  return port;
}

/** A run's live dashboard. */
export interface LiveDashboard {
  url: string;
  /** A reporter that also feeds the page. */
  watch(reporter: Reporter): Reporter;
  /** Shows the final metrics (or the error), sends them to the open pages, and stops serving. */
  finish(outcome: { metrics: Metrics } | { error: string }): Promise<void>;
}

/** Starts serving `spec`'s run (writing to `outDir`) on `host:port`. */
export async function openLiveDashboard(spec: AnyResolved, o: { port: number; host: string; outDir: string; backend: string; warn: (m: string) => void }): Promise<LiveDashboard> {
  const [{ DashboardRun }, { startDashboard }, { startedView }, { describeAny }] = await Promise.all([
    import('../dashboard/node/liveRun.js'),
    import('../dashboard/node/server.js'),
    import('../dashboard/liveState.js'),
    import('../pipeline/dispatch.js'),
  ]);
  const run = new DashboardRun(startedView(basename(o.outDir), { pipeline: spec.name, backend: o.backend, seed: spec.seed, settings: spec }, describeAny(spec)), o.outDir);
  const server = await startDashboard([run], { port: o.port, host: o.host, warn: o.warn, persistent: false });
  return {
    url: server.url,
    watch: (reporter) => run.watch(reporter),
    finish: async (outcome) => {
      // The final metrics.json is the live shape, complete.
      run.finish('metrics' in outcome ? { metrics: outcome.metrics as unknown as LiveMetrics } : outcome);
      await server.close();
    },
  };
}

/** Adds `amem-flow dashboard RUN_DIR…`; `guarded` wraps the handler with the CLI's error handling. */
export function dashboardCommand<T>(y: Argv<T>, guarded: (fn: () => Promise<void>) => Promise<void>, err: (text: string) => void): Argv<T> {
  return y.command(
    'dashboard <runs..>',
    "serve finished runs' output folders side by side in a browser page (read-only)",
    (c) =>
      c
        .positional('runs', { type: 'string', array: true, demandOption: true, describe: 'output folders of runs (their --out), e.g. runs/sharded-mnist' })
        .option('port', { type: 'number', default: DEFAULT_PORT, describe: 'port (0: any free port)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (another than loopback is reachable by others: a warning says so)' }),
    (args) =>
      guarded(async () => {
        const [{ openRunFolder }, { startDashboard }] = await Promise.all([import('../dashboard/node/runFolder.js'), import('../dashboard/node/server.js')]);
        const folders = (args.runs as string[]).map((dir) => openRunFolder(dir));
        const server = await startDashboard(
          folders.map((f) => f.run),
          { port: args.port, host: args.host, warn: (m) => err(`warning: ${m}\n`), persistent: true },
        );
        err(`dashboard: ${server.url} (${folders.length} run${folders.length > 1 ? 's' : ''}; Ctrl-C stops it)\n`);
        // Serves until SIGINT/SIGTERM.
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        for (const f of folders) f.close();
        await server.close();
      }),
  );
}
