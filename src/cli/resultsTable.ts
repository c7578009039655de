/**
 * The results table printed at the end of a run: evaluations, training summary, gates, files.
 */
import Table from 'cli-table3';
import type { RunResult } from '../pipeline/run.js';

/** Renders a run's results as text tables. */
export function resultsTable(result: RunResult): string {
  const { metrics } = result;
  const evals = new Table({ head: ['evaluation', 'samples', 'accuracy', 'error', 'seconds'], style: { head: [], border: [] } });
  for (const [name, e] of Object.entries(metrics.evaluations)) {
    evals.push([name, e.n.toLocaleString('en-US'), e.accuracy.toFixed(4), `${(100 * (1 - e.accuracy)).toFixed(2)}%`, e.seconds.toFixed(2)]);
  }
  const training = new Table({ style: { head: [], border: [] } });
  for (const [label, value] of result.summary) training.push({ [label]: value });
  for (const [phase, s] of Object.entries(metrics.timings)) training.push({ [phase.replace(/_s$/, ' time')]: `${s.toFixed(2)} s` });
  training.push({ 'peak memory': `${metrics.memory.peak_rss_mb} MB` }, { backend: metrics.backend }, { seed: String(metrics.seed) });
  const parts = [`${metrics.pipeline}`, evals.toString(), training.toString()];
  if (result.gates.length > 0) {
    const gates = new Table({ head: ['expected', 'bound', 'value', ''], style: { head: [], border: [] } });
    for (const g of result.gates) {
      const bound = [g.min !== undefined ? `>= ${g.min}` : '', g.max !== undefined ? `<= ${g.max}` : ''].filter(Boolean).join(', ');
      gates.push([g.metric, bound, g.value === null ? 'missing' : String(Number(g.value.toFixed(4))), g.passed ? 'ok' : 'FAILED']);
    }
    parts.push(gates.toString());
  }
  if (result.files.length > 0) parts.push(`wrote ${result.files.join(', ')}`);
  return parts.join('\n');
}
