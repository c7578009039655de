/**
 * amem-flow: associative-memory models as streaming Arrow + RxJS pipelines.
 * This is the package's one public entry point.
 */
export * from './data/batch.js';
export { Rng } from './util/random.js';
export { UsageError, DataError } from './util/errors.js';

export { readIdx, decodeIdx, encodeIdx, writeIdx, type IdxTensor, type IdxDtype } from './io/node/idx.js';
export { loadIdxPair } from './io/node/idxSource.js';
export { loadMnist, mnistDir, type MnistSplit } from './io/node/mnist.js';
export { arraysSource, selectRows, shuffleRows, concatArrays, type LabelledArrays, type RowSelection } from './io/labelledArrays.js';
export { readArrow, type ArrowInput } from './io/node/arrowReader.js';
export { writeArrow, type WriteArrowOptions, type WriteArrowResult } from './io/node/arrowWriter.js';
export { encodeCheckpoint, decodeCheckpoint, checkCheckpoint, type Checkpoint, type Tensor } from './io/checkpoint.js';
export { saveCheckpoint, loadCheckpoint } from './io/node/checkpointFile.js';

export { normalize, type NormalizeOptions } from './operators/normalize.js';
export { binarize, type BinarizeOptions } from './operators/binarize.js';
export { addNoise, type AddNoiseOptions } from './operators/addNoise.js';
export { lshHash, createLshRouter, routerFromPlanes, routeRows, routerMetadata, type LshRouter, type LshHashOptions } from './operators/lshHash.js';
export { routeByShard, shardOf } from './operators/routeByShard.js';
export { minibatch, type MinibatchOptions } from './operators/minibatch.js';
export { epochSource, epochOrder, type EpochSourceOptions } from './operators/epochSource.js';
export { collectBatch } from './io/collect.js';
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

export type { PipelineSpec, ResolvedPipeline, StepSpec } from './pipeline/spec.js';
export { loadPipelineFile, applySettings, resolvePipeline } from './pipeline/resolve.js';
export { runPipeline, type RunOptions, type RunResult } from './pipeline/run.js';
export { pipelineGraph, renderGraph, type PipelineGraph, type GraphBranch } from './pipeline/graph.js';
export type { GraphNode, StepNode, StepContext } from './pipeline/steps.js';
export type { Metrics } from './pipeline/metrics.js';
