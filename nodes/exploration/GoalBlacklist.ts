interface Point {
  x: number;
  y: number;
}

/** Places whose goal failed (unreachable, aborted), avoided until their time is up. */
export class GoalBlacklist {
  #entries: Array<Point & { until: number }> = [];

  add(p: Point, until: number): void {
    this.#entries.push({ x: p.x, y: p.y, until });
  }

  /** Forgets the entries whose time is up at `now` (s). */
  prune(now: number): void {
    this.#entries = this.#entries.filter((b) => b.until > now);
  }

  /** Whether `p` lies within `radius` of a blacklisted place. */
  covers(p: Point, radius: number): boolean {
    return this.#entries.some((b) => Math.hypot(b.x - p.x, b.y - p.y) <= radius);
  }
}
