/**
 * Runs a recall-lab pipeline (`lab: 'recall'` or `'capacity'`) and reports it in the same shape as
 * a training run — `metrics.json`, a results table, gates — so the CLI, `--check` and the tests
 * treat both alike. Each (model, P) cell is an evaluation whose accuracy is the fraction of
 * trials recalled exactly (every unit equal to the stored pattern).
 */
import { mkdirSync } from 'node:fs';
import type { Backend, BackendName } from '../backends/backend.js';
import { createBackend } from '../backends/index.js';
import { ClassicalHopfield } from '../models/hopfieldClassical.js';
import { DenseHopfield } from '../models/hopfieldDense.js';
import { ModernHopfield } from '../models/hopfieldModern.js';
import type { RecallResult } from '../backends/kernel.js';
import { sealMetrics, type EvaluationMetrics } from '../pipeline/metrics.js';
import { silentReporter, type Reporter } from '../util/reporter.js';
import type { RunResult } from '../pipeline/run.js';
import { round } from '../util/round.js';
import { capacityFigure, recallFigures } from './figures.js';
import { corruptedProbes, hamming, storedPatterns, type PatternSet } from './patterns.js';
import { modelLabel, type RecallModelSpec, type ResolvedLab } from './spec.js';

/** Options of `runLab`. */
export interface LabRunOptions {
  backend?: BackendName | 'auto';
  outDir?: string;
  reporter?: Reporter;
  /** The user changed the lab's settings: gates on results no longer produced are skipped. */
  settingsChanged?: boolean;
}

/** Recalls every trial's probe with one model. */
async function recallAll(spec: ResolvedLab, m: RecallModelSpec, backend: Backend, set: PatternSet, probes: Int8Array, trials: number, trace: boolean): Promise<RecallResult[]> {
  const N = set.width;
  if (m.kind === 'modern') {
    return new ModernHopfield({ beta: m.beta, tolerance: m.tolerance, maxSteps: m.maxSteps }, backend).store(set.values, set.count, N).recall(probes, trials, { trace });
  }
  const model = m.kind === 'classical' ? new ClassicalHopfield({ threshold: m.threshold }, backend) : new DenseHopfield({ power: m.power, rectified: m.rectified }, backend);
  model.store(set.values, set.count, N);
  const out: RecallResult[] = [];
  for (let t = 0; t < trials; t++) out.push(await model.recall(probes.subarray(t * N, (t + 1) * N), { schedule: spec.schedule, seed: t, maxSweeps: spec.maxSweeps, trace }));
  return out;
}

