import { OutpostError, type Subscription } from '../../runtime/index.js';
import { DecisionRecorder } from './DecisionRecorder.js';
import type { ExplorationPolicy, PolicyContext } from './ExplorationPolicy.js';
import type { GraphObservation } from './GraphObservation.js';
import type { SeededDraws } from './GroundTruthSource.js';
import { PrivilegedExpert, type ExpertTruth } from './PrivilegedExpert.js';

interface Point {
  x: number;
  y: number;
}

/** What the supervision is given; only a simulator has the truth (see GroundTruthSource). */
export interface ExpertSupervisionOptions {
  truth: ExpertTruth;
  /** The expert's utility range (the explorer's sensor_range). Unit: m. */
  sensorRange: number;
  /** Append every decision (observation + the expert's choice) here; undefined: no record. */
  recordPath: string | undefined;
  /** DAgger: probability that a decision follows the expert instead of the policy. */
  mix: number;
  /** Draws for `mix`; undefined when mix is 0 (no draw is made). */
  draws: SeededDraws | undefined;
  /** This robot's 1-based index in the team (written into each record). */
  robotIndex: number;
  /** The teammates whose true poses the expert sees. */
  teammates: readonly string[];
  /** Subscribes to a teammate's true pose (the simulator's /{robot}/odom); called at configure. */
  subscribeTruePose: (name: string, onPose: (p: Point) => void) => Subscription;
}

/**
 * The privileged expert of imitation learning, run beside a policy (or alone: policy `expert`).
 * Each decision the expert, which sees the true world and the teammates' true poses, picks a step
 * on the stepwise observation; the decision recorder writes the observation with that label; and
 * the decision follows the expert always (alone) or with probability `mix` (DAgger), else `inner`.
 */
export class ExpertSupervision implements ExplorationPolicy {
  readonly name: string;
  readonly stepwise: boolean;
  readonly decidesPerStep: boolean;
  readonly #inner: ExplorationPolicy | undefined;
  readonly #expert: PrivilegedExpert;
  readonly #recorder: DecisionRecorder | undefined;
  readonly #o: ExpertSupervisionOptions;
  readonly #trueMates = new Map<string, Point>();
  #subs: Subscription[] = [];
  /** Where the expert was heading when it last acted. */
  #target: Point | undefined;
  #followedExpert = false;

  /** `inner`: the policy the expert supervises; undefined: the expert decides alone. */
  constructor(inner: ExplorationPolicy | undefined, options: ExpertSupervisionOptions) {
    this.#inner = inner;
    this.#o = options;
    this.name = inner?.name ?? 'expert';
    this.stepwise = inner === undefined ? true : inner.stepwise === true;
    this.decidesPerStep = inner?.decidesPerStep === true;
    this.#expert = new PrivilegedExpert(options.truth, { sensorRange: options.sensorRange });
    if (options.recordPath !== undefined) this.#recorder = new DecisionRecorder(options.recordPath);
  }

  /** The policy under supervision (undefined when the expert decides alone). */
  get inner(): ExplorationPolicy | undefined {
    return this.#inner;
  }

  get recordedDecisions(): number {
    return this.#recorder?.count ?? 0;
  }

  get lastAnswerWasStep(): boolean {
    if (this.#followedExpert || this.#inner === undefined) return true;
    return this.#inner.lastAnswerWasStep ?? this.#inner.stepwise === true;
  }

  choose(obs: GraphObservation, ctx: PolicyContext): number | Promise<number> {
    if (ctx.grid === undefined || ctx.stepObservation === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        'the privileged expert decides on the map and the stepwise observation: expected a PolicyContext with grid and stepObservation, got one without',
      );
    }
    const stepObs = ctx.stepObservation();
    const expert = this.#expert.choose(stepObs, ctx.grid, [...this.#trueMates.values()]);
    this.#recorder?.write(stepObs, expert.slot, ctx.now, this.#o.robotIndex);
    this.#followedExpert =
      this.#inner === undefined || (this.#o.draws !== undefined && this.#o.draws.next() < this.#o.mix);
    if (this.#followedExpert) {
      const t = expert.target >= 0 ? stepObs.nodes[expert.target]! : undefined;
      this.#target = t === undefined ? undefined : { x: t.x, y: t.y };
      return expert.slot >= 0 ? stepObs.edges[stepObs.currentIndex]![expert.slot]! : -1;
    }
    return this.#inner!.choose(obs, ctx);
  }

  /**
   * Alone, a failed step toward the expert's target gives up the target too (as the classical
   * policies do with their goal), or the expert would only try another way to it.
   */
  failedTargets(): ReadonlyArray<Point> {
    return this.#inner === undefined && this.#target !== undefined ? [this.#target] : [];
  }

  configure(): void {
    this.#inner?.configure?.();
    for (const name of this.#o.teammates) {
      this.#subs.push(this.#o.subscribeTruePose(name, (p) => this.#trueMates.set(name, p)));
    }
  }

  activate(): void {
    this.#inner?.activate?.();
  }
  deactivate(): void {
    this.#inner?.deactivate?.();
  }

  cleanup(): void {
    for (const s of this.#subs) s.destroy();
    this.#subs = [];
    this.#trueMates.clear();
    this.#inner?.cleanup?.();
  }

  shutdown(): void | Promise<void> {
    this.#recorder?.close();
    return this.#inner?.shutdown?.();
  }
}
