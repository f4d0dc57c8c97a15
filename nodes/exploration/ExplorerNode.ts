import {
  KindNode,
  QoS,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type MessageOf,
  type NodeKindOptions,
  type Publisher,
  type Subscription,
  type Timer,
} from '../../runtime/index.js';
import { quaternionFromYaw, yawFromQuaternion } from '../../runtime/geometry/Quaternions.js';
import { join } from 'node:path';
import { policyHostParameters } from '../../runtime/policy/NodePolicyHost.js';
import { fleetRobotNames, ownRobotName } from '../fleet/FleetNames.js';
import type { ExplorationPolicy } from './ExplorationPolicy.js';
import { createExplorerPolicy, explorerPolicies } from './ExplorerPolicies.js';
import { GoalBlacklist } from './GoalBlacklist.js';
import type { GraphObservation } from './GraphObservation.js';
import { graphMarkers } from './GraphMarkers.js';
import type { GridView } from './GridView.js';
import type { GroundTruthSource } from './GroundTruthSource.js';
import { IncrementalGridView } from './IncrementalGridView.js';
import { maskObservation } from './ObservationMask.js';
import { teamParameters } from './SharedPoses.js';
import { TeammateBeliefs } from './TeammateBeliefs.js';
import { TeammateGoals } from './TeammateGoals.js';
import { ViewpointGraph } from './ViewpointGraph.js';

interface Point {
  x: number;
  y: number;
}

const m = (description: string, d: number, from = 0.01, to = 1000) => ({
  type: 'double' as const,
  default: d,
  unit: 'm',
  range: { from, to },
  description,
});
const s = (description: string, d: number, from = 0, to = 1e6) => ({
  type: 'double' as const,
  default: d,
  unit: 's',
  range: { from, to },
  description,
});

