/**
 * `npm run bench`: time, throughput and peak memory per model and backend, written as JSON
 * (runs/bench/bench.json) and printed as a table, so runs can be compared.
 *
 *   ops        per backend: matmul GFLOPS at the models' shapes, and the cost of one tiny op
 *   sharded    per backend: the sharded model's main loops on real MNIST — training to
 *              convergence (default hash), hash + route + predict on 60000 digits clean and ±1-noisy
 *   full       per backend: the whole shipped pipeline in a child process (wall time, peak memory)
 *   cap10000   training at the reference notebook's cap of 10000 epochs on a hash (pipeline seed 0) whose two
 *              largest shards never converge, like the reference's
 *   online     per backend: online-mnist (sharded) and online-dense-am (minibatches of 100; not on
 *              cpu) learning from a 10×MNIST stream (600000 samples) served by `amem-flow emit`
 *              over a loopback socket: sustained samples/s and peak memory
 *   dense      per backend: seconds per Dense AM training epoch on the 60000 digits (seeds' settings,
 *              minibatches of 1000, two threads where the backend allows), where a step's time goes,
 *              and the seeds' tiled formulation against ours
 *   densefull  per backend but cpu: the dense-am-mnist pipeline for 5 epochs in a child process
 *   competing  per backend: seconds per competing-units epoch on the 60000 digits (minibatches of
 *              100) at 100 and 2000 hidden units (the second epoch of a run; the first is reported
 *              too), one thread and two, and where a minibatch's time goes
 *   recall     per backend: recall time per pattern of each recall model with P = 100 and 1000 stored
 *              MNIST digits (5% flipped, asynchronous updates, 20 trials), after a warm-up run of the same lab
 *
 *   cluster, clusterdense   scale-out on a nats-server of its own (see bench/cluster.ts): publish
 *              throughput, sharded training by 1 and 2 workers, dense-am data-parallel on 2 workers
 *              against one process (--dense-epochs, default 30)
 *
 *   startup    the built CLI and package (dist/): `--help`, `--version`, `describe pipelines/sharded-mnist.ts`
 *              and `import('amem-flow')`, each against a bare `node -e 0` in the same run (median of 7)
 *
 *   --reference  the float64 numpy references of the dense-am and competing-units epochs beside
 *              ours (bench/reference/reference.py), with the ratio of each
 *   --check      exit 1 when a measured target (bench/targets.ts, printed and saved as `targets`) is missed
 *
 * Options: --only startup,ops,sharded,full,cap10000,online,dense,densefull,competing,recall,cluster,clusterdense   --backends cpu,wasm   --out FILE
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import Table from 'cli-table3';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import {
  addNoise,
  arraysSource,
  createBackend,
  listBackends,
  loadMnist,
  makeSampleBatch,
  Rng,
  routeRows,
  routerMetadata,
  ShardedLshModel,
  withIntColumn,
  DenseAmModel,
  defaultDenseAmSettings,
  CompetingUnits,
  type Backend,
  type BackendName,
  type Metrics,
} from '../src/node.js';
import { denseAmGradient as deviceDenseAmGradient } from '../src/backends/tfjs/denseAm.js';
import { denseAmCore as cpuDenseAmCore } from '../src/backends/cpu/denseAmCore.js';
import { denseAmCore as wasmDenseAmCore } from '../src/backends/wasm/denseAmCore.js';
import { tiledGradient } from './denseAmTiled.js';
import { benchCluster } from './cluster.js';
import { referenceMissing, runReference, type ReferenceRun } from './reference.js';
import { checkTargets } from './targets.js';
import { runLab } from '../src/lab/run.js';
import { resolveLab } from '../src/lab/spec.js';

const args = await yargs(hideBin(process.argv))
  .option('only', { type: 'string', default: 'startup,ops,sharded,full,cap10000,online,dense,densefull,competing,recall,cluster,clusterdense' })
  .option('dense-epochs', { type: 'number', default: 30, describe: 'epochs of the clusterdense comparison' })
  .option('reference', { type: 'boolean', default: false, describe: 'also run the float64 numpy references of the dense and competing epochs (python3-numpy), with ratios' })
  .option('backends', { type: 'string', describe: 'comma list (default: every available backend)' })
  .option('out', { type: 'string', default: 'runs/bench/bench.json' })
  .option('check', { type: 'boolean', default: false, describe: 'exit 1 when a measured target is missed (the targets table at the end)' })
  .strict()
  .parseAsync();
const only = new Set(args.only.split(','));
const available = (await listBackends()).filter((b) => b.available).map((b) => b.name);
const backends = (args.backends?.split(',') as BackendName[] | undefined) ?? available;
const results: Record<string, unknown> = { machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, date: new Date().toISOString(), backends };
const rows: [string, string, string, string][] = [];
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const perBackend = (section: string) => (results[section] ??= {}) as Record<string, Record<string, unknown>>;

async function best(reps: number, fn: () => unknown): Promise<number> {
  let ms = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
}

if (only.has('startup')) {
  // What a user waits for before anything happens: the built CLI and package, as the tarball ships them.
  execFileSync('npm', ['run', 'build:js'], { stdio: 'ignore' });
  const median = (argv: string[]) => {
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t = performance.now();
      execFileSync(process.execPath, argv, { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[3];
  };
  const bare = median(['-e', '0']);
  const cases: [string, string[], string][] = [
    ['help_ms', ['bin/amem-flow.js', '--help'], 'amem-flow --help'],
    ['version_ms', ['bin/amem-flow.js', '--version'], 'amem-flow --version'],
    ['describe_ms', ['bin/amem-flow.js', 'describe', 'pipelines/sharded-mnist.ts'], 'amem-flow describe pipelines/sharded-mnist.ts'],
    ['import_ms', ['--input-type=module', '-e', "await import('amem-flow')"], "import('amem-flow')"],
    ['import_node_ms', ['--input-type=module', '-e', "await import('amem-flow/node')"], "import('amem-flow/node')"],
  ];
  const out: Record<string, number> = { bare_node_ms: round(bare, 1) };
  rows.push(['-', 'start-up: node -e 0 (bare Node, the yardstick)', `${round(bare, 1)} ms`, '']);
  for (const [key, argv, label] of cases) {
    const ms = median(argv);
    out[key] = round(ms, 1);
    rows.push(['-', `start-up: ${label}`, `${round(ms, 1)} ms`, `${round(ms / bare, 1)}× bare node`]);
  }
  results.startup = out;
}

if (only.has('ops')) {
  for (const name of backends) {
    const b = await createBackend(name);
    const tf = b.tf;
    const out: Record<string, unknown> = {};
    for (const [m, k, n] of [
      [100, 784, 1000],
      [100, 784, 10000],
      [1000, 784, 100],
    ] as const) {
      const a = tf.randomUniform([m, k]);
      const w = tf.randomUniform([k, n]);
      const reps = name === 'cpu' ? 2 : 8;
      const ms = await best(reps, () => tf.matMul(a, w).dataSync());
      a.dispose();
      w.dispose();
      const gflops = (2 * m * k * n) / (ms / 1000) / 1e9;
      out[`matmul_${m}x${k}x${n}_gflops`] = round(gflops);
      rows.push([name, `matmul ${m}×${k} · ${k}×${n}`, `${round(gflops)} GFLOPS`, `${round(ms)} ms`]);
    }
    const one = tf.scalar(1);
    const dispatches = 20000;
    const us =
      ((await best(3, () => {
        for (let i = 0; i < dispatches; i++) tf.add(one, one).dispose();
      })) *
        1000) /
      dispatches;
    one.dispose();
    out.op_dispatch_us = round(us, 2);
    rows.push([name, 'one tiny op (add of scalars, with dispose)', `${round(us, 2)} µs`, '']);
    perBackend('ops')[name] = out;
  }
}

if (only.has('sharded')) {
  const train = loadMnist('train');
  const clean = makeSampleBatch(train);
  const noisy = (await lastValueFrom(arraysSource(train, { batchSize: 60000 }).pipe(addNoise({ kind: 'pm1', seed: 1 }))))!;
  for (const name of backends) {
    const b: Backend = await createBackend(name);
    const model = new ShardedLshModel({ bits: 8, shards: 50, classes: 10, seed: Rng.deriveSeed(2, 'model') }, b);
    const fit = await model.fit(arraysSource(train), { epochs: 200, workers: 2 });
    const visits = fit.shards.reduce((a, s) => a + s.visits, 0);
    const out: Record<string, unknown> = { fit_s: round(fit.seconds, 3), sample_visits: visits, epochs: fit.epochMisses.length };
    rows.push([name, 'sharded-lsh: train 60000 digits to convergence (2 threads)', `${round(fit.seconds, 2)} s`, `${fit.epochMisses.length} epochs, ${(visits / 1e6).toFixed(2)} M visits`]);
    for (const [label, batch] of [
      ['clean', clean],
      ['noisy', noisy],
    ] as const) {
      let routed = batch;
      const hashMs = await best(3, async () => (routed = withIntColumn(batch, 'shard', await routeRows(batch, model.router!, b), routerMetadata(model.router!))));
      const predictMs = await best(3, () => model.predict(routed));
      const perS = Math.round(60000 / ((hashMs + predictMs) / 1000));
      out[`${label}_hash_ms`] = round(hashMs);
      out[`${label}_predict_ms`] = round(predictMs);
      out[`${label}_samples_per_s`] = perS;
      rows.push([name, `sharded-lsh: hash + route + predict, 60000 ${label} (1 thread)`, `${perS.toLocaleString('en-US')} samples/s`, `hash ${round(hashMs)} ms, predict ${round(predictMs)} ms`]);
    }
    perBackend('sharded')[name] = out;
  }
}

function cli(name: string, backend: string, sets: string[], extra: string[] = [], pipeline = 'pipelines/sharded-mnist.ts'): { metrics: Metrics; wall_s: number } {
  const out = join(dirname(args.out), name);
  const started = performance.now();
  const stdout = execFileSync(process.execPath, ['bin/amem-flow.js', 'run', pipeline, '--json', '--quiet', '--backend', backend, '--out', out, ...sets.flatMap((s) => ['--set', s]), ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, CI: 'true' },
  });
  return { metrics: JSON.parse(stdout) as Metrics, wall_s: (performance.now() - started) / 1000 };
}

if (only.has('full')) {
  for (const name of backends) {
    const { metrics, wall_s } = cli(`full-${name}`, name, []);
    const t = metrics.timings;
    perBackend('full')[name] = {
      wall_s: round(wall_s),
      timings: t,
      peak_rss_mb: metrics.memory.peak_rss_mb,
      accuracy: Object.fromEntries(Object.entries(metrics.evaluations).map(([k, v]) => [k, v.accuracy])),
    };
    rows.push([
      name,
      'sharded-mnist pipeline: train, curve, 4 evaluations (process)',
      `${round(wall_s)} s wall`,
      `${metrics.memory.peak_rss_mb} MB peak; fit ${t.fit_s} s, curve ${t.curve_s} s, evaluate ${t.evaluate_s} s`,
    ]);
  }
}

if (only.has('cap10000')) {
  for (const name of backends) {
    const { metrics } = cli(`cap10000-${name}`, name, ['train.epochs=10000', 'train.curveEpochs=off', 'evaluate=[]', 'expect={}', 'outputs.plots=false'], ['--seed', '0']);
    const tr = metrics.training as { sample_visits: number; converged_shards: number };
    const us = (1e6 * metrics.timings.fit_s) / tr.sample_visits;
    perBackend('cap10000')[name] = {
      fit_s: metrics.timings.fit_s,
      sample_visits: tr.sample_visits,
      us_per_visit: round(us, 3),
      converged_shards: tr.converged_shards,
      peak_rss_mb: metrics.memory.peak_rss_mb,
    };
    rows.push([
      name,
      'sharded-lsh: cap 10000 epochs, seed 0 hash (2 shards never converge)',
      `${metrics.timings.fit_s} s`,
      `${(tr.sample_visits / 1e6).toFixed(1)} M visits, ${round(us, 3)} µs/visit, ${metrics.memory.peak_rss_mb} MB peak`,
    ]);
  }
}

/** Runs an online pipeline on a 10×MNIST stream served over a loopback socket; returns its metrics. */
async function onlineFromSocket(pipeline: string, backend: string, out: string): Promise<Metrics & { stream: { trained: number; samples_per_s: number; seconds: number } }> {
  const emitter = spawn(process.execPath, ['bin/amem-flow.js', 'emit', 'mnist:train', '--repeat', '10', '--to', 'tcp://127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    emitter.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /on (tcp:\/\/[\d.]+:\d+)/.exec(err);
      if (m) resolve(m[1]);
    });
    emitter.on('exit', () => reject(new Error(`emitter exited: ${err}`)));
  });
  const stdout = execFileSync(process.execPath, ['bin/amem-flow.js', 'run', pipeline, '--source', url, '--backend', backend, '--out', out, '--json', '--quiet', '--set', 'expect={}'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, CI: 'true' },
  });
  return JSON.parse(stdout) as Metrics & { stream: { trained: number; samples_per_s: number; seconds: number } };
}

