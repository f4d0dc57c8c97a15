import { FleetStallLog, type FleetStall } from './FleetStallLog.js';

/**
 * The JSON report of a simulated mission: what `outpost sim --report` writes.
 * `coverage` is the fraction of ground-truth free cells known to at least one robot's merged map;
 * `max_path_length_m` is the longest distance any robot drove (IR2's metric).
 */
export interface MissionSummary {
  map: string;
  robots: number;
  policy: string;
  radio: string;
  seed: number;
  done: boolean;
  reason: string;
  sim_time_s: number;
  /** Wall time from the simulator's start to the end, `startup_s` included. Unit: s. */
  wall_time_s: number;
  /**
   * Wall time before the clock first moved: waiting for the launch to come up (nodes configured
   * and active, brokers, logins, models loaded) and for firmware bridges. The running real-time
   * factor is sim_time_s / (wall_time_s − startup_s). Unit: s.
   */
  startup_s: number;
  coverage: number;
  time_to_coverage_s: number | null;
  max_path_length_m: number;
  per_robot: Array<{ id: string; path_length_m: number; coverage: number }>;
  contacts: number;
  fleet: { messages_sent: number; messages_delivered: number; bytes_sent: number };
  /** Lock-step waits on fleet links that did not settle within 1 s of wall time; [] in a healthy run. */
  fleet_stalls: FleetStall[];
}

export interface MissionReportOptions {
  map: string;
  robots: number;
  policy: string;
  radio: string;
  seed: number;
  freeCells: number;
  /** Coverage that counts as "explored" for time_to_coverage_s. Default 0.99. */
  goalCoverage?: number;
}

interface RobotSample {
  id: string;
  pathLength: number;
  known: Uint8Array | undefined;
}

export class MissionReport {
  readonly #o: MissionReportOptions;
  contacts = 0;
  fleet = { messages_sent: 0, messages_delivered: 0, bytes_sent: 0 };
  readonly fleetStalls = new FleetStallLog();
  #simTime = 0;
  #coverage = 0;
  #timeToCoverage: number | null = null;
  #robots: RobotSample[] = [];
  #freeMask: ((i: number) => boolean) | undefined;

  constructor(options: MissionReportOptions, freeMask?: (i: number) => boolean) {
    this.#o = options;
    this.#freeMask = freeMask;
  }

  record(simTimeS: number, coverage: number, robots: RobotSample[]): void {
    this.#simTime = simTimeS;
    this.#coverage = coverage;
    this.#robots = robots;
    if (this.#timeToCoverage === null && coverage >= (this.#o.goalCoverage ?? 0.99)) this.#timeToCoverage = simTimeS;
  }

  /** `startupS`: the part of `wallTimeS` before the clock first moved (0 if it never did). */
  summary(wallTimeS: number, reason: string, startupS = 0): MissionSummary {
    const perRobot = this.#robots.map((r) => {
      let known = 0;
      if (r.known !== undefined)
        for (let i = 0; i < r.known.length; i++) if (r.known[i] === 1 && (this.#freeMask?.(i) ?? true)) known++;
      return {
        id: r.id,
        path_length_m: round(r.pathLength, 3),
        coverage: round(this.#o.freeCells > 0 ? known / this.#o.freeCells : 0, 4),
      };
    });
    return {
      map: this.#o.map,
      robots: this.#o.robots,
      policy: this.#o.policy,
      radio: this.#o.radio,
      seed: this.#o.seed,
      done: reason === 'coverage',
      reason,
      sim_time_s: round(this.#simTime, 3),
      wall_time_s: round(wallTimeS, 3),
      startup_s: round(startupS, 3),
      coverage: round(this.#coverage, 4),
      time_to_coverage_s: this.#timeToCoverage === null ? null : round(this.#timeToCoverage, 3),
      max_path_length_m: round(Math.max(0, ...perRobot.map((r) => r.path_length_m)), 3),
      per_robot: perRobot,
      contacts: this.contacts,
      fleet: { ...this.fleet },
      fleet_stalls: this.fleetStalls.episodes.map((e) => ({ ...e, peers: [...e.peers] })),
    };
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
