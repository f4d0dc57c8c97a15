import { join } from 'node:path';
import {
  type Context,
  defineNodeKind,
  KindNode,
  type MessageOf,
  type NodeKindOptions,
  type Subscription,
  secondsToNs,
  type Timer,
} from '../../runtime/index.js';
import { yawFromQuaternion } from '../../runtime/geometry/Quaternions.js';
import { fleetRobotNames, ownRobotName } from '../fleet/FleetNames.js';
import { DecisionQueue } from './DecisionQueue.js';
import type { ExplorationPolicy } from './ExplorationPolicy.js';
import { ExplorerGraph } from './ExplorerGraph.js';
import { createExplorerPolicy } from './ExplorerPolicies.js';
import { ExplorerPublishers } from './ExplorerPublishers.js';
import { explorerSpec } from './ExplorerSpec.js';
import { GoalBlacklist } from './GoalBlacklist.js';
import type { GraphObservation } from './GraphObservation.js';
import type { GridView } from './GridView.js';
import type { GroundTruthSource } from './GroundTruthSource.js';
import { IncrementalGridView } from './IncrementalGridView.js';
import { maskObservation } from './ObservationMask.js';
import type { TeammateBeliefs } from './TeammateBeliefs.js';
import { Teammates } from './Teammates.js';

interface Point {
  x: number;
  y: number;
}

/** What the registry hands an explorer kind from above (see GroundTruthSource). */
export interface ExplorerKindDeps {
  /** The simulator's ground truth, for the privileged expert (`ground_truth_map`); none outside simulation. */
  groundTruth?: GroundTruthSource;
}

/**
 * IR2-style explorer: keeps a viewpoint graph of the team-merged map, asks an exploration policy
 * (by name, from `explorerPolicies`) where to go at `decision_hz`, and sends the chosen node's
 * centre as `goal` to the planner. A new goal goes out when the choice moves by more than
 * `goal_tolerance`, and at once when the planner reports the goal reached, unreachable or stuck
 * (the last two blacklist it for `blacklist_duration`: GoalBlacklist). Shares this robot's pose on
 * `pose` for teammates and keeps a belief of theirs from `fleet/{teammate}/pose`. When no node of
 * the graph has utility left, publishes true on `~/done` (latched) and sends no more goals.
 *
 * The classical policies leave the goals of higher-priority teammates (`fleet/{teammate}/goal`) to
 * them (TeammateGoals, ObservationMask). The learned policy sees IR2's observation unchanged.
 *
 * Its parts: the kind's table (ExplorerSpec), the graph and when it is rebuilt (ExplorerGraph),
 * what it hears of teammates (Teammates), what it publishes (ExplorerPublishers), one decision
 * at a time (DecisionQueue).
 */
export class ExplorerNode extends KindNode<typeof explorerSpec> {
  readonly policy: ExplorationPolicy;
  readonly #graph: ExplorerGraph;
  readonly #mates: Teammates;
  #grid: GridView | undefined;
  /** Classifies each map update from the previous one (only changed cells). */
  readonly #gridViews = new IncrementalGridView();
  #pose: (Point & { yaw: number }) | undefined;
  #home: Point | undefined;
  #goal: Point | undefined;
  readonly #blacklist = new GoalBlacklist();
  #done: boolean | undefined;
  #subs: Subscription[] = [];
  #out: ExplorerPublishers | undefined;
  #timers: Timer[] = [];
  readonly #decisions = new DecisionQueue();

  constructor(context: Context, options: NodeKindOptions, deps: ExplorerKindDeps = {}) {
    super(explorerSpec, context, options);
    const p = this.params;
    const rv = p.rendezvous_xy;
    const mates = this.#teamNames().filter((r) => r !== this.robotName);
    this.policy = createExplorerPolicy(p.policy, {
      node: this,
      options: {
        distanceOffset: p.distance_offset,
        switchRatio: p.switch_ratio,
        exploreBudget: p.explore_budget,
        returnAllowance: p.return_allowance,
        rendezvousWait: p.rendezvous_wait,
        nominalSpeed: p.nominal_speed,
        arrivalRadius: p.arrival_radius,
        ...(rv.length === 2 ? { rendezvous: { x: rv[0]!, y: rv[1]! } } : {}),
      },
      expert: {
        truthRef: p.ground_truth_map,
        groundTruth: deps.groundTruth,
        sensorRange: p.sensor_range,
        recordPath: p.record_dir !== '' ? join(p.record_dir, `${this.robotName || 'robot'}.opd`) : undefined,
        mix: p.expert_mix,
        seed: p.expert_seed * 1000 + this.#robotIndex(),
        robotIndex: this.#robotIndex(),
        teammates: mates,
        subscribeTruePose: (name, onPose) =>
          this.subscription('/{teammate}/odom', { qos: 1, with: { teammate: name } }, (msg) => {
            onPose({ x: msg.pose.pose.position.x, y: msg.pose.pose.position.y });
          }),
      },
    });
    this.#graph = new ExplorerGraph(p);
    this.#mates = new Teammates(mates);
  }

