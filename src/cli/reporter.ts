/**
 * The terminal reporter: progress bars on an interactive terminal (stderr), one plain line per
 * finished phase otherwise (CI logs, pipes), nothing but warnings with `--quiet`.
 */
import cliProgress from 'cli-progress';
import type { Progress, Reporter } from '../util/reporter.js';

/** How chatty the reporter is. */
export interface CliReporterOptions {
  /** Draw live progress bars (only on a terminal). */
  interactive: boolean;
  quiet: boolean;
  /** Where progress bars draw (a terminal). */
  stream?: NodeJS.WriteStream;
  /** Where phase lines, messages and warnings go (default: `stream`). */
  write?: (text: string) => void;
}

/** A reporter for the CLI. */
export function createCliReporter({ interactive, quiet, stream = process.stderr, write = (text) => stream.write(text) }: CliReporterOptions): Reporter {
  const line = (text: string) => write(`${text}\n`);
  return {
    start(phase, total): Progress {
      const startedAt = performance.now();
      if (quiet) return { update() {}, done() {} };
      if (!interactive) {
        return { update() {}, done: (summary) => line(`${phase}: ${summary ?? `done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`}`) };
      }
      const bar = new cliProgress.SingleBar(
        { format: `${phase.padEnd(20)} {bar} {value}/{total} {duration_formatted} | {detail}`, stream, hideCursor: true, clearOnComplete: true, fps: 10 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(1, total), 0, { detail: '' });
      return {
        update: (value, detail) => bar.update(value, { detail: detail ?? '' }),
        done: (summary) => {
          bar.stop();
          line(`${phase}: ${summary ?? 'done'}`);
        },
      };
    },
    info: (message) => {
      if (!quiet) line(message);
    },
    warn: (message) => line(`warning: ${message}`),
  };
}
