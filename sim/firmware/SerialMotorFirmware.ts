import { SimMotorController } from './SimMotorController.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { firmwarePtyPath, openFirmwarePty, waitFor, type FirmwarePty } from './FirmwarePty.js';
import type { VelocityCommand } from '../vehicles/Vehicle.js';

/**
 * Firmware in the loop for one simulated ground robot (`firmware:=serial`): a socat pty pair whose
 * `<dir>/<robot>-motor` end the robot's motor_bridge opens, and whose other end a simulated motor
 * controller (firmware-bridge) serves. The vehicle then drives at the wheel speeds the controller
 * received over the pty, not at `cmd_vel` directly, and its encoders report what the vehicle did.
 *
 * Lock-step: bytes over a pty are real asynchronous I/O. After each step's callbacks the simulator
 * calls `awaitCommand(n)` with the number of `cmd_vel` messages it saw; the bridge stamps that count
 * on every WHEEL_COMMAND, so the wait ends as soon as the command made from the latest `cmd_vel`
 * has crossed the pty (tens of µs). If it has not within `lateMs` the step goes on with the
 * previous command and `lateSteps` counts it. Encoder reports flowing back to the bridge are not
 * waited for (nothing in the mission consumes `wheel_odom`).
 */
export class SerialMotorFirmware {
  readonly robot: string;
  readonly bridgePath: string;
  readonly controller: SimMotorController;
  lateSteps = 0;
  #pty: FirmwarePty;

  private constructor(robot: string, pty: FirmwarePty, controller: SimMotorController) {
    this.robot = robot;
    this.bridgePath = pty.bridgePath;
    this.#pty = pty;
    this.controller = controller;
  }

  /** The path the robot's motor_bridge must open (its link is `serial://<path>:<baud>`). */
  static bridgePathFor(dir: string, robot: string): string {
    return firmwarePtyPath(dir, robot, 'motor');
  }

  static async start(
    dir: string,
    robot: string,
    geometry: { wheelRadius: number; wheelSeparation: number },
  ): Promise<SerialMotorFirmware> {
    const pty = await openFirmwarePty(dir, robot, 'motor', 115200);
    return new SerialMotorFirmware(robot, pty, new SimMotorController(pty.link, { ...geometry, reportPeriod: 0.05 }));
  }

  /** Waits (wall time) until the controller received the command stamped `commandId` (mod 2^16). */
  awaitCommand(commandId: number, lateMs: number): Promise<void> {
    const want = commandId & 0xffff;
    if (this.controller.lastCommandId === want) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        this.lateSteps++;
        resolve();
      }, lateMs);
      const off = this.controller.onCommand((id) => {
        if (id === want) {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
  }

  /** Waits until the bridge has sent anything (it commands zero when its port opens). */
  awaitBridge(timeoutMs: number): Promise<void> {
    return waitFor(
      () => this.controller.commandsReceived > 0,
      timeoutMs,
      () =>
        new OutpostError(
          'OUTPOST_ERR_FIRMWARE_LINK',
          `firmware:=serial: the motor_bridge of ${this.robot} never spoke on ${this.bridgePath} within ${timeoutMs} ms (expected a motor_bridge with link serial://${this.bridgePath}:115200)`,
        ),
    );
  }

  twist(nowS: number): VelocityCommand {
    return this.controller.commandedTwist(nowS);
  }

  async close(): Promise<void> {
    this.controller.detach();
    await this.#pty.close();
  }
}
