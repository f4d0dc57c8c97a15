/**
 * One episode in which a robot's fleet link, asked by the simulator to settle with the teammates
 * the radio says are in reach (`~/sync`), kept the lock-step waiting: every ~/sync in a row that
 * timed out or took longer than the log's threshold, from the first to the last.
 */
export interface FleetStall {
  robot: string;
  /** The teammates it was asked to settle with during the episode. */
  peers: string[];
  /** Sim time when the episode began. Unit: s. */
  sim_time_s: number;
  /** Wall time the lock-step waited in the episode's syncs. Unit: s. */
  wall_s: number;
  /** Syncs of the episode that timed out (not settled). */
  timeouts: number;
}

/**
 * Collects FleetStall episodes for the mission report. A healthy run has none, so the report of a
 * seed stays the same from run to run; a stuck link shows up with its robot, peers and duration.
 */
export class FleetStallLog {
  readonly episodes: FleetStall[] = [];
  readonly #open = new Map<string, FleetStall>();
  readonly #thresholdS: number;

  /** `thresholdS`: a settled sync that waited less than this (wall time) ends an episode. Default 1. Unit: s. */
  constructor(thresholdS = 1) {
    this.#thresholdS = thresholdS;
  }

  /** One ~/sync answered after `waitedS` wall seconds. Returns the episode it opened or extended, if any. */
  record(
    robot: string,
    peers: readonly string[],
    simTimeS: number,
    waitedS: number,
    settled: boolean,
  ): FleetStall | undefined {
    if (settled && waitedS < this.#thresholdS) {
      this.#open.delete(robot);
      return undefined;
    }
    let e = this.#open.get(robot);
    if (e === undefined) {
      e = { robot, peers: [], sim_time_s: round(simTimeS), wall_s: 0, timeouts: 0 };
      this.#open.set(robot, e);
      this.episodes.push(e);
    }
    for (const p of peers) if (!e.peers.includes(p)) e.peers.push(p);
    e.peers.sort();
    e.wall_s = round(e.wall_s + waitedS);
    if (!settled) e.timeouts++;
    return e;
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
