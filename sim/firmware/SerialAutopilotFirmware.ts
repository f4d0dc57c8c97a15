import { VehicleAirframe } from './Airframe.js';
import { SimAutopilot } from './SimAutopilot.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { firmwarePtyPath, openFirmwarePty, waitFor, type FirmwarePty } from './FirmwarePty.js';
import type { Obstacle, Vehicle } from '../vehicles/Vehicle.js';
import type { GridWorld } from '../world/GridWorld.js';

/**
 * Firmware in the loop for one simulated robot on an autopilot (`firmware:=mavlink`): a socat pty
 * pair whose `<dir>/<robot>-mavlink` end the robot's mavlink_bridge opens, and a SimAutopilot on
 * the other end that drives the robot's simulator vehicle (VehicleAirframe, as PX4/ArduPilot
 * Rover would) from the bridge's setpoints, stepped by the simulator in sim time.
 *
 * Lock-step: the bridge sends one SET_POSITION_TARGET_LOCAL_NED per `cmd_vel` (plus keep-alives
 * when `cmd_vel` is slower than its stream rate). After each step's callbacks the simulator calls
 * `awaitSetpoints(n)` with its count of `cmd_vel` messages; the wait ends once as many setpoints
 * as new `cmd_vel` messages have crossed the pty (a keep-alive in the same step can end it one
 * setpoint early; the late one then counts toward the next step), or after `lateMs` (counted).
 */
export class SerialAutopilotFirmware {
  readonly robot: string;
  readonly bridgePath: string;
  readonly autopilot: SimAutopilot;
  lateSteps = 0;
  #pty: FirmwarePty;
  #cmdSeen = 0;
  #receivedAtSync = 0;

  private constructor(robot: string, pty: FirmwarePty, autopilot: SimAutopilot) {
    this.robot = robot;
    this.bridgePath = pty.bridgePath;
    this.#pty = pty;
    this.autopilot = autopilot;
  }

  static bridgePathFor(dir: string, robot: string): string {
    return firmwarePtyPath(dir, robot, 'mavlink');
  }

  static async start(
    dir: string,
    robot: string,
    vehicle: Vehicle,
    world: GridWorld,
    others: () => readonly Obstacle[],
  ): Promise<SerialAutopilotFirmware> {
    const pty = await openFirmwarePty(dir, robot, 'mavlink', 921600);
    const autopilot = new SimAutopilot(pty.link, { airframe: new VehicleAirframe(vehicle, world, others) });
    return new SerialAutopilotFirmware(robot, pty, autopilot);
  }

  awaitSetpoints(cmdCount: number, lateMs: number): Promise<void> {
    const target = this.#receivedAtSync + (cmdCount - this.#cmdSeen);
    this.#cmdSeen = cmdCount;
    const done = () => {
      this.#receivedAtSync = this.autopilot.setpointsReceived;
    };
    if (this.autopilot.setpointsReceived >= target) {
      done();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        this.lateSteps++;
        done();
        resolve();
      }, lateMs);
      const off = this.autopilot.onSetpoint(() => {
        if (this.autopilot.setpointsReceived >= target) {
          clearTimeout(timer);
          off();
          done();
          resolve();
        }
      });
    });
  }

  /** Waits until the bridge is heard (its first heartbeat or setpoint). */
  awaitBridge(timeoutMs: number): Promise<void> {
    return waitFor(
      () => this.autopilot.heartbeatsHeard.length > 0 || this.autopilot.setpointsReceived > 0,
      timeoutMs,
      () =>
        new OutpostError(
          'OUTPOST_ERR_FIRMWARE_LINK',
          `firmware:=mavlink: the mavlink_bridge of ${this.robot} never spoke on ${this.bridgePath} within ${timeoutMs} ms (expected a mavlink_bridge with link serial://${this.bridgePath}:921600)`,
        ),
    );
  }

  async close(): Promise<void> {
    this.autopilot.detach();
    await this.#pty.close();
  }
}
