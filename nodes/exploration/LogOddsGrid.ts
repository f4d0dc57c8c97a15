/**
 * An occupancy grid updated from range scans in log-odds (Thrun, Burgard, Fox, "Probabilistic
 * Robotics", §9.2, inverse sensor model with clamping as in OctoMap, Hornung et al. 2013).
 *
 * Layout as nav_msgs/OccupancyGrid: row-major, row 0 at the bottom, cell (0,0)'s lower-left corner at
 * `origin` (an axis-aligned grid: the origin's yaw is taken as 0). `occupancy` is kept current cell
 * by cell as the log-odds change, so publishing is a copy, not a pass of exp() over the map.
 *
 * Each scan updates a cell at most once: a cell hit by any beam is occupied for that scan, and
 * free otherwise if any beam passed through it. Without this the cells near the sensor, crossed by
 * hundreds of beams, would take hundreds of "free" updates per scan (OctoMap does the same).
 */
export interface GridGeometry {
  /** Cells. */
  width: number;
  height: number;
  /** Cell edge, m. */
  resolution: number;
  /** World position of cell (0,0)'s lower-left corner, m. */
  originX: number;
  originY: number;
}

export interface LogOddsParams {
  /** Added to a cell where a beam ends (a hit). OctoMap's default: ln(0.7/0.3) ≈ 0.85. */
  lOcc: number;
  /** Added to a cell a beam passes through (negative). OctoMap's default: ln(0.4/0.6) ≈ −0.41. */
  lFree: number;
  /** Clamping bounds, so a cell can change its mind quickly (OctoMap: 0.12 → −2.0, 0.97 → 3.5). */
  lMin: number;
  lMax: number;
}

export const DEFAULT_LOG_ODDS: LogOddsParams = { lOcc: 0.85, lFree: -0.4, lMin: -2.0, lMax: 3.5 };

/** What the grid needs of a sensor_msgs/LaserScan. Ranges: +Inf = no return, NaN/−Inf = invalid. */
export interface ScanBeams {
  angleMin: number;
  angleIncrement: number;
  rangeMin: number;
  rangeMax: number;
  ranges: ArrayLike<number>;
}

/**
 * How a scan's returns are read (LogOddsGrid.integrateScan).
 */
export interface ScanOptions {
  /**
   * Occupied marks go this far beyond the measured range (m, ≥ 0). A return from a surface that
   * lies on a cell boundary (every wall of a grid world, and any wall the grid happens to align
   * with) lands, with half of its noise, in the free cell in front of the surface; without an
   * offset those cells end up occupied and walls grow a cell towards the robot (doorways narrow
   * by two cells). The offset moves the error into the obstacle instead. Default 0.
   */
  hitOffset?: number;
  /**
   * Discs (map frame, m) where a return is not an obstacle: teammates' bodies, from their shared
   * poses. A beam ending inside one clears the cells it crossed but marks nothing occupied.
   */
  ignore?: ReadonlyArray<{ x: number; y: number; radius: number }>;
}

/** A planar pose in the map frame: m, m, rad. */
export interface Pose2D {
  x: number;
  y: number;
  yaw: number;
}

const TABLE_SIZE = 4096;

export class LogOddsGrid {
  readonly geometry: Readonly<GridGeometry>;
  readonly params: Readonly<LogOddsParams>;
  /** Log-odds per cell (0 = prior 0.5). */
  readonly logOdds: Float32Array;
  /** −1 for never observed, else round(100·p): what nav_msgs/OccupancyGrid carries. */
  readonly occupancy: Int8Array;
  /** Per cell: 2·scan+1 if hit in that scan, 2·scan if marked free in it (one load in the hot loop). */
  #mark: Uint32Array;
  #scan = 0;
  #hits = new Int32Array(1024);
  #ends = new Float64Array(2048);
  #table = new Int8Array(TABLE_SIZE + 1);
  #tableScale: number;
  #version = 0;
  /** Returns dropped because they ended on an `ignore` disc (ScanOptions), over all scans. */
  ignoredReturns = 0;