const spec = nodeKindSpec({
  name: 'explorer',
  description:
    'IR2-style exploration: viewpoint graph of the merged map, a named policy, goals for the planner, pose sharing with teammates.',
  parameters: {
    policy: {
      type: 'string',
      default: 'nearest_frontier',
      choices: Object.keys(explorerPolicies),
      description:
        'Exploration policy, by name (explorerPolicies); "ir2": the learned IR2-contract ONNX policy at model_path through the policy host (falls back to the card\'s classical policy); "expert": the privileged expert of imitation learning (simulation only, needs ground_truth_map).',
    },
    ...policyHostParameters,
    ground_truth_map: {
      type: 'string',
      default: '',
      description:
        'Simulation only: the true world (map_server YAML) for the privileged expert that labels decisions for imitation learning (training/). Empty: none.',
    },
    record_dir: {
      type: 'string',
      default: '',
      description:
        "Simulation only: append every decision (IR2 observation + the expert's choice) to <record_dir>/<robot>.opd (DecisionRecorder format). Needs ground_truth_map.",
    },
    expert_mix: {
      type: 'double',
      default: 0,
      range: { from: 0, to: 1 },
      description:
        'Simulation only (DAgger): probability that a decision follows the expert instead of `policy`. Needs ground_truth_map.',
    },
    expert_seed: {
      type: 'integer',
      default: 1,
      description: "Seed of the expert_mix draws (combined with the robot's index).",
    },
    ...teamParameters("teammates' poses come on fleet/{teammate}/pose, their goals on fleet/{teammate}/goal"),
    map_topic: { type: 'string', default: 'fleet/map', description: 'The team-merged nav_msgs/OccupancyGrid.' },
    status_topics: {
      type: 'string_array',
      default: ['planner/status', 'controller/status'],
      description: 'outpost_msgs/NavStatus topics reporting on the current goal.',
    },
    reached_values: {
      type: 'string_array',
      default: ['reached'],
      description: 'NavStatus states meaning the goal was reached: choose the next one.',
    },
    failed_values: {
      type: 'string_array',
      default: ['unreachable', 'aborted'],
      description: 'NavStatus states meaning the goal failed: blacklist it and choose another.',
    },
    map_frame: {
      type: 'string',
      default: 'map',
      description: 'Frame of goals, shared poses and markers (REP-105); odom poses must be in it.',
    },
    decision_hz: {
      type: 'double',
      default: 1,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: 'How often the policy decides (and the graph is rebuilt if the map changed or the robot moved).',
    },
    pose_hz: {
      type: 'double',
      default: 2,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: "How often this robot's pose is published on `pose` for teammates.",
    },
    rebuild_distance: m(
      'The graph is rebuilt when the robot has moved this far since the last build (or the map changed).',
      0.3,
    ),
    goal_tolerance: m('A new choice closer than this to the current goal does not replace it.', 0.3, 0, 1000),
    min_step: m(
      'Stepwise policies (ir2, expert): neighbours of the current node closer than this are not offered, so each step moves the robot.',
      0.6,
      0,
      1000,
    ),
    blacklist_duration: s('How long a failed goal is avoided.', 30),
    blacklist_radius: m('Nodes this close to a failed goal are avoided.', 0.5, 0, 1000),
    goal_separation: m(
      'Classical policies: nodes this close to the goal of an in-contact teammate earlier in the team list are left to it (0: no deconfliction).',
      2,
      0,
      1000,
    ),
    contact_timeout: s(
      'A teammate not heard for this long counts as out of contact (rendezvous utility toward it).',
      5,
      0.01,
    ),
    free_threshold: {
      type: 'integer',
      default: 25,
      range: { from: 0, to: 100 },
      description: 'Occupancy values up to this one are free (map_server free_thresh × 100).',
    },
    occupied_threshold: {
      type: 'integer',
      default: 65,
      range: { from: 1, to: 100 },
      description:
        'Occupancy values from this one up are occupied (map_server occupied_thresh × 100); values between the thresholds, like −1, are unknown.',
    },
    sensor_range: m(
      'Utility range: frontiers within it in line of sight count (IR2 SENSOR_RANGE/UTILITY_CALC_RANGE).',
      4,
    ),
    local_radius: m('Half-width of the square of dense nodes around the robot (IR2 CUR_AGENT_KNN_RAD).', 4),
    teammate_radius: m(
      'Half-width of the square of dense nodes around each believed teammate (IR2 OTHER_AGENT_KNN_RAD).',
      1,
    ),
    node_spacing: m('Spacing of the dense node lattice.', 0.65),
    route_spacing: m("Spacing of sparse nodes along the robots' routes (IR2 GLOBAL_GRAPH_UNIQUE_RAD).", 1.5),
    offshoot_spacing: m(
      'Spacing of sparse offshoot nodes toward high utility (IR2 GLOBAL_GRAPH_OFFSHOOT_UNIQUE_RAD).',
      2,
    ),
    max_edge_length: m('Longest graph edge (IR2 GLOBAL_GRAPH_KNN_RAD).', 8),
    k: {
      type: 'integer',
      default: 30,
      range: { from: 2, to: 30 },
      description: 'Neighbours per node, self included (IR2 K_SIZE; the learned policy expects 30).',
    },
    frontier_block: {
      type: 'integer',
      default: 4,
      range: { from: 1, to: 64 },
      description: 'Frontiers are found on blocks of this many cells a side (IR2 downsamples by 4).',
    },
    distance_offset: m('utility_greedy / preplanned_rendezvous: score = utility / (path length + this).', 1),
    switch_ratio: {
      type: 'double',
      default: 1.5,
      range: { from: 1, to: 100 },
      description:
        'utility_greedy / preplanned_rendezvous: the current goal is kept (while it has utility and is not reached) unless another node scores this many times better; 1 = re-choose from scratch every decision.',
    },
    explore_budget: s('preplanned_rendezvous: exploring time per round.', 120),
    return_allowance: s('preplanned_rendezvous: the meeting is due this long after the exploring budget ends.', 60),
    rendezvous_wait: s('preplanned_rendezvous: how long to wait at the meeting place after the meeting time.', 20),
    nominal_speed: {
      type: 'double',
      default: 0.3,
      unit: 'm/s',
      range: { from: 0.01, to: 100 },
      description: 'preplanned_rendezvous: speed assumed for the way back, to leave in time.',
    },
    arrival_radius: m('preplanned_rendezvous: this close to the meeting place counts as arrived.', 1),
    rendezvous_xy: {
      type: 'double_array',
      default: [] as number[],
      unit: 'm',
      description: 'preplanned_rendezvous: meeting place [x, y] in the map frame; empty: where this robot started.',
      check: (v: unknown) =>
        (v as number[]).length === 0 || (v as number[]).length === 2 ? undefined : 'expected [] or [x, y]',
    },
  },
  publishes: {
    goal: 'geometry_msgs/msg/PoseStamped',
    pose: 'geometry_msgs/msg/PoseStamped',
    '~/done': 'std_msgs/msg/Bool',
    '~/graph': 'visualization_msgs/msg/MarkerArray',
    // Policy ir2: the policy host's latency and fallback diagnostics.
    '/diagnostics': 'diagnostic_msgs/msg/DiagnosticArray',
  },
  subscribes: {
    // The topics `map_topic` and `status_topics` name (default fleet/map; planner/status, controller/status).
    '{map_topic*}': 'nav_msgs/msg/OccupancyGrid',
    '{status_topic*}': 'outpost_msgs/msg/NavStatus',
    odom: 'nav_msgs/msg/Odometry',
    'fleet/{teammate}/goal': 'geometry_msgs/msg/PoseStamped',
    'fleet/{teammate}/pose': 'geometry_msgs/msg/PoseStamped',
    // Simulation only (ground_truth_map): the teammates' true poses for the privileged expert.
    '/{teammate}/odom': 'nav_msgs/msg/Odometry',
  },
});

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
 */
