/**
 * Hostile and careless inputs through the real CLI, as a user types them: each ends with a clear
 * message and the documented exit status, quickly, with nothing silently lost.
 */
import { execFile, spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Table, tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { makeSampleBatch } from '../../src/data/batch.js';
import { execCli, runCli } from '../helpers/cli.js';
import { startEmitter } from '../helpers/emitter.js';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `amem-${name}-`));
// In this process unless the case needs one of its own (signals, pipes, stdin, concurrent readers).
const cli = runCli;

describe('hostile inputs from the CLI', () => {
  it('random bytes given as Arrow data end in a DataError at once (they used to spin forever)', async () => {
    const dir = tmp('rand');
    const file = join(dir, 'rand.arrow');
    writeFileSync(file, Uint8Array.from([0x9d, 0xc5, 0x4c, 0x6b, 0xf5, 0x80, 0xfe, 0xa2]));
    const r = await cli(['run', 'pipelines/sharded-mnist.ts', '--set', 'data.kind=arrow', '--set', `data.train=${file}`, '--set', `data.test=${file}`, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rand\.arrow' (is not valid Arrow IPC data or is truncated|holds no Arrow schema)/);
  });

  it('a gzip IDX file that inflates past what its header declares is refused without inflating it', async () => {
    const dir = tmp('bomb');
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    header[2] = 0x08;
    header[3] = 3;
    [100, 28, 28].forEach((d, i) => view.setUint32(4 + 4 * i, d));
    const big = new Uint8Array(8 << 20); // 8 MiB of zeros (100 times what the header declares): compresses to ~8 KB
    big.set(header);
    writeFileSync(join(dir, 'images.gz'), gzipSync(big));
    writeFileSync(join(dir, 'labels'), Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 100, ...new Uint8Array(100)]));
    const r = await cli(['run', 'pipelines/sharded-mnist.ts', '--source', `idx:${join(dir, 'images.gz')},${join(dir, 'labels')}`, '--out', join(dir, 'out')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/images\.gz' decompresses to more than 78416 bytes \(the size its header declares\)/);
  });

  it('an all-dead stream exits 1 with "no learnable samples" and its reasons, and still writes metrics and dead letters', async () => {
    const dir = tmp('dead');
    const file = join(dir, 'bad.arrows');
    // Right shape, labels out of range: every sample is dead-lettered.
    const x = new Float32Array(3 * 784);
    writeFileSync(file, tableToIPC(tableFromArrays({ id: Int32Array.from([1, 2, 3]), y: Int32Array.from([50, 60, 70]), x: x.subarray(0, 3) }), 'stream'));
    const r = await cli(['run', 'pipelines/online-mnist.ts', '--source', file, '--out', join(dir, 'out'), '--set', 'outputs.plots=false']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no learnable samples: \d+ received, \d+ dead-lettered \(\d+× /);
    const metrics = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8'));
    expect(metrics.error).toMatch(/^no learnable samples/);
    expect(existsSync(join(dir, 'out', 'dead-letters.arrow'))).toBe(true);
  });

  it('an empty stream exits 1 with "no learnable samples: 0 received"', async () => {
    const dir = tmp('empty');
    const r = await exec('/bin/sh', ['-c', `${process.execPath} bin/amem-flow.js run pipelines/online-mnist.ts --source - --out ${join(dir, 'out')} < /dev/null`]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no learnable samples: 0 received, 0 dead-lettered/);
  });

  it('SIGTERM before anything was learned exits 143', async () => {
    const dir = tmp('term');
    // stdin stays open and silent: the run waits for its first batch.
    const learner = spawn(process.execPath, ['bin/amem-flow.js', 'run', 'pipelines/online-mnist.ts', '--source', '-', '--out', join(dir, 'out'), '--quiet'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    learner.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Signal once the run is up and listening for signals (its stream log exists), however long start-up takes.
    while (!existsSync(join(dir, 'out', 'stream.jsonl'))) await new Promise((resolve) => setTimeout(resolve, 20));
    learner.kill('SIGTERM');
    const code = await new Promise((resolve) => learner.on('exit', resolve));
    expect(code, stderr).toBe(143);
  });

  it.each([
    [['/proc/amem-out'], /is on the proc kernel file system/],
    [['/etc/hostname'], /'\/etc\/hostname' is a file, not a folder/],
  ])('checks the output folder %j before any work', async ([out], message) => {
    const r = await cli(['run', 'pipelines/sharded-mnist.ts', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('emit names a destination it cannot write, and ends quietly when its reader goes away', async () => {
    const bad = await cli(['emit', 'mnist:test', '--to', '/nonexistent/dir/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/emit --to '\/nonexistent\/dir\/x': cannot write there \(ENOENT\)/);
    const piped = await exec('/bin/bash', ['-c', `${process.execPath} bin/amem-flow.js emit mnist:train | head -c 100 > /dev/null; echo \${PIPESTATUS[0]}`]);
    expect(piped.stderr).toBe('');
    expect(piped.stdout.trim()).toBe('141');
  });

  it('emit --repeat of an Arrow file writes every pass into one stream, ids offset per pass (it used to stop with "AsyncQueue is closed")', async () => {
    const dir = tmp('repeat');
    expect((await cli(['emit', 'mnist:test', '--limit', '50', '--to', join(dir, 'once.arrows')])).code).toBe(0);
    const r = await cli(['emit', join(dir, 'once.arrows'), '--repeat', '3', '--to', join(dir, 'thrice.arrows')]);
    expect(r.code, r.stderr).toBe(0);
    const ids = tableFromIPC(readFileSync(join(dir, 'thrice.arrows')))
      .getChild('id')!
      .toArray() as Int32Array;
    expect(ids.length).toBe(150);
    expect(new Set(ids).size).toBe(150);
  });

  it('an online run checks the width its data declare: 783-wide samples for an MNIST pipeline are dead-lettered, not learned', async () => {
    const dir = tmp('width');
    const file = join(dir, 'narrow.arrows');
    const x = makeSampleBatch({ ids: Int32Array.from([1, 2]), x: new Float32Array(2 * 783), y: Int32Array.from([3, 4]), info: { shape: [783], range: [0, 1], encoding: 'scaled' } });
    writeFileSync(file, tableToIPC(new Table([x]), 'stream'));
    const r = await cli(['run', 'pipelines/online-mnist.ts', '--source', file, '--out', join(dir, 'out'), '--set', 'outputs.plots=false']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no learnable samples: 2 received, 2 dead-lettered \(2× wrong feature width 783, expected 784\)/);
    expect(existsSync(join(dir, 'out', 'checkpoint.arrow'))).toBe(false);
  });

  it('emit serves readers at once and counts only those that got the whole stream: a client that sends bytes and leaves takes no slot (IPv6 too)', async () => {
    const emitter = await startEmitter('mnist:test', ['--limit', '1000', '--connections', '2'], '[::1]');
    expect(emitter.url).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    const { host, port } = { host: '::1', port: Number(emitter.url.split(':').at(-1)) };
    await new Promise<void>((resolve) =>
      connect(port, host, function (this: Socket) {
        this.write('hello');
        this.destroy();
        resolve();
      }),
    );
    const out = [tmp('r1'), tmp('r2')];
    const runs = await Promise.all(out.map((dir) => execCli(['run', 'pipelines/online-mnist.ts', '--source', emitter.url, '--out', dir, '--quiet', '--set', 'outputs.plots=false'])));
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(await emitter.exited).toBe(0);
    expect(emitter.stderr()).toMatch(/sent 2000 samples in 2 batches to 2 reader\(s\)/);
    for (const dir of out) expect(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).stream.trained).toBe(1000);
  });

  it('emit warns when it listens on a non-loopback address', async () => {
    const emitter = await startEmitter('mnist:test', ['--limit', '10'], '0.0.0.0');
    expect(emitter.stderr()).toMatch(/warning: listening on 0\.0\.0\.0, not a loopback address/);
    emitter.child.kill();
    await emitter.exited;
  });

  it('--idle-timeout ends a stream whose server accepts and then sends nothing (without it, the run would wait for ever)', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const dir = tmp('idle');
    const r = await cli(['run', 'pipelines/online-mnist.ts', '--source', `tcp://127.0.0.1:${port}`, '--idle-timeout', '1', '--out', join(dir, 'out'), '--set', 'outputs.plots=false']);
    silent.close();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the stream sent nothing for 1 s \(--idle-timeout\): it was ended there/);
    expect(r.stderr).toMatch(/no learnable samples: 0 received/);
  });

  it('--check skips, with a note, the gates on results the user removed with --set (gates on results that exist are still checked)', async () => {
    const dir = tmp('gates');
    const r = await cli([
      'run',
      'pipelines/hopfield-capacity.ts',
      '--set',
      'counts=1,2,3',
      '--set',
      'trials=3',
      '--set',
      'models=[{"kind":"classical"}]',
      '--set',
      'outputs.plots=false',
      '--check',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/expected result\(s\) not checked \(not produced with the changed settings\): .*dense-n20@50/);
    const gates = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).gates as { metric: string; skipped?: string }[];
    expect(gates.find((g) => g.metric === 'evaluations.classical@2.accuracy')?.skipped).toBeUndefined();
  });
});
