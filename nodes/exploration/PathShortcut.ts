import { INSCRIBED } from './GridInflation.js';

/**
 * Line-of-sight shortcutting of a grid path (the post-smoothing of Theta*-style planners, Botea et
 * al. 2004): from each kept cell, jump to the farthest later cell that a straight line reaches
 * over traversable cells no costlier than the worst cell of the path it replaces, so a shortcut
 * never runs closer to a wall than the A* path did. Returns the kept cells (first and last always).
 */
export function shortcutPath(cost: Uint8Array, width: number, cells: readonly number[]): number[] {
  if (cells.length <= 2) return [...cells];
  const out = [cells[0]!];
  let i = 0;
  while (i < cells.length - 1) {
    let best = i + 1;
    let worst = Math.max(cost[cells[i]!]!, cost[cells[i + 1]!]!);
    for (let j = i + 2; j < cells.length; j++) {
      worst = Math.max(worst, cost[cells[j]!]!);
      if (!lineClear(cost, width, cells[i]!, cells[j]!, worst)) break;
      best = j;
    }
    out.push(cells[best]!);
    i = best;
  }
  return out;
}

/** True when every cell of the line a→b (supercover-free Bresenham) is traversable and ≤ maxCost. */
export function lineClear(cost: Uint8Array, width: number, a: number, b: number, maxCost = INSCRIBED - 1): boolean {
  let x = a % width;
  let y = (a - x) / width;
  const x1 = b % width;
  const y1 = (b - x1) / width;
  const dx = Math.abs(x1 - x);
  const dy = -Math.abs(y1 - y);
  const sx = x < x1 ? 1 : -1;
  const sy = y < y1 ? 1 : -1;
  let err = dx + dy;
  const limit = Math.min(maxCost, INSCRIBED - 1);
  for (;;) {
    const c = cost[y * width + x]!;
    if (c > limit) return false;
    if (x === x1 && y === y1) return true;
    const e2 = 2 * err;
    // Both steps at once would cut a corner: check the two cells beside the diagonal step.
    if (e2 >= dy && e2 <= dx) {
      if (cost[y * width + x + sx]! > limit || cost[(y + sy) * width + x]! > limit) return false;
    }
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}
