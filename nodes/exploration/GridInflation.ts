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
export function inflateGrid(data: ArrayLike<number>, width: number, height: number, p: InflationParams, out?: Uint8Array): Uint8Array {
  const n = width * height;
  if (data.length !== n) throw new RangeError(`inflateGrid: expected ${n} cells (${width}×${height}), got ${data.length}`);
  const cost = out !== undefined && out.length === n ? out : new Uint8Array(n);
  const R = Math.max(p.inflationRadius, p.robotRadius, 0);
  const R2 = R * R;
  const reach = Math.floor(R);
  // Disk offsets within R, and the cost of each squared distance.
  const offX: number[] = [];
  const offY: number[] = [];
  const offD2: number[] = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      const d2 = dx * dx + dy * dy;
      if (d2 <= R2 && d2 > 0) { offX.push(dx); offY.push(dy); offD2.push(d2); }
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
  const thr = p.occupiedThreshold;
  const occ = (v: number): boolean => v >= thr;
  // Base costs.
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    cost[i] = v >= thr ? LETHAL : v < 0 && !p.allowUnknown ? UNKNOWN : 0;
  }
  if (offD2.length === 0) return cost;
  const k = offD2.length;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (cost[i] !== LETHAL) continue;
      const boundary = (x > 0 && !occ(data[i - 1]!)) || (x < width - 1 && !occ(data[i + 1]!))
        || (y > 0 && !occ(data[i - width]!)) || (y < height - 1 && !occ(data[i + width]!));
      if (!boundary) continue;
      const inside = x >= reach && y >= reach && x < width - reach && y < height - reach;
      for (let j = 0; j < k; j++) {
        const cx = x + offX[j]!;
        const cy = y + offY[j]!;
        if (!inside && (cx < 0 || cy < 0 || cx >= width || cy >= height)) continue;
        const c = cy * width + cx;
        const was = cost[c]!;
        if (was === LETHAL) continue;
        const v = costOfD2[offD2[j]!]!;
        // INSCRIBED beats UNKNOWN (both block) and any penalty; a larger penalty beats a smaller one.
        if (was === UNKNOWN ? v === INSCRIBED : v > was) cost[c] = v;
      }
    }
  }
  return cost;
}
