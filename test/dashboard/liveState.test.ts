import { describe, expect, it } from 'vitest';
import { appendThinned, applyEvent, startedView } from '../../src/dashboard/liveState.js';

const view = () => startedView('run', { pipeline: 'p', backend: 'auto', seed: 1, settings: {} }, 'graph');

describe('the live view of a run', () => {
  it('keeps one learning-curve row per epoch, a later score of an epoch replacing the first', () => {
    const v = view();
    applyEvent(v, { kind: 'epoch', row: { epoch: 1, train_error: 0.5 } });
    applyEvent(v, { kind: 'epoch', row: { epoch: 2, train_error: 0.3 } });
    applyEvent(v, { kind: 'epoch', row: { epoch: 1, train_error: 0.5, test_error: 0.4 } });
    expect(v.metrics.epochs).toEqual([
      { epoch: 1, train_error: 0.5, test_error: 0.4 },
      { epoch: 2, train_error: 0.3 },
    ]);
  });

  it('shows the latest stream counters in the metrics.json shape and keeps a thinned history of at most 400 lines', () => {
    const v = view();
    for (let b = 1; b <= 1000; b++)
      applyEvent(v, {
        kind: 'stream',
        line: { batch: b, received: 100 * b, trained: 100 * b, dead_lettered: 0, duplicates_skipped: 0, prequential_accuracy: 0.9, window_accuracy: 0.91, samples_per_s: 5000, rss_mb: 300, t_s: b },
      });
    expect(v.metrics.stream).toEqual({ received: 100000, trained: 100000, dead_lettered: 0, duplicates_skipped: 0, prequential_accuracy: 0.9, window_accuracy: 0.91, samples_per_s: 5000 });
    expect(v.streamSeries.length).toBeLessThanOrEqual(400);
    expect(v.streamSeries[0].batch).toBe(1);
    expect(v.streamSeries.at(-1)!.batch).toBe(1000);
    // Thinned evenly: the gaps between kept batches differ by at most a factor of two.
    const gaps = v.streamSeries.slice(1).map((l, i) => l.batch - v.streamSeries[i].batch);
    expect(Math.max(...gaps.slice(0, -1))).toBeLessThanOrEqual(2 * Math.min(...gaps.slice(0, -1)));
  });

  it('tracks each shard, evaluations, capacity cells, the backend, and figures by name with a version that changes on redraw', () => {
    const v = view();
    applyEvent(v, { kind: 'backend', name: 'wasm' });
    applyEvent(v, { kind: 'shard', shard: 3, epoch: 1, misses: 5, done: false });
    applyEvent(v, { kind: 'shard', shard: 3, epoch: 9, misses: 0, done: true });
    applyEvent(v, { kind: 'evaluation', name: 'test', accuracy: 0.9, n: 10000 });
    applyEvent(v, { kind: 'cell', row: { model: 'classical', patterns: 2, exact_fraction: 1 } });
    applyEvent(v, { kind: 'figure', path: '/out/memories.png' }, 1);
    applyEvent(v, { kind: 'figure', path: '/out/memories.png' }, 2);
    expect(v.metrics.backend).toBe('wasm');
    expect(v.metrics.training!.shards).toEqual([{ shard: 3, epochs: 9, final_misses: 0, converged: true, done: true }]);
    expect(v.metrics.evaluations).toEqual({ test: { accuracy: 0.9, n: 10000 } });
    expect(v.metrics.training!.table).toHaveLength(1);
    expect(v.figures).toEqual([{ name: 'memories.png', version: 2 }]);
  });

  it('thins a series in place, keeping its first and last points', () => {
    const s: Record<string, number>[] = [];
    for (let i = 0; i < 401; i++) appendThinned(s, { i });
    expect(s.length).toBe(201);
    expect([s[0].i, s.at(-1)!.i]).toEqual([0, 400]);
    for (let i = 401; i < 2000; i++) appendThinned(s, { i });
    expect(s.length).toBeLessThanOrEqual(400);
    const gaps = new Set(s.slice(1, -1).map((p, k) => p.i - s[k].i));
    expect(gaps.size).toBe(1); // evenly spaced, whatever the length
    expect(s.at(-1)!.i).toBe(1999);
  });
});
