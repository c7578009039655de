/**
 * Data-parallel training on NATS JetStream with a real nats-server: one worker's rounds are the
 * single-process run (the same memories, bit for bit); two workers average their rounds, and a
 * worker killed with -9 and started again joins the run at its current round, which ends with
 * the same model as an uninterrupted run (every round is deterministic).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectJetStream } from '../../src/cluster/node/jetstream.js';
import { clusterNames } from '../../src/cluster/node/transport.js';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { readRunState } from '../../src/pipeline/node/clusterRounds.js';
import { runCli } from '../helpers/cli.js';
import { natsMissing, startNats } from '../helpers/natsServer.js';

const RUN = Math.random().toString(36).slice(2, 8);
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `amem-dp-${name}-`));
// 2000 digits, minibatches of 200, 2 epochs: 20 rounds for one worker (10 steps of 200 per epoch), 20 for two (10 steps of 100 each).
const DENSE = ['--set', 'data.trainSize=2000', '--set', 'data.testSize=500', '--set', 'train.batchSize=200', '--set', 'train.epochs=2', '--set', 'model.learningRate=0.1'];
const COMPETING = [
  '--set',
  'data.trainSize=2000',
  '--set',
  'data.testSize=500',
  '--set',
  'train.epochs=2',
  '--set',
  'model.outputs=20',
  '--set',
  'model.optimizer.lr=0.1',
  '--set',
  'train.curveEpochs=off',
];
const QUIET = ['--set', 'outputs.plots=false', '--quiet'];
const tensor = (dir: string, name: string) => Buffer.from(decodeCheckpoint(readFileSync(join(dir, 'model.arrow'))).tensors[name].data.buffer);
const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));

describe.skipIf(natsMissing)(`data-parallel training on NATS JetStream${natsMissing ? ` (skipped: ${natsMissing})` : ''}`, () => {
  let nats: { url: string; stop: () => Promise<void> };
  let data: string;
  beforeAll(async () => {
    nats = await startNats();
    data = join(tmp('data'), 'train.arrows');
    expect((await runCli(['emit', 'mnist:train', '--limit', '2000', '--to', data])).code).toBe(0);
  });
  afterAll(() => nats?.stop());

  const cluster = (name: string, pipeline: string, settings: string[]) => {
    const args = ['--nats', nats.url, '--set', `name=${name}-${RUN}`, ...settings];
    return {
      publish: () => runCli(['publish', data, '--pipeline', pipeline, '--out', tmp('pub'), '--json', ...args, ...QUIET]),
      worker: (i: number, W: number, extra: string[] = []) => runCli(['worker', pipeline, '--worker', `${i}/${W}`, '--json', ...args, ...extra, ...QUIET]),
      fromCluster: (out: string) => runCli(['run', pipeline, '--from-cluster', '--out', out, '--json', ...args, ...QUIET]),
      args,
    };
  };

  it('one dense-am worker: round by round the single-process run, the same memories bit for bit', async () => {
    const c = cluster('dense-one', 'pipelines/dense-am-mnist.ts', DENSE);
    const published = await c.publish();
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ samples: 2000, chunks: 2, unchanged: false });
    expect(JSON.parse((await c.publish()).stdout)).toMatchObject({ unchanged: true });
    const worker = await c.worker(0, 1);
    expect(worker.code, worker.stderr).toBe(0);
    expect(JSON.parse(worker.stdout)).toMatchObject({ rounds_stepped: 20, rounds_combined: 20, round: 20, epochs_done: 2, part_rows: 2000 });
    const [fromCluster, single] = [tmp('dense-fc'), tmp('dense-single')];
    expect((await c.fromCluster(fromCluster)).code).toBe(0);
    expect((await runCli(['run', 'pipelines/dense-am-mnist.ts', '--source', data, '--out', single, '--set', `name=dense-one-${RUN}`, ...DENSE, ...QUIET])).code).toBe(0);
    expect(tensor(fromCluster, 'memories').equals(tensor(single, 'memories'))).toBe(true);
    expect(tensor(fromCluster, 'velocity').equals(tensor(single, 'velocity'))).toBe(true);
    const [a, b] = [metrics(fromCluster), metrics(single)];
    expect(a.evaluations.test.accuracy).toBe(b.evaluations.test.accuracy);
    expect(a.training).toMatchObject({ mode: 'cluster', workers: 1, rounds: 20, epochs_run: 2 });
    expect(a.training.history.map((e: { train_error: number }) => e.train_error)).toEqual(b.epochs.map((e: { train_error: number }) => e.train_error));

    // Rounds of 3 steps: 10 steps per epoch make rounds of 3, 3, 3 and 1, and still the single-process run.
    const r3 = cluster('dense-one-r3', 'pipelines/dense-am-mnist.ts', DENSE);
    expect((await r3.publish()).code).toBe(0);
    expect(JSON.parse((await r3.worker(0, 1, ['--local-steps', '3'])).stdout)).toMatchObject({ rounds_stepped: 8, round: 8, epochs_done: 2 });
    const fromR3 = tmp('dense-r3');
    expect((await r3.fromCluster(fromR3)).code).toBe(0);
    expect(tensor(fromR3, 'memories').equals(tensor(single, 'memories'))).toBe(true);
  });

  it('two dense-am workers, one killed with -9 and started again: it joins the current round, and the model is the uninterrupted run', async () => {
    const reference = cluster('dense-two', 'pipelines/dense-am-mnist.ts', DENSE);
    expect((await reference.publish()).code).toBe(0);
    const both = await Promise.all([reference.worker(0, 2), reference.worker(1, 2)]);
    expect(both.map((w) => JSON.parse(w.stdout).rounds_stepped)).toEqual([20, 20]);
    const expected = tmp('two-ref');
    expect((await reference.fromCluster(expected)).code).toBe(0);

    const c = cluster('dense-kill', 'pipelines/dense-am-mnist.ts', DENSE);
    expect((await c.publish()).code).toBe(0);
    const child = spawn(process.execPath, ['bin/amem-flow.js', 'worker', 'pipelines/dense-am-mnist.ts', '--worker', '1/2', ...c.args, ...QUIET], { stdio: 'ignore' });
    const survivor = c.worker(0, 2);
    // Kill it once the run is a few rounds in, whatever the timing.
    const transport = await connectJetStream(nats.url);
    const kv = await transport.kv(clusterNames(`dense-kill-${RUN}`).runBucket);
    while (((await readRunState(kv))?.state.round ?? 0) < 3) await sleep(10);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const killedAt = (await readRunState(kv))!.state.round;
    await transport.close();
    expect(killedAt).toBeLessThan(20); // the survivor waits for the dead worker's update
    const restarted = await c.worker(1, 2);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect((await survivor).code).toBe(0);
    const report = JSON.parse(restarted.stdout);
    // From the round the run was at (or the next, when the dead worker's last update completed it), not from the start.
    expect(report.rounds_stepped).toBeLessThanOrEqual(20 - killedAt);
    expect(report.rounds_stepped).toBeGreaterThanOrEqual(20 - killedAt - 1);
    const out = tmp('two-kill');
    expect((await c.fromCluster(out)).code).toBe(0);
    expect(tensor(out, 'memories').equals(tensor(expected, 'memories'))).toBe(true);
    expect(metrics(out).evaluations.test.accuracy).toBe(metrics(expected).evaluations.test.accuracy);
  });

  it('one competing-units worker: the single-process units; the read-out is fitted on the assembled units', async () => {
    const c = cluster('units-one', 'pipelines/competing-units-mnist.ts', COMPETING);
    expect((await c.publish()).code).toBe(0);
    expect((await c.worker(0, 1)).code).toBe(0);
    const [fromCluster, single] = [tmp('units-fc'), tmp('units-single')];
    const fc = await c.fromCluster(fromCluster);
    expect(fc.code, fc.stderr).toBe(0);
    expect((await runCli(['run', 'pipelines/competing-units-mnist.ts', '--source', data, '--out', single, '--set', `name=units-one-${RUN}`, ...COMPETING, ...QUIET])).code).toBe(0);
    expect(tensor(fromCluster, 'weights').equals(tensor(single, 'weights'))).toBe(true);
    expect(metrics(fromCluster).evaluations.test.accuracy).toBe(metrics(single).evaluations.test.accuracy);
  });

  it('names what is wrong: a worker of another plan, no run to assemble, an online dense pipeline', async () => {
    const c = cluster('dense-one', 'pipelines/dense-am-mnist.ts', DENSE); // the run of the first test
    const other = await c.worker(0, 2);
    expect(other).toMatchObject({ code: 2, stderr: expect.stringMatching(/was started with workers = 1; this worker has workers = 2: start every worker with the same --worker i\/W/) });
    const none = await cluster('dense-none', 'pipelines/dense-am-mnist.ts', DENSE).fromCluster(tmp('none'));
    expect(none).toMatchObject({ code: 1, stderr: expect.stringMatching(/no training run of 'dense-none-\w+' at nats:.*: publish the data and run the workers first/) });
    const online = await runCli(['publish', data, '--pipeline', 'pipelines/online-dense-am.ts', '--nats', nats.url]);
    expect(online).toMatchObject({ code: 2, stderr: expect.stringMatching(/'online-dense-am' learns dense-am online, which does not scale out/) });
  });
});
