import type { MessageOf } from '../runtime/index.js';
import { CELL_FREE, type GridWorld } from './world/GridWorld.js';

/** A robot as coverage sees it: the cells of the ground truth its (merged) map knows. */
export interface CoverageRobot {
  readonly name: string;
  known: Uint8Array | undefined;
}

/**
 * Coverage: the fraction of the world's free cells that at least one robot's merged map knows.
 * Maps only ever gain cells, so each robot's map updates the team's count incrementally.
 */
export class TeamCoverage {
  readonly #world: GridWorld;
  #teamKnown: Uint8Array | undefined;
  #teamKnownCount = 0;
  #freeCount: number | undefined;

  constructor(world: GridWorld) {
    this.#world = world;
  }

  /** Counts a robot's new map; returns a warning when it cannot be counted (another size than the world). */
  update(robot: CoverageRobot, m: MessageOf<'nav_msgs/msg/OccupancyGrid'>): string | undefined {
    const w = this.#world;
    if (m.info.width !== w.width || m.info.height !== w.height) {
      return `${robot.name}'s map is ${m.info.width}×${m.info.height}, the world ${w.width}×${w.height}: not counted for coverage`;
    }
    const known = robot.known ?? new Uint8Array(w.width * w.height);
    const team = (this.#teamKnown ??= new Uint8Array(w.width * w.height));
    const cells = w.cells;
    const data = m.data;
    const n = known.length;
    let i = 0;
    let added = 0;
    if (data instanceof Int8Array && data.byteOffset % 4 === 0 && data.length === n) {
      // Most of a 640×480 map is unknown for most of a mission: skip four unknown (−1) cells at a
      // time (this ran over every cell of every robot's map update).
      const words = new Int32Array(data.buffer, data.byteOffset, n >> 2);
      for (let k = 0; k < words.length; k++) {
        if (words[k] === -1) continue;
        for (let j = 4 * k; j < 4 * k + 4; j++) {
          if (data[j] === -1) continue;
          known[j] = 1;
          if (team[j] === 0 && cells[j] === CELL_FREE) {
            team[j] = 1;
            added++;
          }
        }
      }
      i = words.length << 2;
    }
    for (; i < n; i++) {
      if (data[i] === -1) continue;
      known[i] = 1;
      // Coverage counts ground-truth free cells the team knows; maps only ever gain cells.
      if (team[i] === 0 && cells[i] === CELL_FREE) {
        team[i] = 1;
        added++;
      }
    }
    this.#teamKnownCount += added;
    robot.known = known;
    return undefined;
  }

  /** Fraction of ground-truth free cells known to at least one robot's merged map. */
  coverage(): number {
    this.#freeCount ??= this.#world.freeCellCount();
    return this.#freeCount === 0 ? 0 : this.#teamKnownCount / this.#freeCount;
  }
}
