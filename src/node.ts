/**
 * amem-flow/node: what needs Node — files (IDX, MNIST, Arrow IPC, checkpoints), streams from
 * sockets and files, the pipeline runner and the recall lab. Everything in the core entry
 * (`amem-flow`) is re-exported, so one import serves a Node program.
 */
export * from './index.js';
export { readIdx, decodeIdx, encodeIdx, writeIdx, type IdxTensor, type IdxDtype } from './io/node/idx.js';
export { loadIdxPair } from './io/node/idxSource.js';
export { loadMnist, mnistDir, type MnistSplit } from './io/node/mnist.js';
export { readArrow, type ArrowInput } from './io/node/arrowReader.js';
export { writeArrow, type WriteArrowOptions, type WriteArrowResult } from './io/node/arrowWriter.js';
export { saveCheckpoint, loadCheckpoint } from './io/node/checkpointFile.js';
export { loadPipelineFile, applySettings, resolvePipeline } from './pipeline/resolve.js';
export { runPipeline, type RunOptions, type RunResult } from './pipeline/run.js';
export { pipelineGraph, renderGraph, type PipelineGraph, type GraphBranch } from './pipeline/graph.js';
export { saveModel, loadModel, type CheckpointedModel } from './io/node/checkpointFile.js';
export { describePipeline } from './pipeline/describe.js';
export { runLab, type LabRunOptions } from './lab/run.js';
export type { ResolvedLab, LabSpec } from './lab/spec.js';
export { silentReporter, type Reporter, type Progress } from './util/reporter.js';
export { learnOnline, type OnlineModel, type OnlineOptions, type OnlineReport } from './stream/node/onlineLearner.js';
export { openSource, type Source, type SourceOptions } from './stream/node/sources.js';
export { emit, type EmitOptions, type EmitReport } from './stream/node/emitter.js';
export { createWorkerPool, defaultThreads, type WorkerPool } from './parallel/node/workerPool.js';
