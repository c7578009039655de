/**
 * A run's output folder as the dashboard shows it (`amem-flow dashboard RUN_DIR`): metrics.json,
 * the stream's history from stream.jsonl, the figures; re-read when the folder changes, so a
 * run still writing there (or run again into it) shows its latest state.
 */
import { existsSync, readFileSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describeAny, type AnyResolved } from '../../pipeline/dispatch.js';
import { UsageError } from '../../util/errors.js';
import { appendThinned, type LiveMetrics, type RunView } from '../liveState.js';
import { DashboardRun } from './liveRun.js';

/** Reads the run in `dir`; throws a UsageError naming the folder when it holds no run. */
export function readRunFolder(dir: string): RunView {
  const path = join(dir, 'metrics.json');
  if (!existsSync(path)) throw new UsageError(`'${dir}' holds no metrics.json: give the output folder of a run (its --out, e.g. runs/sharded-mnist)`);
  let metrics: LiveMetrics;
  try {
    metrics = JSON.parse(readFileSync(path, 'utf8')) as LiveMetrics;
  } catch (err) {
    throw new UsageError(`'${path}' is not valid JSON (${(err as Error).message}); was the run interrupted while writing it?`);
  }
  const streamSeries: Record<string, number>[] = [];
  const jsonl = join(dir, 'stream.jsonl');
  if (existsSync(jsonl)) {
    for (const text of readFileSync(jsonl, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as Record<string, number>;
      if (!('event' in line)) appendThinned(streamSeries, line);
    }
  }
  const figures = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((name) => ({ name, version: Math.round(statSync(join(dir, name)).mtimeMs) }));
  let graph = '';
  try {
    graph = describeAny(metrics.settings as AnyResolved);
  } catch {
    // Settings of an older version that no longer resolve: the page shows them without the graph.
  }
  const error = typeof metrics.error === 'string' ? metrics.error : undefined;
  return {
    title: basename(resolve(dir)),
    status: error ? 'failed' : 'finished',
    ...(error ? { error } : {}),
    metrics: { ...metrics, warnings: metrics.warnings ?? [] },
    phases: {},
    streamSeries,
    figures,
    graph,
  };
}

/** Opens `dir` for the dashboard and re-reads it when it changes; `close` stops watching. */
export function openRunFolder(dir: string): { run: DashboardRun; close: () => void } {
  const run = new DashboardRun(readRunFolder(dir), dir);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          run.view = readRunFolder(dir);
          run.changed();
        } catch {
          // Caught mid-write (metrics.json is replaced atomically, but a folder can be emptied): keep the last good view.
        }
      }, 300);
    });
  } catch {
    // A file system without change notifications: the view stays as first read.
  }
  return {
    run,
    close: () => {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