/** Runs the lab end to end. */
export async function runLab(spec: ResolvedLab, opts: LabRunOptions = {}): Promise<RunResult> {
  const reporter = opts.reporter ?? silentReporter;
  const started = performance.now();
  const backend = await createBackend(opts.backend ?? 'auto');
  reporter.record?.({ kind: 'backend', name: backend.name });
  const evaluations: Record<string, EvaluationMetrics> = {};
  const summary: [string, string][] = [];
  const files: string[] = [];
  let training: Record<string, unknown>;
  if (opts.outDir) mkdirSync(opts.outDir, { recursive: true });

  if (spec.lab === 'recall') {
    const set = await storedPatterns(spec, spec.count);
    const { probes, targets } = await corruptedProbes(set, spec.seed, 1, spec.flip, spec.probe);
    const target = targets[0];
    const flipped = hamming(probes, set, target);
    const results: { label: string; result: RecallResult }[] = [];
    const models: Record<string, unknown> = {};
    for (const m of spec.models) {
      const label = modelLabel(m);
      const t = performance.now();
      const [r] = await recallAll(spec, m, backend, set, probes, 1, true);
      const seconds = (performance.now() - t) / 1000;
      const distances = Array.from({ length: set.count }, (_, mu) => hamming(r.state, set, mu));
      const nearest = distances.indexOf(Math.min(...distances));
      const exact = distances[target] === 0;
      evaluations[label] = { accuracy: exact ? 1 : 0, n: 1, correct: exact ? 1 : 0, seconds: round(seconds, 4), confusion: [] };
      models[label] = {
        exact,
        hamming_to_target: distances[target],
        nearest_pattern: nearest,
        sweeps: r.sweeps,
        updates: r.updates,
        flips: r.flips,
        converged: r.converged,
        energy_start: r.energy![0],
        energy_end: r.energy!.at(-1),
      };
      summary.push([label, `${exact ? 'recalled exactly' : `${distances[target]} units off the target`}; nearest pattern ${nearest}; ${r.sweeps} ${m.kind === 'modern' ? 'steps' : 'sweeps'}`]);
      results.push({ label, result: r });
    }
    training = { stored: set.count, target, flipped, models };
    if (opts.outDir && spec.outputs.plots) files.push(...(await recallFigures(opts.outDir, set, target, probes, results)));
    for (const [name, e] of Object.entries(evaluations)) reporter.record?.({ kind: 'evaluation', name, accuracy: e.accuracy, n: e.n });
  } else {
    const rows: Record<string, unknown>[] = [];
    const byModel = new Map<string, string[]>();
    const points: { x: number; y: number; series: string }[] = [];
    // One bar for the whole sweep, one step per (model, P) cell.
    const bar = reporter.start('capacity', spec.counts.length * spec.models.length);
    let cells = 0;
    for (const P of spec.counts) {
      const set = await storedPatterns(spec, P);
      const { probes, targets } = await corruptedProbes(set, spec.seed, spec.trials, spec.flip);
      for (const m of spec.models) {
        const label = modelLabel(m);
        const t = performance.now();
        const results = await recallAll(spec, m, backend, set, probes, spec.trials, false);
        const seconds = (performance.now() - t) / 1000;
        const dist = results.map((r, i) => hamming(r.state, set, targets[i]));
        const correct = dist.filter((d) => d === 0).length;
        const meanHamming = dist.reduce((a, b) => a + b, 0) / spec.trials;
        evaluations[`${label}@${P}`] = { accuracy: correct / spec.trials, n: spec.trials, correct, seconds: round(seconds, 4), confusion: [] };
        const row = { model: label, patterns: P, exact_fraction: correct / spec.trials, mean_hamming: round(meanHamming, 3), ms_per_recall: round((1000 * seconds) / spec.trials, 3) };
        rows.push(row);
        reporter.record?.({ kind: 'cell', row });
        reporter.record?.({ kind: 'evaluation', name: `${label}@${P}`, accuracy: correct / spec.trials, n: spec.trials });
        points.push({ x: P, y: correct / spec.trials, series: label });
        byModel.set(label, [...(byModel.get(label) ?? []), `${P}: ${(correct / spec.trials).toFixed(2)}`]);
        bar.update(++cells, `${label} P=${P}: exact ${correct}/${spec.trials}, mean Hamming ${meanHamming.toFixed(1)}`);
      }
    }
    bar.done(`${cells} cells (${spec.models.length} models × ${spec.counts.length} counts) of ${spec.trials} trials`);
    for (const [label, cells] of byModel) summary.push([`${label} (P: exact)`, cells.join(', ')]);
    training = { trials: spec.trials, flip: spec.flip, table: rows };
    if (opts.outDir && spec.outputs.plots) files.push(await capacityFigure(opts.outDir, points, spec));
  }
  for (const path of files) reporter.record?.({ kind: 'figure', path });

  const { metrics, gates, file } = sealMetrics(
    { pipeline: spec.name, backend: backend.name, seed: spec.seed, settings: spec, evaluations, timings: { total_s: round((performance.now() - started) / 1000) }, epochs: [], training, warnings: [] },
    spec.expect,
    opts.outDir,
    opts.settingsChanged,
  );
  if (file) files.unshift(file);
  return { metrics, gates, summary, files };
}
