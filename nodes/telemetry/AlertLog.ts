import type { builtin_interfaces } from '../../runtime/msg/MessageTypes.js';

/** One alert as RobotTelemetry carries it (outpost_msgs/msg/TelemetryAlert). */
export interface Alert {
  stamp: builtin_interfaces.msg.Time;
  /** TelemetryAlert.WARN (1) or ERROR (2). */
  level: number;
  source: string;
  message: string;
}

/** Longest message kept: the record must fit a thin link (RobotTelemetry.msg: ≤ 300 B/s). */
export const MAX_ALERT_MESSAGE = 64;

/**
 * The latest alerts of one robot, newest first, at most one per source: a diagnostic status that
 * stays at WARN is republished every second, and a record of a few alerts full of the same one
 * would hide the others. A source's alert is replaced when its level or message changes (it then
 * counts as new); the same alert again keeps its first stamp, so its age shows how long it lasts.
 */
export class AlertLog {
  readonly #bySource = new Map<string, Alert>();
  readonly #keep: number;

  /** `keep`: sources remembered (the oldest alert is forgotten past it). */
  constructor(keep: number) {
    this.#keep = keep;
  }

  raise(alert: Alert): void {
    const message =
      alert.message.length > MAX_ALERT_MESSAGE ? `${alert.message.slice(0, MAX_ALERT_MESSAGE - 1)}…` : alert.message;
    const held = this.#bySource.get(alert.source);
    if (held !== undefined && held.level === alert.level && held.message === message) return;
    this.#bySource.delete(alert.source);
    this.#bySource.set(alert.source, { ...alert, message });
    if (this.#bySource.size > this.#keep) this.#bySource.delete(this.#bySource.keys().next().value!);
  }

  /** At most `n`, newest first. */
  latest(n: number): Alert[] {
    return [...this.#bySource.values()].reverse().slice(0, n);
  }
}
