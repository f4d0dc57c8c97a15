import type { Random } from '../../Random.js';
import type { CellCanvas } from '../CellCanvas.js';
import { CELL_FREE, CELL_OCCUPIED } from '../GridWorld.js';

/**
 * A cave with a forest floor: a cellular automaton (42% rock, then five rounds of "rock where at
 * least 5 of the 3×3 block are rock", the classic cave rule) on a coarse 0.8 m lattice, smoothed
 * onto the fine grid by bilinear interpolation of the coarse rock field (threshold 0.5) and one
 * majority vote over a (coarse+1)² window, so walls are rounded rather than staircased; then scattered tree trunks (radius 0.15–0.35 m, about one per
 * 40 m² of open floor). Pockets the automaton or the trees cut off are closed by generateWorld.
 */
export function generateCave(c: CellCanvas, rng: Random): void {
  const coarse = c.cellsFor(0.8, 1);
  const gw = Math.ceil(c.width / coarse) + 1;
  const gh = Math.ceil(c.height / coarse) + 1;
  let rock = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const border = x === 0 || y === 0 || x === gw - 1 || y === gh - 1;
      rock[y * gw + x] = border || rng.chance(0.42) ? 1 : 0;
    }
  }
  for (let round = 0; round < 5; round++) {
    const next = new Uint8Array(gw * gh);
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            n += xx < 0 || yy < 0 || xx >= gw || yy >= gh ? 1 : rock[yy * gw + xx]!;
          }
        }
        next[y * gw + x] = n >= 5 ? 1 : 0;
      }
    }
    rock = next;
  }
  // Coarse node (i, j) sits at fine cell coordinate (i·coarse, j·coarse); interpolate between nodes.
  for (let y = 0; y < c.height; y++) {
    const fy = (y + 0.5) / coarse;
    const j = Math.min(gh - 2, Math.floor(fy));
    const ty = fy - j;
    for (let x = 0; x < c.width; x++) {
      const fx = (x + 0.5) / coarse;
      const i = Math.min(gw - 2, Math.floor(fx));
      const tx = fx - i;
      const v =
        (1 - ty) * ((1 - tx) * rock[j * gw + i]! + tx * rock[j * gw + i + 1]!) +
        ty * ((1 - tx) * rock[(j + 1) * gw + i]! + tx * rock[(j + 1) * gw + i + 1]!);
      c.cells[y * c.width + x] = v > 0.5 ? CELL_OCCUPIED : CELL_FREE;
    }
  }
  smooth(c, Math.max(1, Math.round(coarse / 2)));
  const areaM2 = c.width * c.height * c.resolution * c.resolution;
  const trees = Math.round(areaM2 / 40);
  for (let k = 0; k < trees; k++) {
    const x = rng.uniform(0, c.width);
    const y = rng.uniform(0, c.height);
    const r = rng.uniform(0.15, 0.35) / c.resolution;
    if (c.get(Math.floor(x), Math.floor(y)) === CELL_FREE) c.disc(x, y, Math.max(0.5, r), CELL_OCCUPIED);
  }
}

/** One majority vote per cell over a (2r+1)² window (an integral image keeps it O(cells)). */
function smooth(c: CellCanvas, r: number): void {
  const w = c.width;
  const h = c.height;
  const sum = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += c.cells[y * w + x] === CELL_OCCUPIED ? 1 : 0;
      sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1]! + row;
    }
  }
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const rocks =
        sum[y1 * (w + 1) + x1]! - sum[y0 * (w + 1) + x1]! - sum[y1 * (w + 1) + x0]! + sum[y0 * (w + 1) + x0]!;
      c.cells[y * w + x] = 2 * rocks > (y1 - y0) * (x1 - x0) ? CELL_OCCUPIED : CELL_FREE;
    }
  }
}
