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
import { startEmitter } from '../helpers/emitter.js';

const exec = promisify(execFile);
const cli = (args: string[]) => exec(process.execPath, ['bin/amem-flow.js', ...args], { env: { ...process.env, CI: 'true' }, maxBuffer: 1 << 26 });
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
    const emitter = await startEmitter('mnist:train', ['--connections', '1', '--rate', '40000']);
    const dir = tmp('crash');
    const learner = spawn(process.execPath, ['bin/amem-flow.js', 'run', 'pipelines/online-mnist.ts', '--source', emitter.url, '--out', dir, '--set', 'stream.checkpointEvery=5', '--quiet'], {
      stdio: 'ignore',
    });
    await waitFor(() => (jsonl(dir).at(-1)?.trained ?? 0) >= 23000);
    learner.kill('SIGKILL');
    await new Promise((resolve) => learner.on('exit', resolve));
    const before = readStreamState(loadCheckpoint(join(dir, 'checkpoint.arrow')), 'checkpoint');
    expect(before.counters.trained % 5000).toBe(0); // checkpoints every 5 batches of 1000
    expect(before.counters.trained).toBeGreaterThanOrEqual(20000);
    expect(before.counters.trained).toBeLessThan(60000);

    await cli(['run', 'pipelines/online-mnist.ts', '--source', emitter.url, '--resume', dir, '--quiet']);
    expect(await emitter.exited).toBe(0);
    const after = readStreamState(loadCheckpoint(join(dir, 'checkpoint.arrow')), 'checkpoint');
    const m = metrics(dir);
    // Every training id 0–59999 learned, and learned once: one count per learned sample, no more.
    expect(after.seen.size).toBe(60000);
    expect(Array.from({ length: 60000 }, (_, i) => i).every((id) => after.seen.has(id))).toBe(true);
    expect(m.stream).toMatchObject({ trained: 60000, duplicates_skipped: before.counters.trained, received: before.counters.trained + 60000, dead_lettered: 0, sessions: 2 });

    const whole = tmp('whole');
    await cli(['run', 'pipelines/online-mnist.ts', '--out', whole, '--quiet']);
    const sums = (d: string) => loadCheckpoint(join(d, 'checkpoint.arrow')).tensors.sums.data;
    expect(Buffer.compare(Buffer.from(sums(dir).buffer), Buffer.from(sums(whole).buffer))).toBe(0);
    expect(m.evaluations.test.accuracy).toBe(metrics(whole).evaluations.test.accuracy);
    expect(m.stream.prequential_accuracy).toBe(metrics(whole).stream.prequential_accuracy);
  });

  it('follows a growing file until SIGINT, then checkpoints and exits 130', async () => {
    const dir = tmp('follow');
    const file = join(dir, 'growing.arrows');
    const emit = spawn(process.execPath, ['bin/amem-flow.js', 'emit', 'mnist:train', '--limit', '15000', '--rate', '15000', '--to', file], { stdio: 'ignore' });
    const learner = spawn(process.execPath, ['bin/amem-flow.js', 'run', 'pipelines/online-mnist.ts', '--source', `follow:${file}`, '--out', dir, '--quiet'], { stdio: 'ignore' });
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
        `${process.execPath} bin/amem-flow.js emit mnist:test --limit 2000 --noise pm1 | ${process.execPath} bin/amem-flow.js run pipelines/online-mnist.ts --source - --out ${dir} --json --quiet`,
      ],
      { maxBuffer: 1 << 26 },
    );
    expect(JSON.parse(stdout).stream).toMatchObject({ received: 2000, trained: 2000, source: '-' });

    const file = join(dir, 'train.arrows');
    await cli(['emit', 'mnist:train', '--limit', '5000', '--to', file]);
    const out = tmp('batch-source');
    await cli(['run', 'pipelines/sharded-mnist.ts', '--source', file, '--set', 'data.testSize=1000', '--out', out, '--quiet']);
    const m = metrics(out);
    expect(m.stream).toMatchObject({ received: 5000, used_for_training: 5000, dead_lettered: 0 });
    expect(m.training.samples).toBe(5000);
  });

  it('rejects bad stream options with exit code 2 and a clear message', async () => {
    const fail = (args: string[]) =>
      cli(args).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
    expect(await fail(['emit', 'mnist:train', '--noise', 'salt'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--noise 'salt': use pm1, flip:P/) });
    expect(await fail(['run', 'pipelines/online-mnist.ts', '--resume', tmp('empty')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--resume: no checkpoint at/) });
    expect(await fail(['run', 'pipelines/online-mnist.ts', '--source', 'tcp://127.0.0.1:9', '--out', tmp('refused')])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/cannot connect to tcp:\/\/127.0.0.1:9: ECONNREFUSED; start the stream first/),
    });
    expect(await fail(['run', 'pipelines/sharded-mnist.ts', '--resume', tmp('x')])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/sharded-lsh keeps no training checkpoint .*--resume continues online runs and dense-am or competing-units training/),
    });
  });
});
