import type { MessageOf } from '../../runtime/msg/MessageTypes.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { Random } from '../Random.js';
import type { GridWorld } from '../world/GridWorld.js';

/** A planar pose in the world frame. x, y unit: m; yaw unit: rad (REP-103, counter-clockwise from +x). */
export interface Pose2D {
  x: number;
  y: number;
  yaw: number;
}

/**
 * A 2D lidar. Beam i points at yaw + angleMin + i·(angleMax − angleMin)/(beams − 1), the way
 * Gazebo's ray sensor spaces `samples` between min and max angle: both ends are measured, so a
 * full circle without a duplicate beam is angleMin −π, angleMax π − 2π/beams.
 */
export interface LidarSpec {
  /** Number of beams (≥ 1). */
  beams: number;
  /** Unit: rad, relative to the sensor's heading. */
  angleMin: number;
  angleMax: number;
  /** Closest valid return. Unit: m. */
  rangeMin: number;
  /** Farthest valid return. Unit: m. */
  rangeMax: number;
  /** Standard deviation of the Gaussian range noise added to each valid return. Unit: m. 0 = exact. */
  noiseStd: number;
}

/** A round obstacle that is not in the map, e.g. another robot. Unit: m. */
export interface CircleObstacle {
  x: number;
  y: number;
  radius: number;
}

/** Ties closer than this (in cells) count as the ray passing exactly through a cell corner. */
const CORNER_EPS = 1e-9;
/** Direction components smaller than this are taken as exactly 0. */
const DIRECTION_EPS = 1e-12;

/**
 * Distance from (x, y) along the unit direction (dx, dy) to the first boundary of a blocked cell
 * (occupied, unknown or outside the map), by exact grid traversal (Amanatides & Woo, "A Fast Voxel
 * Traversal Algorithm for Ray Tracing", Eurographics 1987): every cell the ray crosses is visited
 * once, in order, with no step size to miss thin walls. Returns +Infinity when no blocked cell
 * starts within `maxRange`; 0 when the start cell itself is blocked. A ray passing exactly through
 * a cell corner hits if any of the three cells beyond that corner is blocked, so diagonal walls
 * (cells touching only at corners) are opaque. A start exactly on a cell edge belongs to the cell
 * the ray moves into. Unit: m.
 */
export function castRay(world: GridWorld, x: number, y: number, dx: number, dy: number, maxRange: number): number {
  const width = world.width;
  const height = world.height;
  const cells = world.cells;
  const resolution = world.resolution;
  // cos/sin of a right angle are ~1e-16, not 0: snap so that an axis-aligned ray stays axis-aligned.
  if (Math.abs(dx) < DIRECTION_EPS) dx = 0;
  if (Math.abs(dy) < DIRECTION_EPS) dy = 0;
  const gx = (x - world.originX) / resolution;
  const gy = (y - world.originY) / resolution;
  let ix = Math.floor(gx);
  let iy = Math.floor(gy);
  if (dx < 0 && ix === gx) ix--;
  if (dy < 0 && iy === gy) iy--;
  if (isBlocked(cells, width, height, ix, iy)) return 0;
  const maxT = maxRange / resolution;
  const sx = dx > 0 ? 1 : dx < 0 ? -1 : 0;
  const sy = dy > 0 ? 1 : dy < 0 ? -1 : 0;
  const deltaX = sx === 0 ? Infinity : 1 / Math.abs(dx);
  const deltaY = sy === 0 ? Infinity : 1 / Math.abs(dy);
  let tx = sx > 0 ? (ix + 1 - gx) * deltaX : sx < 0 ? (gx - ix) * deltaX : Infinity;
  let ty = sy > 0 ? (iy + 1 - gy) * deltaY : sy < 0 ? (gy - iy) * deltaY : Infinity;
  // The cell index walks with (ix, iy) while both are inside the map; the edge tests of
  // isBlocked are only needed where the ray may leave it (same cells, same t).
  for (;;) {
    if (tx < ty - CORNER_EPS) {
      if (tx > maxT) return Infinity;
      ix += sx;
      if (ix < 0 || ix >= width || cells[iy * width + ix] !== 0) return tx * resolution;
      tx += deltaX;
    } else if (ty < tx - CORNER_EPS) {
      if (ty > maxT) return Infinity;
      iy += sy;
      if (iy < 0 || iy >= height || cells[iy * width + ix] !== 0) return ty * resolution;
      ty += deltaY;
    } else {
      const t = Math.min(tx, ty);
      if (t > maxT) return Infinity;
      if (
        isBlocked(cells, width, height, ix + sx, iy) ||
        isBlocked(cells, width, height, ix, iy + sy) ||
        isBlocked(cells, width, height, ix + sx, iy + sy)
      )
        return t * resolution;
      ix += sx;
      iy += sy;
      tx += deltaX;
      ty += deltaY;
    }
  }
}

/** Occupied, unknown or outside the map. */
function isBlocked(cells: Uint8Array, width: number, height: number, cx: number, cy: number): boolean {
  return cx < 0 || cy < 0 || cx >= width || cy >= height || cells[cy * width + cx] !== 0;
}

/**
 * Distance from (x, y) along the unit direction (dx, dy) to the nearest circle, solved exactly
 * (|p + t·d − c| = r); +Infinity if none is hit. A circle containing the start is skipped (the
 * sensing robot's own body, if the caller lists it). Unit: m.
 */
