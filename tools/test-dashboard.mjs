#!/usr/bin/env node
// `npm run test:dashboard`: a real online-mnist run with `--dashboard`, watched in headless
// Chromium. While the run goes, the counters and accuracy the page shows must equal /metrics.json
// (checked at several moments) and the stream chart must gain points; the page must log no console
// error; at the end it must show the run's final test accuracy. Then `amem-flow dashboard` serves
// two finished sharded-mnist runs (seeds 0 and 1) side by side. Screenshots go to docs/.
// Exits 1 on any failure.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'amem-flow.js');
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

/** Starts `amem-flow ARGS`; resolves with the child once `pattern` appears on its stderr (its first group). */
function start(args, pattern) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const found = new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d.toString();
      const m = pattern.exec(stderr);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`amem-flow ${args[0]} exited ${code} early: ${stderr}`)));
  });
  found.catch(() => {}); // awaited only by callers that wait for the pattern
  return { child, exited, found, stderr: () => stderr };
}

/** What the page shows, and /metrics.json fetched from the page right after. */
const snapshot = (page) =>
  page.evaluate(async () => {
    const shown = {};
    for (const td of document.querySelectorAll('[data-counter]')) shown[td.dataset.counter] = td.textContent;
    const points = Number(document.querySelector('#stream')?.dataset.points ?? 0);
    const status = document.querySelector('section.run')?.dataset.status;
    const metrics = await (await fetch('/metrics.json')).json();
    return { shown, points, status, stream: metrics.stream ?? {} };
  });

const format = (v) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(4));
const KEYS = ['received', 'trained', 'dead_lettered', 'duplicates_skipped', 'prequential_accuracy', 'window_accuracy'];

mkdirSync(join(root, 'docs'), { recursive: true });
const browser = await launchChromium();
try {
  // 1. A live online run, rate-limited so that it lasts about 15 s.
  const emitter = start(['emit', 'mnist:train', '--limit', '30000', '--rate', '2000', '--to', 'tcp://127.0.0.1:0'], /serving .* on (tcp:\/\/\S+)/);
  const source = await emitter.found;
  const out = mkdtempSync(join(tmpdir(), 'amem-dashboard-'));
  const run = start(['run', 'pipelines/online-mnist.ts', '--source', source, '--out', out, '--dashboard', '0', '--set', 'data.testSize=2000'], /dashboard: (http:\/\/\S+\/)/);
  const url = await run.found;
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  let matches = 0;
  let growth = 0;
  let lastPoints = 0;
  let shot = false;
  let exitedAt;
  void run.exited.then(() => (exitedAt = Date.now()));
  for (;;) {
    const status = await page.evaluate(() => document.querySelector('section.run')?.dataset.status);
    if (status === 'finished' || status === 'failed' || (exitedAt && Date.now() - exitedAt > 10_000)) break;
    let s;
    try {
      s = await snapshot(page);
    } catch {
      await sleep(200); // the run just ended and its server with it: the page's last state is on its way
      continue;
    }
    if (KEYS.every((k) => k in s.stream) && KEYS.every((k) => s.shown[k] === format(s.stream[k]))) matches++;
    if (s.points > lastPoints) {
      if (lastPoints > 0) growth++;
      lastPoints = s.points;
    }
    if (!shot && s.points >= 16) {
      await page.screenshot({ path: join(root, 'docs', 'dashboard-live.png'), fullPage: true });
      shot = true;
    }
    await sleep(500);
  }
  const code = await run.exited;
  await emitter.exited;
  check(code === 0, `online run with --dashboard exited ${code}`);
  check(matches >= 3, `during the run the page's counters and accuracies equalled /metrics.json at ${matches} moments (>= 3)`);
  check(growth >= 3, `the stream chart gained points ${growth} times while the run went (>= 3)`);
  check(shot, 'a screenshot was taken mid-run (docs/dashboard-live.png)');
  const final = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  const shownTest = await page.evaluate(() => document.querySelector('[data-evaluation="test"]')?.textContent);
  check(shownTest === final.evaluations.test.accuracy.toFixed(4), `at the end the page shows test accuracy ${shownTest} (metrics.json: ${final.evaluations.test.accuracy})`);
  check(errors.length === 0, `no console errors on the live page${errors.length ? `: ${errors.join(' | ')}` : ''}`);
  await page.close();

  // 2. Two finished runs side by side.
  const dirs = [0, 1].map((seed) => mkdtempSync(join(tmpdir(), `amem-dashboard-seed${seed}-`)));
  for (const [seed, dir] of dirs.entries()) {
    const r = start(['run', 'pipelines/sharded-mnist.ts', '--seed', String(seed), '--out', dir, '--quiet'], /(?!)/);
    check((await r.exited) === 0, `sharded-mnist seed ${seed} ran`);
  }
  const server = start(['dashboard', ...dirs, '--port', '0'], /dashboard: (http:\/\/\S+\/)/);
  const compare = await browser.newPage();
  await compare.setViewport({ width: 1400, height: 900 });
  const compareErrors = [];
  compare.on('console', (m) => m.type() === 'error' && compareErrors.push(m.text()));
  await compare.goto(await server.found);
  await compare.waitForFunction(() => document.querySelectorAll('section.run[data-status=finished]').length === 2 && document.querySelectorAll('#curve svg').length === 2, { timeout: 60_000 });
  await compare.waitForNetworkIdle();
  const accuracies = await compare.evaluate(() => [...document.querySelectorAll('[data-evaluation="test"]')].map((e) => e.textContent));
  const expected = dirs.map((d) => JSON.parse(readFileSync(join(d, 'metrics.json'), 'utf8')).evaluations.test.accuracy.toFixed(4));
  check(JSON.stringify(accuracies) === JSON.stringify(expected), `the comparison shows both runs' test accuracy: ${accuracies.join(', ')} (metrics.json: ${expected.join(', ')})`);
  await compare.screenshot({ path: join(root, 'docs', 'dashboard-compare.png'), fullPage: true });
  check(compareErrors.length === 0, `no console errors on the comparison page${compareErrors.length ? `: ${compareErrors.join(' | ')}` : ''}`);
  server.child.kill('SIGINT');
  check((await server.exited) === 0, 'amem-flow dashboard stops on SIGINT with exit 0');
} finally {
  await browser.close();
}
console.log(`test:dashboard: ${failures.length === 0 ? 'passed' : `${failures.length} failure(s)`}; screenshots in docs/dashboard-*.png`);
process.exit(failures.length === 0 ? 0 : 1);
