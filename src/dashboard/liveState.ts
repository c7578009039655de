/**
 * What the dashboard shows of one run, built from the run's live events (or, for a finished run,
 * from its output folder): the `metrics.json` shape as far as it is known, plus progress, the
 * stream's history, the figures and the pipeline graph. Browser-safe: the page renders it as is.
 */
import type { LiveEvent } from '../util/liveEvents.js';

/** A progress bar's state. */
interface PhaseState {
  value: number;
  total: number;
  detail: string;
  done: boolean;
}

/** The `metrics.json` shape, as far as it is known during the run. */
export interface LiveMetrics {
  pipeline?: string;
  backend?: string;
  seed?: number;
  settings?: unknown;
  evaluations: Record<string, { accuracy: number; n: number }>;
  epochs: Record<string, number | undefined>[];
  stream?: Record<string, unknown>;
  training?: { shards?: Record<string, unknown>[]; table?: Record<string, unknown>[]; [key: string]: unknown };
  warnings: string[];
  [key: string]: unknown;
}

/** Everything the page draws for one run. */
export interface RunView {
  title: string;
  status: 'running' | 'finished' | 'failed';
  error?: string;
  metrics: LiveMetrics;
  phases: Record<string, PhaseState>;
  /** Stream progress lines over the run, thinned to at most `MAX_SERIES` points. */
  streamSeries: Record<string, number>[];
  /** Figures in the output folder, with a version that changes when one is redrawn. */
  figures: { name: string; version: number }[];
  /** The pipeline graph, as `amem-flow describe` prints it. */
  graph: string;
}

const MAX_SERIES = 400;

/**
 * Adds a stream line to a series kept evenly thinned: every `stride`-th line (numbered in `line`)
 * plus the latest one; when more than `MAX_SERIES` are kept, every other one goes and the stride doubles.
 */
export function appendThinned(series: Record<string, number>[], line: Record<string, number>): void {
  const last = series.at(-1);
  const index = last ? last.line + 1 : 0;
  const stride = series.length >= 3 ? series[1].line - series[0].line : 1;
  if (last && last.line % stride !== 0) series.pop(); // the previous latest line, between two kept ones
  series.push({ ...line, line: index });
  if (series.length <= MAX_SERIES) return;
  const kept = series.filter((p, i) => p.line % (2 * stride) === 0 || i === series.length - 1);
  series.splice(0, series.length, ...kept);
}

/** A fresh view of a run that has just started. */
export function startedView(title: string, head: Pick<LiveMetrics, 'pipeline' | 'backend' | 'seed' | 'settings'>, graph: string): RunView {
  return { title, status: 'running', metrics: { ...head, evaluations: {}, epochs: [], warnings: [] }, phases: {}, streamSeries: [], figures: [], graph };
}

/** Folds one live event into the view. */
export function applyEvent(view: RunView, event: LiveEvent, version = Date.now()): void {
  const m = view.metrics;
  switch (event.kind) {
    case 'backend':
      m.backend = event.name;
      break;
    case 'epoch': {
      const at = m.epochs.findIndex((r) => r.epoch === event.row.epoch);
      if (at >= 0) m.epochs[at] = { ...event.row };
      else m.epochs.push({ ...event.row });
      break;
    }
    case 'stream': {
      const { batch: _batch, t_s: _t, rss_mb: _rss, ...counters } = event.line;
      m.stream = { ...m.stream, ...counters };
      appendThinned(view.streamSeries, { ...event.line });
      break;
    }
    case 'shard': {
      const shards = ((m.training ??= {}).shards ??= []);
      const row = { shard: event.shard, epochs: event.epoch, final_misses: event.misses, converged: event.done && event.misses === 0, done: event.done };
      const at = shards.findIndex((s) => s.shard === event.shard);
      if (at >= 0) shards[at] = row;
      else shards.push(row);
      break;
    }
    case 'evaluation':
      m.evaluations[event.name] = { accuracy: event.accuracy, n: event.n };
      break;
    case 'cell':
      ((m.training ??= {}).table ??= []).push({ ...event.row });
      break;
    case 'figure': {
      const name = event.path.split(/[\\/]/).pop()!;
      const at = view.figures.findIndex((f) => f.name === name);
      if (at >= 0) view.figures[at] = { name, version };
      else view.figures.push({ name, version });
      break;
    }
  }
}
