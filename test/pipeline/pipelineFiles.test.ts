/** Pipeline files of both kinds (data: JSON/YAML; code: TypeScript) from any folder give the same run. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { applySettings, loadPipelineFile, resolvePipeline } from '../../src/pipeline/resolve.js';
import { runPipeline } from '../../src/pipeline/run.js';

const small = ['data.trainSize=3000', 'data.testSize=500', 'train.epochs=30', 'train.curveEpochs=off', 'outputs.plots=false', 'outputs.model=false'];

async function accuracies(file: string) {
  const spec = resolvePipeline(applySettings(await loadPipelineFile(file), small), file);
  const { metrics } = await runPipeline(spec, { backend: 'wasm' });
  return {
    evaluations: Object.fromEntries(Object.entries(metrics.evaluations).map(([k, e]) => [k, [e.accuracy, e.correct, e.n]])),
    epochs: metrics.epochs,
    visits: (metrics.training as { sample_visits: number }).sample_visits,
  };
}

describe('pipeline files', () => {
  it('a TypeScript pipeline copied to a folder with no package.json, and a YAML copy of it, run the same as the shipped file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amem-pipelines-'));
    mkdirSync(join(dir, 'x'));
    copyFileSync('pipelines/sharded-mnist.ts', join(dir, 'x', 'p.ts'));
    writeFileSync(join(dir, 'p.yaml'), stringify(await loadPipelineFile('pipelines/sharded-mnist.ts')));
    writeFileSync(join(dir, 'p.json'), JSON.stringify(await loadPipelineFile('pipelines/sharded-mnist.ts')));
    const shipped = await accuracies('pipelines/sharded-mnist.ts');
    expect(await accuracies(join(dir, 'x', 'p.ts'))).toEqual(shipped);
    expect(await accuracies(join(dir, 'p.yaml'))).toEqual(shipped);
    expect(await loadPipelineFile(join(dir, 'p.json'))).toEqual(await loadPipelineFile(join(dir, 'p.yaml')));
  });

  it('says what is wrong with a file of another kind, or one that holds no pipeline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amem-pipelines-'));
    writeFileSync(join(dir, 'p.txt'), 'name: x');
    writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');
    await expect(loadPipelineFile(join(dir, 'p.txt'))).rejects.toThrow(/unknown extension '.txt'; use .json or .yaml \(data\), or .ts \/ .js/);
    await expect(loadPipelineFile(join(dir, 'list.yaml'))).rejects.toThrow(/must hold a pipeline object/);
    await expect(loadPipelineFile(join(dir, 'broken.json'))).rejects.toThrow(/cannot load pipeline file .*broken.json/);
  });
});
