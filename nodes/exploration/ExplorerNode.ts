import {
  Node, OutpostError, QoS, secondsToNs, type Context, type MessageOf, type NodeKind, type NodeKindOptions, type ParameterSpec,
  type Publisher, type Subscription, type Timer,
} from '../../runtime/index.js';
import { quaternionFromYaw, yawFromQuaternion } from '../../runtime/geometry/Quaternions.js';
import { createExplorationPolicy, explorationPolicies, type ExplorationPolicy } from './ExplorationPolicy.js';
import type { GraphObservation } from './GraphObservation.js';
import { graphMarkers } from './GraphMarkers.js';
import type { GridView } from './GridView.js';
import { IncrementalGridView } from './IncrementalGridView.js';
import { TeammateBeliefs } from './TeammateBeliefs.js';
import { ViewpointGraph } from './ViewpointGraph.js';
import { DecisionRecorder } from './DecisionRecorder.js';
import { PrivilegedExpert, type ExpertChoice } from './PrivilegedExpert.js';
import { loadMapServerMap } from '../../sim/world/MapServerMap.js';
import { CELL_FREE } from '../../sim/world/GridWorld.js';
import { Random } from '../../sim/Random.js';
import { join } from 'node:path';
import { NodePolicyHost, policyHostParameters } from '../../runtime/policy/NodePolicyHost.js';
import { Ir2Policy } from './Ir2Policy.js';

interface Point { x: number; y: number }

/**
 * IR2-style explorer: keeps a viewpoint graph of the team-merged map, asks an exploration policy
 * (by name, from `explorationPolicies`) where to go at `decision_hz`, and sends the chosen node's
 * centre as `goal` to the planner. A new goal goes out when the choice moves by more than
 * `goal_tolerance`, and at once when the planner reports the goal reached, unreachable or stuck
 * (the last two blacklist it for `blacklist_duration`). Shares this robot's pose on `pose` for
 * teammates and keeps a belief of theirs from `fleet/<name>/pose`. When no node of the graph has
 * utility left, publishes true on `~/done` (latched) and sends no more goals.
 *
 * Goal deconfliction for the classical policies (Burgard et al., "Coordinated multi-robot
 * exploration", 2005, by priority instead of by auction): teammates' goals come on
 * `fleet/<name>/goal`; nodes within `goal_separation` of the goal of a teammate that comes before
 * this robot in the team list, and is in contact, have no utility for this robot. Without it,
 * robots that start together pick the same goals and jam each other's way (bodies collide).
 * The learned policy sees IR2's observation unchanged.
 */
