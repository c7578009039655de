/**
 * The recall lab's PNG figures: stored, corrupted and recalled images side by side; energy and
 * Hamming distance to every stored pattern over the updates, per model; the capacity curve.
 */
import { join } from 'node:path';
import { lineChart, memoryFigure, saveFigure, type Figure } from '../plots/node/charts.js';
import type { SeriesPoint } from '../plots/specs.js';
import type { RecallResult } from '../backends/kernel.js';
import type { PatternSet } from './patterns.js';
import type { ResolvedLab } from './spec.js';

const MAX_DISTANCE_SERIES = 10;

/** Writes recall.png, stored.png, and energy-<model>.png / distance-<model>.png; returns their paths. */
export async function recallFigures(outDir: string, set: PatternSet, target: number, probe: Int8Array, results: { label: string; result: RecallResult }[]): Promise<string[]> {
  const N = set.width;
  const files: string[] = [];
  const write = async (name: string, figure: Promise<Figure>) => {
    files.push(saveFigure(join(outDir, name), await figure));
  };
  const tiles = new Float32Array((2 + results.length) * N);
  tiles.set(set.values.subarray(target * N, (target + 1) * N), 0);
  tiles.set(probe, N);
  results.forEach(({ result }, i) => tiles.set(result.state, (2 + i) * N));
  const order = ['stored', 'corrupted', ...results.map((r) => r.label)].join(' | ');
  await write('recall.png', memoryFigure(tiles, { count: 2 + results.length, shape: set.shape, cols: 2 + results.length, scale: 'ink', range: [-1, 1], zoom: 4, title: order }));
  const shown = Math.min(set.count, 100);
  await write(
    'stored.png',
    memoryFigure(Float32Array.from(set.values.subarray(0, shown * N)), {
      count: shown,
      shape: set.shape,
      cols: Math.min(shown, 10),
      scale: 'ink',
      range: [-1, 1],
      title: `stored patterns (${shown} of ${set.count})`,
    }),
  );
  for (const { label, result } of results) {
    const e = result.energy!;
    const stride = Math.max(1, Math.ceil(e.length / 2000));
    const energy: SeriesPoint[] = [];
    for (let t = 0; t < e.length; t += stride) energy.push({ x: t, y: e[t], series: label });
    // Energies sit far from 0 (classical: about -2e5): the axis spans what they do. Updates are whole numbers.
    const axes = { x: 'update', integerX: true, title: `${label}: energy over updates` };
    await write(`energy-${label}.png`, lineChart(energy, { ...axes, y: label.startsWith('dense') ? 'energy (units of N^n)' : 'energy', zeroY: false }));
    const d = result.distances!;
    const P = set.count;
    const steps = d.length / P;
    const series = pickPatterns(d, P, target);
    const distance: SeriesPoint[] = [];
    for (let t = 0; t < steps; t += stride) for (const mu of series) distance.push({ x: t, y: d[t * P + mu], series: `pattern ${mu}${mu === target ? ' (target)' : ''}` });
    await write(`distance-${label}.png`, lineChart(distance, { x: 'update', integerX: true, y: 'Hamming distance', title: `${label}: distance to stored patterns` }));
  }
  return files;
}

/** The target and the patterns that come closest at some point (at most 10 lines). */
function pickPatterns(d: Int32Array, P: number, target: number): number[] {
  if (P <= MAX_DISTANCE_SERIES) return Array.from({ length: P }, (_, mu) => mu);
  const closest = Array.from({ length: P }, (_, mu) => {
    let m = Infinity;
    for (let t = mu; t < d.length; t += P) m = Math.min(m, d[t]);
    return { mu, m };
  });
  closest.sort((a, b) => a.m - b.m || a.mu - b.mu);
  return [
    target,
    ...closest
      .filter((c) => c.mu !== target)
      .slice(0, MAX_DISTANCE_SERIES - 1)
      .map((c) => c.mu),
  ];
}

/** Writes capacity.png: fraction of trials recalled exactly against the number of stored patterns. */
export async function capacityFigure(outDir: string, points: SeriesPoint[], spec: ResolvedLab): Promise<string> {
  const path = join(outDir, 'capacity.png');
  const source = spec.patterns.source === 'mnist' ? 'MNIST digits' : 'random patterns';
  // Models can recall identically (classical and dense n = 2 do): dashes and point shapes keep every line in sight.
  const title = `capacity: ${source}, ${Math.round(100 * spec.flip)}% flipped, ${spec.trials} trials`;
  return saveFigure(path, await lineChart(points, { x: 'stored patterns P', y: 'fraction recalled exactly', title, logX: true, dashed: true }));
}
