import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const exec = promisify(execFile);

const cli = (...argv: string[]) => runCli(argv);

describe('amem-flow CLI', () => {
  it('prints help for the program and each command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/run <pipeline>[\s\S]*describe <pipeline>[\s\S]*backends/);
    const run = await cli('run', '--help');
    for (const option of ['--set', '--seed', '--backend', '--out', '--check', '--quiet', '--json']) expect(run.stdout).toContain(option);
  });

  it.each([
    [['run', 'pipelines/sharded-mnist.ts', '--frobnicate'], /Unknown argument: frobnicate/],
    [['run'], /Not enough non-option arguments/],
    [['explode'], /Unknown argument: explode/],
    [['run', 'pipelines/nope.ts'], /pipeline file 'pipelines\/nope.ts' does not exist/],
    [['run', 'pipelines/sharded-mnist.ts', '--set', 'model.bitz=3'], /Unrecognized key: "bitz"/],
    [['run', 'pipelines/sharded-mnist.ts', '--set', 'model.bits'], /is not key=value/],
    [['run', 'pipelines/sharded-mnist.ts', '--backend', 'quantum'], /Invalid values:[\s\S]*backend, Given: "quantum", Choices: "auto", "gpu", "webgpu", "wasm", "cpu"/],
    [['rnu', 'pipelines/sharded-mnist.ts'], /Did you mean run\?/],
    [['describe', 'pipelines/sharded-mnist.ts', '--set', 'train.epoch=5'], /did you mean 'train.epochs' \(for 'train.epoch'\)\?/],
    [['describe', 'pipelines/sharded-mnist.ts', '--set', 'model.shard=5'], /did you mean 'model.shards' \(for 'model.shard'\)\?/],
    [['describe', 'pipelines/sharded-mnist.ts', '--seed', '-1'], /--seed must be a non-negative integer/],
    [['run', 'pipelines/hopfield-recall.ts', '--epochs', '3'], /is a recall lab: it has no training epochs/],
    [['run', 'pipelines/hopfield-capacity.ts', '--set', 'models.0.kind=quantum'], /models/],
    // Hostile settings: prototype keys, and sizes past their limits, named with the value and the limit.
    [['describe', 'pipelines/sharded-mnist.ts', '--set', '__proto__.x=1'], /'__proto__' cannot be a setting name/],
    [['describe', 'pipelines/sharded-mnist.ts', '--set', '__proto__.toString=1'], /'__proto__' cannot be a setting name/],
    [['describe', 'pipelines/sharded-mnist.ts', '--set', '__proto__={"name":"evil"}'], /'__proto__' cannot be a setting name/],
    [['describe', 'pipelines/sharded-mnist.ts', '--set', 'model={"kind":"sharded-lsh","constructor":{"x":1}}'], /'model.constructor' cannot be a setting name/],
    [['describe', 'pipelines/sharded-mnist.ts', '--set', 'evaluate.4294967294=1'], /'evaluate' has \d+ entries: give an index from 0 to \d+/],
    [['describe', 'pipelines/dense-am-mnist.ts', '--set', 'model.memories=2000000'], /Too big: expected number to be <=100000 \(got 2000000\)\n {2}→ at model.memories/],
    [['describe', 'pipelines/online-mnist.ts', '--set', 'stream.window=2000000000'], /<=1000000 \(got 2000000000\)\n {2}→ at stream.window/],
  ])('exits 2 on a usage error, before running anything: %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.match(/amem-flow:/g)).toHaveLength(1);
    expect(r.stdout).toBe(''); // nothing ran: no progress, no results
  });

  it('prints its version, a completion script, and the backend choices in run --help', async () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    for (const flag of ['--version', '-v']) expect((await cli(flag)).stdout.trim()).toBe(version);
    const completion = await cli('completion');
    expect(completion.code).toBe(0);
    expect(completion.stdout).toMatch(/amem-flow completion >> ~\/\.bashrc|_amem-flow_yargs_completions|_amem_flow/);
    expect((await cli('run', '--help')).stdout).toMatch(/--backend[\s\S]*\[choices: "auto", "gpu", "webgpu", "wasm", "cpu", "f64"\]/);
  });

  it('describes a pipeline: graph and resolved settings', async () => {
    const r = await cli('describe', 'pipelines/sharded-mnist.ts', '--set', 'train.epochs=7');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train: mnist train \(60000 samples\) → route\(bits=8 shards=50 seed=\d+\) \[lshCodes\] → trainStep\(epochs=7 workers=auto curveEpochs=auto\) \[trainPrototypes\]/);
    // Routed first, the noise is drawn by the prediction itself (no noisy copy of each batch).
    expect(r.stdout).toMatch(
      /evaluate test\+noise: mnist test \(10000 samples\) → route \[lshCodes\] → addNoise\(kind=pm1 seed=\d+ into=predict\) \[pm1Noise\] → predict \[lshCodes, nearestPrototypes\] → score\(classes=10\)/,
    );
    expect(r.stdout).toContain('train.epochs = 7');
    // Not routed first: the noisy samples are routed, so the step runs on its own.
    const unrouted = await cli('describe', 'pipelines/sharded-mnist.ts', '--set', 'evaluate=[{"name":"noisy","partition":"test","steps":[{"op":"addNoise","kind":"pm1"}]}]', '--set', 'expect={}');
    expect(unrouted.stdout).toMatch(/evaluate noisy: mnist test \(10000 samples\) → addNoise\(kind=pm1 seed=\d+\) \[pm1Noise\] → predict \[lshCodes, nearestPrototypes\]/);
    // The Dense AM reads bytes: its normalize step runs inside the training step and the prediction (no float32 copy of the data).
    const dense = await cli('describe', 'pipelines/dense-am-mnist.ts');
    expect(dense.stdout).toMatch(
      /train: mnist train \(60000 samples\) → collect → epochSource\(.*\) → minibatch\(size=1000\) → normalize\(range=\[-1,1\] into=trainStep\) → trainStep\(workers=auto\) \[denseAmGradient\]/,
    );
    expect(dense.stdout).toMatch(/evaluate test: mnist test \(10000 samples\) → normalize\(range=\[-1,1\] into=predict\) → predict \[denseAmActivations\]/);
    // The competing units on one thread: 50 minibatches of 100 per call of the fused kernel; with a worker, the separate kernels per minibatch.
    const competing = await cli('describe', 'pipelines/competing-units-mnist.ts');
    expect(competing.stdout).toMatch(/epochSource\(seed=\d+ epochs=200 chunk=5000 wholeBatches=100\) → minibatch\(size=5000\) → trainStep\(minibatch=100 workers=1\) \[competingSteps\]/);
    const twoThreads = await cli('describe', 'pipelines/competing-units-mnist.ts', '--set', 'train.workers=2');
    expect(twoThreads.stdout).toMatch(/epochSource\(seed=\d+ epochs=200 chunk=100 wholeBatches=100\) → minibatch\(size=100\) → trainStep\(workers=2\) \[competingCurrents, competingUpdate\]/);
  });

  it('lists backends: cpu and wasm available (wasm for auto), webgpu on the software adapter but never auto, gpu unavailable with the reason', async () => {
    const r = await cli('backends');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wasm\s+available \(auto\)/m);
    expect(r.stdout).toMatch(/^cpu\s+available\s+tfjs cpu ops/m);
    expect(r.stdout).toMatch(/^gpu\s+unavailable\s+@tensorflow\/tfjs-node-gpu is not installed; install it with .*CUDA 11.2 and cuDNN 8.1/m);
    // After `npm run setup:webgpu` (.ci/run runs it) SwiftShader sits in .cache/webgpu; before it, the reason names that command.
    if (existsSync('.cache/webgpu/vk_swiftshader_icd.json')) expect(r.stdout).toMatch(/^webgpu\s+available\s+tfjs webgpu ops on Dawn, SwiftShader.*\(software adapter\)$/m);
    else expect(r.stdout).toMatch(/^webgpu\s+unavailable\s+.*npm run setup:webgpu/m);
  });

  it.skipIf(existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1'))('without the software adapter, says why webgpu is unavailable and which command fixes it', async () => {
    // VK_ICD_FILENAMES is what the in-process webgpu backend set when it found the adapter.
    const { VK_ICD_FILENAMES: _set, ...env } = process.env;
    const { stdout } = await exec(process.execPath, ['bin/amem-flow.js', 'backends'], { env: { ...env, AMEM_FLOW_WEBGPU_DIR: join(tmpdir(), 'amem-no-webgpu') } });
    expect(stdout).toMatch(/^webgpu\s+unavailable\s+no Vulkan loader \(libvulkan.so.1\) and no GPU adapter; run 'npm run setup:webgpu'/m);
    expect(stdout).toMatch(/^wasm\s+available \(auto\)/m);
  });

  it('fails fast on --backend gpu without tfjs-node-gpu, with the install advice and what is available', async () => {
    const out = mkdtempSync(join(tmpdir(), 'amem-cli-'));
    const r = await cli('run', 'pipelines/sharded-mnist.ts', '--backend', 'gpu', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/backend 'gpu' is unavailable: .*npm i @tensorflow\/tfjs-node-gpu@4.22.0.*CUDA 11.2 and cuDNN 8.1.*Available here: (webgpu, )?wasm, cpu, f64/);
    expect(readdirSync(out)).toEqual([]); // failed before any work: nothing written
  });

  it('runs a reduced pipeline from the installed bin and writes metrics.json in the documented shape', async () => {
    const out = mkdtempSync(join(tmpdir(), 'amem-cli-'));
    const { stdout, stderr } = await exec(
      process.execPath,
      ['bin/amem-flow.js', 'run', 'pipelines/sharded-mnist.ts', '--set', 'data.trainSize=3000', '--set', 'data.testSize=500', '--set', 'train.epochs=20', '--out', out, '--seed', '4'],
      { env: { ...process.env, CI: 'true' } },
    );
    expect(stdout).toMatch(/test\+noise/);
    expect(stderr).toMatch(/train: \d+\/50 shards converged/);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(m).toMatchObject({ pipeline: 'sharded-mnist', backend: 'wasm', seed: 4, settings: { train: { epochs: 20 } } });
    expect(Object.keys(m.evaluations)).toEqual(['train', 'test', 'train+noise', 'test+noise']);
    expect(m.evaluations.test).toMatchObject({ n: 500 });
    expect(m.evaluations.test.accuracy).toBeGreaterThan(0.6);
    expect(m.timings).toMatchObject({ train_s: expect.any(Number), evaluate_s: expect.any(Number), total_s: expect.any(Number) });
    expect(m.epochs[0]).toMatchObject({ epoch: 1, train_error: expect.any(Number), test_error: expect.any(Number) });
    expect(m.training.shards).toHaveLength(50);
    expect(existsSync(join(out, 'model.arrow')) && existsSync(join(out, 'memories.png'))).toBe(true);
  });

  it('exits 1 with --check when a result misses its expected bound', async () => {
    const out = mkdtempSync(join(tmpdir(), 'amem-cli-'));
    const r = await cli(
      'run',
      'pipelines/sharded-mnist.ts',
      '--set',
      'data.trainSize=500',
      '--set',
      'data.testSize=200',
      '--set',
      'train.epochs=1',
      '--set',
      'outputs.plots=false',
      '--out',
      out,
      '--check',
      '--quiet',
    );
    // 500 digits, one epoch: test accuracy far below the full run's bound of 0.895.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: \d+ expected result\(s\) missed: .*evaluations.test.accuracy/);
  });
});