if (only.has('online')) {
  // The dense model on cpu would take ~5 minutes here (its matmuls run at 0.6 GFLOPS).
  const runs = [
    ...backends.map((b) => ({ model: 'sharded-lsh', pipeline: 'pipelines/online-mnist.ts', backend: b })),
    ...backends.filter((b) => b !== 'cpu').map((b) => ({ model: 'dense-am', pipeline: 'pipelines/online-dense-am.ts', backend: b })),
  ];
  for (const r of runs) {
    const m = await onlineFromSocket(r.pipeline, r.backend, join(dirname(args.out), `online-${r.model}-${r.backend}`));
    perBackend('online')[`${r.backend}${r.model === 'dense-am' ? '-dense-am' : ''}`] = {
      model: r.model,
      samples: m.stream.trained,
      samples_per_s: m.stream.samples_per_s,
      seconds: m.stream.seconds,
      peak_rss_mb: m.memory.peak_rss_mb,
      test_accuracy: m.evaluations.test.accuracy,
    };
    rows.push([
      r.backend,
      `${r.pipeline.slice(10, -3)} from a socket, 10×MNIST (600000 samples)`,
      `${m.stream.samples_per_s.toLocaleString('en-US')} samples/s`,
      `${m.stream.seconds} s, ${m.memory.peak_rss_mb} MB peak, test accuracy ${m.evaluations.test.accuracy}`,
    ]);
  }
}

