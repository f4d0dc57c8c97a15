/**
 * Turns an occupancy grid (nav_msgs/OccupancyGrid values: −1 unknown, 0..100) into the cost grid
 * the planner searches, the way costmap_2d's inflation layer does (Nav2, "inflation_layer"):
 * - LETHAL (254): occupied, value ≥ `occupiedThreshold`.
 * - INSCRIBED (253): within `robotRadius` of an occupied cell: the robot's centre cannot be there.
 * - UNKNOWN (255): an unknown cell when unknown space is not allowed.
 * - 0..252: free (or unknown and allowed), with a penalty falling linearly from 252 at the robot
 *   radius to 0 at `inflationRadius`, so paths keep clear of walls when there is room.
 * A cell is traversable when its cost is below INSCRIBED.
 *
 * Distances are Euclidean between cell centres, found by stamping a precomputed disk around each
 * occupied cell that borders a non-occupied one (the nearest obstacle of any free cell is such a
 * cell): O(boundary cells × disk), a few ms on a 640×480 map.
 */
export const INSCRIBED = 253;
export const LETHAL = 254;
export const UNKNOWN = 255;
export const MAX_PENALTY = 252;

export interface InflationParams {
  /** Cell values at or above this are obstacles (0..100; map_server's default is 65). */
  occupiedThreshold: number;
  /** Robot radius in cells (metres / resolution). */
  robotRadius: number;
  /** Distance in cells up to which a penalty applies; ≤ robotRadius for none. */
  inflationRadius: number;
  /** Unknown cells are traversable (exploration) or blocked. */
  allowUnknown: boolean;
}

export function isTraversable(cost: number): boolean {
  return cost < INSCRIBED;
}

/** Inflates `data` (width × height, row-major) into `out` (reused when large enough) and returns it. */
export function inflateGrid(
  data: ArrayLike<number>,
  width: number,
  height: number,
  p: InflationParams,
  out?: Uint8Array,
): Uint8Array {
  const n = width * height;
  if (data.length !== n)
    throw new RangeError(`inflateGrid: expected ${n} cells (${width}×${height}), got ${data.length}`);
  const cost = out !== undefined && out.length === n ? out : new Uint8Array(n);
  inflateRegion(data, width, height, p, cost, 0, 0, width - 1, height - 1);
  return cost;
}

/**
 * Recomputes `cost` (a previous inflateGrid result for the same size and parameters) inside the
 * cells x0..x1 × y0..y1 (inclusive) from `data`, exactly as inflateGrid would: each cell's cost
 * depends only on the occupied cells within the inflation radius, so the obstacles within that
 * radius of the window are re-stamped, writing inside the window only.
 */
export function inflateRegion(
  data: ArrayLike<number>,
  width: number,
  height: number,
  p: InflationParams,
  cost: Uint8Array,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): void {
  const { offX, offY, offD2, costOfD2, reach } = stampFor(p);
  const thr = p.occupiedThreshold;
  const occ = (v: number): boolean => v >= thr;
  // Base costs.
  for (let y = y0; y <= y1; y++) {
    for (let i = y * width + x0, e = y * width + x1; i <= e; i++) {
      const v = data[i]!;
      cost[i] = v >= thr ? LETHAL : v < 0 && !p.allowUnknown ? UNKNOWN : 0;
    }
  }
  const k = offD2.length;
  if (k === 0) return;
  const sx0 = Math.max(0, x0 - reach);
  const sx1 = Math.min(width - 1, x1 + reach);
  const sy0 = Math.max(0, y0 - reach);
  const sy1 = Math.min(height - 1, y1 + reach);
  for (let y = sy0; y <= sy1; y++) {
    for (let x = sx0; x <= sx1; x++) {
      const i = y * width + x;
      if (!occ(data[i]!)) continue;
      const boundary =
        (x > 0 && !occ(data[i - 1]!)) ||
        (x < width - 1 && !occ(data[i + 1]!)) ||
        (y > 0 && !occ(data[i - width]!)) ||
        (y < height - 1 && !occ(data[i + width]!));
      if (!boundary) continue;
      const inside = x - reach >= x0 && y - reach >= y0 && x + reach <= x1 && y + reach <= y1;
      for (let j = 0; j < k; j++) {
        const cx = x + offX[j]!;
        const cy = y + offY[j]!;
        if (!inside && (cx < x0 || cy < y0 || cx > x1 || cy > y1)) continue;
        const c = cy * width + cx;
        const was = cost[c]!;
        if (was === LETHAL) continue;
        const v = costOfD2[offD2[j]!]!;
        // INSCRIBED beats UNKNOWN (both block) and any penalty; a larger penalty beats a smaller one.
        if (was === UNKNOWN ? v === INSCRIBED : v > was) cost[c] = v;
      }
    }
  }
}

interface Stamp {
  offX: Int32Array;
  offY: Int32Array;
  offD2: Int32Array;
  costOfD2: Uint8Array;
  reach: number;
}
let lastStamp: { key: string; stamp: Stamp } | undefined;

