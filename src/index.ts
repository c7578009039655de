/**
 * amem-flow: associative-memory models as streaming Arrow + RxJS pipelines.
 *
 * This entry (`amem-flow`) is the core: sample batches, operators, backends, models and
 * checkpoints in memory. It imports nothing of Node's, so it also runs in a browser. Files,
 * sockets, worker threads, MNIST and the pipeline runner are in `amem-flow/node`.
 */
export * from './data/batch.js';
export { Rng } from './util/random.js';
export { UsageError, DataError } from './util/errors.js';

export { arraysSource, selectRows, shuffleRows, concatArrays, type LabelledArrays, type RowSelection } from './io/labelledArrays.js';
export { encodeCheckpoint, decodeCheckpoint, checkCheckpoint, type Checkpoint, type Tensor } from './io/checkpoint.js';

export { normalize, type NormalizeOptions } from './operators/normalize.js';
export { binarize, type BinarizeOptions } from './operators/binarize.js';
export { addNoise, type AddNoiseOptions } from './operators/addNoise.js';
export { lshHash, createLshRouter, routerFromPlanes, routeRows, routerMetadata, type LshRouter, type LshHashOptions } from './operators/lshHash.js';
export { routeByShard, shardOf } from './operators/routeByShard.js';
export { minibatch, type MinibatchOptions } from './operators/minibatch.js';
export { epochSource, epochOrder, type EpochSourceOptions } from './operators/epochSource.js';
export { collectBatch } from './io/collect.js';
export { readArrowStream, type ArrowBytes } from './io/arrowStream.js';
export { evaluate, score, type Evaluation } from './operators/evaluate.js';
export { predict, type Predictor } from './operators/predict.js';
export { trainStep, type Learner, type StepOptions } from './operators/trainStep.js';

export type { Backend, BackendName, KernelRunner, TensorOps } from './backends/backend.js';
export type { KernelCatalog, KernelName, KernelConfig } from './backends/kernel.js';
export { registerKernel, getKernel, kernelsFor } from './backends/registry.js';
export { createBackend, listBackends, type BackendStatus } from './backends/index.js';

export type { Classifier, Model } from './models/model.js';
export { ShardedLshModel, type ShardedLshSettings, type ShardedLshFitOptions, type ShardedLshFitReport, type ShardReport } from './models/shardedLsh.js';
export { DenseAmModel, defaultDenseAmSettings, type DenseAmSettings, type DenseAmStep, type DenseAmEpoch, type DenseAmFitOptions } from './models/denseAm.js';
export { CompetingClassifier } from './models/competingClassifier.js';
export { trainEpochs, type EpochLearner, type EpochPlan, type TrainingData } from './models/epochTrainer.js';
export { CompetingUnits, type Matrix, type EpochRecord } from './models/competingUnits.js';
export { resolveCompetingOptions, learningRateAt, type CompetingUnitsInput, type CompetingUnitsOptions } from './models/competingUnitsOptions.js';
export { fitReadout, readoutPredict, readoutScores, type ReadoutSettings, type ReadoutState } from './models/readoutHead.js';
export { ClassicalHopfield, type ClassicalSettings } from './models/hopfieldClassical.js';
export { DenseHopfield, type DenseSettings } from './models/hopfieldDense.js';
export { ModernHopfield, type ModernSettings } from './models/hopfieldModern.js';
export { StoredPatterns, type RecallOptions } from './models/storedPatterns.js';

export type { PipelineSpec, ResolvedPipeline, StepSpec } from './pipeline/spec.js';
export type { GraphNode, StepNode, StepContext } from './pipeline/steps.js';
export type { Metrics } from './pipeline/metrics.js';
