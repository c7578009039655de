/**
 * Figures as PNG files: Vega-Lite specs rendered to SVG by Vega (no canvas needed in Node) and
 * rasterised by resvg with the system fonts.
 *
 * - `lineChart`: learning curves (error per epoch per series), like the seeds' matplotlib plots.
 * - `memoryFigure`: memories as a grid of tiles on a blue–white–red scale symmetric around 0 with
 *   a colour bar (the Dense AM reference notebook's weight heat-map), or dark-on-white for pixel prototypes.
 *
 * @example
 * writeFileSync('curve.png', await lineChart(rows, { x: 'epoch', y: 'error, %', title: 'dense-am' }));
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { imageGrid, type ImageGridOptions } from './imageGrid.js';

/** One point of a line chart. */
export interface SeriesPoint {
  x: number;
  y: number;
  series: string;
}

/** Renders a Vega-Lite spec as PNG bytes (2× zoom for sharp text). */
async function renderPng(spec: TopLevelSpec): Promise<Uint8Array> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
}

/** A line chart of `points`, one line per series. */
export function lineChart(points: readonly SeriesPoint[], opts: { x: string; y: string; title?: string; logX?: boolean }): Promise<Uint8Array> {
  return renderPng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title,
    width: 520,
    height: 300,
    data: { values: points as SeriesPoint[] },
    mark: { type: 'line', point: points.length <= 60 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.x, scale: opts.logX ? { type: 'log' } : {} },
      y: { field: 'y', type: 'quantitative', title: opts.y },
      color: { field: 'series', type: 'nominal', title: null },
    },
  });
}

/** Memories as a tile grid with a colour bar: `diverging` (blue–white–red around 0) or `ink` (white–black). */
export function memoryFigure(values: ArrayLike<number>, opts: ImageGridOptions & { title?: string }): Promise<Uint8Array> {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    lo = Math.min(lo, values[k]);
    hi = Math.max(hi, values[k]);
  }
  const diverging = opts.scale === 'diverging';
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const [a, b] = diverging ? [-m, m] : (opts.range ?? [lo, hi]);
  const png = imageGrid(values, { ...opts, zoom: opts.zoom ?? 2 });
  const w = pngWidth(png);
  const h = pngHeight(png);
  return renderPng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title,
    width: w,
    height: h,
    layer: [
      {
        data: { values: [{ url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` }] },
        mark: { type: 'image', x: 0, y: 0, width: w, height: h, align: 'left', baseline: 'top', aspect: false },
        encoding: { url: { field: 'url', type: 'nominal' } },
      },
      {
        // An invisible layer whose colour scale gives the colour bar, with the tiles' exact colours.
        data: { values: [{ v: a }, { v: b }] },
        mark: { type: 'point', opacity: 0 },
        encoding: {
          color: {
            field: 'v',
            type: 'quantitative',
            title: null,
            scale: diverging ? { domain: [a, 0, b], range: ['#0000ff', '#ffffff', '#ff0000'], interpolate: 'rgb' } : { domain: [a, b], range: ['#ffffff', '#000000'], interpolate: 'rgb' },
            legend: { gradientLength: Math.min(h, 400), format: '.2g' },
          },
        },
      },
    ],
    config: { view: { stroke: null }, axis: { disable: true } },
  } as TopLevelSpec);
}

function pngWidth(png: Uint8Array): number {
  return new DataView(png.buffer, png.byteOffset).getUint32(16);
}

function pngHeight(png: Uint8Array): number {
  return new DataView(png.buffer, png.byteOffset).getUint32(20);
}
