import type { PolicyHost } from '../../runtime/policy/PolicyHost.js';
import type { ExplorationPolicy, PolicyContext } from './ExplorationPolicy.js';
import type { GraphObservation, Ir2Scaling } from './GraphObservation.js';
import { ir2Choice, ir2Feeds } from './Ir2Tensors.js';

/** What the learned policy did, counted for diagnostics and reports. */
export interface Ir2PolicyStats {
  model: number;
  fallback: number;
}

/**
 * IR2's learned policy through the policy host: packs the graph observation into IR2's tensors
 * (ir2Feeds), runs the ONNX model, and steps to the neighbour with the highest log-probability.
 * When the host answers "fallback" (no model, deadline missed, model error, bad input) this
 * decision is the fallback policy's (the card names it; nearest_frontier by default), as the
 * DESIGN asks: a robot never stops because its model did.
 */
export class Ir2Policy implements ExplorationPolicy {
  readonly name = 'ir2';
  readonly stepwise = true;
  readonly decidesPerStep = true;
  readonly stats: Ir2PolicyStats = { model: 0, fallback: 0 };
  /** Whether the last answer was the model's (a neighbour step) rather than the fallback's (any node). */
  lastFromModel = false;
  readonly #host: PolicyHost;
  readonly #ready: () => Promise<unknown>;
  readonly #fallback: (name: string) => ExplorationPolicy;

  /**
   * `ready`: resolves when the model asked for at start-up has loaded or failed (decisions wait for
   * it, so a lock-stepped simulation does not depend on how fast the file loads).
   * `fallback`: the classical policy for a card's fallback name ("" = the default).
   */
  constructor(host: PolicyHost, ready: () => Promise<unknown>, fallback: (name: string) => ExplorationPolicy) {
    this.#host = host;
    this.#ready = ready;
    this.#fallback = fallback;
  }

  get lastAnswerWasStep(): boolean {
    return this.lastFromModel;
  }

  /** The observation settings the running model's card declares (`observation.coords_scale`, `utility_scale`, `relative_coords`); IR2's otherwise. */
  #scaling(): Ir2Scaling {
    const o = this.#host.card?.observation ?? {};
    const num = (v: unknown): number | undefined =>
      typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
    const coords = num(o.coords_scale);
    const utility = num(o.utility_scale);
    return {
      ...(coords !== undefined ? { coords } : {}),
      ...(utility !== undefined ? { utility } : {}),
      relative: o.relative_coords === true,
    };
  }

  async choose(obs: GraphObservation, ctx: PolicyContext): Promise<number> {
    await this.#ready();
    const feeds = ir2Feeds(obs, this.#scaling());
    const d = await this.#host.decide(feeds);
    if (d.source === 'model') {
      const logp = d.outputs.logp?.data as Float32Array | undefined;
      const choice = logp === undefined ? -1 : ir2Choice(logp, feeds);
      if (choice >= 0) {
        this.stats.model++;
        this.lastFromModel = true;
        return choice;
      }
    }
    this.stats.fallback++;
    this.lastFromModel = false;
    return this.#fallback(d.source === 'fallback' ? d.fallback : '').choose(obs, ctx);
  }
}
