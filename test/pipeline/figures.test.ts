/**
 * Figures of an epoch-by-epoch run: redrawn while it trains (`outputs.plotEvery`), drawn at the
 * end, and not at all with `outputs.plots=false`; and each other pipeline's figures, at tiny sizes
 * (the pipelines' own reduced runs are tested without figures).
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAny, runAny } from '../../src/pipeline/dispatch.js';
import { applySettings, loadPipelineFile, resolvePipeline } from '../../src/pipeline/resolve.js';
import { runPipeline } from '../../src/pipeline/run.js';
import type { LiveEvent } from '../../src/util/liveEvents.js';
import { silentReporter } from '../../src/util/reporter.js';
import { runCli } from '../helpers/cli.js';

const reduced = ['data.trainSize=1000', 'data.testSize=200', 'train.batchSize=100', 'train.epochs=2', 'expect={}'];
const run = async (sets: string[], files?: string[]) => {
  const out = mkdtempSync(join(tmpdir(), 'amem-figures-'));
  const spec = resolvePipeline(applySettings(await loadPipelineFile('pipelines/dense-am-mnist.ts'), [...reduced, ...sets]), 'dense-am-mnist.ts');
  const result = await runPipeline(spec, { outDir: out });
  files?.push(...result.files);
  return out;
};
const isPng = (path: string) => readFileSync(path).subarray(1, 4).toString() === 'PNG';

describe('dense-am figures', () => {
  it('writes the memories and the learning curve as PNG', async () => {
    const files: string[] = [];
    const out = await run(['outputs.plotEvery=0'], files);
    for (const name of ['memories.png', 'curve.png']) {
      expect(isPng(join(out, name)), name).toBe(true);
      expect(files).toContain(join(out, name));
      // Its Vega-Lite spec with the data, for notebooks and the dashboard.
      const spec = JSON.parse(readFileSync(join(out, name.replace('.png', '.vl.json')), 'utf8'));
      expect(spec.$schema).toMatch(/vega-lite/);
    }
    // A 10×10 grid of 28×28 tiles at 2× zoom, plus the colour bar and title.
    expect(statSync(join(out, 'memories.png')).size).toBeGreaterThan(20_000);
  });

  it('writes none with outputs.plots=false', async () => {
    const out = await run(['outputs.plots=false']);
    expect(existsSync(join(out, 'memories.png')) || existsSync(join(out, 'curve.png'))).toBe(false);
    expect(existsSync(join(out, 'checkpoint.arrow'))).toBe(true);
  });
});

describe('sharded-mnist figures', () => {
  it('draws the 50 × 10 prototypes with a column per shard and a row per class, small enough to open on a laptop', async () => {
    const out = mkdtempSync(join(tmpdir(), 'amem-figures-sharded-'));
    const spec = resolveAny(applySettings(await loadPipelineFile('pipelines/sharded-mnist.ts'), ['data.trainSize=2000', 'data.testSize=200', 'train.epochs=3', 'expect={}']), 'sharded-mnist.ts');
    await runAny(spec, { outDir: out });
    const png = readFileSync(join(out, 'memories.png'));
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    // It was 1352 × 5858 px and 3 MB.
    expect(width).toBeLessThanOrEqual(1800);
    expect(height).toBeLessThanOrEqual(600);
    expect(png.length).toBeLessThan(800_000);
    const vl = JSON.parse(readFileSync(join(out, 'memories.vl.json'), 'utf8'));
    expect([vl.layer[1].encoding.x.axis.title, vl.layer[1].encoding.y.axis.title]).toEqual(['shard', 'class']);
    expect(JSON.parse(readFileSync(join(out, 'curve.vl.json'), 'utf8')).data.values.length).toBeGreaterThan(0);
  });
});

describe('online figures', () => {
  it('redraws the memories while a stream goes (every outputs.plotEvery seconds), not only at its end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amem-figures-online-'));
    const file = join(dir, 'train.arrows');
    expect((await runCli(['emit', 'mnist:train', '--limit', '3000', '--to', file])).code).toBe(0);
    const spec = resolvePipeline(applySettings(await loadPipelineFile('pipelines/online-mnist.ts'), ['data.testSize=200', 'outputs.plotEvery=0', 'expect={}']), 'online-mnist.ts');
    const drawn: { path: string; trained: number }[] = [];
    let trained = 0;
    const reporter = {
      ...silentReporter,
      record: (e: LiveEvent) => {
        if (e.kind === 'stream') trained = e.line.trained;
        if (e.kind === 'figure') drawn.push({ path: e.path, trained });
      },
    };
    await runPipeline(spec, { outDir: dir, source: file, reporter });
    const memories = drawn.filter((d) => d.path.endsWith('memories.png'));
    // Once per batch of 1000 with plotEvery=0 (from the first batch on), and once at the end.
    expect(memories.map((d) => d.trained)).toEqual([1000, 2000, 3000, 3000]);
    expect(isPng(join(dir, 'memories.png'))).toBe(true);
  });
});

describe.each([
  ['competing-units-mnist', ['data.trainSize=500', 'data.testSize=100', 'model.outputs=16', 'train.epochs=2'], ['weights.png', 'curve.png']],
  ['hopfield-capacity', ['counts=[2,5]', 'trials=2', 'models=[{"kind":"classical"}]'], ['capacity.png']],
] as const)('%s figures', (name, sets, pngs) => {
  it(`writes ${pngs.join(', ')}`, async () => {
    const out = mkdtempSync(join(tmpdir(), `amem-figures-${name}-`));
    const spec = resolveAny(applySettings(await loadPipelineFile(`pipelines/${name}.ts`), [...sets, 'expect={}']), `${name}.ts`);
    const result = await runAny(spec, { outDir: out });
    for (const png of pngs) {
      expect(isPng(join(out, png)), png).toBe(true);
      expect(result.files).toContain(join(out, png));
    }
  });
});