if (only.has('dense')) {
  const train = loadMnist('train');
  const x = Float32Array.from(train.x, (v) => v / 127.5 - 1);
  const K = 100;
  const D = 784;
  const Nc = 10;
  const B = 1000;
  for (const name of backends) {
    const b = await createBackend(name);
    const model = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 1 }), b);
    // cpu's matmuls (0.6 GFLOPS) make a full epoch slow: time 6 minibatches there and scale by 10.
    // The first epoch also starts the worker and copies the data to shared memory: report the best later one.
    const samples = name === 'cpu' ? 6000 : 60000;
    const epochTimes = async (epochs: number, workers: number): Promise<number[]> => {
      const times: number[] = [];
      let last = performance.now();
      await model.fit(
        // As the pipeline trains: raw bytes, normalized to [-1, 1] as each minibatch is read (a fused normalize step).
        makeSampleBatch({ ids: train.ids.subarray(0, samples), x: train.x.subarray(0, samples * D), y: train.y.subarray(0, samples), info: { shape: [28, 28], range: [0, 255], encoding: 'raw' } }),
        {
          epochs,
          batchSize: B,
          workers,
          normalize: [-1, 1],
          onEpoch: () => {
            times.push(((performance.now() - last) / 1000) * (60000 / samples));
            last = performance.now();
          },
        },
      );
      return times;
    };
    const twoThreads = await epochTimes(name === 'cpu' ? 1 : 3, 2);
    const epochS = Math.min(...twoThreads.slice(name === 'cpu' ? 0 : 1));
    const oneThreadS = name === 'cpu' ? undefined : (await epochTimes(1, 1))[0];
    // One minibatch, on this thread, split into its parts.
    const xb = x.subarray(0, B * D);
    const yb = train.y.subarray(0, B);
    const targets = new Float32Array(Nc * B).fill(-1);
    yb.forEach((c, i) => (targets[c * B + i] = 1));
    const args = { xi: model.memories(), x: xb, rows: B, width: D, classes: Nc, memories: K, power: 20, temperature: 540, targets, lossPower: 30 };
    const reps = name === 'cpu' ? 1 : 5;
    const stepMs = await best(reps, () => b.run('denseAmGradient', args));
    const a = new Float32Array(K * B).map(() => Math.random() * 400 - 200);
    const coreMs = await best(reps, () =>
      (name === 'wasm' ? wasmDenseAmCore : cpuDenseAmCore)({ a, lab: new Float32Array(K * Nc), K, B, classes: Nc, power: 20, temperature: 540, targets, lossPower: 30 }),
    );
    const out: Record<string, unknown> = {
      epoch_s: round(epochS),
      first_epoch_s: round(twoThreads[0]),
      one_thread_epoch_s: oneThreadS === undefined ? null : round(oneThreadS),
      step_ms: round(stepMs),
      core_ms: round(coreMs),
      matmul_and_copies_ms: round(stepMs - coreMs),
    };
    const detail = name === 'cpu' ? 'from 6 minibatches × 10' : `two threads (first epoch, with start-up: ${round(twoThreads[0])} s; one thread: ${round(oneThreadS!)} s)`;
    rows.push([name, 'dense-am: one training epoch, 60000 digits (K=100, n=20, minibatch 1000)', `${round(epochS)} s`, detail]);
    rows.push([name, 'dense-am: one minibatch gradient, one thread', `${round(stepMs)} ms`, `elementwise core ${round(coreMs)} ms, matmuls + copies ${round(stepMs - coreMs)} ms`]);
    if (name !== 'cpu') {
      const deviceMs = await best(3, () => deviceDenseAmGradient(args, { tf: b.tf }));
      const tiledMs = await best(2, () => tiledGradient(b.tf, args.xi, xb, yb, { K, N: D, Nc, n: 20, m: 30, T: 540 }));
      Object.assign(out, { tiled_step_ms: round(tiledMs), ncfold_tfjs_ops_step_ms: round(deviceMs) });
      rows.push([
        name,
        'dense-am step: seeds’ tiled formulation (tfjs ops)',
        `${round(tiledMs)} ms`,
        `${round(tiledMs / deviceMs, 1)}× the Nc-fold algebra in the same ops (${round(deviceMs)} ms), ${round(tiledMs / stepMs, 1)}× ours (${round(stepMs)} ms)`,
      ]);
    }
    perBackend('dense')[name] = out;
  }
}

