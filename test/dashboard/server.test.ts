/**
 * The live dashboard through the CLI: `run --dashboard` serves /metrics.json growing while an online
 * run learns, pushes states over Server-Sent Events, stays read-only, and `amem-flow dashboard`
 * serves finished runs side by side.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readRunFolder } from '../../src/dashboard/node/runFolder.js';
import { startEmitter } from '../helpers/emitter.js';
import { runCli } from '../helpers/cli.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `amem-dash-${name}-`));
const QUIET = ['--quiet', '--set', 'outputs.plots=false', '--set', 'data.testSize=1000'];

/** Starts `amem-flow run ARGS` in this process; resolves `url` once the dashboard listens. */
function runWithDashboard(args: string[]) {
  let stderr = '';
  let onUrl: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => (onUrl = resolve));
  const done = main(args, {
    out: () => {},
    err: (t) => {
      stderr += t;
      const m = /dashboard: (http:\/\/\S+\/)/.exec(stderr);
      if (m) onUrl(m[1]);
    },
    interactive: false,
  });
  return { url, done, stderr: () => stderr };
}

/** Reads Server-Sent Events from `url` until the stream ends; returns each event's parsed data. */
async function readEvents(url: string): Promise<{ status: string; metrics: { stream?: Record<string, number> } }[]> {
  const res = await fetch(url);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('event: state'))
    .map((e) => JSON.parse(e.split('\ndata: ')[1]));
}

describe('the live dashboard', () => {
  it('serves /metrics.json whose stream.received grows while an online run learns, and the final metrics at the end', async () => {
    const emitter = await startEmitter('mnist:train', ['--limit', '12000', '--rate', '6000']);
    const dir = tmp('live');
    const run = runWithDashboard(['run', 'pipelines/online-mnist.ts', '--source', emitter.url, '--out', dir, '--dashboard', '0', ...QUIET]);
    const url = await run.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const events = readEvents(`${url}runs/0/events`);
    const page = await (await fetch(url)).text();
    expect(page).toContain('<script src="/app.js"></script>');
    expect((await fetch(`${url}app.js`)).status).toBe(200);
    // Read-only: no method but GET/HEAD, no file outside the run's figures.
    expect((await fetch(`${url}metrics.json`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${url}runs/0/files/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${url}runs/0/files/checkpoint.arrow`)).status).toBe(404);

    const received: number[] = [];
    let finished = false;
    void run.done.then(() => (finished = true));
    while (!finished) {
      const m = await fetch(`${url}metrics.json`)
        .then((r) => r.json() as Promise<{ stream?: { received: number } }>)
        .catch(() => undefined);
      if (m?.stream) received.push(m.stream.received);
      await sleep(100);
    }
    expect(await run.done, run.stderr()).toBe(0);
    expect(await emitter.exited).toBe(0);
    // Seen growing: at least three different counts on the way, never falling.
    expect(new Set(received).size).toBeGreaterThanOrEqual(3);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    const states = await events;
    expect(states[0].status).toBe('running');
    expect(states.at(-1)!.status).toBe('finished');
    expect(states.at(-1)!.metrics.stream).toMatchObject({ received: 12000, trained: 12000 });
    expect(states.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses bad options before any work: a bad port, --host without --dashboard, a port in use', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const [badPort, hostAlone, inUse] = await Promise.all([
      runCli(['run', 'pipelines/sharded-mnist.ts', '--dashboard', 'http', '--out', tmp('bad')]),
      runCli(['run', 'pipelines/sharded-mnist.ts', '--host', '0.0.0.0', '--out', tmp('host')]),
      runCli(['run', 'pipelines/sharded-mnist.ts', '--dashboard', String(port), '--out', tmp('busy')]),
    ]);
    busy.close();
    expect(badPort).toMatchObject({ code: 2, stderr: expect.stringMatching(/--dashboard takes a port from 0 to 65535 \(0: any free port\), got 'http'/) });
    expect(hostAlone).toMatchObject({ code: 2, stderr: expect.stringMatching(/--host is the dashboard's address: add --dashboard/) });
    expect(inUse).toMatchObject({ code: 2, stderr: expect.stringMatching(new RegExp(`dashboard: port ${port} on 127.0.0.1 is in use`)) });
  });

  it('warns when it listens on an address other than loopback', async () => {
    const run = runWithDashboard(['run', 'pipelines/hopfield-recall.ts', '--dashboard', '0', '--host', '0.0.0.0', '--out', tmp('wide'), '--quiet', '--set', 'outputs.plots=false']);
    expect(await run.done).toBe(0);
    expect(run.stderr()).toMatch(/warning: the dashboard listens on 0\.0\.0\.0, not a loopback address/);
  });
});

describe('amem-flow dashboard RUN_DIR…', () => {
  it('reads a finished run from its folder: metrics, stream history, figures; a folder without a run is named', async () => {
    const dir = tmp('done');
    expect(await runCli(['run', 'pipelines/hopfield-recall.ts', '--out', dir, '--quiet'])).toMatchObject({ code: 0 });
    const view = readRunFolder(dir);
    expect(view).toMatchObject({ status: 'finished', metrics: { pipeline: 'hopfield-recall' } });
    expect(view.figures.map((f) => f.name)).toContain('recall.png');
    expect(view.graph).toMatch(/hopfield-recall/);
    expect(() => readRunFolder(tmp('empty'))).toThrow(/holds no metrics\.json: give the output folder of a run/);
    const broken = tmp('broken');
    writeFileSync(join(broken, 'metrics.json'), '{"pipe');
    expect(() => readRunFolder(broken)).toThrow(/metrics\.json' is not valid JSON/);
  });

  it('serves two runs side by side until SIGINT, their figures included', async () => {
    const [a, b] = [tmp('a'), tmp('b')];
    await Promise.all([a, b].map((dir, seed) => runCli(['run', 'pipelines/hopfield-recall.ts', '--out', dir, '--quiet', '--seed', String(seed)])));
    const child = spawn(process.execPath, ['bin/amem-flow.js', 'dashboard', a, b, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const url = await new Promise<string>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /dashboard: (http:\/\/\S+\/) \(2 runs/.exec(stderr);
        if (m) resolve(m[1]);
      }),
    );
    const runs = (await (await fetch(`${url}runs.json`)).json()) as { status: string }[];
    expect(runs.map((r) => r.status)).toEqual(['finished', 'finished']);
    const seeds = await Promise.all([0, 1].map(async (i) => ((await (await fetch(`${url}runs/${i}/metrics.json`)).json()) as { seed: number }).seed));
    expect(seeds).toEqual([0, 1]);
    const png = await fetch(`${url}runs/1/files/recall.png`);
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
  });
});
