import type { Clock } from '../../runtime/index.js';

/**
 * CPU and memory of this process, sampled by the telemetry node. CPU is the process's user+system
 * time since the previous sample over the wall time between them (percent of one core; more than
 * 100 when several threads run), measured on the wall clock even in a simulation, where node time
 * runs faster than the CPU does.
 */
export class ProcessLoad {
  readonly #wall: Clock;
  #lastCpuUs: number;
  #lastWallNs: bigint;

  constructor(wall: Clock) {
    this.#wall = wall;
    const u = process.cpuUsage();
    this.#lastCpuUs = u.user + u.system;
    this.#lastWallNs = wall.now().nanoseconds;
  }

  /** CPU percent since the last call (NaN for an empty interval) and resident set size in KiB. */
  sample(): { cpuPercent: number; rssKib: number } {
    const u = process.cpuUsage();
    const cpuUs = u.user + u.system;
    const wallNs = this.#wall.now().nanoseconds;
    const dtUs = Number(wallNs - this.#lastWallNs) / 1e3;
    const cpuPercent = dtUs > 0 ? ((cpuUs - this.#lastCpuUs) / dtUs) * 100 : Number.NaN;
    this.#lastCpuUs = cpuUs;
    this.#lastWallNs = wallNs;
    return { cpuPercent, rssKib: Math.round(process.memoryUsage.rss() / 1024) };
  }
}
