import { twistFor, type WheelGeometry } from '../../firmware-bridge/motor/DiffDriveKinematics.js';
import {
  MOTOR_FAULT,
  MotorFrameParser,
  encodeMotorMessage,
  type MotorMessage,
} from '../../firmware-bridge/motor/MotorProtocol.js';
import type { FirmwareLink } from './FirmwareLink.js';

export interface SimMotorControllerOptions extends WheelGeometry {
  /** Encoder resolution, ticks per wheel revolution. Default 4096. */
  ticksPerRev?: number;
  /** Stop the wheels when no WHEEL_COMMAND came for this long. Unit: s. Default 0.5. */
  watchdogTimeout?: number;
  /** Encoder report period. Unit: s. Default 0.05 (20 Hz). */
  reportPeriod?: number;
  /** Battery: full voltage and the drain per second of driving. Unit: V, V/s. Defaults 12.6, 0.002. */
  fullVoltage?: number;
  drainPerSecond?: number;
}

/**
 * A simulated motor controller speaking the Outpost motor protocol on its end of a byte link, as
 * the firmware on a ground robot's motor board would: wheel speed commands in, encoder ticks,
 * battery and status out, and its own watchdog (wheels stop if commands stop, whatever the host
 * does). It has no clock of its own: whoever drives it (the simulator's step, or `startRealtime`)
 * passes the time.
 */
export class SimMotorController {
  readonly parser = new MotorFrameParser();
  readonly geometry: WheelGeometry;
  /** The command id of the last WHEEL_COMMAND received (the simulator waits on it for lock-step). */
  lastCommandId = -1;
  commandsReceived = 0;
  faults = 0;
  leftTicks = 0;
  rightTicks = 0;
  #o: Required<SimMotorControllerOptions>;
  #link: FirmwareLink;
  #target = { left: 0, right: 0 };
  #lastCommandAt = -Infinity;
  #now = 0;
  #leftAngle = 0;
  #rightAngle = 0;
  #nextReport = 0;
  #nextStatus = 0;
  #seq = 0;
  #voltage: number;
  #lastFaults = -1;
  #off: () => void;
  #commandListeners = new Set<(id: number) => void>();

  constructor(link: FirmwareLink, o: SimMotorControllerOptions) {
    this.#o = {
      ticksPerRev: 4096,
      watchdogTimeout: 0.5,
      reportPeriod: 0.05,
      fullVoltage: 12.6,
      drainPerSecond: 0.002,
      ...o,
    };
    this.geometry = { wheelRadius: o.wheelRadius, wheelSeparation: o.wheelSeparation };
    this.#link = link;
    this.#voltage = this.#o.fullVoltage;
    this.#off = link.onData((b) => this.parser.push(b, (m) => this.#onMessage(m)));
  }

  /** Calls back with each received command id. */
  onCommand(listener: (commandId: number) => void): () => void {
    this.#commandListeners.add(listener);
    return () => this.#commandListeners.delete(listener);
  }

  /** The time of the last step. Unit: s. */
  get now(): number {
    return this.#now;
  }

  get watchdogTripped(): boolean {
    return this.#now - this.#lastCommandAt > this.#o.watchdogTimeout;
  }

  /** The body twist the motors drive at time `now` (s): zero once the watchdog tripped. */
  commandedTwist(now: number): { linear: number; angular: number } {
    this.#now = now;
    if (this.watchdogTripped) return { linear: 0, angular: 0 };
    return twistFor(this.geometry, this.#target.left, this.#target.right);
  }

  /**
   * Advances the wheels by what the vehicle actually did over `dt` (so encoders show a blocked
   * robot as stopped) and sends the reports due at `now`.
   */
  step(now: number, dt: number, achieved: { linear: number; angular: number }): void {
    this.#now = now;
    const half = (achieved.angular * this.geometry.wheelSeparation) / 2;
    this.#leftAngle += ((achieved.linear - half) / this.geometry.wheelRadius) * dt;
    this.#rightAngle += ((achieved.linear + half) / this.geometry.wheelRadius) * dt;
    const perRad = this.#o.ticksPerRev / (2 * Math.PI);
    this.leftTicks = Math.round(this.#leftAngle * perRad) | 0;
    this.rightTicks = Math.round(this.#rightAngle * perRad) | 0;
    if (achieved.linear !== 0 || achieved.angular !== 0)
      this.#voltage = Math.max(0, this.#voltage - this.#o.drainPerSecond * dt);
    this.faults = (this.faults & ~MOTOR_FAULT.WATCHDOG) | (this.watchdogTripped ? MOTOR_FAULT.WATCHDOG : 0);
    if (now >= this.#nextReport) {
      this.#nextReport = now + this.#o.reportPeriod;
      this.#send({
        type: 'encoders',
        timeUs: Math.round(now * 1e6) >>> 0,
        leftTicks: this.leftTicks,
        rightTicks: this.rightTicks,
      });
    }
    if (now >= this.#nextStatus || this.faults !== this.#lastFaults) {
      this.#nextStatus = now + 1;
      this.#lastFaults = this.faults;
      this.#send({ type: 'status', faults: this.faults, lastCommandId: Math.max(0, this.lastCommandId) });
      this.#send({
        type: 'battery',
        voltage: this.#voltage,
        current: 0.5,
        percentage: Math.min(1, Math.max(0, (this.#voltage - 10.5) / 2.1)),
      });
    }
  }

  /**
   * Runs on wall time with an ideal vehicle (it achieves exactly what it is commanded), for
   * tests and benches without the simulator. Returns a function that stops it.
   */
  startRealtime(period = 0.01): () => void {
    const t0 = performance.now();
    let last = 0;
    const timer = setInterval(() => {
      const now = (performance.now() - t0) / 1000;
      this.step(now, now - last, this.commandedTwist(now));
      last = now;
    }, period * 1000);
    return () => clearInterval(timer);
  }

  detach(): void {
    this.#off();
  }

  #onMessage(m: MotorMessage): void {
    if (m.type !== 'wheel_command') return;
    this.#target = { left: m.left, right: m.right };
    this.#lastCommandAt = this.#now;
    this.lastCommandId = m.commandId;
    this.commandsReceived++;
    for (const l of this.#commandListeners) l(m.commandId);
  }

  #send(m: MotorMessage): void {
    this.#link.write(encodeMotorMessage(m, this.#seq));
    this.#seq = (this.#seq + 1) & 0xff;
  }
}
