#!/usr/bin/env node
// `npm run test:browser`: opens the browser demo in headless Chromium (Debian's `chromium`, driven
// by puppeteer-core; installed with apt-get when missing and running as root) on wasm and on
// webgpu, and checks that the tab's sharded-lsh accuracy equals the same code's in Node on the
// same digits and seed, to four digits. Saves screenshots to docs/. Exits 1 on any mismatch.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { launchChromium } from './chromium.mjs';
import { startDemoServer } from './demo-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Digits per run: wasm trains both models; webgpu (a software adapter without a GPU) the sharded memory only. */
const RUNS = [
  { backend: 'wasm', train: 10000, test: 2000, dense: true },
  { backend: 'webgpu', train: 5000, test: 1000, dense: false },
];

/** The same training in Node (wasm), on the same digits (one tsx import: one copy of apache-arrow). */
async function nodeResult(run) {
  const { nodeShardedLsh } = await tsImport('../examples/browser/nodeReference.ts', import.meta.url);
  return nodeShardedLsh(run.train, run.test);
}

const browser = await launchChromium(['--enable-unsafe-webgpu']);
const { url, close } = await startDemoServer(0);
let failures = 0;
try {
  mkdirSync(join(root, 'docs'), { recursive: true });
  for (const run of RUNS) {
    const page = await browser.newPage();
    await page.setViewport({ width: 820, height: 720 });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${url}?backend=${run.backend}&train=${run.train}&test=${run.test}&dense=${run.dense ? 1 : 0}`);
    await page.waitForFunction(() => window.amemDemo?.status !== 'running', { timeout: 600_000, polling: 500 });
    const tab = await page.evaluate(() => window.amemDemo);
    await page.screenshot({ path: join(root, 'docs', `browser-demo-${run.backend}.png`), fullPage: true });
    await page.close();
    if (tab.status !== 'done') throw new Error(`${run.backend}: the page failed: ${tab.error}`);
    const node = await nodeResult(run);
    const same = tab.sharded.accuracy.toFixed(4) === node.accuracy.toFixed(4);
    if (!same) failures++;
    console.log(
      `${same ? 'ok  ' : 'FAIL'} ${run.backend} (${tab.description}; cross-origin isolated: ${tab.crossOriginIsolated}${tab.wasmThreads ? `, tfjs wasm threads: ${tab.wasmThreads}` : ''}): sharded-lsh on ${run.train}/${run.test} digits, ` +
        `tab ${tab.sharded.accuracy.toFixed(4)} (${tab.sharded.correct}/${tab.sharded.n}, train ${tab.sharded.trainSeconds.toFixed(1)} s) vs Node ${node.accuracy.toFixed(4)} (${node.correct}/${node.n})` +
        (tab.dense ? `; dense-am in the tab ${tab.dense.accuracy.toFixed(4)} (train ${tab.dense.trainSeconds.toFixed(1)} s)` : ''),
    );
  }
} finally {
  await browser.close();
  await close();
}
console.log(`test:browser: ${failures === 0 ? 'passed' : `${failures} mismatch(es)`}; screenshots in docs/browser-demo-*.png`);
process.exit(failures === 0 ? 0 : 1);