export function castRayCircles(
  obstacles: readonly CircleObstacle[],
  x: number,
  y: number,
  dx: number,
  dy: number,
): number {
  return castRayRelative(relativeCircles(obstacles, x, y), dx, dy);
}

/**
 * The circles as seen from (x, y): per circle not containing it, its offset (ox, oy) and
 * c = |o|² − r², packed in triples. What a ray needs that does not depend on its direction, so a
 * scan computes it once rather than once per beam (same arithmetic).
 */
function relativeCircles(obstacles: readonly CircleObstacle[], x: number, y: number): Float64Array {
  const out = new Float64Array(3 * obstacles.length);
  let n = 0;
  for (const o of obstacles) {
    const ox = o.x - x;
    const oy = o.y - y;
    const c = ox * ox + oy * oy - o.radius * o.radius;
    if (c <= 0) continue;
    out[n++] = ox;
    out[n++] = oy;
    out[n++] = c;
  }
  return out.subarray(0, n);
}

/** castRayCircles for circles from relativeCircles. */
function castRayRelative(rel: Float64Array, dx: number, dy: number): number {
  let best = Infinity;
  for (let k = 0; k < rel.length; k += 3) {
    const b = rel[k]! * dx + rel[k + 1]! * dy;
    if (b <= 0) continue;
    const disc = b * b - rel[k + 2]!;
    if (disc < 0) continue;
    const t = b - Math.sqrt(disc);
    if (t < best) best = t;
  }
  return best;
}

function checkSpec(s: LidarSpec): void {
  const ok =
    Number.isInteger(s.beams) &&
    s.beams >= 1 &&
    Number.isFinite(s.angleMin) &&
    Number.isFinite(s.angleMax) &&
    s.angleMax >= s.angleMin &&
    s.rangeMin >= 0 &&
    s.rangeMax > s.rangeMin &&
    Number.isFinite(s.rangeMax) &&
    s.noiseStd >= 0;
  if (!ok) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `lidar: expected beams ≥ 1, angleMin ≤ angleMax, 0 ≤ rangeMin < rangeMax (finite), noiseStd ≥ 0; got ${JSON.stringify(s)}`,
    );
  }
}

/** Angle between neighbouring beams (0 for a single beam). Unit: rad. */
export function beamIncrement(spec: LidarSpec): number {
  return spec.beams > 1 ? (spec.angleMax - spec.angleMin) / (spec.beams - 1) : 0;
}

/**
 * One scan from `pose` against the ground truth and optional circular obstacles. Each beam's
 * reading follows ROS REP-117: the true distance d to the first hit decides validity —
 * d > rangeMax (or nothing hit) → +Infinity ("no return"), d < rangeMin → −Infinity ("too close"),
 * otherwise d plus N(0, noiseStd²) noise from `rng`, clamped to [rangeMin, rangeMax] so every
 * finite reading is a valid LaserScan range. One normal is drawn per valid beam (none when
 * noiseStd is 0), in beam order. `out`, when given, is filled and returned (no allocation).
 */
export function castScan(
  world: GridWorld,
  pose: Pose2D,
  spec: LidarSpec,
  rng: Random,
  obstacles: readonly CircleObstacle[] = [],
  out?: Float32Array,
): Float32Array {
  checkSpec(spec);
  const ranges = out ?? new Float32Array(spec.beams);
  if (ranges.length !== spec.beams) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `lidar: output array holds ${ranges.length} ranges, expected ${spec.beams}`,
    );
  }
  const inc = beamIncrement(spec);
  const circles = obstacles.length > 0 ? relativeCircles(obstacles, pose.x, pose.y) : undefined;
  for (let i = 0; i < spec.beams; i++) {
    const a = pose.yaw + spec.angleMin + i * inc;
    const dx = Math.cos(a);
    const dy = Math.sin(a);
    let d = castRay(world, pose.x, pose.y, dx, dy, spec.rangeMax);
    if (circles !== undefined) d = Math.min(d, castRayRelative(circles, dx, dy));
    if (!(d <= spec.rangeMax)) ranges[i] = Infinity;
    else if (d < spec.rangeMin) ranges[i] = -Infinity;
    else {
      const noisy = spec.noiseStd > 0 ? d + spec.noiseStd * rng.normal() : d;
      ranges[i] = Math.min(spec.rangeMax, Math.max(spec.rangeMin, noisy));
    }
  }
  return ranges;
}

/** Where and when a scan was taken, for its message header. */
export interface ScanStamp {
  stamp: { sec: number; nanosec: number };
  /** REP-105 frame of the sensor, e.g. `r1/base_scan`. */
  frameId: string;
  /** Time between two scans. Unit: s. Default 0 (unknown). */
  scanTime?: number;
}

/**
 * The sensor_msgs/msg/LaserScan of a scan. The simulated scan is instantaneous, so
 * time_increment is 0; intensities are left empty (allowed by the message definition).
 */
export function toLaserScan(
  ranges: Float32Array,
  spec: LidarSpec,
  at: ScanStamp,
): MessageOf<'sensor_msgs/msg/LaserScan'> {
  checkSpec(spec);
  return {
    header: { stamp: { sec: at.stamp.sec, nanosec: at.stamp.nanosec }, frame_id: at.frameId },
    angle_min: spec.angleMin,
    angle_max: spec.angleMax,
    angle_increment: beamIncrement(spec),
    time_increment: 0,
    scan_time: at.scanTime ?? 0,
    range_min: spec.rangeMin,
    range_max: spec.rangeMax,
    ranges,
    intensities: new Float32Array(0),
  };
}
