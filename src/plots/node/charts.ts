/**
 * Figures as PNG files: the Vega-Lite specs of `specs.ts` rendered to SVG by Vega (no canvas
 * needed in Node), or memory grids laid out by `memorySvg.ts` (Vega is not loaded for them), and
 * rasterised by resvg with the system fonts. Each PNG gets its spec, with the data, beside it as
 * `<name>.vl.json` (open it in a notebook or the Vega editor).
 *
 * - `lineChart`: learning curves (error per epoch per series), like the seeds' matplotlib plots.
 * - `memoryFigure`: memories as a grid of tiles on a blue–white–red scale symmetric around 0 with
 *   a colour bar (the Dense AM reference notebook's weight heat-map), or dark-on-white for pixel prototypes.
 *
 * @example
 * saveFigure('runs/x/curve.png', await lineChart(rows, { x: 'epoch', y: 'error, %', title: 'dense-am' }));
 */
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { imageGrid, type ImageGridOptions } from '../imageGrid.js';
import { memorySvg } from '../memorySvg.js';
import { lineChartSpec, memorySpec, type GridAxis, type LineChartOptions, type SeriesPoint } from '../specs.js';

/** A rendered figure and the Vega-Lite spec (with data) it was rendered from. */
export interface Figure {
  png: Uint8Array;
  spec: TopLevelSpec;
}

/** Writes `path` (a .png) and its spec beside it (`.vl.json`); returns `path`. */
export function saveFigure(path: string, figure: Figure): string {
  writeFileSync(path, figure.png);
  writeFileSync(path.replace(/\.png$/, '.vl.json'), `${JSON.stringify(figure.spec)}\n`);
  return path;
}

/** Renders a Vega-Lite spec as PNG bytes (`scale`× zoom: 2 for sharp text on small charts). */
async function renderPng(spec: TopLevelSpec, scale = 2): Promise<Uint8Array> {
  // Loaded here, not with the module: a run that draws only memory grids never needs them.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svgToPng(svg, scale);
}

/** Rasterises an SVG document at `scale`× zoom on white. */
function svgToPng(svg: string, scale: number): Uint8Array {
  const font = { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font, background: 'white' }).render().asPng();
}

/** A line chart of `points`, one line per series. */
export async function lineChart(points: readonly SeriesPoint[], opts: LineChartOptions): Promise<Figure> {
  const spec = lineChartSpec(points, opts);
  return { png: await renderPng(spec), spec };
}

/** Options of `memoryFigure`: the grid, a title, and axes naming the columns and rows. */
export type MemoryFigureOptions = ImageGridOptions & {
  title?: string;
  x?: GridAxis;
  y?: GridAxis;
  /** Diverging scale only: clip the colours at this percentile of |v| (e.g. 99.5), so that a few outliers do not wash out the rest. */
  clipPercentile?: number;
};

/** Memories as a tile grid with a colour bar: `diverging` (blue–white–red around 0) or `ink` (white–black). */
export async function memoryFigure(values: ArrayLike<number>, opts: MemoryFigureOptions): Promise<Figure> {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    lo = Math.min(lo, values[k]);
    hi = Math.max(hi, values[k]);
  }
  const diverging = opts.scale === 'diverging';
  const max = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const limit = diverging && opts.clipPercentile !== undefined ? percentileAbs(values, opts.clipPercentile) || max : max;
  const [a, b] = diverging ? [-limit, limit] : (opts.range ?? [lo, hi]);
  const zoom = opts.zoom ?? 2;
  const gap = opts.gap ?? 2;
  const png = imageGrid(values, { ...opts, zoom, gap, limit });
  const w = pngWidth(png);
  const h = pngHeight(png);
  const clipped = diverging && limit < max ? [`colours clipped at ±${limit.toPrecision(2)}`, `(${opts.clipPercentile}th percentile of |value|;`, `max ${max.toPrecision(2)})`] : null;
  const url = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  const layout = {
    title: opts.title,
    width: w,
    height: h,
    tile: { width: opts.shape[1] * zoom, height: opts.shape[0] * zoom, gap, cols: opts.cols, rows: Math.ceil(opts.count / opts.cols) },
    colour: diverging ? { domain: [a, 0, b], range: ['#0000ff', '#ffffff', '#ff0000'], title: clipped } : { domain: [a, b], range: ['#ffffff', '#000000'], title: null },
    x: opts.x,
    y: opts.y,
  };
  // Wide grids (the 50 × 10 sharded-lsh prototypes) at 1×: already sharp, and a few hundred KB instead of megabytes.
  return { png: svgToPng(memorySvg(url, layout), w > 900 ? 1 : 2), spec: memorySpec(url, layout) };
}

/** The `p`-th percentile of |values|. */
function percentileAbs(values: ArrayLike<number>, p: number): number {
  const abs = Float32Array.from(values, Math.abs).sort();
  return abs[Math.min(abs.length - 1, Math.floor((p / 100) * abs.length))];
}

function pngWidth(png: Uint8Array): number {
  return new DataView(png.buffer, png.byteOffset).getUint32(16);
}

function pngHeight(png: Uint8Array): number {
  return new DataView(png.buffer, png.byteOffset).getUint32(20);
}