if (only.has('densefull')) {
  // cpu needs ~28 s per epoch (its matmuls run at 0.6 GFLOPS): the 'dense' section measures it.
  for (const name of backends.filter((b) => b !== 'cpu')) {
    const { metrics, wall_s } = cli(`dense-am-${name}`, name, ['expect={}'], ['--epochs', '5'], 'pipelines/dense-am-mnist.ts');
    const tr = metrics.training as { seconds_per_epoch: number; best_test_error: number };
    perBackend('densefull')[name] = {
      wall_s: round(wall_s),
      epochs: 5,
      seconds_per_epoch: tr.seconds_per_epoch,
      peak_rss_mb: metrics.memory.peak_rss_mb,
      test_accuracy: metrics.evaluations.test.accuracy,
      timings: metrics.timings,
    };
    rows.push([
      name,
      'dense-am-mnist pipeline, 5 epochs (each scored on the test set), process',
      `${round(wall_s)} s wall`,
      `${tr.seconds_per_epoch} s/epoch, ${metrics.memory.peak_rss_mb} MB peak, test accuracy ${metrics.evaluations.test.accuracy}`,
    ]);
  }
}

if (only.has('competing')) {
  const train = loadMnist('train');
  const x = Float32Array.from(train.x, (v) => v / 255);
  for (const name of backends) {
    const b = await createBackend(name);
    const out: Record<string, unknown> = {};
    for (const H of [100, 2000]) {
      // cpu's kernel is plain TypeScript: time a slice of the epoch there and scale it.
      const samples = name === 'cpu' ? (H === 100 ? 12000 : 3000) : 60000;
      // Two epochs, the second timed (as for the Dense AM: the first also warms the JIT and the kernels up).
      const epochs = async (workers: number) => {
        const m = new CompetingUnits({ outputs: H, numEpochs: 2, workers, randomState: 1 }, b);
        await m.fit({ values: x.subarray(0, samples * 784), rows: samples, cols: 784 });
        return m.history.map((r) => r.seconds * (60000 / samples));
      };
      const [first, one] = await epochs(1);
      const two = b.threadable && name !== 'cpu' ? (await epochs(2))[1] : undefined;
      // Minibatches of 100 in one fused call (as an epoch runs them), and the currents of one minibatch by the separate kernel (weights copied in per call).
      const m = new CompetingUnits({ outputs: H, randomState: 1 }, b).initialize(784);
      const o = m.getParams();
      const n = name === 'cpu' ? 500 : 5000;
      const stepsMs =
        (await best(name === 'cpu' ? 3 : 5, () =>
          b.run('competingSteps', {
            w: m.weights,
            hidden: H,
            width: 784,
            x: x.subarray(0, n * 784),
            rows: n,
            batchSize: 100,
            p: o.p,
            k: o.k,
            delta: o.delta,
            rate: 0.02,
            precision: o.precision,
            weightDecay: 0,
          }),
        )) /
        (n / 100);
      const wT = new Float32Array(784 * H).map(() => Math.random() - 0.5);
      const xb = x.subarray(0, 100 * 784);
      const currentsMs = await best(name === 'cpu' ? 3 : 20, () => b.run('competingCurrents', { wT, hidden: H, x: xb, rows: 100, width: 784 }));
      out[`h${H}`] = {
        epoch_s: round(one),
        first_epoch_s: round(first),
        two_threads_epoch_s: two === undefined ? null : round(two),
        minibatch_ms: round(stepsMs),
        currents_kernel_ms: round(currentsMs),
      };
      const detail = `first epoch ${round(first)} s; ${two === undefined ? '' : `two threads ${round(two)} s; `}a minibatch in the fused steps: ${round(stepsMs)} ms; the separate currents kernel: ${round(currentsMs)} ms${name === 'cpu' ? `; from ${samples} digits` : ''}`;
      rows.push([name, `competing-units: one epoch, 60000 digits, ${H} hidden units, minibatch 100, one thread`, `${round(one)} s`, detail]);
    }
    perBackend('competing')[name] = out;
  }
}

