interface Point {
  x: number;
  y: number;
}

/**
 * Goal deconfliction for the classical policies (Burgard et al., "Coordinated multi-robot
 * exploration", 2005, by priority instead of by auction): teammates' latest goals, from
 * `fleet/{teammate}/goal`; the goals of in-contact teammates before this robot in the team list are
 * left to them. Without it, robots that start together pick the same goals and jam each other's
 * way (bodies collide).
 */
export class TeammateGoals {
  readonly #goals = new Map<string, Point>();

  /** A teammate's new goal; non-finite ones are dropped. */
  observe(name: string, x: number, y: number): void {
    if (Number.isFinite(x) && Number.isFinite(y)) this.#goals.set(name, { x, y });
  }

  /** Goals of the teammates before `me` in `team` (all, when `me` is not in it) that are in contact. */
  claimed(team: readonly string[], me: string, inContact: (name: string) => boolean): Point[] {
    const mine = team.indexOf(me);
    const out: Point[] = [];
    for (const [name, g] of this.#goals) {
      const k = team.indexOf(name);
      if (k >= 0 && (mine < 0 || k < mine) && inContact(name)) out.push(g);
    }
    return out;
  }
}
