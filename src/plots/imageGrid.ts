/**
 * Renders many small images (prototypes, memories, weights) as one PNG grid, like the figures
 * in the seeds: grayscale with dark ink on white for pixel data, or a blue–white–red scale
 * symmetric around 0 for signed weights.
 *
 * @example
 * writeFileSync('prototypes.png', imageGrid(values, { count: 500, shape: [28, 28], cols: 10, range: [0, 255] }));
 */
import { PNG } from 'pngjs';
import { UsageError } from '../util/errors.js';

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  /** Number of tiles in `values`. */
  count: number;
  /** Tile shape [height, width]. */
  shape: [number, number];
  /** Tiles per row. */
  cols: number;
  /** `ink`: [lo, hi] maps to white → black; `diverging`: ±max|v| maps to blue → white → red. */
  scale?: 'ink' | 'diverging';
  /** Value range for `ink` (default: min/max of all values). */
  range?: [number, number];
  /** Screen pixels per value (default 2). */
  zoom?: number;
  /** Gap between tiles in screen pixels (default 2). */
  gap?: number;
  /** `diverging`: the |value| drawn at full colour, larger ones clipped (default max |v|). */
  limit?: number;
}

/** Encodes the tiles as PNG bytes. */
export function imageGrid(values: ArrayLike<number>, opts: ImageGridOptions): Uint8Array {
  const [h, w] = opts.shape;
  const { count, cols } = opts;
  if (values.length !== count * h * w) throw new UsageError(`imageGrid: ${values.length} values do not make ${count} tiles of ${h}×${w}`);
  const zoom = opts.zoom ?? 2;
  const gap = opts.gap ?? 2;
  const rows = Math.ceil(count / cols);
  const png = new PNG({ width: cols * (w * zoom + gap) + gap, height: rows * (h * zoom + gap) + gap });
  png.data.fill(255);
  const color = colorMap(values, opts);
  for (let t = 0; t < count; t++) {
    const x0 = gap + (t % cols) * (w * zoom + gap);
    const y0 = gap + Math.floor(t / cols) * (h * zoom + gap);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const [R, G, B] = color(values[t * h * w + r * w + c]);
        for (let dy = 0; dy < zoom; dy++) {
          for (let dx = 0; dx < zoom; dx++) {
            const o = ((y0 + r * zoom + dy) * png.width + x0 + c * zoom + dx) * 4;
            png.data[o] = R;
            png.data[o + 1] = G;
            png.data[o + 2] = B;
            png.data[o + 3] = 255;
          }
        }
      }
    }
  }
  return PNG.sync.write(png);
}

function colorMap(values: ArrayLike<number>, opts: ImageGridOptions): (v: number) => [number, number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    lo = Math.min(lo, values[k]);
    hi = Math.max(hi, values[k]);
  }
  if (opts.scale === 'diverging') {
    const m = opts.limit ?? (Math.max(Math.abs(lo), Math.abs(hi)) || 1);
    return (v) => {
      const t = Math.max(-1, Math.min(1, v / m));
      // white at 0, saturating to blue (negative) or red (positive)
      return t < 0 ? [Math.round(255 * (1 + t)), Math.round(255 * (1 + t)), 255] : [255, Math.round(255 * (1 - t)), Math.round(255 * (1 - t))];
    };
  }
  const [a, b] = opts.range ?? [lo, hi];
  const span = b - a || 1;
  return (v) => {
    const g = Math.round(255 * (1 - Math.max(0, Math.min(1, (v - a) / span))));
    return [g, g, g];
  };
}
