import type { GridWorld } from '../world/GridWorld.js';
import type { Obstacle, Pose2D, Vehicle, VelocityCommand } from './Vehicle.js';
import { wrapAngle } from '../../runtime/geometry/Angles.js';

export interface DiffDriveOptions {
  pose: Pose2D;
  /** Footprint disc radius. Unit: m. Default 0.2. */
  radius?: number;
  /** Unit: m/s. Default 1.0. */
  maxLinear?: number;
  /** Unit: rad/s. Default 2.0. */
  maxAngular?: number;
  /** Unit: m/s². Default 2.0. */
  maxLinearAccel?: number;
  /** Unit: rad/s². Default 6.0. */
  maxAngularAccel?: number;
}

/**
 * A differential-drive ground robot: unicycle kinematics with velocity and acceleration limits
 * and a disc footprint. Motion is integrated in sub-steps no longer than a quarter of a cell, and
 * a sub-step that would put the disc into a blocked cell or another vehicle is refused (the robot
 * stops there, as a bumper would), so no step size lets it tunnel through a wall.
 */
export class DiffDriveVehicle implements Vehicle {
  readonly kind = 'diff_drive';
  readonly radius: number;
  readonly pose: Pose2D;
  readonly velocity: VelocityCommand = { linear: 0, angular: 0 };
  pathLength = 0;
  collisions = 0;
  readonly #maxV: number;
  readonly #maxW: number;
  readonly #maxA: number;
  readonly #maxAlpha: number;

  constructor(o: DiffDriveOptions) {
    this.pose = { ...o.pose };
    this.radius = o.radius ?? 0.2;
    this.#maxV = o.maxLinear ?? 1.0;
    this.#maxW = o.maxAngular ?? 2.0;
    this.#maxA = o.maxLinearAccel ?? 2.0;
    this.#maxAlpha = o.maxAngularAccel ?? 6.0;
  }

  step(dt: number, command: VelocityCommand, world: GridWorld, others: readonly Obstacle[]): void {
    if (!(dt > 0)) return;
    const clamp = (v: number, lim: number): number => Math.max(-lim, Math.min(lim, Number.isFinite(v) ? v : 0));
    const targetV = clamp(command.linear, this.#maxV);
    const targetW = clamp(command.angular, this.#maxW);
    const v = this.velocity.linear + clamp(targetV - this.velocity.linear, this.#maxA * dt);
    const w = this.velocity.angular + clamp(targetW - this.velocity.angular, this.#maxAlpha * dt);
    const distance = Math.abs(v) * dt;
    const n = Math.max(1, Math.ceil(distance / (world.resolution / 4)));
    const h = dt / n;
    let blocked = false;
    for (let i = 0; i < n; i++) {
      const mid = this.pose.yaw + (w * h) / 2;
      const nx = this.pose.x + v * Math.cos(mid) * h;
      const ny = this.pose.y + v * Math.sin(mid) * h;
      if (v !== 0 && this.#collides(nx, ny, world, others)) {
        blocked = true;
        break;
      }
      this.pathLength += Math.hypot(nx - this.pose.x, ny - this.pose.y);
      this.pose.x = nx;
      this.pose.y = ny;
      this.pose.yaw = wrapAngle(this.pose.yaw + w * h);
    }
    if (blocked) {
      this.collisions++;
      this.velocity.linear = 0;
      this.velocity.angular = w;
      // Turning in place is still allowed against a wall: finish the rotation of this step.
      return;
    }
    this.velocity.linear = v;
    this.velocity.angular = w;
  }

  /** True when the disc at (x, y) would overlap a blocked cell or another vehicle. */
  #collides(x: number, y: number, world: GridWorld, others: readonly Obstacle[]): boolean {
    const r = this.radius;
    for (const o of others) {
      if ((o.x - x) ** 2 + (o.y - y) ** 2 < (o.radius + r) ** 2) {
        // Moving away from a vehicle we already touch is allowed (so two robots never lock).
        const now = (o.x - this.pose.x) ** 2 + (o.y - this.pose.y) ** 2;
        const next = (o.x - x) ** 2 + (o.y - y) ** 2;
        if (next <= now) return true;
      }
    }
    const [c0x, c0y] = world.cellOf(x - r, y - r);
    const [c1x, c1y] = world.cellOf(x + r, y + r);
    for (let cy = c0y; cy <= c1y; cy++) {
      for (let cx = c0x; cx <= c1x; cx++) {
        if (!world.isBlocked(cx, cy)) continue;
        // Distance from the disc centre to the cell square.
        const x0 = world.originX + cx * world.resolution;
        const y0 = world.originY + cy * world.resolution;
        const dx = Math.max(x0 - x, 0, x - (x0 + world.resolution));
        const dy = Math.max(y0 - y, 0, y - (y0 + world.resolution));
        if (dx * dx + dy * dy < r * r) return true;
      }
    }
    return false;
  }
}
