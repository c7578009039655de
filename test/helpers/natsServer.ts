/** A NATS server with JetStream for one test file: loopback, a free port, a temporary store, 8 MB messages. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Why the cluster tests cannot run here, or undefined when they can. */
export const natsMissing: string | undefined =
  process.env.AMEM_FLOW_NATS_URL || spawnSync('nats-server', ['--version']).status === 0 ? undefined : 'nats-server is not installed (Debian: apt-get install nats-server; .ci/run installs it)';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/**
 * The server of `.ci/run` (AMEM_FLOW_NATS_URL), or a nats-server of this test file's own, started
 * and waited for through its health endpoint; `stop` ends it (and leaves the shared one running).
 */
export async function startNats(): Promise<{ url: string; stop: () => Promise<void> }> {
  const shared = process.env.AMEM_FLOW_NATS_URL;
  if (shared) return { url: shared, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'amem-nats-'));
  const [port, http] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'nats.conf'), `listen: 127.0.0.1:${port}\nhttp: 127.0.0.1:${http}\nmax_payload: 8MB\njetstream { store_dir: "${join(dir, 'store')}" }\n`);
  const child = spawn('nats-server', ['-c', join(dir, 'nats.conf')], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${http}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`nats-server exited ${child.exitCode}`);
    await sleep(20);
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}
