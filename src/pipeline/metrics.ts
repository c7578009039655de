/**
 * `metrics.json`: the machine-readable record of a run, read by bench, CI gates and dashboards,
 * so its shape is fixed:
 * `{ pipeline, backend, seed, settings, evaluations: { <name>: { accuracy, n, ... } },
 *    timings: { <phase>_s }, epochs: [ { epoch, train_error, ... } ], training: {...}, gates, memory }`.
 */
import { join } from 'node:path';
import { atomicWriteFile } from '../io/node/atomicWrite.js';
import { peakRssBytes } from '../util/node/peakMemory.js';
import { VERSION } from './version.js';
import type { EpochRow } from './training.js';
import type { Gates, ResolvedPipeline } from './spec.js';
import type { ResolvedLab } from '../lab/spec.js';

/** One evaluation's result. */
export interface EvaluationMetrics {
  accuracy: number;
  n: number;
  correct: number;
  seconds: number;
  confusion: number[][];
}

/** The result of checking one gate. */
export interface GateResult {
  metric: string;
  min?: number;
  max?: number;
  value: number | null;
  passed: boolean;
  /** Set when the gate was not checked: its metric was not produced with the settings the user changed. */
  skipped?: string;
}

/** The whole `metrics.json` document. */
export interface Metrics {
  pipeline: string;
  backend: string;
  seed: number;
  /** The fully resolved pipeline (or recall lab) that ran. */
  settings: ResolvedPipeline | ResolvedLab;
  evaluations: Record<string, EvaluationMetrics>;
  timings: Record<string, number>;
  epochs: EpochRow[];
  training: Record<string, unknown>;
  /** Present for runs fed by a stream: counts, prequential accuracy, throughput. */
  stream?: Record<string, unknown>;
  gates: GateResult[];
  warnings: string[];
  /** Why the run failed after it started (e.g. no learnable samples); absent when it did not. */
  error?: string;
  memory: { peak_rss_mb: number };
  versions: { amem_flow: string; node: string };
}

/**
 * Checks every gate against the metrics. A missing metric fails its gate, unless the user changed
 * the settings (`--set`, `--epochs`, `--seed`): then the result may have been removed (e.g. a
 * capacity count no longer tried), and the gate is skipped with the reason.
 */
function checkGates(metrics: Metrics, gates: Gates, settingsChanged: boolean): GateResult[] {
  return Object.entries(gates).map(([metric, bound]) => {
    const found = metric.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), metrics);
    const value = typeof found === 'number' ? found : null;
    if (value === null && settingsChanged) return { metric, ...bound, value, passed: true, skipped: 'not produced with the changed settings' };
    const passed = value !== null && (bound.min === undefined || value >= bound.min) && (bound.max === undefined || value <= bound.max);
    return { metric, ...bound, value, passed };
  });
}

/** Writes `metrics.json` atomically. */
function writeMetrics(path: string, metrics: Metrics): void {
  atomicWriteFile(path, `${JSON.stringify(metrics, null, 2)}\n`);
}

/** Completes a run's metrics (memory, versions, gates), writes `metrics.json` into `outDir` when given, and returns them with the gate results and the file written. */
export function sealMetrics(
  partial: Omit<Metrics, 'gates' | 'memory' | 'versions'>,
  expect: Gates,
  outDir?: string,
  settingsChanged = false,
): { metrics: Metrics; gates: GateResult[]; file?: string } {
  const metrics: Metrics = { ...partial, gates: [], memory: { peak_rss_mb: Math.round(peakRssBytes() / 2 ** 20) }, versions: { amem_flow: VERSION, node: process.version } };
  const gates = checkGates(metrics, expect, settingsChanged);
  metrics.gates = gates;
  if (!outDir) return { metrics, gates };
  const file = join(outDir, 'metrics.json');
  writeMetrics(file, metrics);
  return { metrics, gates, file };
}
