import type { Logger } from 'pino';
import { OutpostError, secondsToNs, type Clock, type LifecycleState, type Time } from '../runtime/index.js';
import type { AutopilotLinkMonitor } from './AutopilotLinkMonitor.js';
import type { MavlinkBridgeParams } from './MavlinkBridgeSpec.js';
import { MavlinkCommandClient } from './mavlink/MavlinkCommandClient.js';
import { MAV_CMD, MAV_MODE_FLAG, PX4_MAIN_MODE, px4ModeFromName, px4ModeName } from './mavlink/MavlinkEnums.js';
import { COMMAND_LONG, type MessageDef, type MessageFields } from './mavlink/MavlinkMessages.js';
import type { OffboardSetpointStream } from './OffboardSetpointStream.js';

/** What the commands read of their node: ids and timeouts (live), state, clock and logger. */
export interface AutopilotCommandsHost {
  readonly params: Pick<
    MavlinkBridgeParams,
    | 'system_id'
    | 'component_id'
    | 'target_system'
    | 'target_component'
    | 'command_timeout'
    | 'command_retries'
    | 'mode_confirm_timeout'
    | 'offboard_warmup'
  >;
  readonly lifecycleState: LifecycleState;
  now(): Time;
  getClock(): Clock;
  getLogger(): Logger;
}

/**
 * Arming and PX4 mode changes by COMMAND_LONG with ACK, timeout and retry: a mode change succeeds
 * only once the autopilot's HEARTBEAT shows the mode, and OFFBOARD only after the setpoint stream
 * ran for `offboard_warmup`. `auto_offboard` (simulation and benches) arms and asks for OFFBOARD
 * by itself.
 */
export class AutopilotCommands {
  #host: AutopilotCommandsHost;
  #commands: MavlinkCommandClient;
  #autopilot: AutopilotLinkMonitor;
  #stream: OffboardSetpointStream;
  #byteLinkState: () => string | undefined;
  #autoBusy = false;

