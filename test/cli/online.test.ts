/**
 * Online learning through the real CLI: crash and resume (kill -9), follow a growing file and stop
 * with SIGINT, read stdin, feed a batch pipeline from a stream.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/node/checkpointFile.js';
import { readStreamState } from '../../src/stream/node/onlineLearner.js';
import { runCli } from '../helpers/cli.js';
import { startEmitter } from '../helpers/emitter.js';

const exec = promisify(execFile);
// Runs that need no process of their own (no signal, pipe or stdin) go through the CLI in this process.
const cli = async (args: string[]) => {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`amem-flow ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};
// Runs here are about streams, not figures: no PNGs (each memories figure costs about a second).
const QUIET = ['--quiet', '--set', 'outputs.plots=false'];
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `amem-${name}-`));
const jsonl = (dir: string) =>
  existsSync(join(dir, 'stream.jsonl'))
    ? readFileSync(join(dir, 'stream.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { trained: number })
    : [];
const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));

async function waitFor(cond: () => boolean, ms = 300_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

describe('online runs from the CLI', () => {
  it('survives kill -9: resumes from the checkpoint, learns every sample id exactly once, ends with the same model', async () => {
    // One reader must get the whole stream: the learner killed mid-stream does not count, the resumed one does.
    // The first 20000 training digits keep the test short; the claim does not depend on the stream's length.
    const emitter = await startEmitter('mnist:train', ['--connections', '1', '--limit', '20000', '--rate', '20000']);
    const small = ['--set', 'data.testSize=2000'];
    const dir = tmp('crash');
    const learner = spawn(process.execPath, ['bin/amem-flow.js', 'run', 'pipelines/online-mnist.ts', '--source', emitter.url, '--out', dir, '--set', 'stream.checkpointEvery=5', ...QUIET], {
      stdio: 'ignore',
    });
    await waitFor(() => (jsonl(dir).at(-1)?.trained ?? 0) >= 8000);
    learner.kill('SIGKILL');
    await new Promise((resolve) => learner.on('exit', resolve));
    const before = readStreamState(loadCheckpoint(join(dir, 'checkpoint.arrow')), 'checkpoint');
    expect(before.counters.trained % 5000).toBe(0); // checkpoints every 5 batches of 1000
    expect(before.counters.trained).toBeGreaterThanOrEqual(5000);
    expect(before.counters.trained).toBeLessThan(20000);

    await cli(['run', 'pipelines/online-mnist.ts', '--source', emitter.url, '--resume', dir, ...QUIET, ...small]);
    expect(await emitter.exited).toBe(0);
    const after = readStreamState(loadCheckpoint(join(dir, 'checkpoint.arrow')), 'checkpoint');
    const m = metrics(dir);
    // Every id 0–19999 learned, and learned once: one count per learned sample, no more.
    expect(after.seen.size).toBe(20000);
    expect(Array.from({ length: 20000 }, (_, i) => i).every((id) => after.seen.has(id))).toBe(true);
    expect(m.stream).toMatchObject({ trained: 20000, duplicates_skipped: before.counters.trained, received: before.counters.trained + 20000, dead_lettered: 0, sessions: 2 });

    // The same 20000 digits from a file, in one uninterrupted run.
    const whole = tmp('whole');
    const file = join(whole, 'train.arrows');
    await cli(['emit', 'mnist:train', '--limit', '20000', '--to', file]);
    await cli(['run', 'pipelines/online-mnist.ts', '--source', file, '--out', whole, ...QUIET, ...small]);
    const sums = (d: string) => loadCheckpoint(join(d, 'checkpoint.arrow')).tensors.sums.data;
    expect(Buffer.compare(Buffer.from(sums(dir).buffer), Buffer.from(sums(whole).buffer))).toBe(0);
    expect(m.evaluations.test.accuracy).toBe(metrics(whole).evaluations.test.accuracy);
    expect(m.stream.prequential_accuracy).toBe(metrics(whole).stream.prequential_accuracy);
  });

  it('follows a growing file until SIGINT, then checkpoints and exits 130', async () => {
    const dir = tmp('follow');
    const file = join(dir, 'growing.arrows');
    const emit = spawn(process.execPath, ['bin/amem-flow.js', 'emit', 'mnist:train', '--limit', '15000', '--rate', '15000', '--to', file], { stdio: 'ignore' });
    const learner = spawn(process.execPath, ['bin/amem-flow.js', 'run', 'pipelines/online-mnist.ts', '--source', `follow:${file}`, '--out', dir, ...QUIET], { stdio: 'ignore' });
    await new Promise((resolve) => emit.on('exit', resolve));
    await waitFor(() => (jsonl(dir).at(-1)?.trained ?? 0) >= 15000);
    learner.kill('SIGINT');
    const code = await new Promise((resolve) => learner.on('exit', resolve));
    expect(code).toBe(130);
    const m = metrics(dir);
    expect(m.stream).toMatchObject({ received: 15000, trained: 15000, duplicates_skipped: 0, interrupted: true });
    expect(m.evaluations).toEqual({});
    expect(readStreamState(loadCheckpoint(join(dir, 'checkpoint.arrow')), 'checkpoint').seen.size).toBe(15000);
  });

  it('reads a stream on stdin, and feeds a batch pipeline from a stream file', async () => {
    const dir = tmp('stdin');
    const { stdout } = await exec(
      '/bin/sh',
      [
        '-c',
        `${process.execPath} bin/amem-flow.js emit mnist:test --limit 2000 --noise pm1 | ${process.execPath} bin/amem-flow.js run pipelines/online-mnist.ts --source - --set data.testSize=1000 --out ${dir} --json --quiet --set outputs.plots=false`,
      ],
      { maxBuffer: 1 << 26 },
    );
    expect(JSON.parse(stdout).stream).toMatchObject({ received: 2000, trained: 2000, source: '-' });

    const file = join(dir, 'train.arrows');
    await cli(['emit', 'mnist:train', '--limit', '5000', '--to', file]);
    const out = tmp('batch-source');
    await cli(['run', 'pipelines/sharded-mnist.ts', '--source', file, '--set', 'data.trainSize=1000', '--set', 'data.testSize=1000', '--out', out, ...QUIET]);
    const m = metrics(out);
    expect(m.stream).toMatchObject({ received: 5000, used_for_training: 5000, dead_lettered: 0 });
    expect(m.training.samples).toBe(5000);
  });

  it('rejects bad stream options with exit code 2 and a clear message', async () => {
    const fail = runCli;
    // Independent commands: started together, checked each.
    const [noise, resume, refused, badTimeout, batchResume] = await Promise.all([
      fail(['emit', 'mnist:train', '--noise', 'salt']),
      fail(['run', 'pipelines/online-mnist.ts', '--resume', tmp('empty')]),
      fail(['run', 'pipelines/online-mnist.ts', '--source', 'tcp://127.0.0.1:9', '--connect-timeout', '0', '--out', tmp('refused')]),
      fail(['run', 'pipelines/online-mnist.ts', '--source', 'tcp://127.0.0.1:9', '--connect-timeout', '-1', '--out', tmp('refused')]),
      fail(['run', 'pipelines/sharded-mnist.ts', '--resume', tmp('x')]),
    ]);
    expect(noise).toMatchObject({ code: 2, stderr: expect.stringMatching(/--noise 'salt': use pm1, flip:P/) });
    expect(resume).toMatchObject({ code: 2, stderr: expect.stringMatching(/--resume: no checkpoint at/) });
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot connect to tcp:\/\/127.0.0.1:9: ECONNREFUSED; start the stream first/) });
    expect(badTimeout).toMatchObject({ code: 2, stderr: expect.stringMatching(/--connect-timeout must be a number of seconds >= 0, got -1/) });
    expect(batchResume).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/sharded-lsh keeps no training checkpoint .*--resume continues online runs and dense-am or competing-units training/),
    });
  });
});
