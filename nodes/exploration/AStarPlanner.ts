import { INSCRIBED, LETHAL, MAX_PENALTY } from './GridInflation.js';

/**
 * A* on an inflated cost grid (GridInflation): 8-connected, octile heuristic, a binary heap with
 * lazy deletion, no corner cutting past blocked cells. A step costs its length (1 or √2 cells)
 * times 1 + costWeight·penalty/252, so the octile distance stays admissible.
 *
 * A robot whose centre is inside an inflated (not lethal) zone may still leave it: from the start,
 * moves through non-lethal blocked cells are allowed as long as every cell since the start was
 * blocked too, so the path escapes the zone and never re-enters one.
 *
 * The search buffers are kept between calls (a stamp marks which entries belong to the current
 * search), so replanning allocates nothing on a grid of the same size.
 */
export interface AStarResult {
  /** Cell indices from start to goal, inclusive. */
  cells: number[];
  /** Path cost in cells (penalties included). */
  cost: number;
  /** Cells expanded. */
  expanded: number;
}

const SQRT2 = Math.SQRT2;
const DX = [1, -1, 0, 0, 1, 1, -1, -1];
const DY = [0, 0, 1, -1, 1, -1, 1, -1];

export class AStarPlanner {
  #g = new Float64Array(0);
  #parent = new Int32Array(0);
  #mark = new Uint32Array(0);
  #search = 0;
  #heapKey = new Float64Array(1024);
  #heapId = new Int32Array(1024);
  #heapSize = 0;

  /**
   * Plans from cell `start` to cell `goal` (row-major indices); undefined when the goal cannot be
   * reached. The goal must be traversable (see nearestTraversableCell).
   */
  plan(
    cost: Uint8Array,
    width: number,
    height: number,
    start: number,
    goal: number,
    costWeight = 1,
  ): AStarResult | undefined {
    const n = width * height;
    if (start < 0 || start >= n || goal < 0 || goal >= n) return undefined;
    if (cost[start] === LETHAL || cost[goal]! >= INSCRIBED) return undefined;
    if (this.#g.length !== n) {
      this.#g = new Float64Array(n);
      this.#parent = new Int32Array(n);
      this.#mark = new Uint32Array(n);
      this.#search = 0;
    }
    if (this.#search >= 0x7ffffffe) {
      this.#mark.fill(0);
      this.#search = 0;
    }
    const open = 2 * ++this.#search; // mark: open = seen in this search, open + 1 = closed
    const closed = open + 1;
    const g = this.#g;
    const parent = this.#parent;
    const mark = this.#mark;
    const gx = goal % width;
    const gy = (goal - gx) / width;
    const w = costWeight / MAX_PENALTY;
    const h = (i: number): number => {
      const x = i % width;
      const dx = Math.abs(x - gx);
      const dy = Math.abs((i - x) / width - gy);
      return dx > dy ? dx + (SQRT2 - 1) * dy : dy + (SQRT2 - 1) * dx;
    };
    this.#heapSize = 0;
    g[start] = 0;
    parent[start] = -1;
    mark[start] = open;
    this.#push(h(start), start);
    let expanded = 0;
    while (this.#heapSize > 0) {
      const cur = this.#pop();
      if (mark[cur] === closed) continue; // a stale duplicate
      mark[cur] = closed;
      expanded++;
      if (cur === goal) return { cells: this.#trace(goal), cost: g[goal]!, expanded };
      const cx = cur % width;
      const cy = (cur - cx) / width;
      const curBlocked = cost[cur]! >= INSCRIBED;
      const gc = g[cur]!;
      for (let k = 0; k < 8; k++) {
        const nx = cx + DX[k]!;
        const ny = cy + DY[k]!;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const nb = ny * width + nx;
        if (mark[nb] === closed) continue;
        const c = cost[nb]!;
        if (c === LETHAL || (c >= INSCRIBED && !curBlocked)) continue;
        let step = 1;
        if (k >= 4) {
          // No corner cutting: both orthogonal neighbours must be passable too.
          const a = cost[cy * width + nx]!;
          const b = cost[ny * width + cx]!;
          if (a === LETHAL || b === LETHAL || (!curBlocked && (a >= INSCRIBED || b >= INSCRIBED))) continue;
          step = SQRT2;
        }
        const ng = gc + step * (1 + w * (c >= INSCRIBED ? MAX_PENALTY : c));
        if (mark[nb] === open && ng >= g[nb]!) continue;
        mark[nb] = open;
        g[nb] = ng;
        parent[nb] = cur;
        this.#push(ng + h(nb), nb);
      }
    }
    return undefined;
  }

  #trace(goal: number): number[] {
    const cells: number[] = [];
    for (let c = goal; c !== -1; c = this.#parent[c]!) cells.push(c);
    return cells.reverse();
  }

  #push(key: number, id: number): void {
    if (this.#heapSize === this.#heapKey.length) {
      const k = new Float64Array(this.#heapKey.length * 2);
      k.set(this.#heapKey);
      this.#heapKey = k;
      const d = new Int32Array(this.#heapId.length * 2);
      d.set(this.#heapId);
      this.#heapId = d;
    }
    const keys = this.#heapKey;
    const ids = this.#heapId;
    let i = this.#heapSize++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (keys[up]! <= key) break;
      keys[i] = keys[up]!;
      ids[i] = ids[up]!;
      i = up;
    }
    keys[i] = key;
    ids[i] = id;
  }

  #pop(): number {
    const keys = this.#heapKey;
    const ids = this.#heapId;
    const top = ids[0]!;
    const size = --this.#heapSize;
    if (size === 0) return top;
    const key = keys[size]!;
    const id = ids[size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      ids[i] = ids[child]!;
      i = child;
    }
    keys[i] = key;
    ids[i] = id;
    return top;
  }
}

/**
 * The traversable cell nearest (Euclidean) to `cell`, searching rings out to `maxRadius` cells;
 * `cell` itself when it is traversable; −1 when none is that close. Used for a goal inside an
 * obstacle or its inflation.
 */
export function nearestTraversableCell(
  cost: Uint8Array,
  width: number,
  height: number,
  cell: number,
  maxRadius: number,
): number {
  const x0 = cell % width;
  const y0 = (cell - x0) / width;
  if (cost[cell]! < INSCRIBED) return cell;
  let best = -1;
  let bestD2 = Infinity;
  for (let r = 1; r <= maxRadius; r++) {
    if (best !== -1 && (r - 1) * (r - 1) > bestD2) break; // no cell of this ring can be nearer
    for (let dy = -r; dy <= r; dy++) {
      const y = y0 + dy;
      if (y < 0 || y >= height) continue;
      const edge = dy === -r || dy === r;
      for (let dx = -r; dx <= r; dx += edge ? 1 : 2 * r) {
        const x = x0 + dx;
        if (x < 0 || x >= width) continue;
        const d2 = dx * dx + dy * dy;
        if (d2 < bestD2 && d2 <= maxRadius * maxRadius && cost[y * width + x]! < INSCRIBED) {
          bestD2 = d2;
          best = y * width + x;
        }
      }
    }
  }
  return best;
}
