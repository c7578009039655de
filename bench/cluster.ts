/**
 * `npm run bench -- --only cluster,clusterdense`: scale-out on a nats-server of its own (loopback,
 * temporary store, 8 MB messages), every command a child process as a user runs it.
 *
 *   cluster       sharded-mnist: publish throughput (samples/s, MB/s), then the shards trained by
 *                 1 and by 2 workers (wall time of all workers), and the assembled model's accuracy
 *   clusterdense  dense-am-mnist for `epochs` epochs data-parallel on 2 workers (one local step per
 *                 round) against the single-process run: seconds and test accuracy of both
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Metrics } from '../src/node.js';
import { natsMissing, startNats } from '../test/helpers/natsServer.js';

const exec = promisify(execFile);
type Row = [string, string, string, string];
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Runs `amem-flow ARGS --json` in a child process; its parsed output and wall seconds. */
async function amem<T>(argv: string[]): Promise<{ out: T; wall_s: number }> {
  const started = performance.now();
  const { stdout } = await exec(process.execPath, ['bin/amem-flow.js', ...argv, '--json', '--quiet'], { maxBuffer: 1 << 28, env: { ...process.env, CI: 'true' } });
  return { out: JSON.parse(stdout) as T, wall_s: round((performance.now() - started) / 1000) };
}

/** W workers of `pipeline` at once; the wall time until the last is done. */
async function workers(pipeline: string, W: number, args: string[]): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: W }, (_, i) => amem(['worker', pipeline, '--worker', `${i}/${W}`, ...args])));
  return round((performance.now() - started) / 1000);
}

/** The scale-out benchmarks named in `only`; their results and table rows. */
export async function benchCluster(only: Set<string>, outDir: string, epochs: number): Promise<{ results: Record<string, unknown>; rows: Row[] }> {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  if (natsMissing) {
    rows.push(['-', 'cluster benchmarks', 'skipped', natsMissing]);
    return { results: { skipped: natsMissing }, rows };
  }
  const nats = await startNats();
  const tag = Math.random().toString(36).slice(2, 8);
  try {
    if (only.has('cluster')) {
      const p = 'pipelines/sharded-mnist.ts';
      const out: Record<string, unknown> = {};
      for (const W of [1, 2]) {
        const args = ['--nats', nats.url, '--set', `name=bench-sharded-${W}-${tag}`];
        const pub = await amem<{ samples: number; bytes: number; seconds: number; messages: number }>(['publish', 'mnist:train', '--pipeline', p, '--out', join(outDir, 'cluster-publish'), ...args]);
        const seconds = await workers(p, W, args);
        const run = await amem<Metrics>(['run', p, '--from-cluster', '--out', join(outDir, `cluster-sharded-${W}`), '--set', 'outputs.plots=false', ...args]);
        if (W === 1) {
          const perS = Math.round(pub.out.samples / pub.out.seconds);
          const mbS = round(pub.out.bytes / 2 ** 20 / pub.out.seconds, 1);
          out.publish = { samples: pub.out.samples, messages: pub.out.messages, mib: round(pub.out.bytes / 2 ** 20, 1), seconds: pub.out.seconds, samples_per_s: perS, mib_per_s: mbS };
          rows.push([
            'wasm',
            'cluster: publish MNIST train to 50 shard subjects (nats-server, loopback)',
            `${perS.toLocaleString('en-US')} samples/s`,
            `${mbS} MiB/s, ${pub.out.messages} messages, ${pub.out.seconds} s`,
          ]);
        }
        out[`workers_${W}`] = { seconds, test_accuracy: run.out.evaluations.test.accuracy };
        rows.push(['wasm', `cluster: sharded-mnist trained by ${W} worker process${W > 1 ? 'es' : ''}`, `${seconds} s`, `test accuracy ${run.out.evaluations.test.accuracy}`]);
      }
      results.cluster = out;
    }
    if (only.has('clusterdense')) {
      const p = 'pipelines/dense-am-mnist.ts';
      const sets = ['--set', `train.epochs=${epochs}`, '--set', 'outputs.plots=false', '--set', 'expect={}'];
      const single = await amem<Metrics>(['run', p, '--out', join(outDir, 'clusterdense-single'), ...sets]);
      const args = ['--nats', nats.url, '--set', `name=bench-dense-${tag}`, ...sets];
      await amem(['publish', 'mnist:train', '--pipeline', p, '--out', join(outDir, 'clusterdense-publish'), ...args]);
      const seconds = await workers(p, 2, args);
      const run = await amem<Metrics>(['run', p, '--from-cluster', '--out', join(outDir, 'clusterdense-2'), ...args]);
      const [a, b] = [single.out.evaluations.test.accuracy, run.out.evaluations.test.accuracy];
      results.clusterdense = {
        epochs,
        single: { seconds: single.out.timings.fit_s, test_accuracy: a },
        workers_2: { seconds, seconds_per_epoch: round(seconds / epochs), test_accuracy: b, difference_points: round(100 * (b - a), 2) },
      };
      rows.push(['wasm', `dense-am-mnist, ${epochs} epochs, one process (2 threads)`, `${single.out.timings.fit_s} s`, `test accuracy ${a}`]);
      rows.push(['wasm', `dense-am-mnist, ${epochs} epochs, data-parallel on 2 workers`, `${seconds} s`, `test accuracy ${b} (${b >= a ? '+' : ''}${round(100 * (b - a), 2)} points)`]);
    }
  } finally {
    await nats.stop();
  }
  return { results, rows };
}