  #teamNames(): string[] {
    return fleetRobotNames(this.params.fleet_size, this.params.robots);
  }

  /** 1-based position of this robot in the team (0 when it is not in the list). */
  #robotIndex(): number {
    return this.#teamNames().indexOf(this.robotName) + 1;
  }

  /** How many decision records were written to record_dir. */
  get recordedDecisions(): number {
    return this.policy.recordedDecisions ?? 0;
  }

  /** This robot's name in `robots`: `robot_name`, or the last segment of the namespace. */
  get robotName(): string {
    return ownRobotName(this.params.robot_name, this.namespace());
  }

  /** The latest graph observation (for tests and diagnostics). */
  get observation(): GraphObservation | undefined {
    return this.#graph.observation;
  }

  get currentGoal(): Point | undefined {
    return this.#goal;
  }

  get beliefs(): TeammateBeliefs {
    return this.#mates.beliefs;
  }

  protected override onConfigure() {
    this.#out = new ExplorerPublishers(this);
    this.#subs.push(
      this.subscription('{map_topic*}', { qos: 1, with: { map_topic: this.params.map_topic } }, (msg) =>
        this.#onMap(msg),
      ),
    );
    this.#subs.push(this.subscription('odom', { qos: 5 }, (msg) => this.#onOdom(msg)));
    // The planner and the controller both report on the current goal (outpost_msgs/NavStatus, latched).
    for (const topic of this.params.status_topics) {
      this.#subs.push(
        this.subscription(
          '{status_topic*}',
          { qos: { durability: 'transient_local', depth: 1 }, with: { status_topic: topic } },
          (msg) => {
            // A status about an older goal (still latched from before) says nothing about this one.
            if (
              this.#goal !== undefined &&
              Math.hypot(msg.goal.position.x - this.#goal.x, msg.goal.position.y - this.#goal.y) > 1.0 &&
              msg.state !== 'aborted'
            )
              return;
            return this.#onStatus(msg.state);
          },
        ),
      );
    }
    this.policy.configure?.();
    this.#subs.push(
      ...this.#mates.subscribe(
        this,
        () => this.#grid?.knownCount ?? 0,
        () => this.#graph.matesChanged(),
      ),
    );
    return 'success' as const;
  }

  protected override onActivate() {
    // ~/done is first published by the first decision: a lifecycle publisher drops what is sent
    // while the node is still activating.
    this.#done = undefined;
    this.policy.activate?.();
    this.#timers.push(this.createTimer(secondsToNs(1 / this.params.decision_hz), () => this.#decide(false)));
    this.#timers.push(this.createTimer(secondsToNs(1 / this.params.pose_hz), () => this.#sharePose()));
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.policy.deactivate?.();
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
    return 'success' as const;
  }

  protected override onShutdown() {
    const closing = this.policy.shutdown?.();
    return closing instanceof Promise ? closing.then(() => 'success' as const) : 'success';
  }

  protected override onCleanup() {
    for (const sub of this.#subs) sub.destroy();
    this.#subs = [];
    this.#out?.destroy();
    this.policy.cleanup?.();
    this.#graph.reset();
    this.#grid = this.#goal = this.#pose = this.#home = this.#done = undefined;
    this.#gridViews.reset();
    return 'success' as const;
  }

  #onMap(msg: MessageOf<'nav_msgs/msg/OccupancyGrid'>): void {
    try {
      this.#grid = this.#gridViews.update(msg, {
        freeThreshold: this.params.free_threshold,
        occupiedThreshold: this.params.occupied_threshold,
      });
      this.#graph.mapChanged();
    } catch (err) {
      this.getLogger().warn({ err }, `map on ${this.params.map_topic} dropped: ${(err as Error).message}`);
    }
  }

  #onOdom(msg: MessageOf<'nav_msgs/msg/Odometry'>): void {
    const { position: p, orientation: q } = msg.pose.pose;
    this.#pose = { x: p.x, y: p.y, yaw: yawFromQuaternion(q) };
    this.#home ??= { x: p.x, y: p.y };
    this.#graph.recordPose(p.x, p.y);
  }

  #onStatus(status: string): void | Promise<void> {
    if (this.#goal === undefined) return;
    if (this.params.reached_values.includes(status)) {
      this.#graph.markReached(this.#goal.x, this.#goal.y);
    } else if (this.params.failed_values.includes(status)) {
      const until = this.now().seconds + this.params.blacklist_duration;
      this.#blacklist.add(this.#goal, until);
      for (const t of this.policy.failedTargets?.() ?? []) this.#blacklist.add(t, until);
      this.getLogger().info(
        `goal (${this.#goal.x.toFixed(2)}, ${this.#goal.y.toFixed(2)}) ${status}: blacklisted for ${this.params.blacklist_duration} s`,
      );
    } else {
      return; // "planned" and anything else: the planner is on it
    }
    return this.#decide(true, this.#goal);
  }

  #sharePose(): void {
    if (this.#pose === undefined) return;
    this.#out?.pose(this.#pose);
  }

  /**
   * One decision: rebuild the graph if needed, ask the policy, send the goal if it changed (or
   * `force`). `settled`: the goal the planner just reported reached or failed, never sent again at
   * once (the planner would answer at once again: an endless exchange within one step; the next
   * timer decision keeps it as the current goal, so it is not resent then either). A policy may
   * answer with a promise (the learned one runs onnxruntime); the timer callback then returns it,
   * so a lock-stepped simulator waits for the decision. One at a time: DecisionQueue.
   */
  #decide(force: boolean, settled?: Point): void | Promise<void> {
    return this.#decisions.run(() => this.#decideNow(force, settled));
  }

  #decideNow(force: boolean, settled?: Point): void | Promise<void> {
    const grid = this.#grid;
    const pose = this.#pose;
    if (grid === undefined || pose === undefined) return;
    const now = this.now().seconds;
    this.#blacklist.prune(now);
    // IR2 steps: the learned policy decides again when its step is done (reached, or failed: the
    // status forces a decision), not on every tick, which would turn the robot around mid-edge.
    if (
      !force &&
      this.policy.decidesPerStep === true &&
      this.#goal !== undefined &&
      Math.hypot(pose.x - this.#goal.x, pose.y - this.#goal.y) > this.params.goal_tolerance
    )
      return;
    const rebuilt = this.#graph.update(force, grid, pose, () =>
      this.#mates.graphInputs(now, this.params.contact_timeout, grid.knownCount),
    );
    const obs = this.#graph.observation!;
    if (rebuilt) this.#out?.graph(obs);
    if (!obs.nodes.some((n) => n.utility > 0)) {
      if (this.#done !== true) this.getLogger().info('exploration done: no frontier left in the graph');
      this.#setDone(true);
      return;
    }
    this.#setDone(false);
    // Stepwise (IR2-style) policies, and an expert run beside a policy, see the stepwise observation.
    let stepObs: GraphObservation | undefined;
    const stepObservation = (): GraphObservation => (stepObs ??= this.#masked(obs, true));
    const policy = this.policy;
    const masked = policy.stepwise === true ? stepObservation() : this.#masked(obs, false);
    const choice = policy.choose(masked, { now, home: this.#home ?? pose, grid, stepObservation });
    // A fallback answer (classical: any node, marked reached when reached) is not a step.
    const step = (): boolean => policy.lastAnswerWasStep ?? policy.stepwise === true;
    if (typeof choice === 'number') {
      this.#goTo(choice, obs, pose, force, step(), settled);
      return;
    }
    return choice.then((c) => this.#goTo(c, obs, pose, force, step(), settled));
  }

  #goTo(
    choice: number,
    obs: GraphObservation,
    pose: Point & { yaw: number },
    force: boolean,
    stepwise: boolean,
    settled?: Point,
  ): void {
    if (choice < 0 || choice >= obs.nodes.length) return;
    const node = obs.nodes[choice]!;
    const tol = this.params.goal_tolerance;
    // Stepwise policies: a step onto the node the robot already stands on would come back
    // "reached" at once and be chosen again; leave it to the next decision tick.
    if (stepwise && Math.hypot(node.x - pose.x, node.y - pose.y) <= tol) return;
    // Only the very same node: a neighbour of a reached node is a new goal (how nearest_frontier
    // works through a cluster); the same node again is a policy that ignores utility (a rendezvous).
    if (settled !== undefined && node.x === settled.x && node.y === settled.y) return;
    if (!force && this.#goal !== undefined && Math.hypot(node.x - this.#goal.x, node.y - this.#goal.y) <= tol) return;
    this.#goal = { x: node.x, y: node.y };
    this.#out?.goal(node, pose);
  }

  /** The observation the policy sees (see maskObservation): blacklist, deconfliction, min_step. */
  #masked(obs: GraphObservation, stepwise: boolean): GraphObservation {
    const p = this.params;
    return maskObservation(obs, stepwise, {
      blacklist: this.#blacklist,
      blacklistRadius: p.blacklist_radius,
      goalSeparation: p.goal_separation,
      minStep: p.min_step,
      claimedGoals: () =>
        this.#mates.claimedGoals(this.#teamNames(), this.robotName, this.now().seconds, p.contact_timeout),
    });
  }

  #setDone(done: boolean): void {
    if (this.#done === done) return;
    this.#done = done;
    this.#out?.done(done);
  }
}

/** The explorer kind, given what only the layers above know (the simulator's ground truth). */
export function createExplorerKind(deps: ExplorerKindDeps = {}) {
  return defineNodeKind(explorerSpec, (context, options) => new ExplorerNode(context, options, deps));
}

/** The explorer without a ground truth (no privileged expert): what a robot runs. */
export const explorerKind = createExplorerKind();
