/**
 * `npm run bench`: wall time, throughput and peak memory of the sharded-mnist pipeline, written
 * as JSON (runs/bench/bench.json) and printed as a table, so runs can be compared.
 *
 *   full        the whole pipeline as shipped (train, learning curve, 4 evaluations), in a child process
 *   cap10000    training at seed 000's cap of 10000 epochs, for the default hash and for a hash
 *               (pipeline seed 0) whose two largest shards never converge, like the reference's
 *   throughput  samples/s of hash + route + predict on the 60000 training digits, clean and ±1-noisy
 *
 * Options: --only full,cap10000,throughput   --backend B   --out FILE
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import Table from 'cli-table3';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { addNoise, arraysSource, createBackend, loadMnist, makeSampleBatch, routeRows, routerMetadata, ShardedLshModel, withIntColumn, type Metrics } from '../src/index.js';

const args = await yargs(hideBin(process.argv))
  .option('only', { type: 'string', default: 'full,cap10000,throughput' })
  .option('backend', { type: 'string', default: 'cpu' })
  .option('out', { type: 'string', default: 'runs/bench/bench.json' })
  .strict()
  .parseAsync();
const only = new Set(args.only.split(','));
const results: Record<string, unknown> = {
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
  backend: args.backend,
  date: new Date().toISOString(),
};
const rows: [string, string, string][] = [];

function cli(name: string, sets: string[], extra: string[] = []): { metrics: Metrics; wall_s: number } {
  const out = join(dirname(args.out), name);
  const started = performance.now();
  const stdout = execFileSync(process.execPath, ['bin/amem-flow.js', 'run', 'pipelines/sharded-mnist.ts', '--json', '--quiet', '--backend', args.backend, '--out', out, ...sets.flatMap((s) => ['--set', s]), ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, CI: 'true' },
  });
  return { metrics: JSON.parse(stdout) as Metrics, wall_s: (performance.now() - started) / 1000 };
}

if (only.has('full')) {
  const { metrics, wall_s } = cli('full', []);
  const t = metrics.timings;
  results.full = { wall_s: round(wall_s), timings: t, peak_rss_mb: metrics.memory.peak_rss_mb, accuracy: Object.fromEntries(Object.entries(metrics.evaluations).map(([k, v]) => [k, v.accuracy])) };
  rows.push(['full run (train + curve + 4 evaluations)', `${round(wall_s)} s wall, ${metrics.memory.peak_rss_mb} MB peak`, `fit ${t.fit_s} s, curve ${t.curve_s} s, evaluate ${t.evaluate_s} s`]);
}

if (only.has('cap10000')) {
  const out: Record<string, unknown> = {};
  for (const [label, extra] of [['default seed', []], ['seed 0 (unbalanced hash)', ['--seed', '0']]] as const) {
    const { metrics } = cli(`cap10000-${label.split(' ')[1]}`, ['train.maxEpochs=10000', 'train.curveEpochs=off', 'evaluate=[]', 'expect={}', 'outputs.plots=false'], [...extra]);
    const tr = metrics.training as { sample_visits: number; distance_evaluations_skipped: number; converged_shards: number; epochs_run: number };
    const us = (1e6 * metrics.timings.fit_s) / tr.sample_visits;
    out[label] = { fit_s: metrics.timings.fit_s, sample_visits: tr.sample_visits, us_per_visit: round(us, 3), converged_shards: tr.converged_shards, epochs_run: tr.epochs_run, peak_rss_mb: metrics.memory.peak_rss_mb };
    rows.push([`train, cap 10000, ${label}`, `${metrics.timings.fit_s} s`, `${(tr.sample_visits / 1e6).toFixed(1)} M visits, ${round(us, 3)} µs/visit, ${tr.converged_shards}/50 converged`]);
  }
  results.cap10000 = out;
}

if (only.has('throughput')) {
  const backend = await createBackend(args.backend as 'cpu');
  const model = new ShardedLshModel({ bits: 8, shards: 50, classes: 10, seed: 1 }, backend);
  await model.fit(arraysSource(loadMnist('train')), { maxEpochs: 20, workers: 2 });
  const clean = makeSampleBatch(loadMnist('train'));
  const noisy = (await lastValueFrom(arraysSource(loadMnist('train'), { batchSize: 60000 }).pipe(addNoise({ kind: 'pm1', seed: 1 }))))!;
  const out: Record<string, unknown> = {};
  for (const [label, batch] of [['clean', clean], ['noisy', noisy]] as const) {
    const best = { hash: Infinity, predict: Infinity };
    for (let rep = 0; rep < 3; rep++) {
      let t = performance.now();
      const routed = withIntColumn(batch, 'shard', routeRows(batch, model.router!, backend), routerMetadata(model.router!));
      best.hash = Math.min(best.hash, performance.now() - t);
      t = performance.now();
      model.predict(routed);
      best.predict = Math.min(best.predict, performance.now() - t);
    }
    const total = best.hash + best.predict;
    out[label] = { hash_ms: round(best.hash), predict_ms: round(best.predict), samples_per_s: Math.round(60000 / (total / 1000)) };
    rows.push([`hash + route + predict, 60000 ${label}`, `${Math.round(60000 / (total / 1000)).toLocaleString('en-US')} samples/s`, `hash ${round(best.hash)} ms, predict ${round(best.predict)} ms (one thread)`]);
  }
  results.throughput = out;
}

mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
const table = new Table({ head: ['benchmark', 'result', 'detail'], style: { head: [], border: [] } });
table.push(...rows);
console.log(`${table.toString()}\nwrote ${args.out}`);

function round(v: number, digits = 2): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}
