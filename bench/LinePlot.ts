import { PNG } from 'pngjs';

/** One line of a plot: points (x, y) in data units, drawn in `rgb`. */
export interface PlotSeries {
  label: string;
  rgb: [number, number, number];
  points: readonly (readonly [number, number])[];
}

export interface LinePlotOptions {
  width?: number;
  height?: number;
  /** Grid line spacing in data units (one label per grid line). */
  xStep: number;
  yStep: number;
  /** The y axis starts at 0 (memory plots: growth reads truthfully against zero). Default true. */
  yFromZero?: boolean;
}

// A 3×5 bitmap font for digits, so the axes carry numbers without a font dependency.
const GLYPHS: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001111',
  '.': '000000000000010',
  '-': '000000111000000',
};

/**
 * A PNG line plot (white ground, grey grid, numbered axes at 2× glyph scale). Legends are left to
 * the caller's report: the colours are named there. Returns the encoded PNG.
 */
export function linePlot(series: readonly PlotSeries[], o: LinePlotOptions): Buffer {
  const width = o.width ?? 900;
  const height = o.height ?? 500;
  const png = new PNG({ width, height });
  png.data.fill(255);
  const set = (x: number, y: number, [r, g, b]: readonly number[]): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (Math.round(y) * width + Math.round(x)) * 4;
    png.data[i] = r!;
    png.data[i + 1] = g!;
    png.data[i + 2] = b!;
    png.data[i + 3] = 255;
  };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(o.xStep, ...all.map((p) => p[0]));
  const xMin = Math.min(xMax, ...all.map((p) => p[0]));
  const yMax = Math.ceil(Math.max(o.yStep, ...all.map((p) => p[1])) / o.yStep) * o.yStep;
  const yMin = (o.yFromZero ?? true) ? 0 : Math.floor(Math.min(...all.map((p) => p[1])) / o.yStep) * o.yStep;
  const left = 60;
  const right = width - 20;
  const top = 20;
  const bottom = height - 40;
  const px = (x: number): number => left + ((x - xMin) / Math.max(1e-9, xMax - xMin)) * (right - left);
  const py = (y: number): number => bottom - ((y - yMin) / Math.max(1e-9, yMax - yMin)) * (bottom - top);
  const text = (s: string, x: number, y: number): void => {
    for (const [k, ch] of [...s].entries()) {
      const g = GLYPHS[ch];
      if (g === undefined) continue;
      for (let i = 0; i < 15; i++) {
        if (g[i] !== '1') continue;
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++) set(x + k * 8 + (i % 3) * 2 + dx, y + Math.floor(i / 3) * 2 + dy, [0, 0, 0]);
      }
    }
  };
  const grey = [220, 220, 220];
  for (let x = Math.ceil(xMin / o.xStep) * o.xStep; x <= xMax; x += o.xStep) {
    for (let y = top; y <= bottom; y++) set(px(x), y, grey);
    text(fmt(x), px(x) - 8, bottom + 8);
  }
  for (let y = yMin; y <= yMax; y += o.yStep) {
    for (let x = left; x <= right; x++) set(x, py(y), grey);
    text(fmt(y), 4, py(y) - 5);
  }
  for (let x = left; x <= right; x++) set(x, bottom, [0, 0, 0]);
  for (let y = top; y <= bottom; y++) set(left, y, [0, 0, 0]);
  for (const s of series) {
    for (let i = 1; i < s.points.length; i++) {
      const [x0, y0] = [px(s.points[i - 1]![0]), py(s.points[i - 1]![1])];
      const [x1, y1] = [px(s.points[i]![0]), py(s.points[i]![1])];
      const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
      for (let k = 0; k <= n; k++) {
        const x = x0 + ((x1 - x0) * k) / n;
        const y = y0 + ((y1 - y0) * k) / n;
        set(x, y, s.rgb);
        set(x, y + 1, s.rgb);
      }
    }
  }
  return PNG.sync.write(png);
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
