// Type-checked by CI against the packed package with `tsc --strict` (and skipLibCheck off): the
// public types of both entries, used the way a TypeScript project would.
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import {
  CompetingClassifier,
  CompetingUnits,
  DenseAmModel,
  createBackend,
  defaultDenseAmSettings,
  epochSource,
  evaluate,
  makeSampleBatch,
  minibatch,
  normalize,
  trainStep,
  type Backend,
  type Classifier,
  type Evaluation,
  type Model,
} from 'amem-flow';
import { loadModel, runPipeline, saveModel, silentReporter, type RunResult } from 'amem-flow/node';

export async function demo(batches: RecordBatch[]): Promise<Evaluation> {
  const backend: Backend = await createBackend('auto');
  const model: Model<unknown> = new DenseAmModel(defaultDenseAmSettings({ classes: 10, seed: 1 }), backend);
  const scaled: Observable<RecordBatch> = from(batches).pipe(normalize({ range: [-1, 1] }));
  await lastValueFrom(scaled.pipe(minibatch({ size: 100 }), trainStep(model)));
  const data = makeSampleBatch({ ids: new Int32Array(1), x: new Float32Array(784), y: new Int32Array(1), info: { shape: [28, 28], range: [-1, 1], encoding: 'scaled' } });
  await lastValueFrom(epochSource(data, { seed: 1, epoch: 0 }).pipe(trainStep(model)));
  saveModel('/tmp/model.arrow', model);
  const back: Classifier = loadModel('/tmp/model.arrow', DenseAmModel, backend);
  const clf = new CompetingClassifier(new CompetingUnits({ outputs: 10, epochs: 2 }, backend), { classes: 10, power: 4.5, ridge: 1e-4, normalize: 'unit' });
  clf.units.setParams({ learningRate: 0.05 });
  const run: RunResult = await runPipeline({} as never, { reporter: silentReporter });
  void run;
  return lastValueFrom(from(batches).pipe(evaluate(back)));
}
