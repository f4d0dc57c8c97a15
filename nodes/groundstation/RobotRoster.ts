import type { Time } from '../../runtime/index.js';
import type { builtin_interfaces, outpost_msgs } from '../../runtime/msg/MessageTypes.js';

interface Heard {
  /** Ground station node time of arrival, ns. */
  at: bigint;
  /** The record's own stamp (the robot's clock). */
  stamp: builtin_interfaces.msg.Time;
}

/** Records older than this many telemetry periods are stale (issue 15). */
export const STALE_PERIODS = 3;

/**
 * The robots a ground station knows: the expected ones (from its parameters) and every robot it
 * heard from, with the arrival time of each one's last telemetry record. Ages are measured on the
 * station's clock, not from the record's stamp, so a robot with a wrong clock is not shown live.
 */
export class RobotRoster {
  readonly #robots = new Map<string, Heard | undefined>();
  readonly #periodSec: number;

  constructor(expected: readonly string[], periodSec: number) {
    for (const r of expected) this.#robots.set(r, undefined);
    this.#periodSec = periodSec;
  }

  /** True the first time this robot is seen (expected or heard). */
  heard(robot: string, stamp: builtin_interfaces.msg.Time, now: Time): boolean {
    const known = this.#robots.has(robot);
    this.#robots.set(robot, { at: now.nanoseconds, stamp });
    return !known;
  }

  get names(): string[] {
    return [...this.#robots.keys()];
  }

  message(now: Time): outpost_msgs.msg.GroundStationRobots {
    const robots = [...this.#robots]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([robot, h]) => {
        const age = h === undefined ? Number.NaN : Number(now.nanoseconds - h.at) / 1e9;
        return {
          robot,
          heard: h !== undefined,
          last_stamp: h?.stamp ?? { sec: 0, nanosec: 0 },
          age_s: age,
          stale: h === undefined || age > STALE_PERIODS * this.#periodSec,
        };
      });
    return { stamp: now.toMsg(), period_s: this.#periodSec, robots };
  }
}
