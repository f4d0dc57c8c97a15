import type { Logger } from 'pino';
import type { Time } from '../runtime/index.js';
import type { MavlinkBridgeParams } from './MavlinkBridgeSpec.js';
import { MAV_MODE_FLAG, px4ModeName } from './mavlink/MavlinkEnums.js';
import type { MessageFields } from './mavlink/MavlinkMessages.js';

/** Link states as the numbers `outpost_msgs/VehicleStatus.link` carries. */
export const LINK = { down: 0, waiting: 1, connected: 2, lost: 3 } as const;
export type LinkName = keyof typeof LINK;

/** The autopilot's state as its last HEARTBEAT gave it. */
export interface AutopilotHeartbeat {
  armed: boolean;
  customMode: number;
  baseMode: number;
  systemStatus: number;
}

/** What the monitor reads of its node: the link timeout (live), the clock and the logger. */
export interface AutopilotLinkMonitorHost {
  readonly params: Pick<MavlinkBridgeParams, 'link_timeout'>;
  now(): Time;
  getLogger(): Logger;
}

/**
 * Watches the autopilot's HEARTBEAT: what it says (armed, PX4 mode) and whether it still comes.
 * The link is `down` while the byte link is not open, `waiting` until the first heartbeat,
 * `lost` when none came for `link_timeout`, else `connected`; every change is logged and
 * reported through `onChange`.
 */
export class AutopilotLinkMonitor {
  #host: AutopilotLinkMonitorHost;
  #byteLinkOpen: () => boolean;
  #onChange: () => void;
  #linkState: LinkName = 'down';
  #lastHeartbeat: Time | undefined;
  #hb: AutopilotHeartbeat = { armed: false, customMode: 0, baseMode: 0, systemStatus: 0 };
  #heartbeatListeners = new Set<() => void>();

  constructor(host: AutopilotLinkMonitorHost, byteLinkOpen: () => boolean, onChange: () => void) {
    this.#host = host;
    this.#byteLinkOpen = byteLinkOpen;
    this.#onChange = onChange;
  }

  get linkState(): LinkName {
    return this.#linkState;
  }
  get heartbeat(): Readonly<AutopilotHeartbeat> {
    return this.#hb;
  }
  get mode(): string {
    return px4ModeName(this.#hb.customMode);
  }
  /** Seconds since the last autopilot HEARTBEAT; -1 before the first. */
  secondsSinceHeartbeat(): number {
    return this.#lastHeartbeat === undefined ? -1 : Number(this.#host.now().sub(this.#lastHeartbeat)) / 1e9;
  }

  /** Called on every HEARTBEAT after one arrives (and after the link state took it in). */
  addHeartbeatListener(listener: () => void): void {
    this.#heartbeatListeners.add(listener);
  }
  removeHeartbeatListener(listener: () => void): void {
    this.#heartbeatListeners.delete(listener);
  }

  /** A HEARTBEAT from the autopilot (system and component already checked). */
  onHeartbeat(m: MessageFields): void {
    const baseMode = m.base_mode as number;
    const next = {
      armed: (baseMode & MAV_MODE_FLAG.SAFETY_ARMED) !== 0,
      customMode: m.custom_mode as number,
      baseMode,
      systemStatus: m.system_status as number,
    };
    if (next.armed !== this.#hb.armed || next.customMode !== this.#hb.customMode) {
      this.#host
        .getLogger()
        .info(`autopilot: ${next.armed ? 'armed' : 'disarmed'}, mode ${px4ModeName(next.customMode)}`);
    }
    this.#hb = next;
    this.#lastHeartbeat = this.#host.now();
    this.update();
    for (const l of [...this.#heartbeatListeners]) l();
  }

  /** Re-evaluates the link state (on byte-link changes, heartbeats and a timer). */
  update(): void {
    let next: LinkName;
    if (!this.#byteLinkOpen()) next = 'down';
    else if (this.#lastHeartbeat === undefined) next = 'waiting';
    else
      next =
        Number(this.#host.now().sub(this.#lastHeartbeat)) / 1e9 > this.#host.params.link_timeout ? 'lost' : 'connected';
    if (next === this.#linkState) return;
    const log = next === 'lost' || next === 'down' ? 'warn' : 'info';
    this.#host
      .getLogger()
      [log](
        `autopilot link ${this.#linkState} → ${next}${next === 'lost' ? ` (no HEARTBEAT for ${this.#host.params.link_timeout} s)` : ''}`,
      );
    this.#linkState = next;
    this.#onChange();
  }
}
