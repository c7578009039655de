/**
 * The dashboard's HTTP server: a read-only page that follows one or more runs live through
 * Server-Sent Events. Nothing it serves changes a run: GET (and HEAD) only, figures only from
 * the runs' own folders, by plain file name.
 *
 * Routes: `/` the page, `/app.js` its script, `/runs.json` the runs, `/metrics.json` the first run's
 * metrics (the `metrics.json` shape, as far as known), `/runs/I/metrics.json`, `/runs/I/state.json`,
 * `/runs/I/events` (SSE: the run's state on connect and after each change), `/runs/I/files/NAME`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopback } from '../../stream/node/tcpAddress.js';
import { UsageError } from '../../util/errors.js';
import type { DashboardRun } from './liveRun.js';
import { PAGE_HTML } from './page.js';

/** Where the dashboard listens. */
export interface DashboardOptions {
  port: number;
  host: string;
  /** Told about a non-loopback address. */
  warn: (message: string) => void;
  /** The server outlives the runs (finished runs' folders): pages keep listening for changes. */
  persistent: boolean;
}

/** A listening dashboard. */
export interface Dashboard {
  url: string;
  /** Sends each run's last state to the open pages, ends their streams and stops listening. */
  close(): Promise<void>;
}

/** The most state messages per second a page gets (a fast stream changes the state thousands of times a second). */
const SENDS_PER_SECOND = 5;
/** How long a live run's server stays up after the run, for open pages to load its last figures. */
const FINAL_FIGURES_MS = 1500;
const FIGURE_FILE = /^[A-Za-z0-9][A-Za-z0-9._+-]*\.(png|vl\.json)$/;

/** The page's script, built by `npm run build:js` (dist/dashboard/app.js). */
function appScript(): Buffer {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const path of [join(here, '..', 'app.js'), join(here, '..', '..', '..', 'dist', 'dashboard', 'app.js')]) if (existsSync(path)) return readFileSync(path);
  throw new Error("the dashboard page's script is missing (dist/dashboard/app.js): run 'npm run build:js'");
}

/** Serves `runs` on `opts.host:opts.port` (port 0: a free one). */
export async function startDashboard(runs: DashboardRun[], opts: DashboardOptions): Promise<Dashboard> {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new UsageError(`--dashboard port must be an integer from 0 to 65535, got ${opts.port}`);
  const script = appScript();
  const streams = new Set<{ res: ServerResponse; flush: () => void; stop: () => void }>();
  const json = (res: ServerResponse, body: unknown) => send(res, 200, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'the dashboard is read-only\n', { allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (path === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
    if (path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', script);
    if (path === '/runs.json')
      return json(
        res,
        runs.map((r, id) => ({ id, title: r.view.title, status: r.view.status, persistent: opts.persistent })),
      );
    if (path === '/metrics.json') return json(res, runs[0].view.metrics);
    const m = /^\/runs\/(\d+)\/(metrics\.json|state\.json|events|files\/(.+))$/.exec(path);
    const run = m ? runs[Number(m[1])] : undefined;
    if (!m || !run) return send(res, 404, 'text/plain', `no such page: ${path}\n`);
    if (m[2] === 'metrics.json') return json(res, run.view.metrics);
    if (m[2] === 'state.json') return json(res, run.view);
    if (m[2] === 'events') return openEvents(req, res, run);
    const name = decodeURIComponent(m[3]);
    if (!run.dir || !FIGURE_FILE.test(name) || !existsSync(join(run.dir, name))) return send(res, 404, 'text/plain', `no figure ${name}\n`);
    return send(res, 200, name.endsWith('.png') ? 'image/png' : 'application/json', readFileSync(join(run.dir, name)));
  });

  function openEvents(req: IncomingMessage, res: ServerResponse, run: DashboardRun): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    let timer: NodeJS.Timeout | undefined;
    let last = 0;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      last = performance.now();
      res.write(`event: state\ndata: ${JSON.stringify(run.view)}\n\n`);
    };
    const changed = () => {
      if (timer) return;
      timer = setTimeout(flush, Math.max(0, 1000 / SENDS_PER_SECOND - (performance.now() - last)));
    };
    const unsubscribe = run.subscribe(changed);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const entry = {
      res,
      flush,
      stop: () => {
        clearTimeout(timer);
        clearInterval(heartbeat);
        unsubscribe();
      },
    };
    streams.add(entry);
    req.on('close', () => {
      entry.stop();
      streams.delete(entry);
    });
    flush();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UsageError(`dashboard: port ${opts.port} on ${opts.host} is in use; give another with --dashboard PORT (0 picks a free one)`) : err),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  if (!isLoopback(opts.host)) opts.warn(`the dashboard listens on ${opts.host}, not a loopback address: anyone who can reach this machine can watch the run`);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/`,
    close: async () => {
      const watched = streams.size > 0;
      for (const s of streams) {
        s.flush();
        s.stop();
        s.res.end();
      }
      streams.clear();
      // Open pages fetch the figures the run drew last: give them a moment before the server goes.
      if (watched) await new Promise((resolve) => setTimeout(resolve, FINAL_FIGURES_MS));
      // Pages' keep-alive connections would hold close() open: idle ones go now, busy ones after a grace second.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), 1000);
      await closed;
      clearTimeout(grace);
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
