/**
 * A point in time as ROS 2 sees it: nanoseconds (bigint) since the clock's epoch. Shaped like
 * rclnodejs's `Time` (`nanoseconds`, `secondsAndNanoseconds`, `toMsg()`), so node code ports.
 */
export interface TimeMsg {
  sec: number;
  nanosec: number;
}

export const NS_PER_S = 1_000_000_000n;

export class Time {
  readonly nanoseconds: bigint;

  constructor(nanoseconds: bigint = 0n) {
    this.nanoseconds = nanoseconds;
  }

  static fromMsg(msg: TimeMsg): Time {
    return new Time(BigInt(msg.sec) * NS_PER_S + BigInt(msg.nanosec));
  }

  static fromSeconds(seconds: number): Time {
    return new Time(secondsToNs(seconds));
  }

  /** Seconds as a float; loses precision past ~104 days of nanoseconds, fine for control math. */
  get seconds(): number {
    return Number(this.nanoseconds) / 1e9;
  }

  get secondsAndNanoseconds(): { seconds: number; nanoseconds: number } {
    const s = this.nanoseconds / NS_PER_S;
    return { seconds: Number(s), nanoseconds: Number(this.nanoseconds - s * NS_PER_S) };
  }

  toMsg(): TimeMsg {
    const { seconds, nanoseconds } = this.secondsAndNanoseconds;
    return { sec: seconds, nanosec: nanoseconds };
  }

  add(ns: bigint): Time {
    return new Time(this.nanoseconds + ns);
  }

  sub(other: Time): bigint {
    return this.nanoseconds - other.nanoseconds;
  }

  toString(): string {
    const { seconds, nanoseconds } = this.secondsAndNanoseconds;
    return `${seconds}.${String(nanoseconds).padStart(9, '0')}`;
  }
}

/** Seconds (float) to integer nanoseconds, rounded to the nearest nanosecond. */
export function secondsToNs(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1e9));
}
