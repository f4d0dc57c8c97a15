import { CELL_FREE, CELL_OCCUPIED } from './GridWorld.js';

/**
 * Connected components of a grid's free space, 4-connected (a robot cannot slip diagonally
 * between two blocked cells that touch at a corner). `labels[i]` is the component index of free
 * cell i (0-based) or -1 for a blocked cell; `sizes[k]` the cell count of component k.
 */
export function labelFreeComponents(
  cells: Uint8Array,
  width: number,
  height: number,
): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(cells.length).fill(-1);
  const sizes: number[] = [];
  const stack = new Int32Array(cells.length);
  for (let start = 0; start < cells.length; start++) {
    if (cells[start] !== CELL_FREE || labels[start] !== -1) continue;
    const k = sizes.length;
    let top = 0;
    let size = 0;
    stack[top++] = start;
    labels[start] = k;
    while (top > 0) {
      const i = stack[--top]!;
      size++;
      const x = i % width;
      const push = (j: number): void => {
        if (cells[j] === CELL_FREE && labels[j] === -1) {
          labels[j] = k;
          stack[top++] = j;
        }
      };
      if (x > 0) push(i - 1);
      if (x < width - 1) push(i + 1);
      if (i >= width) push(i - width);
      if (i < (height - 1) * width) push(i + width);
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/**
 * Closes every free pocket not reachable from the largest free component (fills it occupied), so
 * that all free space is one component. Returns the number of cells filled.
 */
export function keepLargestFreeComponent(cells: Uint8Array, width: number, height: number): number {
  const { labels, sizes } = labelFreeComponents(cells, width, height);
  if (sizes.length <= 1) return 0;
  let best = 0;
  for (let k = 1; k < sizes.length; k++) if (sizes[k]! > sizes[best]!) best = k;
  let filled = 0;
  for (let i = 0; i < cells.length; i++) {
    if (labels[i] !== -1 && labels[i] !== best) {
      cells[i] = CELL_OCCUPIED;
      filled++;
    }
  }
  return filled;
}

/** Makes the outermost `thickness` rings of cells occupied. */
export function closeBorder(cells: Uint8Array, width: number, height: number, thickness = 1): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < thickness || y < thickness || x >= width - thickness || y >= height - thickness)
        cells[y * width + x] = CELL_OCCUPIED;
    }
  }
}
