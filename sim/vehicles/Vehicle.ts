import type { GridWorld } from '../world/GridWorld.js';

/** A planar pose in the world frame. Unit: m, rad (REP-103). */
export interface Pose2D {
  x: number;
  y: number;
  yaw: number;
}

/** A velocity command in the body frame (what geometry_msgs/Twist's linear.x and angular.z carry). */
export interface VelocityCommand {
  linear: number;
  angular: number;
}

/** Everything a vehicle may collide with besides the world: other vehicles' discs. */
export interface Obstacle {
  x: number;
  y: number;
  radius: number;
}

/**
 * A simulated vehicle, a plug-in keyed by name (`diff_drive` today; multirotors later). The
 * simulator calls `step` once per physics step with the latest command; the vehicle moves as far
 * as its limits and the world allow and never enters a blocked cell or another vehicle.
 */
export interface Vehicle {
  readonly kind: string;
  /** Radius of the disc that stands for the footprint. Unit: m. */
  readonly radius: number;
  readonly pose: Pose2D;
  /** The velocity actually achieved in the last step (body frame). */
  readonly velocity: VelocityCommand;
  /** Distance driven so far. Unit: m. */
  readonly pathLength: number;
  /** Steps in which a collision stopped the vehicle. */
  readonly collisions: number;
  step(dt: number, command: VelocityCommand, world: GridWorld, others: readonly Obstacle[]): void;
}