export class ExplorerNode extends Node {
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
  #blacklist: Array<Point & { until: number }> = [];
  /** Teammates' latest goals (fleet/<name>/goal), by name. */
  #mateGoals = new Map<string, Point>();
  #done: boolean | undefined;
  #subs: Subscription[] = [];
  #goalPub: Publisher<'geometry_msgs/msg/PoseStamped'> | undefined;
  #posePub: Publisher<'geometry_msgs/msg/PoseStamped'> | undefined;
  #donePub: Publisher<'std_msgs/msg/Bool'> | undefined;
  #graphPub: Publisher<'visualization_msgs/msg/MarkerArray'> | undefined;
  #timers: Timer[] = [];
  /** Simulation only: the privileged expert (ground_truth_map), its recorder and DAgger mixing. */
  #expert: PrivilegedExpert | undefined;
  #recorder: DecisionRecorder | undefined;
  #mix: Random | undefined;
  #trueMates = new Map<string, Point>();
  /** The learned policy's model host (policy ir2). */
  #policyHost: NodePolicyHost | undefined;
  #modelReady: Promise<unknown> = Promise.resolve();
  #fallbacks = new Map<string, ExplorationPolicy>();
  /** Where the expert was heading when it last acted (blacklisted with a failed step). */
  #expertTarget: Point | undefined;
  /** The decision in flight (a learned policy's answer is asynchronous). */
  #deciding: Promise<void> | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    super(options.name, options.namespace, context, options);
    for (const [name, spec] of Object.entries(explorerKind.parameters)) this.declareParameter(name, spec);
    const rv = this.#p<number[]>('rendezvous_xy');
    const policyName = this.#p<string>('policy');
    const truthPath = this.#p<string>('ground_truth_map');
    if (truthPath !== '') {
      const world = loadMapServerMap(truthPath);
      const free = new Uint8Array(world.cells.length);
      for (let i = 0; i < free.length; i++) free[i] = world.cells[i] === CELL_FREE ? 1 : 0;
      this.#expert = new PrivilegedExpert({ ...world, free }, { sensorRange: this.#p('sensor_range') });
      if (this.#p<number>('expert_mix') > 0) this.#mix = new Random(this.#p<number>('expert_seed') * 1000 + this.#robotIndex());
    } else if (policyName === 'expert' || this.#p<string>('record_dir') !== '' || this.#p<number>('expert_mix') > 0) {
      throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT',
        `explorer ${this.getFullyQualifiedName()}: policy "expert", record_dir and expert_mix need the simulator's ground truth: expected ground_truth_map (a map_server YAML), got ""`);
    }
    const recordDir = this.#p<string>('record_dir');
    if (recordDir !== '') this.#recorder = new DecisionRecorder(join(recordDir, `${this.robotName || 'robot'}.opd`));
    const classical = {
      distanceOffset: this.#p('distance_offset'), switchRatio: this.#p('switch_ratio'), exploreBudget: this.#p('explore_budget'),
      returnAllowance: this.#p('return_allowance'), rendezvousWait: this.#p('rendezvous_wait'),
      nominalSpeed: this.#p('nominal_speed'), arrivalRadius: this.#p('arrival_radius'),
      ...(rv.length === 2 ? { rendezvous: { x: rv[0]!, y: rv[1]! } } : {}),
    };
    if (policyName === 'expert') {
      this.policy = { name: 'expert', stepwise: true, choose: () => -1 };
    } else if (policyName === 'ir2') {
      this.#policyHost = new NodePolicyHost(this);
      this.policy = new Ir2Policy(this.#policyHost.host, () => this.#modelReady, (name) => {
        const key = name !== '' && Object.hasOwn(explorationPolicies, name) ? name : 'nearest_frontier';
        let p = this.#fallbacks.get(key);
        if (p === undefined) this.#fallbacks.set(key, p = createExplorationPolicy(key, classical));
        return p;
      });
    } else {
      this.policy = createExplorationPolicy(policyName, classical);
    }
    this.#graph = this.#makeGraph();
    this.#beliefs = new TeammateBeliefs(this.#teamNames().filter((r) => r !== this.robotName));
  }

  /** `robots`, or r1..rN when `fleet_size` is N > 0 (launch files cannot build lists from a count). */
  #teamNames(): string[] {
    const n = this.#p<number>('fleet_size');
    return n > 0 ? Array.from({ length: n }, (_, i) => `r${i + 1}`) : this.#p<string[]>('robots');
  }

  /** 1-based position of this robot in the team (0 when it is not in the list). */
  #robotIndex(): number {
    return this.#teamNames().indexOf(this.robotName) + 1;
  }

  /** How many decision records were written to record_path. */
  get recordedDecisions(): number {
    return this.#recorder?.count ?? 0;
  }

  /** This robot's name in `robots`: `robot_name`, or the last segment of the namespace. */
  get robotName(): string {
    const own = this.#p<string>('robot_name');
    return own !== '' ? own : this.namespace().split('/').filter((s) => s !== '').pop() ?? '';
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
    this.#goalPub = this.createLifecyclePublisher('geometry_msgs/msg/PoseStamped', 'goal');
    this.#posePub = this.createLifecyclePublisher('geometry_msgs/msg/PoseStamped', 'pose');
    this.#donePub = this.createLifecyclePublisher('std_msgs/msg/Bool', '~/done', { qos: latched });
    this.#graphPub = this.createLifecyclePublisher('visualization_msgs/msg/MarkerArray', '~/graph');
    this.#subs.push(this.createSubscription('nav_msgs/msg/OccupancyGrid', this.#p('map_topic'), { qos: 1 }, (m) => this.#onMap(m)));
    this.#subs.push(this.createSubscription('nav_msgs/msg/Odometry', 'odom', { qos: 5 }, (m) => this.#onOdom(m)));
    // The planner and the controller both report on the current goal (outpost_msgs/NavStatus, latched).
    for (const topic of this.#p<string[]>('status_topics')) {
      this.#subs.push(this.createSubscription('outpost_msgs/msg/NavStatus', topic, { qos: { durability: 'transient_local', depth: 1 } }, (m) => {
        // A status about an older goal (still latched from before) says nothing about this one.
        if (this.#goal !== undefined && Math.hypot(m.goal.position.x - this.#goal.x, m.goal.position.y - this.#goal.y) > 1.0 && m.state !== 'aborted') return;
        return this.#onStatus(m.state);
      }));
    }
    if (this.#expert !== undefined) {
      // Privileged (simulation only): the teammates' true poses, straight from the simulator.
      for (const name of this.#beliefs.names) {
        this.#subs.push(this.createSubscription('nav_msgs/msg/Odometry', `/${name}/odom`, { qos: 1 }, (m) => {
          this.#trueMates.set(name, { x: m.pose.pose.position.x, y: m.pose.pose.position.y });
        }));
      }
    }
    for (const name of this.#beliefs.names) {
      this.#subs.push(this.createSubscription('geometry_msgs/msg/PoseStamped', `fleet/${name}/goal`, { qos: 5 }, (m) => {
        if (Number.isFinite(m.pose.position.x) && Number.isFinite(m.pose.position.y)) this.#mateGoals.set(name, { x: m.pose.position.x, y: m.pose.position.y });
      }));
      this.#subs.push(this.createSubscription('geometry_msgs/msg/PoseStamped', `fleet/${name}/pose`, { qos: 5 }, (m) => {
        const stamp = m.header.stamp.sec + m.header.stamp.nanosec / 1e9;
        if (this.#beliefs.observe(name, m.pose.position.x, m.pose.position.y, stamp, this.now().seconds, this.#grid?.knownCount ?? 0)) {
          this.#matesChanged = true;
        }
      }));
    }
    return 'success' as const;
  }

  protected override onActivate() {
    // ~/done is first published by the first decision: a lifecycle publisher drops what is sent
    // while the node is still activating.
    this.#done = undefined;
    if (this.#policyHost !== undefined) this.#modelReady = this.#policyHost.activate();
    this.#timers.push(this.createTimer(secondsToNs(1 / this.#p<number>('decision_hz')), () => this.#decide(false)));
    this.#timers.push(this.createTimer(secondsToNs(1 / this.#p<number>('pose_hz')), () => this.#sharePose()));
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#policyHost?.deactivate();
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
    return 'success' as const;
  }

  protected override onShutdown() {
    this.#recorder?.close();
    return this.#policyHost?.close().then(() => 'success' as const) ?? 'success';
  }

  protected override onCleanup() {
    for (const s of this.#subs) s.destroy();
    this.#subs = [];
    for (const p of [this.#goalPub, this.#posePub, this.#donePub, this.#graphPub]) p?.destroy();
    this.#trueMates.clear();
    this.#graph = this.#makeGraph();
    this.#grid = this.#obs = this.#goal = this.#pose = this.#home = this.#builtAt = this.#done = undefined;
    this.#gridViews.reset();
    return 'success' as const;
  }

  #p<T = number>(name: string): T {
    return this.getParameter(name).value as T;
  }

  #makeGraph(): ViewpointGraph {
    return new ViewpointGraph({
      sensorRange: this.#p('sensor_range'), localRadius: this.#p('local_radius'), teammateRadius: this.#p('teammate_radius'),
      nodeSpacing: this.#p('node_spacing'), routeSpacing: this.#p('route_spacing'), offshootSpacing: this.#p('offshoot_spacing'),
      maxEdgeLength: this.#p('max_edge_length'), k: this.#p('k'), frontier: { block: this.#p('frontier_block') },
    });
  }

  #onMap(m: MessageOf<'nav_msgs/msg/OccupancyGrid'>): void {
    try {
      this.#grid = this.#gridViews.update(m, { freeThreshold: this.#p('free_threshold'), occupiedThreshold: this.#p('occupied_threshold') });
      this.#mapChanged = true;
    } catch (err) {
      this.getLogger().warn({ err }, `map on ${this.#p<string>('map_topic')} dropped: ${(err as Error).message}`);
    }
  }

  #onOdom(m: MessageOf<'nav_msgs/msg/Odometry'>): void {
    const { position: p, orientation: q } = m.pose.pose;
    this.#pose = { x: p.x, y: p.y, yaw: yawFromQuaternion(q) };
    this.#home ??= { x: p.x, y: p.y };
    this.#graph.recordPose(p.x, p.y);
  }

  #onStatus(status: string): void | Promise<void> {
    if (this.#goal === undefined) return;
    if (this.#p<string[]>('reached_values').includes(status)) {
      this.#graph.markReached(this.#goal.x, this.#goal.y);
    } else if (this.#p<string[]>('failed_values').includes(status)) {
      const until = this.now().seconds + this.#p<number>('blacklist_duration');
      this.#blacklist.push({ ...this.#goal, until });
      // A failed step toward the expert's target: give up the target too (as the classical
      // policies do with their goal), or the expert would only try another way to it.
      if (this.policy.name === 'expert' && this.#expertTarget !== undefined) this.#blacklist.push({ ...this.#expertTarget, until });
      this.getLogger().info(`goal (${this.#goal.x.toFixed(2)}, ${this.#goal.y.toFixed(2)}) ${status}: blacklisted for ${this.#p<number>('blacklist_duration')} s`);
    } else {
      return; // "planned" and anything else: the planner is on it
    }
    return this.#decide(true, this.#goal);
  }

  #sharePose(): void {
    if (this.#pose === undefined) return;
    this.#posePub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.#p('map_frame') },
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
      return next.finally(() => { if (this.#deciding === next) this.#deciding = undefined; });
    }
    const result = this.#decideNow(force, settled);
    if (result === undefined) return;
    this.#deciding = result;
    return result.finally(() => { if (this.#deciding === result) this.#deciding = undefined; });
  }

  #decideNow(force: boolean, settled?: Point): void | Promise<void> {
    const grid = this.#grid;
    const pose = this.#pose;
    if (grid === undefined || pose === undefined) return;
    const now = this.now().seconds;
    this.#blacklist = this.#blacklist.filter((b) => b.until > now);
    // IR2 steps: the learned policy decides again when its step is done (reached, or failed: the
    // status forces a decision), not on every tick, which would turn the robot around mid-edge.
    if (!force && this.policy.name === 'ir2' && this.#goal !== undefined &&
      Math.hypot(pose.x - this.#goal.x, pose.y - this.#goal.y) > this.#p<number>('goal_tolerance')) return;
    const moved = this.#builtAt === undefined || Math.hypot(pose.x - this.#builtAt.x, pose.y - this.#builtAt.y) >= this.#p<number>('rebuild_distance');
    // Rate limit: the graph is rebuilt only when something it depends on changed. A teammate going
    // out of contact (no message) shows at the next rebuild, which motion or a map update brings.
    if (force || this.#mapChanged || this.#matesChanged || moved || this.#obs === undefined) {
      const timeout = this.#p<number>('contact_timeout');
      const teammates = this.#beliefs.all().map((b) => ({
        x: b.x, y: b.y, inContact: this.#beliefs.inContact(b.name, now, timeout), mapDelta: Math.max(0, grid.knownCount - b.knownCellsAtContact),
      }));
      this.#obs = this.#graph.build(grid, pose.x, pose.y, teammates).observation;
      this.#mapChanged = false;
      this.#matesChanged = false;
      this.#builtAt = { x: pose.x, y: pose.y };
      if (this.#graphPub !== undefined && this.#graphPub.getSubscriptionCount() > 0) {
        this.#graphPub.publish(graphMarkers(this.#obs, this.#p('map_frame'), this.now().toMsg()));
      }
    }
    const obs = this.#obs;
    if (!obs.nodes.some((n) => n.utility > 0)) {
      if (this.#done !== true) this.getLogger().info('exploration done: no frontier left in the graph');
      this.#setDone(true);
      return;
    }
    this.#setDone(false);
    // Stepwise (IR2-style) policies, the expert and its recorder see the stepwise observation.
    const stepObs = this.#expert !== undefined || this.policy.stepwise === true ? this.#masked(obs, true) : undefined;
    const masked = this.policy.stepwise === true ? stepObs! : this.#masked(obs, false);
    let expert: ExpertChoice | undefined;
    if (this.#expert !== undefined) {
      expert = this.#expert.choose(stepObs!, grid, [...this.#trueMates.values()]);
      this.#recorder?.write(stepObs!, expert.slot, now, this.#robotIndex());
    }
    if (expert !== undefined && (this.policy.name === 'expert' || (this.#mix !== undefined && this.#mix.next() < this.#p<number>('expert_mix')))) {
      const t = expert.target >= 0 ? stepObs!.nodes[expert.target]! : undefined;
      this.#expertTarget = t === undefined ? undefined : { x: t.x, y: t.y };
      this.#goTo(expert.slot >= 0 ? stepObs!.edges[stepObs!.currentIndex]![expert.slot]! : -1, obs, pose, force, true, settled);
      return;
    }
    const choice = this.policy.choose(masked, { now, home: this.#home ?? pose });
    if (typeof choice === 'number') {
      this.#goTo(choice, obs, pose, force, this.policy.stepwise === true, settled);
      return;
    }
    // A fallback answer (classical: any node, marked reached when reached) is not a step.
    const step = (): boolean => !(this.policy instanceof Ir2Policy) || this.policy.lastFromModel;
    return choice.then((c) => this.#goTo(c, obs, pose, force, step(), settled));
  }

  #goTo(choice: number, obs: GraphObservation, pose: Point & { yaw: number }, force: boolean, stepwise: boolean, settled?: Point): void {
    if (choice < 0 || choice >= obs.nodes.length) return;
    const node = obs.nodes[choice]!;
    const tol = this.#p<number>('goal_tolerance');
    // Stepwise policies: a step onto the node the robot already stands on would come back
    // "reached" at once and be chosen again; leave it to the next decision tick.
    if (stepwise && Math.hypot(node.x - pose.x, node.y - pose.y) <= tol) return;
    // Only the very same node: a neighbour of a reached node is a new goal (how nearest_frontier
    // works through a cluster); the same node again is a policy that ignores utility (a rendezvous).
    if (settled !== undefined && node.x === settled.x && node.y === settled.y) return;
    if (!force && this.#goal !== undefined && Math.hypot(node.x - this.#goal.x, node.y - this.#goal.y) <= tol) return;
    this.#goal = { x: node.x, y: node.y };
    this.#goalPub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.#p('map_frame') },
      pose: { position: { x: node.x, y: node.y, z: 0 }, orientation: quaternionFromYaw(Math.atan2(node.y - pose.y, node.x - pose.x)) },
    });
  }

  /**
   * The observation the policy sees. Blacklisted places are taken out: their utilities zeroed (no
   * policy heads for them). For the policies that step from neighbour to neighbour (IR2's, the
   * expert; `stepwise`) also: blacklisted nodes are dropped from every neighbour list, so a step
   * that failed is not taken again while it is blacklisted, and the current node's neighbours
   * closer than `min_step` are dropped from its list, so every step moves the robot (the robot's
   * own cell and the nearest lattice nodes can lie a few cm apart; IR2 moves a whole edge per step).
   */
  #masked(obs: GraphObservation, stepwise: boolean): GraphObservation {
    const r = this.#p<number>('blacklist_radius');
    const banned = obs.nodes.map((n, i) => i !== obs.currentIndex && this.#blacklist.some((b) => Math.hypot(b.x - n.x, b.y - n.y) <= r));
    if (!stepwise) {
      // Classical policies: leave the places higher-priority teammates are heading for to them.
      const sep = this.#p<number>('goal_separation');
      const claimed = sep > 0 ? this.#claimedGoals() : [];
      if (claimed.length > 0) {
        obs.nodes.forEach((n, i) => {
          if (i !== obs.currentIndex && claimed.some((g) => Math.hypot(g.x - n.x, g.y - n.y) <= sep)) banned[i] = true;
        });
      }
    }
    const anyBanned = banned.includes(true);
    if (!anyBanned && !stepwise) return obs;
    const nodes = anyBanned ? obs.nodes.map((n, i) => (banned[i] ? { ...n, utility: 0, rendezvousUtility: 0 } : n)) : obs.nodes;
    if (!stepwise) return { ...obs, nodes };
    const cur = obs.currentIndex;
    const here = obs.nodes[cur]!;
    const minStep = this.#p<number>('min_step');
    const edges = obs.edges.map((list, i) => list.filter((j) => j === i || (!banned[j] &&
      (i !== cur || Math.hypot(obs.nodes[j]!.x - here.x, obs.nodes[j]!.y - here.y) >= minStep))));
    return { ...obs, nodes, edges };
  }

  /** Goals of the in-contact teammates before this robot in the team list. */
  #claimedGoals(): Point[] {
    const team = this.#teamNames();
    const me = team.indexOf(this.robotName);
    const now = this.now().seconds;
    const timeout = this.#p<number>('contact_timeout');
    const out: Point[] = [];
    for (const [name, g] of this.#mateGoals) {
      const k = team.indexOf(name);
      if (k >= 0 && (me < 0 || k < me) && this.#beliefs.inContact(name, now, timeout)) out.push(g);
    }
    return out;
  }

  #setDone(done: boolean): void {
    if (this.#done === done) return;
    this.#done = done;
    this.#donePub?.publish({ data: done });
  }
}

const m = (description: string, d: number, from = 0.01, to = 1000): ParameterSpec =>
  ({ type: 'double', default: d, unit: 'm', range: { from, to }, description });
const s = (description: string, d: number, from = 0, to = 1e6): ParameterSpec =>
  ({ type: 'double', default: d, unit: 's', range: { from, to }, description });

export const explorerKind: NodeKind = {
  name: 'explorer',
  description: 'IR2-style exploration: viewpoint graph of the merged map, a named policy, goals for the planner, pose sharing with teammates.',
  parameters: {
    policy: { type: 'string', default: 'nearest_frontier', choices: [...Object.keys(explorationPolicies), 'ir2', 'expert'], description: 'Exploration policy, by name (explorationPolicies); "ir2": the learned IR2-contract ONNX policy at model_path through the policy host (falls back to the card\'s classical policy); "expert": the privileged expert of imitation learning (simulation only, needs ground_truth_map).' },
    ...policyHostParameters,
    ground_truth_map: { type: 'string', default: '', description: 'Simulation only: the true world (map_server YAML) for the privileged expert that labels decisions for imitation learning (training/). Empty: none.' },
    record_dir: { type: 'string', default: '', description: 'Simulation only: append every decision (IR2 observation + the expert\'s choice) to <record_dir>/<robot>.opd (DecisionRecorder format). Needs ground_truth_map.' },
    expert_mix: { type: 'double', default: 0, range: { from: 0, to: 1 }, description: 'Simulation only (DAgger): probability that a decision follows the expert instead of `policy`. Needs ground_truth_map.' },
    expert_seed: { type: 'integer', default: 1, description: 'Seed of the expert_mix draws (combined with the robot\'s index).' },
    robots: { type: 'string_array', default: [], description: 'Names of all robots of the fleet (this one may be included); teammates\' poses come on fleet/<name>/pose.' },
    fleet_size: { type: 'integer', default: 0, range: { from: 0, to: 64 }, description: 'N > 0: the fleet is r1..rN (instead of listing `robots`).' },
    robot_name: { type: 'string', default: '', description: 'This robot\'s name in `robots`; empty: the last segment of the namespace.' },
    map_topic: { type: 'string', default: 'fleet/map', description: 'The team-merged nav_msgs/OccupancyGrid.' },
    status_topics: { type: 'string_array', default: ['planner/status', 'controller/status'], description: 'outpost_msgs/NavStatus topics reporting on the current goal.' },
    reached_values: { type: 'string_array', default: ['reached'], description: 'NavStatus states meaning the goal was reached: choose the next one.' },
    failed_values: { type: 'string_array', default: ['unreachable', 'aborted'], description: 'NavStatus states meaning the goal failed: blacklist it and choose another.' },
    map_frame: { type: 'string', default: 'map', description: 'Frame of goals, shared poses and markers (REP-105); odom poses must be in it.' },
    decision_hz: { type: 'double', default: 1, unit: 'Hz', range: { from: 0.01, to: 50 }, description: 'How often the policy decides (and the graph is rebuilt if the map changed or the robot moved).' },
    pose_hz: { type: 'double', default: 2, unit: 'Hz', range: { from: 0.01, to: 50 }, description: 'How often this robot\'s pose is published on `pose` for teammates.' },
    rebuild_distance: m('The graph is rebuilt when the robot has moved this far since the last build (or the map changed).', 0.3),
    goal_tolerance: m('A new choice closer than this to the current goal does not replace it.', 0.3, 0, 1000),
    min_step: m('Stepwise policies (ir2, expert): neighbours of the current node closer than this are not offered, so each step moves the robot.', 0.6, 0, 1000),
    blacklist_duration: s('How long a failed goal is avoided.', 30),
    blacklist_radius: m('Nodes this close to a failed goal are avoided.', 0.5, 0, 1000),
    goal_separation: m('Classical policies: nodes this close to the goal of an in-contact teammate earlier in the team list are left to it (0: no deconfliction).', 2, 0, 1000),
    contact_timeout: s('A teammate not heard for this long counts as out of contact (rendezvous utility toward it).', 5, 0.01),
    free_threshold: { type: 'integer', default: 25, range: { from: 0, to: 100 }, description: 'Occupancy values up to this one are free (map_server free_thresh × 100).' },
    occupied_threshold: { type: 'integer', default: 65, range: { from: 1, to: 100 }, description: 'Occupancy values from this one up are occupied (map_server occupied_thresh × 100); values between the thresholds, like −1, are unknown.' },
    sensor_range: m('Utility range: frontiers within it in line of sight count (IR2 SENSOR_RANGE/UTILITY_CALC_RANGE).', 4),
    local_radius: m('Half-width of the square of dense nodes around the robot (IR2 CUR_AGENT_KNN_RAD).', 4),
    teammate_radius: m('Half-width of the square of dense nodes around each believed teammate (IR2 OTHER_AGENT_KNN_RAD).', 1),
    node_spacing: m('Spacing of the dense node lattice.', 0.65),
    route_spacing: m('Spacing of sparse nodes along the robots\' routes (IR2 GLOBAL_GRAPH_UNIQUE_RAD).', 1.5),
    offshoot_spacing: m('Spacing of sparse offshoot nodes toward high utility (IR2 GLOBAL_GRAPH_OFFSHOOT_UNIQUE_RAD).', 2),
    max_edge_length: m('Longest graph edge (IR2 GLOBAL_GRAPH_KNN_RAD).', 8),
    k: { type: 'integer', default: 30, range: { from: 2, to: 30 }, description: 'Neighbours per node, self included (IR2 K_SIZE; the learned policy expects 30).' },
    frontier_block: { type: 'integer', default: 4, range: { from: 1, to: 64 }, description: 'Frontiers are found on blocks of this many cells a side (IR2 downsamples by 4).' },
    distance_offset: m('utility_greedy / preplanned_rendezvous: score = utility / (path length + this).', 1),
    switch_ratio: { type: 'double', default: 1.5, range: { from: 1, to: 100 }, description: 'utility_greedy / preplanned_rendezvous: the current goal is kept (while it has utility and is not reached) unless another node scores this many times better; 1 = re-choose from scratch every decision.' },
    explore_budget: s('preplanned_rendezvous: exploring time per round.', 120),
    return_allowance: s('preplanned_rendezvous: the meeting is due this long after the exploring budget ends.', 60),
    rendezvous_wait: s('preplanned_rendezvous: how long to wait at the meeting place after the meeting time.', 20),
    nominal_speed: { type: 'double', default: 0.3, unit: 'm/s', range: { from: 0.01, to: 100 }, description: 'preplanned_rendezvous: speed assumed for the way back, to leave in time.' },
    arrival_radius: m('preplanned_rendezvous: this close to the meeting place counts as arrived.', 1),
    rendezvous_xy: { type: 'double_array', default: [], unit: 'm', description: 'preplanned_rendezvous: meeting place [x, y] in the map frame; empty: where this robot started.', check: (v) => ((v as number[]).length === 0 || (v as number[]).length === 2 ? undefined : 'expected [] or [x, y]') },
  },
  publishes: { goal: 'geometry_msgs/msg/PoseStamped', pose: 'geometry_msgs/msg/PoseStamped', '~/done': 'std_msgs/msg/Bool', '~/graph': 'visualization_msgs/msg/MarkerArray' },
  subscribes: { 'fleet/map': 'nav_msgs/msg/OccupancyGrid', odom: 'nav_msgs/msg/Odometry', 'planner/status': 'std_msgs/msg/String', 'fleet/<name>/pose': 'geometry_msgs/msg/PoseStamped' },
  create: (context, options) => new ExplorerNode(context, options),
};
