/** What this robot believes about one teammate (IR2's `all_robot_positions_belief` row). */
export interface TeammateBelief {
  name: string;
  /** Last known map-frame position. Unit: m. */
  x: number;
  y: number;
  /** Stamp of the pose message that gave the position (the teammate's clock). Unit: s. */
  stamp: number;
  /** When we last heard from the teammate, on our clock. Unit: s. */
  heardAt: number;
  /**
   * Known cells in our map when we last heard from the teammate. Maps are merged on contact, so
   * our known-cell count minus this is what the teammate has not seen of our map: the stand-in for
   * IR2's map delta (it keeps a full copy of each teammate's map; we keep a count).
   */
  knownCellsAtContact: number;
}

/**
 * IR2's belief about teammates: a last known position per teammate, updated only on contact
 * (a pose message arrives only while the radio link is up). Newest stamp wins, so if the fleet
 * link relays a third robot's pose (IR2's gossip of others' beliefs) an older relayed pose never
 * overwrites a newer one. Relaying is up to the fleet link's routes; this class only needs the
 * stamps. Beliefs are never dropped: IR2 also keeps stale positions until seen otherwise.
 */
export class TeammateBeliefs {
  #beliefs = new Map<string, TeammateBelief>();
  readonly names: readonly string[];

  /** `names`: all teammates (this robot excluded). */
  constructor(names: readonly string[]) {
    this.names = [...names];
  }

  /**
   * Records a pose heard from `name`. Returns false (and changes nothing) for an unknown name or
   * a stamp older than the belief we hold.
   */
  observe(name: string, x: number, y: number, stamp: number, now: number, knownCells: number): boolean {
    if (!this.names.includes(name) || !Number.isFinite(x) || !Number.isFinite(y)) return false;
    const old = this.#beliefs.get(name);
    if (old !== undefined && stamp < old.stamp) return false;
    this.#beliefs.set(name, { name, x, y, stamp, heardAt: now, knownCellsAtContact: knownCells });
    return true;
  }

  get(name: string): TeammateBelief | undefined {
    return this.#beliefs.get(name);
  }

  /** Every teammate we have a belief about, in `names` order. */
  all(): TeammateBelief[] {
    return this.names.flatMap((n) => this.#beliefs.get(n) ?? []);
  }

  /** Heard within `timeout` s of `now` (our clock): in radio contact, as far as we can tell. */
  inContact(name: string, now: number, timeout: number): boolean {
    const b = this.#beliefs.get(name);
    return b !== undefined && now - b.heardAt <= timeout;
  }
}
