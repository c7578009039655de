/**
 * Memory grids drawn without Vega: what the SVG shows (tile indices on the axes, the colour bar's
 * ticks and title), and that nothing drawn runs off the figure's edge.
 */
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { memoryFigure } from '../../src/plots/node/charts.js';
import { memorySvg } from '../../src/plots/memorySvg.js';
import type { MemorySpecOptions } from '../../src/plots/specs.js';

const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

function layout(o: Partial<MemorySpecOptions> = {}): MemorySpecOptions {
  return {
    width: 12 * 22 + 2,
    height: 2 * 22 + 2,
    tile: { width: 20, height: 20, gap: 2, cols: 12, rows: 2 },
    colour: { domain: [0, 255], range: ['#ffffff', '#000000'], title: null },
    ...o,
  };
}

/** The texts of `<text>` elements in `svg`, with their y positions. */
function texts(svg: string): { text: string; x: number; y: number }[] {
  return [...svg.matchAll(/<text[^>]*?(?:x="([\d.-]+)" y="([\d.-]+)"|translate\(([\d.-]+),([\d.-]+)\))[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    text: m[5],
    x: Number(m[1] ?? m[3]),
    y: Number(m[2] ?? m[4]),
  }));
}

/** The markup of the group of class `name`. */
function group(svg: string, name: string): string {
  return svg.split(`<g class="${name}">`)[1].split('</g>')[0];
}

/** Renders at 1× and says whether the outermost `margin` pixels on every side are white. */
function edgesWhite(svg: string, margin = 2): boolean {
  const png = PNG.sync.read(Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng()));
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) {
      if (x >= margin && x < png.width - margin && y >= margin && y < png.height - margin) continue;
      const k = 4 * (y * png.width + x);
      if (png.data[k] < 250 || png.data[k + 1] < 250 || png.data[k + 2] < 250) return false;
    }
  return true;
}

describe('memory grids drawn as SVG', () => {
  it('label every n-th column and every row by tile index, at the tile centres', () => {
    const svg = memorySvg(PIXEL, layout({ x: { title: 'shard', every: 5 }, y: { title: 'class' } }));
    const x = texts(group(svg, 'x-axis'));
    expect(x.map((t) => t.text)).toEqual(['0', '5', '10', 'shard']);
    expect(x[1].x - x[0].x).toBe(5 * 22);
    const y = texts(group(svg, 'y-axis'));
    expect(y.map((t) => t.text)).toEqual(['0', '1', 'class']);
    expect(y[1].y - y[0].y).toBe(22);
  });

  it('put the colour bar ticks in value order, highest on top, in plain numbers', () => {
    const svg = memorySvg(PIXEL, layout());
    const bar = texts(group(svg, 'colour-bar'));
    expect(bar.map((t) => t.text)).toEqual(['0', '100', '200']);
    expect(bar[0].y).toBeGreaterThan(bar[2].y);
  });

  it('run a diverging bar blue → white → red through 0 and show the clipping note above it', () => {
    const title = ['colours clipped at ±0.050', '(99.5th percentile of |value|;', 'max 0.50)'];
    const svg = memorySvg(PIXEL, layout({ colour: { domain: [-0.05, 0, 0.05], range: ['#0000ff', '#ffffff', '#ff0000'], title } }));
    expect(svg).toContain('<stop offset="0" stop-color="#0000ff"/><stop offset="0.5" stop-color="#ffffff"/><stop offset="1" stop-color="#ff0000"/>');
    const bar = texts(group(svg, 'colour-bar')).map((t) => t.text);
    expect(bar.slice(0, 3)).toEqual(title);
    expect(bar.slice(3)).toContain('0');
    expect(edgesWhite(svg)).toBe(true);
  });

  it('keep titles and labels inside the figure, and escape what XML would read as markup', () => {
    const title = 'memories <K = 400> & friends, a title much wider than the grid it names';
    const svg = memorySvg(PIXEL, layout({ title, x: { title: 'unit' }, y: { title: 'row' }, colour: { domain: [-1234.5, 0, 1234.5], range: ['#0000ff', '#ffffff', '#ff0000'], title: 'weight' } }));
    expect(svg).toContain('memories &lt;K = 400&gt; &amp; friends');
    expect(edgesWhite(svg)).toBe(true);
  });

  it('is what memoryFigure renders: the grid with its frame, zoomed 2× when narrow', async () => {
    const values = new Float32Array(6 * 100).map((_, k) => k % 256);
    const fig = await memoryFigure(values, { count: 6, shape: [10, 10], cols: 3, scale: 'ink', range: [0, 255], x: { title: 'shard' }, y: { title: 'class' } });
    const png = PNG.sync.read(Buffer.from(fig.png));
    const svgWidth = Number(
      /<svg[^>]* width="(\d+)"/.exec(
        memorySvg(PIXEL, layout({ width: 3 * 22 + 2, height: 2 * 22 + 2, tile: { width: 20, height: 20, gap: 2, cols: 3, rows: 2 }, x: { title: 'shard' }, y: { title: 'class' } })),
      )![1],
    );
    expect(png.width).toBe(2 * svgWidth);
  });
});