if (only.has('recall')) {
  for (const name of backends) {
    const spec = resolveLab({ name: 'bench-recall', lab: 'capacity', counts: [100, 1000], trials: 20, models: [{ kind: 'classical' }, { kind: 'dense', power: 20 }, { kind: 'modern', beta: 1 }] });
    type Row = { model: string; patterns: number; ms_per_recall: number; exact_fraction: number };
    // The first run in a process also pays the backend's one-time costs for these shapes (~25 ms at
    // P = 1000, more than 20 recalls take): the time per pattern is the second run's, the first is kept as cold.
    const cold = (await runLab(spec, { backend: name })).metrics.training.table as Row[];
    const table = (await runLab(spec, { backend: name })).metrics.training.table as Row[];
    perBackend('recall')[name] = { table, cold_table: cold };
    table.forEach((row, i) =>
      rows.push([
        name,
        `recall, ${row.model}, P = ${row.patterns} MNIST digits (5% flipped, 20 trials)`,
        `${row.ms_per_recall} ms per pattern`,
        `exact ${row.exact_fraction}; first run in the process ${cold[i].ms_per_recall} ms`,
      ]),
    );
  }
}

if (args.reference) {
  // Ours against the numpy references, measured in this run: ratio = numpy seconds / ours.
  const missing = referenceMissing();
  if (missing) rows.push(['-', 'numpy references', 'skipped', missing]);
  else {
    const wasm = (section: string) => (results[section] as Record<string, Record<string, unknown>> | undefined)?.wasm;
    const dense = wasm('dense')?.epoch_s as number | undefined;
    const denseOne = wasm('dense')?.one_thread_epoch_s as number | undefined;
    const compete = (H: number) => (wasm('competing')?.[`h${H}`] as { epoch_s: number } | undefined)?.epoch_s;
    const ref: Record<string, unknown> = {};
    const best = (r: ReferenceRun) => Math.min(...r.seconds_per_epoch);
    const line = (label: string, numpyS: number, oursS: number | undefined, threads: number) => {
      rows.push([
        'numpy',
        `${label} (float64, ${threads} BLAS thread${threads > 1 ? 's' : ''})`,
        `${round(numpyS)} s`,
        oursS === undefined ? 'run with --only dense,competing for the ratio' : `ours (wasm) ${round(oursS)} s: ${round(numpyS / oursS, 1)}× faster`,
      ]);
      return { numpy_s: round(numpyS), ours_s: oursS ?? null, speedup: oursS === undefined ? null : round(numpyS / oursS, 2) };
    };
    const cores = cpus().length;
    ref.dense = line('dense-am: one epoch, 60000 digits, K = 100', best(runReference('dense', { epochs: 2, threads: cores })), dense, cores);
    ref.dense_one_thread = line('dense-am: one epoch, 60000 digits, K = 100', best(runReference('dense', { epochs: 2, threads: 1 })), denseOne, 1);
    ref.competing_h100 = line('competing-units: one epoch, 100 hidden units', best(runReference('competing', { epochs: 1, hidden: 100, threads: 1 })), compete(100), 1);
    ref.competing_h2000 = line('competing-units: one epoch, 2000 hidden units', best(runReference('competing', { epochs: 1, hidden: 2000, threads: 1 })), compete(2000), 1);
    results.reference = ref;
  }
}

if (only.has('cluster') || only.has('clusterdense')) {
  const c = await benchCluster(only, dirname(args.out), args['dense-epochs']);
  Object.assign(results, c.results);
  rows.push(...c.rows);
}

const targets = checkTargets(results);
results.targets = targets;
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
const table = new Table({ head: ['backend', 'benchmark', 'result', 'detail'], style: { head: [], border: [] } });
table.push(...rows);
const targetTable = new Table({ head: ['target (wasm)', 'limit', 'measured', 'met'], style: { head: [], border: [] } });
targetTable.push(...targets.map((t) => [t.target, t.limit, t.measured, t.met === null ? '-' : t.met ? 'yes' : 'NO']));
console.log(`${table.toString()}\n${targetTable.toString()}\nwrote ${args.out}`);
const missed = targets.filter((t) => t.met === false);
if (args.check && missed.length > 0) {
  console.error(`missed: ${missed.map((t) => `${t.target} (${t.measured}, limit ${t.limit})`).join('; ')}`);
  process.exitCode = 1;
}
