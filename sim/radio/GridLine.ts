/**
 * The cells of a straight line between two grid cells, by Bresenham's algorithm (8-connected,
 * max(|dx|, |dy|) + 1 cells, both ends included, in order from the first to the second), as the
 * line-of-sight radio walks the map (IR2 uses skimage.draw.line, which visits the same number of
 * cells; where the line passes exactly between two cells the one chosen may differ).
 * `visit` is called for each cell in turn.
 */
export function gridLine(x0: number, y0: number, x1: number, y1: number, visit: (x: number, y: number) => void): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  let x = x0;
  let y = y0;
  for (;;) {
    visit(x, y);
    if (x === x1 && y === y1) return;
    const e2 = 2 * err;
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