  constructor(geometry: GridGeometry, params: LogOddsParams = DEFAULT_LOG_ODDS) {
    const { width, height, resolution } = geometry;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || !(resolution > 0)) {
      throw new RangeError(
        `grid geometry: expected positive integer width/height and resolution > 0, got ${width}×${height} @ ${resolution} m`,
      );
    }
    if (!(params.lOcc > 0) || !(params.lFree < 0) || !(params.lMin < 0) || !(params.lMax > 0)) {
      throw new RangeError(
        `log-odds: expected l_occ > 0, l_free < 0, l_min < 0 < l_max, got ${JSON.stringify(params)}`,
      );
    }
    this.geometry = { ...geometry };
    this.params = { ...params };
    const n = width * height;
    this.logOdds = new Float32Array(n);
    this.occupancy = new Int8Array(n).fill(-1);
    this.#mark = new Uint32Array(n);
    this.#tableScale = TABLE_SIZE / (params.lMax - params.lMin);
    for (let k = 0; k <= TABLE_SIZE; k++) {
      const l = params.lMin + k / this.#tableScale;
      this.#table[k] = Math.round(100 / (1 + Math.exp(-l)));
    }
  }

  /** Increments whenever a scan changed a cell. */
  get version(): number {
    return this.#version;
  }

  /** The cell containing world point (x, y), possibly out of bounds. */
  cellOf(x: number, y: number): [number, number] {
    const g = this.geometry;
    return [Math.floor((x - g.originX) / g.resolution), Math.floor((y - g.originY) / g.resolution)];
  }

  /** The occupancy value (−1, 0..100) of a cell; −1 outside the grid. */
  value(cx: number, cy: number): number {
    const g = this.geometry;
    if (cx < 0 || cy < 0 || cx >= g.width || cy >= g.height) return -1;
    return this.occupancy[cy * g.width + cx]!;
  }

  /**
   * Integrates one scan taken from `sensor` (the lidar's pose in the map frame). Returns the number
   * of cells updated. Returns inside `options.ignore` discs are counted in `ignoredReturns`.
   */
  integrateScan(sensor: Pose2D, scan: ScanBeams, options: ScanOptions = {}): number {
    const g = this.geometry;
    const W = g.width;
    const H = g.height;
    const inv = 1 / g.resolution;
    const sx = (sensor.x - g.originX) * inv;
    const sy = (sensor.y - g.originY) * inv;
    const n = scan.ranges.length;
    if (this.#ends.length < 3 * n) this.#ends = new Float64Array(3 * n);
    if (this.#hits.length < n) this.#hits = new Int32Array(n);
    const ends = this.#ends;
    const hits = this.#hits;
    let nHits = 0;
    const stamp = this.#nextStamp();
    const mark = this.#mark;
    const hitMark = stamp + 1;
    const maxR = scan.rangeMax;
    const offset = options.hitOffset ?? 0;
    if (!(offset >= 0)) throw new RangeError(`integrateScan: hitOffset must be ≥ 0 m, got ${offset}`);
    const ignore = options.ignore ?? [];
    // Pass 1: where each beam ends, and which cells are hit this scan. ends[3i+2]: −1 no
    // information, 0 no return (free to the end), 1 hit, 2 a return on an ignored disc (free up to
    // the end cell, which is not marked).
    for (let i = 0; i < n; i++) {
      const r = scan.ranges[i]!;
      let hit = 1;
      let d = r;
      if (!(r >= scan.rangeMin)) {
        ends[3 * i + 2] = -1;
        continue;
      } // NaN, −Inf, too close: no information
      if (!(r < maxR)) {
        hit = 0;
        d = maxR;
      } // +Inf or at/over range_max: no return within range
      if (!(d > 0) || !Number.isFinite(d)) {
        ends[3 * i + 2] = -1;
        continue;
      }
      const a = sensor.yaw + scan.angleMin + i * scan.angleIncrement;
      const ca = Math.cos(a);
      const sa = Math.sin(a);
      if (hit === 1 && ignore.length > 0) {
        const wx = sensor.x + ca * d;
        const wy = sensor.y + sa * d;
        for (const o of ignore) {
          if ((wx - o.x) ** 2 + (wy - o.y) ** 2 <= o.radius * o.radius) {
            hit = 2;
            break;
          }
        }
        if (hit === 2) this.ignoredReturns++;
      }
      if (hit === 1) d += offset;
      const ex = sx + ca * d * inv;
      const ey = sy + sa * d * inv;
      ends[3 * i] = ex;
      ends[3 * i + 1] = ey;
      ends[3 * i + 2] = hit;
      if (hit === 1 && ex >= 0 && ey >= 0 && ex < W && ey < H) {
        const c = Math.floor(ey) * W + Math.floor(ex);
        if (mark[c] !== hitMark) {
          mark[c] = hitMark;
          hits[nHits++] = c;
        }
      }
    }
    // Pass 2: free cells along each beam, up to (not including) the end cell of a hit.
    let updated = 0;
    for (let i = 0; i < n; i++) {
      const kind = ends[3 * i + 2]!;
      if (kind < 0) continue;
      updated += this.#traverseFree(sx, sy, ends[3 * i]!, ends[3 * i + 1]!, kind !== 0, stamp);
    }
    // Pass 3: each hit cell once.
    const { lOcc } = this.params;
    for (let k = 0; k < nHits; k++) this.#apply(hits[k]!, lOcc);
    updated += nHits;
    if (updated > 0) this.#version++;
    return updated;
  }

  #nextStamp(): number {
    if (this.#scan >= 0x7ffffffe) {
      this.#mark.fill(0);
      this.#scan = 0;
    }
    return 2 * ++this.#scan;
  }

  #apply(c: number, delta: number): void {
    const { lMin, lMax } = this.params;
    let l = this.logOdds[c]! + delta;
    if (l < lMin) l = lMin;
    else if (l > lMax) l = lMax;
    this.logOdds[c] = l;
    this.occupancy[c] = this.#table[((l - lMin) * this.#tableScale + 0.5) | 0]!;
  }

  /**
   * Bresenham's line from (x0,y0) to (x1,y1) (cell units), clipped to the grid, walked as offsets
   * into the row-major arrays as costmap_2d's raytraceLine does; marks each cell free once per scan.
   * (An exact Amanatides–Woo traversal visited ~40% more cells and ran ~3× slower here.)
   */
  #traverseFree(x0: number, y0: number, x1: number, y1: number, excludeEnd: boolean, stamp: number): number {
    const W = this.geometry.width;
    const H = this.geometry.height;
    const dx = x1 - x0;
    const dy = y1 - y0;
    // Liang–Barsky clip to [0, W) × [0, H) (inlined: this runs once per beam).
    let t0 = 0;
    let t1 = 1;
    const xHi = W - 1e-9;
    const yHi = H - 1e-9;
    if (dx === 0) {
      if (x0 < 0 || x0 > xHi) return 0;
    } else {
      let ta = -x0 / dx;
      let tb = (xHi - x0) / dx;
      if (ta > tb) {
        const t = ta;
        ta = tb;
        tb = t;
      }
      if (ta > t0) t0 = ta;
      if (tb < t1) t1 = tb;
    }
    if (dy === 0) {
      if (y0 < 0 || y0 > yHi) return 0;
    } else {
      let ta = -y0 / dy;
      let tb = (yHi - y0) / dy;
      if (ta > tb) {
        const t = ta;
        ta = tb;
        tb = t;
      }
      if (ta > t0) t0 = ta;
      if (tb < t1) t1 = tb;
    }
    if (t0 > t1) return 0;
    if (t1 < 1) excludeEnd = false; // the beam's end lies outside: every cell inside is free
    const ax = Math.min(Math.max(Math.floor(x0 + t0 * dx), 0), W - 1);
    const ay = Math.min(Math.max(Math.floor(y0 + t0 * dy), 0), H - 1);
    const bx = Math.min(Math.max(Math.floor(x0 + t1 * dx), 0), W - 1);
    const by = Math.min(Math.max(Math.floor(y0 + t1 * dy), 0), H - 1);
    let adx = bx - ax;
    let ady = by - ay;
    let offA = 1; // step along the dominant axis
    let offB = W; // step along the other axis
    if (adx < 0) {
      adx = -adx;
      offA = -1;
    }
    if (ady < 0) {
      ady = -ady;
      offB = -W;
    }
    let major = adx;
    let minor = ady;
    if (ady > adx) {
      major = ady;
      minor = adx;
      const t = offA;
      offA = offB;
      offB = t;
    }
    const mark = this.#mark;
    const { lFree, lMin, lMax } = this.params;
    const logOdds = this.logOdds;
    const occupancy = this.occupancy;
    const table = this.#table;
    const scale = this.#tableScale;
    const count = excludeEnd ? major : major + 1;
    let c = ay * W + ax;
    let err = major >> 1;
    let updated = 0;
    for (let i = 0; i < count; i++) {
      if (mark[c]! < stamp) {
        mark[c] = stamp;
        let l = logOdds[c]! + lFree; // #apply, inlined in the hot loop
        if (l < lMin) l = lMin;
        else if (l > lMax) l = lMax;
        logOdds[c] = l;
        occupancy[c] = table[((l - lMin) * scale + 0.5) | 0]!;
        updated++;
      }
      c += offA;
      err += minor;
      if (err >= major) {
        err -= major;
        c += offB;
      }
    }
    return updated;
  }
}
