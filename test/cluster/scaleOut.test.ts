/**
 * Scale-out on NATS JetStream, end to end with a real nats-server: publish routes a data set to
 * shard subjects (a second publish adds nothing), workers train their shares, and the model
 * assembled from the cluster equals the single-machine one byte for byte; a worker killed with
 * -9 leaves its data unacknowledged, and the next one gets it again; nothing is trained twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { connectJetStream } from '../../src/cluster/node/jetstream.js';
import { runCli } from '../helpers/cli.js';
import { startEmitter } from '../helpers/emitter.js';
import { natsMissing, startNats } from '../helpers/natsServer.js';

// Names of its own per run: a shared server (.ci/run's) keeps the streams of earlier runs.
const RUN = Math.random().toString(36).slice(2, 8);
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `amem-cluster-${name}-`));
// A small sharded memory: 8 shards, 4000 digits, 30 epochs at most.
const SETTINGS = ['--set', 'model.bits=3', '--set', 'model.shards=8', '--set', 'train.epochs=30'];
const EVAL = ['--set', 'data.trainSize=1000', '--set', 'data.testSize=500', '--set', 'outputs.plots=false', '--quiet', '--json'];
type WorkerReport = { shards: { shard: number; status: string; samples: number; redelivered: number }[] };

describe.skipIf(natsMissing)(`scale-out on NATS JetStream${natsMissing ? ` (skipped: ${natsMissing})` : ''}`, () => {
  let nats: { url: string; stop: () => Promise<void> };
  let data: string;
  beforeAll(async () => {
    nats = await startNats();
    data = join(tmp('data'), 'train.arrows');
    expect((await runCli(['emit', 'mnist:train', '--limit', '4000', '--to', data])).code).toBe(0);
  });
  afterAll(() => nats?.stop());

  it('publish → two workers → run --from-cluster gives the single-machine model, byte for byte; publishing again adds nothing', async () => {
    const pipeline = ['--set', `name=scale-a-${RUN}`, ...SETTINGS];
    const publish = () => runCli(['publish', data, '--pipeline', 'pipelines/sharded-mnist.ts', '--nats', nats.url, '--out', tmp('pub'), '--json', '--quiet', ...pipeline]);
    const first = await publish();
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ samples: 4000, duplicates: 0 });
    const again = JSON.parse((await publish()).stdout);
    expect(again.duplicates).toBe(again.messages); // de-duplicated by message id

    const workers = await Promise.all([0, 1].map((i) => runCli(['worker', 'pipelines/sharded-mnist.ts', '--worker', `${i}/2`, '--nats', nats.url, '--json', '--quiet', ...pipeline])));
    const reports = workers.map((w) => JSON.parse(w.stdout) as WorkerReport);
    expect(reports.map((r) => r.shards.map((s) => s.shard))).toEqual([
      [0, 2, 4, 6],
      [1, 3, 5, 7],
    ]);
    expect(reports.flatMap((r) => r.shards).reduce((n, s) => n + s.samples, 0)).toBe(4000);

    const cluster = tmp('from-cluster');
    const single = tmp('single');
    const fromCluster = await runCli(['run', 'pipelines/sharded-mnist.ts', '--from-cluster', '--nats', nats.url, '--out', cluster, ...pipeline, ...EVAL]);
    expect(fromCluster.code, fromCluster.stderr).toBe(0);
    expect((await runCli(['run', 'pipelines/sharded-mnist.ts', '--source', data, '--out', single, ...pipeline, ...EVAL])).code).toBe(0);
    expect(Buffer.compare(readFileSync(join(cluster, 'model.arrow')), readFileSync(join(single, 'model.arrow')))).toBe(0);
    const [a, b] = [cluster, single].map((d) => JSON.parse(readFileSync(join(d, 'metrics.json'), 'utf8')));
    expect(a.evaluations.test.accuracy).toBe(b.evaluations.test.accuracy);
    expect(a.training).toMatchObject({ mode: 'cluster', samples: 4000, converged_shards: b.training.converged_shards });

    // A worker run again finds every shard stored: it trains nothing.
    const rerun = JSON.parse((await runCli(['worker', 'pipelines/sharded-mnist.ts', '--nats', nats.url, '--json', '--quiet', ...pipeline])).stdout) as WorkerReport;
    expect(rerun.shards.map((s) => s.status)).toEqual(Array(8).fill('already stored'));
  });

  it('a worker killed with -9 while it holds data: the next worker gets that data again, trains every shard once, and the model is the same', async () => {
    const pipeline = ['--set', `name=scale-b-${RUN}`, ...SETTINGS];
    // The worker waits for shard 0 before the data exist, then holds what arrives (no end marker yet) until it is killed.
    const worker = spawn(process.execPath, ['bin/amem-flow.js', 'worker', 'pipelines/sharded-mnist.ts', '--nats', nats.url, '--ack-wait', '1', '--quiet', ...pipeline], { stdio: 'ignore' });
    const emitter = await startEmitter(data, ['--rate', '3000']);
    const publishing = runCli(['publish', emitter.url, '--pipeline', 'pipelines/sharded-mnist.ts', '--nats', nats.url, '--out', tmp('pub-b'), '--quiet', ...pipeline]);
    // Kill it once it holds shard 0's first chunks (delivered, not acknowledged), whatever the timing.
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const held = async () => (await jsm.consumers.info(`AMEM_scale-b-${RUN}`, 'shard-0').catch(() => undefined))?.num_ack_pending ?? 0;
    while ((await held()) === 0) await sleep(20);
    await nc.close();
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.on('exit', resolve));
    expect((await publishing).code).toBe(0);

    const next = JSON.parse((await runCli(['worker', 'pipelines/sharded-mnist.ts', '--nats', nats.url, '--ack-wait', '1', '--json', '--quiet', ...pipeline])).stdout) as WorkerReport;
    expect(next.shards.map((s) => s.status)).toEqual(Array(8).fill('trained'));
    expect(next.shards[0].redelivered).toBeGreaterThan(0); // what the killed worker held came again
    const out = tmp('after-kill');
    expect((await runCli(['run', 'pipelines/sharded-mnist.ts', '--from-cluster', '--nats', nats.url, '--out', out, ...pipeline, ...EVAL])).code).toBe(0);
    const single = tmp('single-b');
    expect((await runCli(['run', 'pipelines/sharded-mnist.ts', '--source', data, '--out', single, ...pipeline, ...EVAL])).code).toBe(0);
    expect(Buffer.compare(readFileSync(join(out, 'model.arrow')), readFileSync(join(single, 'model.arrow')))).toBe(0);
  });

  it('an online pipeline learns per chunk on workers: a worker stopped by SIGTERM stores what it learned, the next goes on, and the model is the one-machine online model', async () => {
    const pipeline = ['--set', `name=scale-on-${RUN}`, '--set', 'model.bits=3', '--set', 'model.shards=8', '--set', 'stream.checkpointEvery=2'];
    const worker = spawn(process.execPath, ['bin/amem-flow.js', 'worker', 'pipelines/online-mnist.ts', '--nats', nats.url, '--ack-wait', '1', '--quiet', ...pipeline], { stdio: 'ignore' });
    // Listened for from the start: an exit before the kill below must fail the test, not hang it.
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    const emitter = await startEmitter(data, ['--rate', '3000']);
    const publishing = runCli(['publish', emitter.url, '--pipeline', 'pipelines/online-mnist.ts', '--nats', nats.url, '--out', tmp('pub-on'), '--quiet', ...pipeline]);
    // Stop it once it has stored a shard state, while the stream still goes.
    const transport = await connectJetStream(nats.url);
    while (!(await transport.getObject(`amem-scale-on-${RUN}`, 'shard-0.arrow'))) {
      expect(worker.exitCode, 'the worker exited before it stored a shard state').toBeNull();
      await sleep(20);
    }
    await transport.close();
    expect(worker.exitCode, 'the worker had already finished the stream when it was to be stopped').toBeNull();
    worker.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect((await publishing).code).toBe(0);

    const next = JSON.parse((await runCli(['worker', 'pipelines/online-mnist.ts', '--nats', nats.url, '--ack-wait', '1', '--json', '--quiet', ...pipeline])).stdout) as WorkerReport;
    expect(next.shards.reduce((n, s) => n + s.samples, 0)).toBe(4000); // the stored states' counts and what it learned since
    const [cluster, single] = [tmp('on-cluster'), tmp('on-single')];
    const fromCluster = await runCli(['run', 'pipelines/online-mnist.ts', '--from-cluster', '--nats', nats.url, '--out', cluster, ...pipeline, ...EVAL]);
    expect(fromCluster.code, fromCluster.stderr).toBe(0);
    expect((await runCli(['run', 'pipelines/online-mnist.ts', '--source', data, '--out', single, ...pipeline, ...EVAL])).code).toBe(0);
    // Every chunk learned once, in routing order: the same bytes as one machine's online run.
    expect(Buffer.compare(readFileSync(join(cluster, 'model.arrow')), readFileSync(join(single, 'model.arrow')))).toBe(0);
    const [a, b] = [cluster, single].map((d) => JSON.parse(readFileSync(join(d, 'metrics.json'), 'utf8')));
    expect(a.stream).toMatchObject({ trained: 4000, prequential_accuracy: b.stream.prequential_accuracy, shards_ended: 8 });
  });

  it('names what is wrong: no server, shards without state, a bad --worker', async () => {
    const down = await runCli(['worker', 'pipelines/sharded-mnist.ts', '--nats', 'nats://127.0.0.1:9', ...SETTINGS]);
    expect(down).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot connect to NATS at nats:\/\/127\.0\.0\.1:9 .*start nats-server with JetStream/) });
    const none = await runCli(['run', 'pipelines/sharded-mnist.ts', '--from-cluster', '--nats', nats.url, '--out', tmp('none'), '--set', `name=scale-none-${RUN}`, ...SETTINGS]);
    expect(none).toMatchObject({ code: 1, stderr: expect.stringMatching(/8 of 8 shards have no trained state at nats:.* \(shards 0, 1, .*\): publish the data and run the workers first/) });
    const bad = await runCli(['worker', 'pipelines/sharded-mnist.ts', '--worker', '2/2']);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--worker takes i\/W .* got '2\/2'/) });
    const transport = await connectJetStream(nats.url);
    expect(transport.maxPayload).toBeGreaterThanOrEqual(1024 * 1024); // what the server announces (8 MB in .ci/run and the tests' own server)
    await transport.close();
  });
});
