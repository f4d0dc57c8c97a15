import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { FleetState } from './FleetState.js';

/** The dashboard's robot colours (monitor/web/dashboard.js), so the PNG and the page agree. */
const COLORS: ReadonlyArray<readonly [number, number, number]> = [
  [0xd6, 0x27, 0x28],
  [0x1f, 0x5f, 0xd6],
  [0x1a, 0x8f, 0x2a],
  [0x8e, 0x44, 0xad],
  [0xe6, 0x7e, 0x00],
  [0x00, 0x83, 0x8f],
  [0xc2, 0x18, 0x5b],
  [0x5d, 0x40, 0x37],
];
const UNKNOWN = [154, 163, 173] as const;

/**
 * Writes the team's final map with every robot's trail (its colour), goal (a cross) and last
 * pose (a disc) as a PNG beside a mission report: `out.json` → `out.png`. Returns the PNG's path,
 * or undefined when there was no map to draw.
 */
export function writeMissionPng(state: FleetState, reportPath: string): string | undefined {
  const png = missionPng(state);
  if (png === undefined) return undefined;
  const path = `${reportPath.replace(/\.json$/i, '')}.png`;
  writeFileSync(path, png);
  return path;
}

/** The encoded PNG (see writeMissionPng); undefined without a map. */
export function missionPng(state: FleetState): Buffer | undefined {
  state.mergeMaps();
  const g = state.map.geometry;
  if (g === undefined) return undefined;
  // Big enough to read at a glance, small enough to mail: about 1200 px on the long side.
  const k = Math.max(1, Math.min(8, Math.floor(1200 / Math.max(g.width, g.height))));
  const W = g.width * k;
  const H = g.height * k;
  const png = new PNG({ width: W, height: H });
  const cells = state.map.cells;
  for (let cy = 0; cy < g.height; cy++) {
    for (let cx = 0; cx < g.width; cx++) {
      const v = cells[cy * g.width + cx]!;
      const rgb =
        v === 255
          ? UNKNOWN
          : v >= 65
            ? [0, 0, 0]
            : [255 - Math.round(v * 2.55), 255 - Math.round(v * 2.55), 255 - Math.round(v * 2.55)];
      for (let dy = 0; dy < k; dy++) {
        // Row 0 of the grid is at the map's origin (bottom); the picture's row 0 is its top.
        const row = (H - 1 - (cy * k + dy)) * W;
        for (let dx = 0; dx < k; dx++) {
          const o = (row + cx * k + dx) * 4;
          png.data[o] = rgb[0]!;
          png.data[o + 1] = rgb[1]!;
          png.data[o + 2] = rgb[2]!;
          png.data[o + 3] = 255;
        }
      }
    }
  }
  const px = (x: number) => ((x - g.originX) / g.resolution) * k;
  const py = (y: number) => H - ((y - g.originY) / g.resolution) * k;
  const dot = (x: number, y: number, r: number, rgb: readonly number[]) => {
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (dx * dx + dy * dy > r * r) continue;
        const X = Math.round(x) + dx;
        const Y = Math.round(y) + dy;
        if (X < 0 || Y < 0 || X >= W || Y >= H) continue;
        const o = (Y * W + X) * 4;
        png.data[o] = rgb[0]!;
        png.data[o + 1] = rgb[1]!;
        png.data[o + 2] = rgb[2]!;
      }
    }
  };
  const segment = (x0: number, y0: number, x1: number, y1: number, r: number, rgb: readonly number[]) => {
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
    for (let i = 0; i <= n; i++) dot(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n, r, rgb);
  };
  const thick = Math.max(1, Math.round(k / 2));
  for (const [i, r] of state.robotTracks().entries()) {
    const rgb = COLORS[i % COLORS.length]!;
    const t = r.trail;
    for (let j = 2; j + 1 < t.length; j += 2)
      segment(px(t[j - 2]!), py(t[j - 1]!), px(t[j]!), py(t[j + 1]!), thick, rgb);
    if (r.goal !== null) {
      const [gx, gy] = [px(r.goal[0]), py(r.goal[1])];
      const s = 4 * thick + 2;
      segment(gx - s, gy - s, gx + s, gy + s, thick, rgb);
      segment(gx - s, gy + s, gx + s, gy - s, thick, rgb);
    }
    if (r.pose !== undefined) {
      dot(px(r.pose[0]!), py(r.pose[1]!), 3 * thick + 2, [0, 0, 0]);
      dot(px(r.pose[0]!), py(r.pose[1]!), 3 * thick, rgb);
    }
  }
  return PNG.sync.write(png);
}
