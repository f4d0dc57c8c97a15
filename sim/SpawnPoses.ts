import { OutpostError } from '../runtime/OutpostError.js';
import type { Pose2D } from './vehicles/Vehicle.js';
import type { GridWorld } from './world/GridWorld.js';

/**
 * Start poses for `count` robots, all in one start area as in IR2: the free cell nearest `start`
 * (or the map centre), then the nearest free cells at least 3 radii apart, each with clearance
 * for the footprint. Deterministic: a breadth-first ring search from the start cell.
 */
export function spawnPoses(world: GridWorld, count: number, radius: number, start: readonly number[] = []): Pose2D[] {
  const [sx, sy] =
    start.length === 2
      ? world.cellOf(start[0]!, start[1]!)
      : [Math.floor(world.width / 2), Math.floor(world.height / 2)];
  const clearance = Math.ceil(radius / world.resolution) + 1;
  const clear = (cx: number, cy: number): boolean => {
    for (let dy = -clearance; dy <= clearance; dy++) {
      for (let dx = -clearance; dx <= clearance; dx++) if (world.isBlocked(cx + dx, cy + dy)) return false;
    }
    return true;
  };
  const poses: Pose2D[] = [];
  const minGap = 3 * radius;
  const maxRing = Math.max(world.width, world.height);
  for (let ring = 0; ring <= maxRing && poses.length < count; ring++) {
    for (let dy = -ring; dy <= ring && poses.length < count; dy++) {
      for (let dx = -ring; dx <= ring && poses.length < count; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const cx = sx + dx;
        const cy = sy + dy;
        if (!clear(cx, cy)) continue;
        const [x, y] = world.centerOf(cx, cy);
        if (poses.some((p) => Math.hypot(p.x - x, p.y - y) < minGap)) continue;
        poses.push({ x, y, yaw: 0 });
      }
    }
  }
  if (poses.length < count) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `world ${world.name}: room for only ${poses.length} of ${count} robots of radius ${radius} m`,
    );
  }
  return poses;
}
