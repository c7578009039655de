/**
 * The Vega-Lite specs of every figure, with their data: rendered to PNG in Node (`charts.ts`),
 * saved beside each PNG as `<name>.vl.json` for notebooks, and drawn live by the dashboard page.
 * Browser-safe: no Node modules.
 */
import type { TopLevelSpec } from 'vega-lite';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One point of a line chart. */
export interface SeriesPoint {
  x: number;
  y: number;
  series: string;
}

/** How a line chart is drawn. */
export interface LineChartOptions {
  x: string;
  y: string;
  title?: string;
  /** Logarithmic x axis (epochs over 1…300, stored patterns over 1…1000). */
  logX?: boolean;
  /** A y axis of error percentages that is linear near 0 and logarithmic above (errors of 2–5% stay readable beside 90%). */
  logY?: boolean;
  /** Whole-number x ticks only (updates, epochs). */
  integerX?: boolean;
  /** Include 0 on the y axis (default true; energies far from 0 say false). */
  zeroY?: boolean;
  /** Tell series apart by dash and point shape too, so that lines with equal values stay visible. */
  dashed?: boolean;
  width?: number;
  height?: number;
}

const PERCENT_TICKS = [0, 0.5, 1, 2, 5, 10, 20, 50, 100];

/** A line chart of `points`, one line per series, its legend below with labels in full. */
export function lineChartSpec(points: readonly SeriesPoint[], opts: LineChartOptions): TopLevelSpec {
  const maxY = points.reduce((m, p) => Math.max(m, p.y), 0);
  const y = opts.logY
    ? { scale: { type: 'symlog' as const, constant: 1 }, axis: { values: PERCENT_TICKS.filter((v, i) => i === 0 || PERCENT_TICKS[i - 1] < maxY), format: '~r' } }
    : { scale: { zero: opts.zeroY ?? true } };
  const series = { field: 'series', type: 'nominal' as const, title: null, legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 0 } };
  return {
    $schema: SCHEMA,
    title: opts.title,
    width: opts.width ?? 520,
    height: opts.height ?? 300,
    data: { values: points as SeriesPoint[] },
    mark: { type: 'line', point: opts.dashed || points.length <= 60 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: opts.x,
        scale: opts.logX ? { type: 'log' } : { zero: false },
        ...(opts.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
      },
      y: { field: 'y', type: 'quantitative', title: opts.y, ...y },
      color: series,
      ...(opts.dashed ? { strokeDash: series, shape: series } : {}),
    },
  } as TopLevelSpec;
}

/** Labels along one side of a tile grid: which tile index is which (shard, class, unit). */
export interface GridAxis {
  title: string;
  /** Label every n-th tile (default 1). */
  every?: number;
}

/** How a tile grid is framed: its pixel geometry, colour bar and axes. */
export interface MemorySpecOptions {
  title?: string;
  /** Image size in pixels and the grid it holds. */
  width: number;
  height: number;
  tile: { width: number; height: number; gap: number; cols: number; rows: number };
  /** Colour bar: the value domain ([lo, 0, hi] for diverging), colours and title. */
  colour: { domain: number[]; range: string[]; title: string | string[] | null };
  x?: GridAxis;
  y?: GridAxis;
}

/** A grid of tiles (an image by URL) with a colour bar, and axes naming columns and rows when given. */
export function memorySpec(imageUrl: string, o: MemorySpecOptions): TopLevelSpec {
  const { width: w, height: h, tile } = o;
  const centres = (n: number, size: number, every = 1) => Array.from({ length: Math.ceil(n / every) }, (_, i) => tile.gap + i * every * (size + tile.gap) + size / 2);
  const label = (size: number) => `format(round((datum.value - ${tile.gap + size / 2}) / ${size + tile.gap}), 'd')`;
  const axis = (a: GridAxis | undefined, n: number, size: number) =>
    a ? { title: a.title, values: centres(n, size, a.every), labelExpr: label(size), grid: false, domain: false, ticks: false, labelFontSize: 9 } : null;
  return {
    $schema: SCHEMA,
    title: o.title,
    width: w,
    height: h,
    layer: [
      {
        data: { values: [{ url: imageUrl }] },
        mark: { type: 'image', x: 0, y: 0, width: w, height: h, align: 'left', baseline: 'top', aspect: false },
        encoding: { url: { field: 'url', type: 'nominal' } },
      },
      {
        // An invisible layer whose scales give the axes (pixel positions of tile centres) and the colour bar.
        data: {
          values: [
            { v: o.colour.domain[0], px: 0, py: 0 },
            { v: o.colour.domain.at(-1), px: w, py: h },
          ],
        },
        mark: { type: 'point', opacity: 0 },
        encoding: {
          x: { field: 'px', type: 'quantitative', scale: { domain: [0, w], nice: false, zero: false }, axis: axis(o.x, tile.cols, tile.width) },
          y: { field: 'py', type: 'quantitative', scale: { domain: [0, h], nice: false, zero: false, reverse: true }, axis: axis(o.y, tile.rows, tile.height) },
          color: {
            field: 'v',
            type: 'quantitative',
            title: o.colour.title,
            scale: { domain: o.colour.domain, range: o.colour.range, interpolate: 'rgb' },
            legend: { gradientLength: Math.max(60, Math.min(h, 300)), format: '.3~r', titleLimit: 0 },
          },
        },
      },
    ],
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}

/** Per-shard training: epochs each shard ran, coloured by whether it converged (no misses in its last epoch). */
export function shardSpec(shards: readonly { shard: number; epochs: number; converged: boolean }[], title?: string): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 520,
    height: 160,
    data: { values: shards.map((s) => ({ ...s, state: s.converged ? 'converged' : 'training or not converged' })) },
    mark: 'bar',
    encoding: {
      x: { field: 'shard', type: 'ordinal', axis: { labelAngle: 0, values: shards.filter((s) => s.shard % 5 === 0).map((s) => s.shard) } },
      y: { field: 'epochs', type: 'quantitative', title: 'epochs', scale: { type: 'symlog' } },
      color: {
        field: 'state',
        type: 'nominal',
        title: null,
        scale: { domain: ['converged', 'training or not converged'], range: ['#54a24b', '#e45756'] },
        legend: { orient: 'bottom', labelLimit: 0 },
      },
    },
  } as TopLevelSpec;
}
