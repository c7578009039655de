/**
 * The figures as people read them: the Vega-Lite specs rendered to SVG, and what the SVG shows
 * (legend labels in full, axes that span the data, whole-number ticks, overlapping lines kept
 * visible, colours not washed out by one outlier).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { memoryFigure } from '../../src/plots/node/charts.js';
import { lineChartSpec, type SeriesPoint } from '../../src/plots/specs.js';

async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The text of every label of the axis whose title is `title`. */
function axisLabels(svg: string, title: string): string[] {
  const axes = svg.split('class="mark-group role-axis"').slice(1);
  const axis = axes.find((a) => a.includes(`>${title}</text>`));
  if (!axis) throw new Error(`no axis titled ${title}`);
  const labels = axis.split('role-axis-label')[1].split('role-axis-title')[0];
  return [...labels.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('line charts', () => {
  it('show legend labels in full (the sharded-mnist curve cut them to "misses during the …")', async () => {
    const points = [1, 2, 5].flatMap((x) => [
      { x, y: 10 / x, series: 'misses during the epoch (train)' },
      { x, y: 12 / x, series: 'test error after the epoch' },
    ]);
    const svg = await svgOf(lineChartSpec(points, { x: 'epoch', y: 'error, %', logX: true }));
    expect(svg).toContain('>misses during the epoch (train)<');
    expect(svg).toContain('>test error after the epoch<');
    expect(svg).not.toContain('…');
  });

  it('span the energies on the y axis instead of 0 … -220k, with whole-number update ticks', async () => {
    const energy = [0, 1, 2].map((x) => ({ x, y: -155_000 - 24_000 * x, series: 'classical' }));
    const svg = await svgOf(lineChartSpec(energy, { x: 'update', y: 'energy', integerX: true, zeroY: false }));
    const y = axisLabels(svg, 'energy').map((l) => Number(l.replace(/[,−]/g, (c) => (c === '−' ? '-' : ''))));
    expect(Math.max(...y)).toBeLessThan(-100_000);
    expect(axisLabels(svg, 'update').every((l) => /^\d+$/.test(l))).toBe(true);
  });

  it('keep equal series visible: dashes and point shapes differ where the lines coincide', async () => {
    const points: SeriesPoint[] = [1, 2, 3].flatMap((x) => ['classical', 'dense-n2'].map((series) => ({ x, y: x === 1 ? 1 : 0, series })));
    const svg = await svgOf(lineChartSpec(points, { x: 'P', y: 'exact', logX: true, dashed: true }));
    // Both lines are drawn, with different dash patterns (one solid, one dashed), so the one on top does not hide the other.
    const lines = svg
      .split('class="mark-line role-mark')
      .slice(1)
      .map((g) => /stroke-dasharray="([^"]*)"/.exec(g.split('</g>')[0])?.[1] ?? 'solid');
    expect(lines).toHaveLength(2);
    expect(new Set(lines).size).toBe(2);
    // And the points of the two series have different shapes.
    const shape = (series: string) => new RegExp(`series: ${series}" role="graphics-symbol" aria-roledescription="point"[^>]*d="([^"]*)"`).exec(svg)?.[1];
    expect(shape('classical')).toBeDefined();
    expect(shape('classical')).not.toBe(shape('dense-n2'));
  });

  it('give the 2–5% error region room: ticks at 1, 2 and 5 % on a curve that starts at 90 %', async () => {
    const points = [1, 2, 3, 4].map((x, i) => ({ x, y: [90, 10, 3, 2.2][i], series: 'test error' }));
    const svg = await svgOf(lineChartSpec(points, { x: 'epoch', y: 'error, %', logY: true }));
    const labels = axisLabels(svg, 'error, %');
    expect(labels).toEqual(['0', '0.5', '1', '2', '5', '10', '20', '50']);
  });
});

describe('memory figures', () => {
  it('clip a diverging colour scale at a high percentile and say so in the colour bar', async () => {
    const values = new Float32Array(400 * 16).map((_, k) => (k % 2 ? 0.05 : -0.05));
    values.fill(0.5, 0, 16); // one tile of 400 off the sphere
    const fig = await memoryFigure(values, { count: 400, shape: [4, 4], cols: 20, scale: 'diverging', clipPercentile: 99.5 });
    const svg = await svgOf(fig.spec);
    for (const line of ['colours clipped at ±0.050', '(99.5th percentile of |value|;', 'max 0.50)']) expect(svg).toContain(line);
    const unclipped = await memoryFigure(values, { count: 400, shape: [4, 4], cols: 20, scale: 'diverging' });
    expect(JSON.stringify(unclipped.spec)).not.toContain('clipped');
  });

  it('name columns and rows when asked (shard and class), with plain numbers on the colour bar', async () => {
    const values = new Float32Array(6 * 100).map((_, k) => k % 256);
    const fig = await memoryFigure(values, { count: 6, shape: [10, 10], cols: 3, scale: 'ink', range: [0, 255], x: { title: 'shard' }, y: { title: 'class' } });
    const svg = await svgOf(fig.spec);
    expect(axisLabels(svg, 'shard')).toEqual(['0', '1', '2']);
    expect(axisLabels(svg, 'class')).toEqual(['0', '1']);
    const colourBar = svg.split('role-legend-label')[1].split('</g>')[0];
    expect([...colourBar.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1])).toEqual(['0', '100', '200']);
  });
});
