/** The CLI as tests drive it: in this process through `main`, or as the installed bin in a child process. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { main, type CliIo } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `amem-flow ARGS` in this process: the same command, messages and exit status as the bin
 * (which only hands `main`'s result to `process.exitCode`), without a second of Node start-up.
 */
export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => (stdout += t), err: (t) => (stderr += t), interactive: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const exec = promisify(execFile);

/** Runs `bin/amem-flow.js ARGS` in a child process (for what needs a process: signals, pipes, stdin, exit statuses set by Node). */
export function execCli(args: string[]): Promise<CliResult> {
  return exec(process.execPath, ['bin/amem-flow.js', ...args], { env: { ...process.env, CI: 'true' }, maxBuffer: 1 << 26 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: CliResult) => e,
  );
}
