import type { KindNode, Subscription } from '../../runtime/index.js';
import type { explorerSpec } from './ExplorerSpec.js';
import { TeammateBeliefs } from './TeammateBeliefs.js';
import { TeammateGoals } from './TeammateGoals.js';
import type { TeammateInput } from './ViewpointGraph.js';

/**
 * What the explorer hears of its teammates on the fleet topics: where they are (TeammateBeliefs,
 * from `fleet/{teammate}/pose`) and where they are heading (TeammateGoals, from
 * `fleet/{teammate}/goal`).
 */
export class Teammates {
  readonly beliefs: TeammateBeliefs;
  readonly #goals = new TeammateGoals();

  constructor(names: readonly string[]) {
    this.beliefs = new TeammateBeliefs(names);
  }

  /**
   * Subscribes `node` to each teammate's goal and pose (in that order, teammate by teammate).
   * `knownCells`: the cells our map knows now (kept with each pose, for the map delta); `changed`:
   * called when a belief changed.
   */
  subscribe(node: KindNode<typeof explorerSpec>, knownCells: () => number, changed: () => void): Subscription[] {
    const subs: Subscription[] = [];
    for (const name of this.beliefs.names) {
      subs.push(
        node.subscription('fleet/{teammate}/goal', { qos: 5, with: { teammate: name } }, (msg) => {
          this.#goals.observe(name, msg.pose.position.x, msg.pose.position.y);
        }),
      );
      subs.push(
        node.subscription('fleet/{teammate}/pose', { qos: 5, with: { teammate: name } }, (msg) => {
          const stamp = msg.header.stamp.sec + msg.header.stamp.nanosec / 1e9;
          if (
            this.beliefs.observe(
              name,
              msg.pose.position.x,
              msg.pose.position.y,
              stamp,
              node.now().seconds,
              knownCells(),
            )
          ) {
            changed();
          }
        }),
      );
    }
    return subs;
  }

  /** The teammates as the graph needs them at `now` (s), our map knowing `knownCount` cells. */
  graphInputs(now: number, contactTimeout: number, knownCount: number): TeammateInput[] {
    return this.beliefs
      .all()
      .map((b) => ({
        x: b.x,
        y: b.y,
        inContact: this.beliefs.inContact(b.name, now, contactTimeout),
        mapDelta: Math.max(0, knownCount - b.knownCellsAtContact),
      }));
  }

  /** The goals of the in-contact teammates before `me` in `team`, at `now` (s): TeammateGoals.claimed. */
  claimedGoals(
    team: readonly string[],
    me: string,
    now: number,
    contactTimeout: number,
  ): Array<{ x: number; y: number }> {
    return this.#goals.claimed(team, me, (name) => this.beliefs.inContact(name, now, contactTimeout));
  }
}
