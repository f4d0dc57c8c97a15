import type { GridWorld } from '../world/GridWorld.js';
import type { Obstacle, Vehicle } from '../vehicles/Vehicle.js';
import { wrapAngle } from '../../runtime/geometry/Angles.js';

export interface Ned {
  n: number;
  e: number;
  d: number;
}

/**
 * The body a simulated autopilot flies or drives, in the autopilot's local NED frame (origin where
 * it started, like PX4's EKF origin). The autopilot turns setpoints into a velocity (NED) and yaw
 * rate (NED: clockwise seen from above) command; the airframe moves as its dynamics allow.
 */
export interface Airframe {
  readonly position: Readonly<Ned>;
  readonly velocity: Readonly<Ned>;
  /** Heading from north, clockwise. Unit: rad. */
  readonly yaw: number;
  /** Unit: rad/s, clockwise positive. */
  readonly yawRate: number;
  step(dt: number, velocity: Ned, yawRate: number): void;
}

/** A multicopter as a point mass: velocity and yaw rate follow the command with a first-order lag; the ground stops descent. */
export class PointMassAirframe implements Airframe {
  readonly position: Ned = { n: 0, e: 0, d: 0 };
  readonly velocity: Ned = { n: 0, e: 0, d: 0 };
  yaw = 0;
  yawRate = 0;
  readonly #tau: number;

  /** @param tau velocity response time constant, s. */
  constructor(tau = 0.2) {
    this.#tau = tau;
  }

  step(dt: number, velocity: Ned, yawRate: number): void {
    if (!(dt > 0)) return;
    const k = 1 - Math.exp(-dt / this.#tau);
    for (const ax of ['n', 'e', 'd'] as const) {
      this.velocity[ax] += (velocity[ax] - this.velocity[ax]) * k;
      this.position[ax] += this.velocity[ax] * dt;
    }
    if (this.position.d > 0) {
      this.position.d = 0;
      this.velocity.d = Math.min(0, this.velocity.d);
    }
    this.yawRate += (yawRate - this.yawRate) * k;
    this.yaw = wrapAngle(this.yaw + this.yawRate * dt);
  }
}

/**
 * A simulator ground vehicle (sim/vehicles, e.g. diff_drive) under an autopilot, as PX4 or
 * ArduPilot Rover drive one: the commanded velocity is projected on the heading (a rover cannot
 * slide sideways) and the yaw rate is passed on. The vehicle keeps its own limits and collisions
 * in its world; position and heading come from its pose (ENU map frame → NED about the start).
 */
export class VehicleAirframe implements Airframe {
  readonly #vehicle: Vehicle;
  readonly #world: GridWorld;
  readonly #others: () => readonly Obstacle[];
  readonly #x0: number;
  readonly #y0: number;

  constructor(vehicle: Vehicle, world: GridWorld, others: () => readonly Obstacle[] = () => []) {
    this.#vehicle = vehicle;
    this.#world = world;
    this.#others = others;
    this.#x0 = vehicle.pose.x;
    this.#y0 = vehicle.pose.y;
  }

  get position(): Ned {
    return { n: this.#vehicle.pose.y - this.#y0, e: this.#vehicle.pose.x - this.#x0, d: 0 };
  }
  get yaw(): number {
    return wrapAngle(Math.PI / 2 - this.#vehicle.pose.yaw);
  }
  get yawRate(): number {
    return -this.#vehicle.velocity.angular;
  }
  get velocity(): Ned {
    const v = this.#vehicle.velocity.linear;
    return { n: v * Math.cos(this.yaw), e: v * Math.sin(this.yaw), d: 0 };
  }

  step(dt: number, velocity: Ned, yawRate: number): void {
    const forward = velocity.n * Math.cos(this.yaw) + velocity.e * Math.sin(this.yaw);
    this.#vehicle.step(dt, { linear: forward, angular: -yawRate }, this.#world, this.#others());
  }
}