  /**
   * @param send writes one message to the autopilot.
   * @param byteLinkState the byte link's state, for error messages.
   */
  constructor(
    host: AutopilotCommandsHost,
    send: (def: MessageDef, fields: MessageFields) => boolean,
    autopilot: AutopilotLinkMonitor,
    stream: OffboardSetpointStream,
    byteLinkState: () => string | undefined,
  ) {
    this.#host = host;
    this.#autopilot = autopilot;
    this.#stream = stream;
    this.#byteLinkState = byteLinkState;
    this.#commands = new MavlinkCommandClient(
      (command, params, confirmation) =>
        send(COMMAND_LONG, {
          param1: params[0] ?? 0,
          param2: params[1] ?? 0,
          param3: params[2] ?? 0,
          param4: params[3] ?? 0,
          param5: params[4] ?? 0,
          param6: params[5] ?? 0,
          param7: params[6] ?? 0,
          command,
          confirmation,
          target_system: host.params.target_system,
          target_component: host.params.target_component,
        }),
      host.getClock(),
    );
  }

  /** A COMMAND_ACK from the autopilot's system. */
  onAck(m: MessageFields): void {
    const ts = m.target_system as number;
    const tc = m.target_component as number;
    // ACKs with no target (old firmware leaves the extension out) are taken as ours.
    if ((ts === 0 || ts === this.#host.params.system_id) && (tc === 0 || tc === this.#host.params.component_id)) {
      this.#commands.onAck(m.command as number, m.result as number);
    }
  }

  /** Fails every command still waiting for its ACK. */
  failAll(reason: string): void {
    this.#commands.failAll(reason);
  }

  /** Arms or disarms (COMMAND_LONG 400); resolves on COMMAND_ACK ACCEPTED. */
  arm(armed: boolean, signal?: AbortSignal): Promise<void> {
    return this.#commands.send(MAV_CMD.COMPONENT_ARM_DISARM, [armed ? 1 : 0], this.#commandOptions(), signal);
  }

  /**
   * Asks for a PX4 mode by name (DO_SET_MODE with custom main/sub mode); resolves when a HEARTBEAT
   * shows it, fails if the ACK refuses or the heartbeat does not show it within mode_confirm_timeout.
   */
  async setMode(name: string, signal?: AbortSignal): Promise<void> {
    const mode = px4ModeFromName(name);
    if (mode === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `mode ${JSON.stringify(name)}: expected a PX4 mode such as ${Object.keys(PX4_MAIN_MODE).join(', ')} or AUTO.LOITER`,
      );
    }
    // PX4 refuses OFFBOARD unless setpoints are already streaming: let the stream run first.
    if (mode.main === PX4_MAIN_MODE.OFFBOARD) await this.#setpointWarmup(signal);
    await this.#commands.send(
      MAV_CMD.DO_SET_MODE,
      [MAV_MODE_FLAG.CUSTOM_MODE_ENABLED, mode.main, mode.sub],
      this.#commandOptions(),
      signal,
    );
    const autopilot = this.#autopilot;
    const matches = () =>
      ((autopilot.heartbeat.customMode >>> 16) & 0xff) === mode.main &&
      (mode.sub === 0 || ((autopilot.heartbeat.customMode >>> 24) & 0xff) === mode.sub);
    const timeout = this.#host.params.mode_confirm_timeout;
    await new Promise<void>((resolve, reject) => {
      const cancel = this.#host.getClock().schedule(this.#host.now().nanoseconds + secondsToNs(timeout), () => {
        autopilot.removeHeartbeatListener(check);
        reject(
          new OutpostError(
            'OUTPOST_ERR_FIRMWARE_COMMAND',
            `mode ${name}: the autopilot ACKed DO_SET_MODE but its HEARTBEAT still shows ${autopilot.mode} after ${timeout} s`,
          ),
        );
      });
      // Only a heartbeat that arrives after the ACK counts: an older one may predate the change.
      const check = () => {
        if (matches()) {
          cancel();
          autopilot.removeHeartbeatListener(check);
          resolve();
        }
      };
      autopilot.addHeartbeatListener(check);
    });
  }

  /**
   * `auto_offboard`: while connected, arm and ask for OFFBOARD whenever the autopilot is not both
   * (at start, and again after a failsafe). For simulation and bench tests, not for a real vehicle.
   */
  autoOffboard(): void {
    const autopilot = this.#autopilot;
    if (this.#autoBusy || autopilot.linkState !== 'connected') return;
    if (autopilot.heartbeat.armed && px4ModeName(autopilot.heartbeat.customMode) === 'OFFBOARD') return;
    this.#autoBusy = true;
    void (async () => {
      if (!autopilot.heartbeat.armed) await this.arm(true);
      if (px4ModeName(autopilot.heartbeat.customMode) !== 'OFFBOARD') await this.setMode('OFFBOARD');
    })()
      .catch((err: unknown) => this.#host.getLogger().warn(`auto_offboard: ${(err as Error).message}; will retry`))
      .finally(() => {
        this.#autoBusy = false;
      });
  }

  async #setpointWarmup(signal?: AbortSignal): Promise<void> {
    const warmup = this.#host.params.offboard_warmup;
    const clock = this.#host.getClock();
    const stream = this.#stream;
    const deadline = this.#host.now().nanoseconds + secondsToNs(warmup + 5);
    while (stream.streamingSince === undefined || Number(this.#host.now().sub(stream.streamingSince)) / 1e9 < warmup) {
      if (this.#host.lifecycleState !== 'active')
        throw new OutpostError(
          'OUTPOST_ERR_FIRMWARE_COMMAND',
          'mode OFFBOARD: the bridge is not active, so no setpoints stream',
        );
      if (this.#host.now().nanoseconds > deadline) {
        throw new OutpostError(
          'OUTPOST_ERR_FIRMWARE_COMMAND',
          `mode OFFBOARD: expected ${warmup} s of setpoint stream first, got none in ${warmup + 5} s (link ${this.#byteLinkState()})`,
        );
      }
      if (signal?.aborted)
        throw new OutpostError('OUTPOST_ERR_ABORTED', 'mode OFFBOARD: aborted while waiting for the setpoint stream');
      await new Promise<void>((resolve) => clock.schedule(this.#host.now().nanoseconds + secondsToNs(0.02), resolve));
    }
  }

  #commandOptions() {
    return { timeout: this.#host.params.command_timeout, retries: this.#host.params.command_retries };
  }
}
