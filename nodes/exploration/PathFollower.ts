import type { Pose2D } from './LogOddsGrid.js';
import { wrapAngle } from '../../runtime/geometry/Angles.js';

/**
 * Pure pursuit for a differential-drive robot (Coulter, "Implementation of the Pure Pursuit Path
 * Tracking Algorithm", CMU-RI-TR-92-01), with what a field robot needs around it: rotate in place
 * when the carrot is far off the heading, slow down near the goal, stop within the tolerance,
 * and a stuck monitor with a recovery (back up, then rotate towards the path).
 *
 * No I/O and no clock of its own: the controller node passes its node-clock time in seconds.
 */
export interface FollowerParams {
  /** Carrot distance along the path, m. */
  lookahead: number;
  /** Speed limits: m/s and rad/s. */
  maxLinear: number;
  maxAngular: number;
  /** Forward speed floor while approaching the goal (so it arrives), m/s. */
  minLinear: number;
  /** Heading error above which the robot turns on the spot, rad. */
  rotateInPlaceAngle: number;
  /** Yaw rate per rad of heading error when turning on the spot, 1/s. */
  angularGain: number;
  /** Stop when the robot is this close to the last pose, m. */
  goalTolerance: number;
  /** Slow down linearly within this distance of the goal, m. */
  approachDistance: number;
  /** Stuck when the remaining distance did not shrink by `stuckDistance` m in `stuckTime` s. */
  stuckTime: number;
  stuckDistance: number;
  /** Recovery: back up at this speed (m/s) for this long (s), then rotate for `recoveryRotateTime` s. */
  recoveryBackupSpeed: number;
  recoveryBackupTime: number;
  recoveryRotateTime: number;
  /** Recoveries allowed per goal before giving up (aborted). */
  maxRecoveries: number;
}

export const DEFAULT_FOLLOWER: FollowerParams = {
  lookahead: 0.4,
  maxLinear: 0.3,
  maxAngular: 1.0,
  minLinear: 0.05,
  rotateInPlaceAngle: 0.8,
  angularGain: 2.0,
  goalTolerance: 0.15,
  approachDistance: 0.6,
  stuckTime: 4,
  stuckDistance: 0.05,
  recoveryBackupSpeed: 0.1,
  recoveryBackupTime: 1.5,
  recoveryRotateTime: 1.5,
  maxRecoveries: 2,
};

export type FollowerState = 'idle' | 'following' | 'reached' | 'recovering' | 'aborted';

export interface FollowerCommand {
  /** m/s, rad/s. */
  v: number;
  w: number;
  state: FollowerState;
  /** Set on the update where something happened. */
  event?: 'reached' | 'stuck' | 'recovered' | 'aborted';
  /** Distance left along the path, m. */
  remaining: number;
}

interface Point {
  x: number;
  y: number;
}

export class PathFollower {
  readonly params: FollowerParams;
  #path: Point[] = [];
  #cum: number[] = [];
  #seg = 0;
  #state: FollowerState = 'idle';
  #bestRemaining = Infinity;
  #lastProgress = 0;
  #rebase = true;
  #recoveries = 0;
  #recoveryStart = 0;
  #recoverySign = 1;

  constructor(params: Partial<FollowerParams> = {}) {
    this.params = { ...DEFAULT_FOLLOWER, ...params };
  }

  get state(): FollowerState {
    return this.#state;
  }
  get recoveries(): number {
    return this.#recoveries;
  }
  get path(): readonly Point[] {
    return this.#path;
  }