export class ExplorerNode extends KindNode<typeof spec> {
  readonly policy: ExplorationPolicy;
  #graph: ViewpointGraph;
  #beliefs: TeammateBeliefs;
  #grid: GridView | undefined;
  /** Classifies each map update from the previous one (only changed cells). */
  readonly #gridViews = new IncrementalGridView();
  #mapChanged = false;
  #matesChanged = false;
  #pose: (Point & { yaw: number }) | undefined;
  #home: Point | undefined;
  #builtAt: Point | undefined;
  #obs: GraphObservation | undefined;
  #goal: Point | undefined;
  readonly #blacklist = new GoalBlacklist();
  readonly #mateGoals = new TeammateGoals();
  #done: boolean | undefined;
  #subs: Subscription[] = [];
  #goalPub: Publisher<'geometry_msgs/msg/PoseStamped'> | undefined;
  #posePub: Publisher<'geometry_msgs/msg/PoseStamped'> | undefined;
  #donePub: Publisher<'std_msgs/msg/Bool'> | undefined;
  #graphPub: Publisher<'visualization_msgs/msg/MarkerArray'> | undefined;
  #timers: Timer[] = [];
  /** The decision in flight (a learned policy's answer is asynchronous). */
  #deciding: Promise<void> | undefined;

  constructor(context: Context, options: NodeKindOptions, deps: ExplorerKindDeps = {}) {
    super(spec, context, options);
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
    this.#graph = this.#makeGraph();
    this.#beliefs = new TeammateBeliefs(mates);
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
    return this.#obs;
  }

  get currentGoal(): Point | undefined {
    return this.#goal;
  }

  get beliefs(): TeammateBeliefs {
    return this.#beliefs;
  }

