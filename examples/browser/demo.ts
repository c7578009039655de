/// <reference lib="dom" />
/**
 * The browser demo: loads MNIST as Arrow IPC from the local server (`npm run demo`), trains the
 * sharded-lsh memory and a small Dense AM in the tab, and shows their memories and accuracy.
 * Query: `?backend=wasm|webgpu|cpu&train=N&test=M&dense=0|1`. The result is also published as
 * `window.amemDemo` (read by `npm run test:browser`).
 */
import { createBackend, loadBrowserAssets, readArrowStream, wasmThreadCount, type Backend, type BackendName } from '../../src/browser.js';
import { trainDenseAm, trainShardedLsh, type DemoResult } from './train.js';

interface DemoState {
  status: 'running' | 'done' | 'error';
  backend?: string;
  description?: string;
  crossOriginIsolated: boolean;
  /** Threads of tfjs's wasm ops (wasm backend only). */
  wasmThreads?: number;
  sharded?: DemoResult;
  dense?: DemoResult;
  error?: string;
}

const state: DemoState = { status: 'running', crossOriginIsolated: globalThis.crossOriginIsolated === true };
(window as unknown as { amemDemo: DemoState }).amemDemo = state;

const params = new URLSearchParams(location.search);
const backendName = (params.get('backend') ?? 'wasm') as BackendName;
const trainRows = Number(params.get('train') ?? 10000);
const testRows = Number(params.get('test') ?? 2000);
const withDense = params.get('dense') !== '0';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function log(text: string): void {
  $('log').textContent += `${text}\n`;
}

/** The digits as an Arrow stream from the demo server, decoded as they arrive. */
async function digits(split: 'train' | 'test', rows: number) {
  const res = await fetch(`data/mnist-${split}.arrow?rows=${rows}`);
  if (!res.ok || !res.body) throw new Error(`data/mnist-${split}.arrow: HTTP ${res.status}`);
  return readArrowStream(res.body, `mnist-${split}.arrow`);
}

/** Draws `count` images of `width` = 28·28 values as a grid, mapping [lo, hi] to a colour ramp. */
function drawGrid(canvas: HTMLCanvasElement, values: ArrayLike<number>, stride: number, count: number, cols: number, [lo, hi]: [number, number], diverging: boolean): void {
  const rows = Math.ceil(count / cols);
  canvas.width = cols * 29 + 1;
  canvas.height = rows * 29 + 1;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#888';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const img = ctx.createImageData(28, 28);
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < 784; p++) {
      const t = Math.min(1, Math.max(0, (values[k * stride + p] - lo) / (hi - lo)));
      // diverging: blue (lo) – white – red (hi); otherwise black – white
      const [r, g, b] = diverging ? (t < 0.5 ? [510 * t, 510 * t, 255] : [255, 510 * (1 - t), 510 * (1 - t)]) : [255 * t, 255 * t, 255 * t];
      img.data.set([r, g, b, 255], p * 4);
    }
    ctx.putImageData(img, 1 + (k % cols) * 29, 1 + Math.floor(k / cols) * 29);
  }
}

function showResult(id: string, r: DemoResult): void {
  $(id).textContent = `accuracy ${(r.accuracy * 100).toFixed(2)}% (${r.correct}/${r.n}) · train ${r.trainSeconds.toFixed(1)} s · test ${r.testSeconds.toFixed(1)} s`;
}

async function main(): Promise<void> {
  log(`cross-origin isolated: ${state.crossOriginIsolated}`);
  await loadBrowserAssets(new URL('./', import.meta.url));
  const backend: Backend = await createBackend(backendName);
  state.backend = backend.name;
  state.description = backend.description;
  if (backend.name === 'wasm') state.wasmThreads = wasmThreadCount();
  $('backend').textContent = `${backend.name}: ${backend.description}${state.wasmThreads ? ` (tfjs wasm ops on ${state.wasmThreads} thread${state.wasmThreads > 1 ? 's' : ''})` : ''}`;
  log(`training sharded-lsh on ${trainRows} digits…`);
  const sharded = await trainShardedLsh(backend, await digits('train', trainRows), await digits('test', testRows));
  const { model, ...shardedResult } = sharded;
  state.sharded = shardedResult;
  showResult('sharded-result', shardedResult);
  // The first 10 shards' prototypes, one row per shard, one column per class (pixels 0–255).
  drawGrid($('sharded-memories'), model.prototypes(), 784, 100, 10, [0, 255], false);
  if (withDense) {
    log(`training a Dense AM (100 memories, 2 epochs) on ${trainRows} digits…`);
    const dense = await trainDenseAm(backend, await digits('train', trainRows), await digits('test', testRows));
    const { model: dam, ...denseResult } = dense;
    state.dense = denseResult;
    showResult('dense-result', denseResult);
    drawGrid($('dense-memories'), dam.memories(), 794, 100, 10, [-1, 1], true);
  }
  state.status = 'done';
  log('done');
}

main().catch((err: unknown) => {
  state.status = 'error';
  state.error = err instanceof Error ? err.message : String(err);
  log(`error: ${state.error}`);
});
