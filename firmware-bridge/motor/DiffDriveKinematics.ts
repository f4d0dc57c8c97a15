import { wrapAngle } from '../../runtime/geometry/Angles.js';

/**
 * Differential-drive kinematics (REP-103: x forward, z up, yaw counter-clockwise): body twist ↔
 * wheel angular speeds, and encoder ticks → planar odometry by midpoint integration.
 */
export interface WheelGeometry {
  /** Unit: m. */
  wheelRadius: number;
  /** Distance between the wheel contact points. Unit: m. */
  wheelSeparation: number;
}

/** Wheel speeds (rad/s) for a body twist (m/s, rad/s). */
export function wheelSpeedsFor(g: WheelGeometry, linear: number, angular: number): { left: number; right: number } {
  const half = (angular * g.wheelSeparation) / 2;
  return { left: (linear - half) / g.wheelRadius, right: (linear + half) / g.wheelRadius };
}

/** Body twist for wheel speeds (rad/s). */
export function twistFor(g: WheelGeometry, left: number, right: number): { linear: number; angular: number } {
  const vl = left * g.wheelRadius;
  const vr = right * g.wheelRadius;
  return { linear: (vl + vr) / 2, angular: (vr - vl) / g.wheelSeparation };
}

/**
 * Scales both wheels down together so neither exceeds `max` (rad/s): the robot keeps its turning
 * radius instead of the faster wheel being clipped (which would change the path's curvature).
 */
export function limitWheelSpeeds(s: { left: number; right: number }, max: number): { left: number; right: number } {
  const peak = Math.max(Math.abs(s.left), Math.abs(s.right));
  if (!Number.isFinite(peak)) return { left: 0, right: 0 };
  return peak <= max ? s : { left: (s.left * max) / peak, right: (s.right * max) / peak };
}

/** Integrates cumulative encoder ticks (int32, wrapping) into a pose in the odom frame. */
export class EncoderOdometry {
  x = 0;
  y = 0;
  yaw = 0;
  /** Body velocity over the last interval. Unit: m/s, rad/s. */
  linear = 0;
  angular = 0;
  #g: WheelGeometry;
  #ticksPerRev: number;
  #last: { left: number; right: number; timeUs: number } | undefined;

  constructor(g: WheelGeometry, ticksPerRev: number) {
    this.#g = g;
    this.#ticksPerRev = ticksPerRev;
  }

  /**
   * Forgets the last report, keeping the pose: the next report only sets a new baseline. Call it
   * when the controller may have restarted (its counters start again from zero).
   */
  resetBaseline(): void {
    this.#last = undefined;
  }

  /**
   * Folds in a report; the first one (after construction or `resetBaseline`) only sets the
   * baseline, and so does one whose time went backwards (the controller rebooted; the uint32 µs
   * clock wrapping forward is not mistaken for that). Returns false for those.
   */
  update(leftTicks: number, rightTicks: number, timeUs: number): boolean {
    const last = this.#last;
    this.#last = { left: leftTicks, right: rightTicks, timeUs };
    if (last === undefined) return false;
    const back = (last.timeUs - timeUs) >>> 0;
    if (back > 0 && back < 0x80000000) return false; // went backwards (a forward wrap reads as > 2^31)
    const perTick = (2 * Math.PI * this.#g.wheelRadius) / this.#ticksPerRev;
    const dl = ((leftTicks - last.left) | 0) * perTick;
    const dr = ((rightTicks - last.right) | 0) * perTick;
    const d = (dl + dr) / 2;
    const dyaw = (dr - dl) / this.#g.wheelSeparation;
    const mid = this.yaw + dyaw / 2;
    this.x += d * Math.cos(mid);
    this.y += d * Math.sin(mid);
    this.yaw = wrapAngle(this.yaw + dyaw);
    const dt = ((timeUs - last.timeUs) >>> 0) / 1e6;
    if (dt > 0) {
      this.linear = d / dt;
      this.angular = dyaw / dt;
    }
    return true;
  }
}