  protected override onConfigure() {
    const latched = QoS.profileLatched;
    this.#goalPub = this.publisher('goal', { lifecycle: true });
    this.#posePub = this.publisher('pose', { lifecycle: true });
    this.#donePub = this.publisher('~/done', { lifecycle: true, qos: latched });
    this.#graphPub = this.publisher('~/graph', { lifecycle: true });
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
    for (const name of this.#beliefs.names) {
      this.#subs.push(
        this.subscription('fleet/{teammate}/goal', { qos: 5, with: { teammate: name } }, (msg) => {
          this.#mateGoals.observe(name, msg.pose.position.x, msg.pose.position.y);
        }),
      );
      this.#subs.push(
        this.subscription('fleet/{teammate}/pose', { qos: 5, with: { teammate: name } }, (msg) => {
          const stamp = msg.header.stamp.sec + msg.header.stamp.nanosec / 1e9;
          if (
            this.#beliefs.observe(
              name,
              msg.pose.position.x,
              msg.pose.position.y,
              stamp,
              this.now().seconds,
              this.#grid?.knownCount ?? 0,
            )
          ) {
            this.#matesChanged = true;
          }
        }),
      );
    }
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
    for (const pub of [this.#goalPub, this.#posePub, this.#donePub, this.#graphPub]) pub?.destroy();
    this.policy.cleanup?.();
    this.#graph = this.#makeGraph();
    this.#grid = this.#obs = this.#goal = this.#pose = this.#home = this.#builtAt = this.#done = undefined;
    this.#gridViews.reset();
    return 'success' as const;
  }

  #makeGraph(): ViewpointGraph {
    const p = this.params;
    return new ViewpointGraph({
      sensorRange: p.sensor_range,
      localRadius: p.local_radius,
      teammateRadius: p.teammate_radius,
      nodeSpacing: p.node_spacing,
      routeSpacing: p.route_spacing,
      offshootSpacing: p.offshoot_spacing,
      maxEdgeLength: p.max_edge_length,
      k: p.k,
      frontier: { block: p.frontier_block },
    });
  }

  #onMap(msg: MessageOf<'nav_msgs/msg/OccupancyGrid'>): void {
    try {
      this.#grid = this.#gridViews.update(msg, {
        freeThreshold: this.params.free_threshold,
        occupiedThreshold: this.params.occupied_threshold,
      });
      this.#mapChanged = true;
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
    this.#posePub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.params.map_frame },
      pose: { position: { x: this.#pose.x, y: this.#pose.y, z: 0 }, orientation: quaternionFromYaw(this.#pose.yaw) },
    });
  }

  /**
   * One decision: rebuild the graph if needed, ask the policy, send the goal if it changed (or
   * `force`). `settled`: the goal the planner just reported reached or failed, never sent again at
   * once (the planner would answer at once again: an endless exchange within one step; the next
   * timer decision keeps it as the current goal, so it is not resent then either). A policy may
   * answer with a promise (the learned one runs onnxruntime); the timer callback then returns it,
   * so a lock-stepped simulator waits for the decision.
   */
  #decide(force: boolean, settled?: Point): void | Promise<void> {
    // One decision at a time: a second one (a timer tick while the model runs, a status) waits for
    // the first, so decisions apply in the order they were asked for whatever the model's timing.
    if (this.#deciding !== undefined) {
      const next = this.#deciding.then(() => this.#decideNow(force, settled));
      this.#deciding = next;
      return next.finally(() => {
        if (this.#deciding === next) this.#deciding = undefined;
      });
    }
    const result = this.#decideNow(force, settled);
    if (result === undefined) return;
    this.#deciding = result;
    return result.finally(() => {
      if (this.#deciding === result) this.#deciding = undefined;
    });
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
    const moved =
      this.#builtAt === undefined ||
      Math.hypot(pose.x - this.#builtAt.x, pose.y - this.#builtAt.y) >= this.params.rebuild_distance;
    // Rate limit: the graph is rebuilt only when something it depends on changed. A teammate going
    // out of contact (no message) shows at the next rebuild, which motion or a map update brings.
    if (force || this.#mapChanged || this.#matesChanged || moved || this.#obs === undefined) {
      const timeout = this.params.contact_timeout;
      const teammates = this.#beliefs
        .all()
        .map((b) => ({
          x: b.x,
          y: b.y,
          inContact: this.#beliefs.inContact(b.name, now, timeout),
          mapDelta: Math.max(0, grid.knownCount - b.knownCellsAtContact),
        }));
      this.#obs = this.#graph.build(grid, pose.x, pose.y, teammates).observation;
      this.#mapChanged = false;
      this.#matesChanged = false;
      this.#builtAt = { x: pose.x, y: pose.y };
      if (this.#graphPub !== undefined && this.#graphPub.getSubscriptionCount() > 0) {
        this.#graphPub.publish(graphMarkers(this.#obs, this.params.map_frame, this.now().toMsg()));
      }
    }
    const obs = this.#obs;
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
    this.#goalPub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.params.map_frame },
      pose: {
        position: { x: node.x, y: node.y, z: 0 },
        orientation: quaternionFromYaw(Math.atan2(node.y - pose.y, node.x - pose.x)),
      },
    });
  }

  /** The observation the policy sees (see maskObservation): blacklist, deconfliction, min_step. */
  #masked(obs: GraphObservation, stepwise: boolean): GraphObservation {
    const p = this.params;
    return maskObservation(obs, stepwise, {
      blacklist: this.#blacklist,
      blacklistRadius: p.blacklist_radius,
      goalSeparation: p.goal_separation,
      minStep: p.min_step,
      claimedGoals: () => {
        const now = this.now().seconds;
        return this.#mateGoals.claimed(this.#teamNames(), this.robotName, (name) =>
          this.#beliefs.inContact(name, now, p.contact_timeout),
        );
      },
    });
  }

  #setDone(done: boolean): void {
    if (this.#done === done) return;
    this.#done = done;
    this.#donePub?.publish({ data: done });
  }
}

/** The explorer kind, given what only the layers above know (the simulator's ground truth). */
export function createExplorerKind(deps: ExplorerKindDeps = {}) {
  return defineNodeKind(spec, (context, options) => new ExplorerNode(context, options, deps));
}

/** The explorer without a ground truth (no privileged expert): what a robot runs. */
export const explorerKind = createExplorerKind();
