import { OutpostError } from '../../runtime/OutpostError.js';
import { SerialAutopilotFirmware } from './SerialAutopilotFirmware.js';
import { SerialMotorFirmware } from './SerialMotorFirmware.js';
import type { Obstacle, Vehicle } from '../vehicles/Vehicle.js';
import type { GridWorld } from '../world/GridWorld.js';

/** A robot's simulated firmware in the loop: it drives the vehicle from what crossed the pty. */
export interface RobotFirmware {
  /** Steps that went on before the latest command crossed the pty (counted, logged at close). */
  readonly lateSteps: number;
  /** Resolves when the robot's bridge has spoken (a stop from a motor_bridge, a heartbeat from a mavlink_bridge). */
  awaitBridge(timeoutMs: number): Promise<void>;
  /** Resolves when the command made from the `cmdCount`-th cmd_vel has arrived, or after `lateMs`. */
  awaitCommand(cmdCount: number, lateMs: number): Promise<void>;
  /** Moves the vehicle by one physics step from `nowS` (s) to `nowS + dt`. */
  step(nowS: number, dt: number, world: GridWorld, others: readonly Obstacle[]): void;
  close(): Promise<void>;
}

/** What a firmware model is started with, per robot. */
export interface FirmwareSetup {
  /** Where the pty links go (`firmware_dir`). */
  dir: string;
  robot: string;
  vehicle: Vehicle;
  world: GridWorld;
  /** The other robots' bodies, now. */
  others: () => readonly Obstacle[];
  /** The simulated motor controller's wheel geometry (match the motor_bridge's). Unit: m. */
  wheelRadius: number;
  wheelSeparation: number;
}

/** A way to put firmware in the loop; `start` undefined: the vehicles take cmd_vel directly. */
export interface FirmwareModel {
  readonly start: ((setup: FirmwareSetup) => Promise<RobotFirmware>) | undefined;
}

/** Firmware models keyed by the simulator's `firmware` parameter. */
export const firmwareModels: Readonly<Record<string, FirmwareModel>> = {
  none: { start: undefined },
  // The motor_bridge's framed protocol to a simulated motor controller that drives the vehicle.
  serial: {
    start: async (s) => {
      const fw = await SerialMotorFirmware.start(s.dir, s.robot, {
        wheelRadius: s.wheelRadius,
        wheelSeparation: s.wheelSeparation,
      });
      return {
        get lateSteps() {
          return fw.lateSteps;
        },
        awaitBridge: (ms) => fw.awaitBridge(ms),
        awaitCommand: (n, lateMs) => fw.awaitCommand(n, lateMs),
        step: (nowS, dt, world, others) => {
          s.vehicle.step(dt, fw.twist(nowS), world, others);
          fw.controller.step(nowS + dt, dt, s.vehicle.velocity);
        },
        close: () => fw.close(),
      };
    },
  },
  // MAVLink to a simulated autopilot, which steps the vehicle itself.
  mavlink: {
    start: async (s) => {
      const fw = await SerialAutopilotFirmware.start(s.dir, s.robot, s.vehicle, s.world, s.others);
      return {
        get lateSteps() {
          return fw.lateSteps;
        },
        awaitBridge: (ms) => fw.awaitBridge(ms),
        awaitCommand: (n, lateMs) => fw.awaitSetpoints(n, lateMs),
        step: (nowS, dt) => fw.autopilot.step(nowS + dt, dt),
        close: () => fw.close(),
      };
    },
  },
};

export function firmwareModel(name: string): FirmwareModel {
  const model = Object.hasOwn(firmwareModels, name) ? firmwareModels[name] : undefined;
  if (model === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_FIRMWARE_MODEL',
      `simulated firmware ${JSON.stringify(name)} is not known; expected one of ${Object.keys(firmwareModels).join(', ')}`,
    );
  }
  return model;
}