/** Disk offsets within the inflation radius and the cost of each squared distance (cached for the last parameters). */
function stampFor(p: InflationParams): Stamp {
  const key = `${p.robotRadius}|${p.inflationRadius}`;
  if (lastStamp?.key === key) return lastStamp.stamp;
  const R = Math.max(p.inflationRadius, p.robotRadius, 0);
  const R2 = R * R;
  const reach = Math.floor(R);
  const offX: number[] = [];
  const offY: number[] = [];
  const offD2: number[] = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      const d2 = dx * dx + dy * dy;
      if (d2 <= R2 && d2 > 0) {
        offX.push(dx);
        offY.push(dy);
        offD2.push(d2);
      }
    }
  }
  const maxD2 = Math.floor(R2);
  const costOfD2 = new Uint8Array(maxD2 + 1);
  const r = p.robotRadius;
  for (let d2 = 0; d2 <= maxD2; d2++) {
    const d = Math.sqrt(d2);
    if (d <= r) costOfD2[d2] = INSCRIBED;
    else costOfD2[d2] = R > r ? Math.min(MAX_PENALTY, Math.round((MAX_PENALTY * (R - d)) / (R - r))) : 0;
  }
  const stamp = {
    offX: Int32Array.from(offX),
    offY: Int32Array.from(offY),
    offD2: Int32Array.from(offD2),
    costOfD2,
    reach,
  };
  lastStamp = { key, stamp };
  return stamp;
}

/**
 * Keeps a cost grid up to date as the map changes (the planners used to re-inflate the whole
 * 640×480 fleet map on every update). Cells are compared by class (occupied / unknown / free),
 * the only thing inflation reads; each `block`×`block` block where a class changed is re-inflated
 * with a margin of the inflation radius, by inflateRegion. The result equals inflateGrid's.
 */
export class IncrementalInflation {
  readonly #block: number;
  #classes: Uint8Array | undefined;
  #cost: Uint8Array | undefined;
  #key = '';
  /** The raw map of the last update, when it was an Int8Array (cells whose value is unchanged keep their class). */
  #prev: Int8Array | undefined;
  /** Cells recomputed by the last update (for tests and diagnostics). */
  lastRecomputed = 0;

  constructor(block = 32) {
    this.#block = block;
  }

  update(data: ArrayLike<number>, width: number, height: number, p: InflationParams): Uint8Array {
    const n = width * height;
    const key = `${width}|${height}|${p.occupiedThreshold}|${p.robotRadius}|${p.inflationRadius}|${p.allowUnknown}`;
    const classOf = (v: number): number => (v >= p.occupiedThreshold ? 2 : v < 0 ? 1 : 0);
    if (this.#cost === undefined || this.#classes === undefined || key !== this.#key) {
      this.#cost = inflateGrid(data, width, height, p);
      this.#classes = new Uint8Array(n);
      for (let i = 0; i < n; i++) this.#classes[i] = classOf(data[i]!);
      this.#key = key;
      this.#prev = data instanceof Int8Array ? data.slice() : undefined;
      this.lastRecomputed = n;
      return this.#cost;
    }
    if (data.length !== n)
      throw new RangeError(`inflateGrid: expected ${n} cells (${width}×${height}), got ${data.length}`);
    const b = this.#block;
    const bw = Math.ceil(width / b);
    const bh = Math.ceil(height / b);
    const dirty = new Uint8Array(bw * bh);
    const classes = this.#classes;
    const prev = this.#prev;
    if (prev !== undefined && data instanceof Int8Array && data.byteOffset % 4 === 0) {
      // A cell's class changes only where its value did: compare the raw maps four cells at a
      // time (the fleet map changes in a few tiles per update; a class per cell over the whole
      // 640×480 map was most of this update's cost in a CPU profile).
      const words = n >> 2;
      const wa = new Int32Array(prev.buffer, 0, words);
      const wb = new Int32Array(data.buffer, data.byteOffset, words);
      const visit = (i: number): void => {
        const c = classOf(data[i]!);
        if (c !== classes[i]) {
          classes[i] = c;
          const y = Math.floor(i / width);
          dirty[Math.floor(y / b) * bw + Math.floor((i - y * width) / b)] = 1;
        }
      };
      for (let k = 0; k < words; k++) if (wa[k] !== wb[k]) for (let i = 4 * k; i < 4 * k + 4; i++) visit(i);
      for (let i = words << 2; i < n; i++) visit(i);
      prev.set(data);
    } else {
      for (let y = 0; y < height; y++) {
        const row = Math.floor(y / b) * bw;
        for (let x = 0, i = y * width; x < width; x++, i++) {
          const c = classOf(data[i]!);
          if (c !== classes[i]) {
            classes[i] = c;
            dirty[row + Math.floor(x / b)] = 1;
          }
        }
      }
      this.#prev = data instanceof Int8Array ? data.slice() : undefined;
    }
    const reach = Math.floor(Math.max(p.inflationRadius, p.robotRadius, 0));
    this.lastRecomputed = 0;
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        if (dirty[by * bw + bx] === 0) continue;
        // A run of dirty blocks in a row is one window: their margins overlap, and each window is
        // recomputed exactly, so fewer, wider windows give the same costs with less work.
        let end = bx;
        while (end + 1 < bw && dirty[by * bw + end + 1] === 1) end++;
        const x0 = Math.max(0, bx * b - reach);
        const y0 = Math.max(0, by * b - reach);
        const x1 = Math.min(width - 1, (end + 1) * b - 1 + reach);
        const y1 = Math.min(height - 1, (by + 1) * b - 1 + reach);
        inflateRegion(data, width, height, p, this.#cost, x0, y0, x1, y1);
        this.lastRecomputed += (x1 - x0 + 1) * (y1 - y0 + 1);
        bx = end;
      }
    }
    return this.#cost;
  }
}
