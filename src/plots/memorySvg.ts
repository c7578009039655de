/**
 * A tile grid of memories drawn straight to SVG: the same figure as `memorySpec` (title, the grid
 * image, axes naming columns and rows, a colour bar), laid out here instead of by Vega. A run
 * draws this figure at its end, and while a stream goes; loading Vega and Vega-Lite for it cost
 * more memory than the stream itself held. Browser-safe: no Node modules.
 */
import { ticks } from 'd3-array';
import { format } from 'd3-format';
import type { GridAxis, MemorySpecOptions } from './specs.js';

const PAD = 5;
const FONT = { title: 13, axisTitle: 11, label: 9, legendLabel: 10 };
const BAR = 16;
const legendLabel = format('.3~r');

/** The figure as an SVG document, `imageUrl` (the grid as PNG) drawn pixel for pixel. */
export function memorySvg(imageUrl: string, o: MemorySpecOptions): string {
  const { width: w, height: h, tile } = o;
  const out: string[] = [];
  const yLabels = o.y ? axisLabels(o.y, tile.rows, tile.height, tile.gap) : [];
  const xLabels = o.x ? axisLabels(o.x, tile.cols, tile.width, tile.gap) : [];
  const yLabelWidth = Math.max(0, ...yLabels.map((l) => textWidth(l.text, FONT.label)));
  const axisLeft = PAD + (o.y ? FONT.axisTitle + 6 + yLabelWidth + 4 : 0);
  // A title wider than the grid and its y axis moves them right, so that it stays centred over the grid.
  const titleWidth = o.title ? textWidth(o.title, FONT.title, true) : 0;
  const left = Math.max(axisLeft, PAD + titleWidth / 2 - w / 2);
  const top = PAD + (o.title ? FONT.title + 9 : 0);

  out.push(`<image x="${left}" y="${top}" width="${w}" height="${h}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="${escape(imageUrl)}"/>`);
  if (o.y) {
    const x = left - 4 - yLabelWidth - 6;
    const labels = yLabels.map((l) => text(l.text, left - 4, top + l.at, FONT.label, { anchor: 'end', middle: true }));
    const title = `<text transform="translate(${x},${top + h / 2}) rotate(-90)" text-anchor="middle" font-size="${FONT.axisTitle}" font-weight="bold">${escape(o.y.title)}</text>`;
    out.push(`<g class="y-axis">${labels.join('')}${title}</g>`);
  }
  let bottom = top + h;
  if (o.x) {
    const labels = xLabels.map((l) => text(l.text, left + l.at, top + h + 4 + FONT.label, FONT.label, { anchor: 'middle' }));
    bottom += 4 + FONT.label + 4 + FONT.axisTitle;
    out.push(`<g class="x-axis">${labels.join('')}${text(o.x.title, left + w / 2, bottom, FONT.axisTitle, { anchor: 'middle', bold: true })}</g>`);
  }
  const legend = colourBar(o.colour, left + w + 18, top, Math.max(60, Math.min(h, 300)));
  out.push(legend.svg);
  if (o.title) out.push(text(o.title, left + w / 2, PAD + FONT.title, FONT.title, { anchor: 'middle', bold: true }));

  const width = Math.ceil(Math.max(legend.right, left + w / 2 + titleWidth / 2) + PAD);
  const height = Math.ceil(Math.max(bottom + 3, legend.bottom) + PAD);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...out,
    '</svg>',
  ].join('\n');
}

/** Labels at the centres of every `every`-th tile along one side, by tile index. */
function axisLabels(a: GridAxis, n: number, size: number, gap: number): { text: string; at: number }[] {
  const every = a.every ?? 1;
  return Array.from({ length: Math.ceil(n / every) }, (_, i) => ({ text: String(i * every), at: gap + i * every * (size + gap) + size / 2 }));
}

/** A vertical colour bar (highest value on top) with its title above and labelled ticks beside. */
function colourBar(c: MemorySpecOptions['colour'], x: number, top: number, length: number): { svg: string; right: number; bottom: number } {
  const parts: string[] = [];
  const titleLines = c.title === null ? [] : Array.isArray(c.title) ? c.title : [c.title];
  titleLines.forEach((line, i) => parts.push(text(line, x, top + FONT.axisTitle * (i + 1), FONT.axisTitle, { bold: true })));
  const y0 = top + (titleLines.length ? FONT.axisTitle * titleLines.length + 5 : 0);
  const lo = c.domain[0];
  const hi = c.domain[c.domain.length - 1];
  const stops = c.domain.map((d, i) => `<stop offset="${(d - lo) / (hi - lo || 1)}" stop-color="${c.range[i]}"/>`);
  parts.push(`<defs><linearGradient id="colour-bar" x1="0" y1="1" x2="0" y2="0">${stops.join('')}</linearGradient></defs>`);
  parts.push(`<rect x="${x}" y="${y0}" width="${BAR}" height="${length}" fill="url(#colour-bar)" stroke="#aaa" stroke-width="0.5"/>`);
  const values = ticks(lo, hi, Math.max(2, 2 * Math.floor(length / 100)));
  const labels = values.map(legendLabel);
  values.forEach((v, i) => {
    const y = y0 + length * (1 - (v - lo) / (hi - lo || 1));
    parts.push(`<line x1="${x + BAR}" y1="${y}" x2="${x + BAR + 3}" y2="${y}" stroke="#888" stroke-width="0.5"/>`);
    parts.push(text(labels[i], x + BAR + 5, y, FONT.legendLabel, { middle: true }));
  });
  const labelWidth = Math.max(0, ...labels.map((l) => textWidth(l, FONT.legendLabel)));
  const titleWidth = Math.max(0, ...titleLines.map((l) => textWidth(l, FONT.axisTitle, true)));
  return { svg: `<g class="colour-bar">${parts.join('')}</g>`, right: x + Math.max(BAR + 5 + labelWidth, titleWidth), bottom: y0 + length + FONT.legendLabel / 2 };
}

function text(s: string, x: number, y: number, size: number, o: { anchor?: 'start' | 'middle' | 'end'; middle?: boolean; bold?: boolean }): string {
  const attrs = [`x="${x}"`, `y="${y}"`, `font-size="${size}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.middle) attrs.push('dominant-baseline="central"');
  if (o.bold) attrs.push('font-weight="bold"');
  return `<text ${attrs.join(' ')}>${escape(s)}</text>`;
}

/** About the advance of `s` in DejaVu Sans (digits 0.64 em, narrow marks 0.32, most others 0.6), for laying out text before it is drawn. */
function textWidth(s: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of s) em += /[0-9A-Zmw%±−]/.test(ch) ? 0.64 : /[ijlft.,;:|!'() ]/.test(ch) ? 0.32 : 0.6;
  return em * size * (bold ? 1.2 : 1);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
