import { OutpostError } from '../../runtime/index.js';
import type { ExplorationPolicy, ExplorationPolicyOptions, PolicyContext } from './ExplorationPolicy.js';
import type { GraphObservation } from './GraphObservation.js';
import { nearestNode, shortestPaths } from './GraphPaths.js';
import { UtilityGreedyPolicy } from './UtilityGreedyPolicy.js';

export type RendezvousPhase = 'explore' | 'return' | 'wait';

/**
 * IR2's "Preplanned" baseline: robots agree beforehand on a meeting place and a schedule. Each
 * round, a robot explores greedily alone (utility_greedy) for `exploreBudget` s — or less, when
 * the estimated way back (graph path / `nominalSpeed`) would make it miss the meeting — then drives
 * to the rendezvous, due at round start + budget + `returnAllowance`, waits there until
 * `rendezvousWait` s after that, and starts the next round. The schedule is fixed (rounds start at
 * the first decision and follow back to back), so robots with the same parameters meet without
 * talking; one that arrives after the wait has ended has missed that meeting and explores on.
 */
export class PreplannedRendezvousPolicy implements ExplorationPolicy {
  readonly name = 'preplanned_rendezvous';
  readonly #greedy: UtilityGreedyPolicy;
  readonly #budget: number;
  readonly #allowance: number;
  readonly #wait: number;
  readonly #speed: number;
  readonly #arrival: number;
  readonly #place: { x: number; y: number } | undefined;
  #roundStart: number | undefined;
  #phase: RendezvousPhase = 'explore';

  constructor(o: ExplorationPolicyOptions = {}) {
    this.#greedy = new UtilityGreedyPolicy(o.distanceOffset, o.switchRatio);
    this.#budget = o.exploreBudget ?? 120;
    this.#allowance = o.returnAllowance ?? 60;
    this.#wait = o.rendezvousWait ?? 20;
    this.#speed = o.nominalSpeed ?? 0.3;
    this.#arrival = o.arrivalRadius ?? 1;
    this.#place = o.rendezvous;
    for (const [what, v] of [
      ['explore budget', this.#budget],
      ['return allowance', this.#allowance],
      ['rendezvous wait', this.#wait],
    ] as const) {
      if (!(v >= 0))
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `preplanned_rendezvous: expected ${what} ≥ 0 s, got ${v}`,
        );
    }
    if (!(this.#speed > 0))
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `preplanned_rendezvous: expected nominal speed > 0 m/s, got ${this.#speed}`,
      );
  }

  get phase(): RendezvousPhase {
    return this.#phase;
  }

  /** The agreed meeting time of the current round (s, node clock); undefined before the first decision. */
  get meetingTime(): number | undefined {
    return this.#roundStart === undefined ? undefined : this.#roundStart + this.#budget + this.#allowance;
  }

  choose(obs: GraphObservation, ctx: PolicyContext): number {
    this.#roundStart ??= ctx.now;
    let meeting = this.#roundStart + this.#budget + this.#allowance;
    while (ctx.now >= meeting + this.#wait) {
      this.#roundStart = meeting + this.#wait;
      meeting = this.#roundStart + this.#budget + this.#allowance;
      this.#phase = 'explore';
    }
    const place = this.#place ?? ctx.home;
    const target = nearestNode(obs, place.x, place.y);
    if (target < 0) return -1;
    const here = obs.nodes[obs.currentIndex]!;
    if (this.#phase === 'explore') {
      const way = shortestPaths(obs, obs.currentIndex).dist[target]!;
      const length = Number.isFinite(way) ? way : Math.hypot(here.x - place.x, here.y - place.y);
      if (ctx.now >= this.#roundStart + this.#budget || ctx.now + length / this.#speed >= meeting)
        this.#phase = 'return';
    }
    if (this.#phase === 'return' && Math.hypot(here.x - place.x, here.y - place.y) <= this.#arrival)
      this.#phase = 'wait';
    return this.#phase === 'explore' ? this.#greedy.choose(obs) : target;
  }
}