  /** A new goal: forget recoveries and a reached/aborted state. */
  newGoal(): void {
    this.#recoveries = 0;
    if (this.#state === 'reached' || this.#state === 'aborted')
      this.#state = this.#path.length > 0 ? 'following' : 'idle';
    this.#rebase = true;
  }

  /**
   * A new or replanned path (map frame). An empty one stops the robot. A replan of a goal already
   * reached or given up keeps that state until `newGoal()`.
   */
  setPath(points: readonly Point[], now: number): void {
    const end = this.#path.at(-1);
    const newEnd = points.at(-1);
    const sameGoal =
      end !== undefined &&
      newEnd !== undefined &&
      Math.hypot(end.x - newEnd.x, end.y - newEnd.y) <= this.params.goalTolerance;
    this.#path = points.map((p) => ({ x: p.x, y: p.y }));
    this.#cum = [0];
    for (let i = 1; i < this.#path.length; i++) {
      this.#cum.push(
        this.#cum[i - 1]! +
          Math.hypot(this.#path[i]!.x - this.#path[i - 1]!.x, this.#path[i]!.y - this.#path[i - 1]!.y),
      );
    }
    this.#seg = 0;
    this.#rebase = true;
    if (this.#path.length === 0) {
      this.#state = 'idle';
      return;
    }
    if ((this.#state === 'reached' || this.#state === 'aborted') && sameGoal) return;
    if (this.#state !== 'recovering') this.#state = 'following';
    if (this.#state === 'following' && !sameGoal) {
      this.#recoveries = 0;
      this.#lastProgress = now;
    }
  }

  update(pose: Pose2D, now: number): FollowerCommand {
    const P = this.params;
    const stop = (state: FollowerState, remaining: number, event?: FollowerCommand['event']): FollowerCommand =>
      event === undefined ? { v: 0, w: 0, state, remaining } : { v: 0, w: 0, state, remaining, event };
    if (this.#state === 'idle' || this.#state === 'reached' || this.#state === 'aborted' || this.#path.length === 0) {
      return stop(this.#state, 0);
    }
    const { s } = this.#project(pose);
    const total = this.#cum.at(-1)!;
    const goal = this.#path.at(-1)!;
    const toGoal = Math.hypot(goal.x - pose.x, goal.y - pose.y);
    const remaining = Math.max(total - s, toGoal);
    if (toGoal <= P.goalTolerance) {
      this.#state = 'reached';
      return stop('reached', 0, 'reached');
    }
    const carrot = this.#carrot(pose, s);
    const alpha = wrapAngle(Math.atan2(carrot.y - pose.y, carrot.x - pose.x) - pose.yaw);

    if (this.#state === 'recovering') {
      const t = now - this.#recoveryStart;
      if (t < P.recoveryBackupTime) return { v: -P.recoveryBackupSpeed, w: 0, state: 'recovering', remaining };
      if (t < P.recoveryBackupTime + P.recoveryRotateTime)
        return { v: 0, w: this.#recoverySign * P.maxAngular * 0.5, state: 'recovering', remaining };
      this.#state = 'following';
      this.#lastProgress = now;
      this.#rebase = true;
      return { v: 0, w: 0, state: 'following', remaining, event: 'recovered' };
    }

    // Progress: the remaining distance shrinks, or, turning on the spot, the heading error does.
    const progressMetric = remaining + (Math.abs(alpha) > P.rotateInPlaceAngle ? Math.abs(alpha) * 0.5 : 0);
    if (this.#rebase) {
      this.#bestRemaining = progressMetric;
      this.#rebase = false;
    }
    if (progressMetric < this.#bestRemaining - P.stuckDistance) {
      this.#bestRemaining = progressMetric;
      this.#lastProgress = now;
    }
    if (now - this.#lastProgress > P.stuckTime) {
      if (this.#recoveries >= P.maxRecoveries) {
        this.#state = 'aborted';
        return stop('aborted', remaining, 'aborted');
      }
      this.#recoveries++;
      this.#state = 'recovering';
      this.#recoveryStart = now;
      this.#recoverySign = alpha >= 0 ? 1 : -1;
      return { v: -P.recoveryBackupSpeed, w: 0, state: 'recovering', remaining, event: 'stuck' };
    }

    if (Math.abs(alpha) > P.rotateInPlaceAngle) {
      const w = Math.max(-P.maxAngular, Math.min(P.maxAngular, P.angularGain * alpha));
      return { v: 0, w, state: 'following', remaining };
    }
    const ld = Math.max(Math.hypot(carrot.x - pose.x, carrot.y - pose.y), 1e-6);
    const curvature = (2 * Math.sin(alpha)) / ld;
    let v = P.maxLinear * Math.min(1, toGoal / P.approachDistance);
    v = Math.max(v, Math.min(P.minLinear, P.maxLinear));
    let w = v * curvature;
    if (Math.abs(w) > P.maxAngular) {
      // Regulated pure pursuit: keep the arc, lower the speed to the yaw-rate limit.
      v = P.maxAngular / Math.abs(curvature);
      w = Math.sign(w) * P.maxAngular;
    }
    return { v, w, state: 'following', remaining };
  }

  /** Arc length of the robot's projection on the path, searched forward from the last segment. */
  #project(pose: Pose2D): { s: number; dist: number } {
    const path = this.#path;
    if (path.length === 1) return { s: 0, dist: Math.hypot(path[0]!.x - pose.x, path[0]!.y - pose.y) };
    let best = { s: this.#cum[this.#seg]!, dist: Infinity, seg: this.#seg };
    // Look a few metres ahead only, so a path that doubles back is not short-circuited.
    const horizon = this.#cum[Math.min(this.#seg + 1, path.length - 1)]! + 2 * this.params.lookahead + 1;
    for (let i = this.#seg; i < path.length - 1 && this.#cum[i]! <= horizon; i++) {
      const a = path[i]!;
      const b = path[i + 1]!;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((pose.x - a.x) * dx + (pose.y - a.y) * dy) / len2)) : 0;
      const d = Math.hypot(a.x + t * dx - pose.x, a.y + t * dy - pose.y);
      if (d < best.dist) best = { s: this.#cum[i]! + t * Math.sqrt(len2), dist: d, seg: i };
    }
    this.#seg = best.seg;
    return { s: best.s, dist: best.dist };
  }

  /**
   * The carrot: the first point past the projection at `lookahead` from the robot (the circle's
   * intersection with the path, as in the original pure pursuit), else the path's end. Taking
   * the point at `lookahead` of arc length instead puts the carrot right beside the robot at a
   * sharp corner, where the robot then circles it.
   */
  #carrot(pose: Pose2D, s: number): Point {
    const path = this.#path;
    const L = this.params.lookahead;
    let i = this.#seg;
    while (i < path.length - 2 && this.#cum[i + 1]! <= s) i++;
    for (; i < path.length - 1; i++) {
      const a = path[i]!;
      const b = path[i + 1]!;
      // Solve |a + t(b − a) − p| = L for the largest t in [0, 1] (the exit of the circle).
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const fx = a.x - pose.x;
      const fy = a.y - pose.y;
      const qa = dx * dx + dy * dy;
      if (qa === 0) continue;
      const qb = 2 * (fx * dx + fy * dy);
      const qc = fx * fx + fy * fy - L * L;
      const disc = qb * qb - 4 * qa * qc;
      if (disc < 0) continue;
      const t = (-qb + Math.sqrt(disc)) / (2 * qa);
      const t0 = this.#cum[i]! < s && this.#cum[i + 1]! > s ? (s - this.#cum[i]!) / Math.sqrt(qa) : 0;
      if (t >= t0 && t <= 1) return { x: a.x + t * dx, y: a.y + t * dy };
    }
    return path.at(-1)!;
  }
}
