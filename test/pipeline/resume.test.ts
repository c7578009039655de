/**
 * `--resume` for batch training: a dense-am run stopped after some epochs and resumed ends with
 * the same model, curve and accuracy as one run straight through, on real MNIST digits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/node/checkpointFile.js';
import { applySettings, loadPipelineFile, resolvePipeline } from '../../src/pipeline/resolve.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { UsageError } from '../../src/util/errors.js';

const reduced = ['data.trainSize=1000', 'data.testSize=500', 'train.batchSize=100', 'model.learningRate=0.1', 'expect={}', 'outputs.plots=false'];
const pipeline = async (sets: string[]) => resolvePipeline(applySettings(await loadPipelineFile('pipelines/dense-am-mnist.ts'), [...reduced, ...sets]), 'dense-am-mnist.ts');
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `amem-resume-${name}-`));
const curveOf = (path: string) =>
  (loadCheckpoint(path).settings.curve as { epoch: number; train_error: number; test_error: number }[]).map(({ epoch, train_error, test_error }) => ({ epoch, train_error, test_error }));

describe('resuming dense-am training (--resume)', () => {
  it('ends with the same memories, curve and accuracy as an uninterrupted run', async () => {
    const straight = tmp('straight');
    const a = await runPipeline(await pipeline(['train.epochs=3']), { outDir: straight });
    const stopped = tmp('stopped');
    await runPipeline(await pipeline(['train.epochs=2']), { outDir: stopped });
    const b = await runPipeline(await pipeline(['train.epochs=3']), { outDir: stopped, resume: true });
    const [ma, mb] = [loadCheckpoint(join(straight, 'model.arrow')), loadCheckpoint(join(stopped, 'model.arrow'))];
    expect(mb.settings.epoch).toBe(3);
    expect(mb.tensors.memories.data).toEqual(ma.tensors.memories.data);
    expect(mb.tensors.velocity.data).toEqual(ma.tensors.velocity.data);
    expect(curveOf(join(stopped, 'checkpoint.arrow'))).toEqual(curveOf(join(straight, 'checkpoint.arrow')));
    expect(b.metrics.evaluations.test.accuracy).toBe(a.metrics.evaluations.test.accuracy);
  });

  it('refuses a checkpoint made with other model settings, or with more epochs than asked, naming the fix', async () => {
    const out = tmp('other');
    await runPipeline(await pipeline(['train.epochs=1']), { outDir: out });
    const run = async (sets: string[]) => runPipeline(await pipeline(sets), { outDir: out, resume: true });
    await expect(run(['train.epochs=2', 'model.power=10'])).rejects.toThrow(UsageError);
    await expect(run(['train.epochs=2', 'model.power=10'])).rejects.toThrow(/other model settings \(power: 20 there, 10 here\)/);
    const twice = tmp('twice');
    await runPipeline(await pipeline(['train.epochs=2']), { outDir: twice });
    await expect(runPipeline(await pipeline(['train.epochs=1']), { outDir: twice, resume: true })).rejects.toThrow(/the checkpoint has 2 epochs, more than train.epochs = 1; raise --epochs/);
  });
});

describe('resuming competing-units training (--resume)', () => {
  const cu = async (sets: string[]) =>
    resolvePipeline(
      applySettings(await loadPipelineFile('pipelines/competing-units-mnist.ts'), [
        'data.trainSize=2000',
        'data.testSize=500',
        'model.outputs=16',
        'train.curveEpochs=off',
        'expect={}',
        'outputs.plots=false',
        ...sets,
      ]),
      'competing-units-mnist.ts',
    );

  it('with a constant rate, 2 + 2 epochs give the same units and accuracy as 4 straight', async () => {
    const constant = ['model.optimizer.schedule=constant'];
    const straight = tmp('cu-straight');
    const a = await runPipeline(await cu([...constant, 'train.epochs=4']), { outDir: straight });
    const stopped = tmp('cu-stopped');
    await runPipeline(await cu([...constant, 'train.epochs=2']), { outDir: stopped });
    const b = await runPipeline(await cu([...constant, 'train.epochs=4']), { outDir: stopped, resume: true });
    const [ma, mb] = [loadCheckpoint(join(straight, 'model.arrow')), loadCheckpoint(join(stopped, 'model.arrow'))];
    expect(mb.settings.epoch).toBe(4);
    expect(mb.tensors.weights.data).toEqual(ma.tensors.weights.data);
    expect(b.metrics.evaluations.test.accuracy).toBe(a.metrics.evaluations.test.accuracy);
  });

  it('with the linear schedule, refuses to resume toward a different number of epochs', async () => {
    const out = tmp('cu-linear');
    await runPipeline(await cu(['train.epochs=1']), { outDir: out });
    await expect(runPipeline(await cu(['train.epochs=3']), { outDir: out, resume: true })).rejects.toThrow(/other model settings \(numEpochs: 1 there, 3 here\)/);
  });
});
