import {
  Node, QoS, secondsToNs, type Context, type MessageOf, type NodeKind, type NodeKindOptions, type ParameterSpec,
  type Publisher, type Subscription, type Timer,
} from '../../runtime/index.js';
import { createExplorationPolicy, explorationPolicies, type ExplorationPolicy } from './ExplorationPolicy.js';
import type { GraphObservation } from './GraphObservation.js';
import { graphMarkers } from './GraphMarkers.js';
import { GridView } from './GridView.js';
import { TeammateBeliefs } from './TeammateBeliefs.js';
import { ViewpointGraph } from './ViewpointGraph.js';

interface Point { x: number; y: number }

/**
 * IR2-style explorer: keeps a viewpoint graph of the team-merged map, asks an exploration policy
 * (by name, from `explorationPolicies`) where to go at `decision_hz`, and sends the chosen node's
 * centre as `goal` to the planner. A new goal goes out when the choice moves by more than
 * `goal_tolerance`, and at once when the planner reports the goal reached, unreachable or stuck
 * (the last two blacklist it for `blacklist_duration`). Shares this robot's pose on `pose` for
 * teammates and keeps a belief of theirs from `fleet/<name>/pose`. When no node of the graph has
 * utility left, publishes true on `~/done` (latched) and sends no more goals.
 */
export class ExplorerNode extends Node {
  readonly policy: ExplorationPolicy;
  #graph: ViewpointGraph;
  #beliefs: TeammateBeliefs;
  #grid: GridView | undefined;
  #mapChanged = false;
  #matesChanged = false;
  #pose: (Point & { yaw: number }) | undefined;
  #home: Point | undefined;
  #builtAt: Point | undefined;
  #obs: GraphObservation | undefined;
  #goal: Point | undefined;
  #blacklist: Array<Point & { until: number }> = [];
  #done: boolean | undefined;
  #subs: Subscription[] = [];
  #goalPub: Publisher<'geometry_msgs/msg/PoseStamped'> | undefined;
  #posePub: Publisher<'geometry_msgs/msg/PoseStamped'> | undefined;
  #donePub: Publisher<'std_msgs/msg/Bool'> | undefined;
  #graphPub: Publisher<'visualization_msgs/msg/MarkerArray'> | undefined;
  #timers: Timer[] = [];

  constructor(context: Context, options: NodeKindOptions) {
    super(options.name, options.namespace, context, options);
    for (const [name, spec] of Object.entries(explorerKind.parameters)) this.declareParameter(name, spec);
    const rv = this.#p<number[]>('rendezvous_xy');
    this.policy = createExplorationPolicy(this.#p<string>('policy'), {
      distanceOffset: this.#p('distance_offset'), exploreBudget: this.#p('explore_budget'),
      returnAllowance: this.#p('return_allowance'), rendezvousWait: this.#p('rendezvous_wait'),
      nominalSpeed: this.#p('nominal_speed'), arrivalRadius: this.#p('arrival_radius'),
      ...(rv.length === 2 ? { rendezvous: { x: rv[0]!, y: rv[1]! } } : {}),
    });
    this.#graph = this.#makeGraph();
    this.#beliefs = new TeammateBeliefs(this.#teamNames().filter((r) => r !== this.robotName));
  }

  /** `robots`, or r1..rN when `fleet_size` is N > 0 (launch files cannot build lists from a count). */
  #teamNames(): string[] {
    const n = this.#p<number>('fleet_size');
    return n > 0 ? Array.from({ length: n }, (_, i) => `r${i + 1}`) : this.#p<string[]>('robots');
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
        this.#onStatus(m.state);
      }));
    }
    for (const name of this.#beliefs.names) {
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
    this.#timers.push(this.createTimer(secondsToNs(1 / this.#p<number>('decision_hz')), () => this.#decide(false)));
    this.#timers.push(this.createTimer(secondsToNs(1 / this.#p<number>('pose_hz')), () => this.#sharePose()));
    return 'success' as const;
  }

  protected override onDeactivate() {
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
    return 'success' as const;
  }

  protected override onCleanup() {
    for (const s of this.#subs) s.destroy();
    this.#subs = [];
    for (const p of [this.#goalPub, this.#posePub, this.#donePub, this.#graphPub]) p?.destroy();
    this.#graph = this.#makeGraph();
    this.#grid = this.#obs = this.#goal = this.#pose = this.#home = this.#builtAt = this.#done = undefined;
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
      this.#grid = GridView.fromOccupancyGrid(m, { freeThreshold: this.#p('free_threshold') });
      this.#mapChanged = true;
    } catch (err) {
      this.getLogger().warn({ err }, `map on ${this.#p<string>('map_topic')} dropped: ${(err as Error).message}`);
    }
  }

  #onOdom(m: MessageOf<'nav_msgs/msg/Odometry'>): void {
    const { position: p, orientation: q } = m.pose.pose;
    this.#pose = { x: p.x, y: p.y, yaw: Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z)) };
    this.#home ??= { x: p.x, y: p.y };
    this.#graph.recordPose(p.x, p.y);
  }

  #onStatus(status: string): void {
    if (this.#goal === undefined) return;
    if (this.#p<string[]>('reached_values').includes(status)) {
      this.#graph.markReached(this.#goal.x, this.#goal.y);
    } else if (this.#p<string[]>('failed_values').includes(status)) {
      this.#blacklist.push({ ...this.#goal, until: this.now().seconds + this.#p<number>('blacklist_duration') });
      this.getLogger().info(`goal (${this.#goal.x.toFixed(2)}, ${this.#goal.y.toFixed(2)}) ${status}: blacklisted for ${this.#p<number>('blacklist_duration')} s`);
    } else {
      return; // "planned" and anything else: the planner is on it
    }
    this.#decide(true, this.#goal);
  }

  #sharePose(): void {
    if (this.#pose === undefined) return;
    this.#posePub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.#p('map_frame') },
      pose: { position: { x: this.#pose.x, y: this.#pose.y, z: 0 }, orientation: yawQuaternion(this.#pose.yaw) },
    });
  }

  /**
   * One decision: rebuild the graph if needed, ask the policy, send the goal if it changed (or
   * `force`). `settled`: the goal the planner just reported reached or failed, never sent again at
   * once (the planner would answer at once again: an endless exchange within one step; the next
   * timer decision keeps it as the current goal, so it is not resent then either).
   */
  #decide(force: boolean, settled?: Point): void {
    const grid = this.#grid;
    const pose = this.#pose;
    if (grid === undefined || pose === undefined) return;
    const now = this.now().seconds;
    this.#blacklist = this.#blacklist.filter((b) => b.until > now);
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
    const choice = this.policy.choose(this.#masked(obs), { now, home: this.#home ?? pose });
    if (choice < 0 || choice >= obs.nodes.length) return;
    const node = obs.nodes[choice]!;
    const tol = this.#p<number>('goal_tolerance');
    // Only the very same node: a neighbour of a reached node is a new goal (how nearest_frontier
    // works through a cluster); the same node again is a policy that ignores utility (a rendezvous).
    if (settled !== undefined && node.x === settled.x && node.y === settled.y) return;
    if (!force && this.#goal !== undefined && Math.hypot(node.x - this.#goal.x, node.y - this.#goal.y) <= tol) return;
    this.#goal = { x: node.x, y: node.y };
    this.#goalPub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.#p('map_frame') },
      pose: { position: { x: node.x, y: node.y, z: 0 }, orientation: yawQuaternion(Math.atan2(node.y - pose.y, node.x - pose.x)) },
    });
  }

  /** The observation with blacklisted places' utilities zeroed, so no policy picks them. */
  #masked(obs: GraphObservation): GraphObservation {
    if (this.#blacklist.length === 0) return obs;
    const r = this.#p<number>('blacklist_radius');
    const nodes = obs.nodes.map((n) => (this.#blacklist.some((b) => Math.hypot(b.x - n.x, b.y - n.y) <= r)
      ? { ...n, utility: 0, rendezvousUtility: 0 } : n));
    return { ...obs, nodes };
  }

  #setDone(done: boolean): void {
    if (this.#done === done) return;
    this.#done = done;
    this.#donePub?.publish({ data: done });
  }
}

function yawQuaternion(yaw: number): { x: number; y: number; z: number; w: number } {
  return { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) };
}

const m = (description: string, d: number, from = 0.01, to = 1000): ParameterSpec =>
  ({ type: 'double', default: d, unit: 'm', range: { from, to }, description });
const s = (description: string, d: number, from = 0, to = 1e6): ParameterSpec =>
  ({ type: 'double', default: d, unit: 's', range: { from, to }, description });

export const explorerKind: NodeKind = {
  name: 'explorer',
  description: 'IR2-style exploration: viewpoint graph of the merged map, a named policy, goals for the planner, pose sharing with teammates.',
  parameters: {
    policy: { type: 'string', default: 'nearest_frontier', choices: Object.keys(explorationPolicies), description: 'Exploration policy, by name (explorationPolicies).' },
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
    blacklist_duration: s('How long a failed goal is avoided.', 30),
    blacklist_radius: m('Nodes this close to a failed goal are avoided.', 0.5, 0, 1000),
    contact_timeout: s('A teammate not heard for this long counts as out of contact (rendezvous utility toward it).', 5, 0.01),
    free_threshold: { type: 'integer', default: 25, range: { from: 0, to: 100 }, description: 'Occupancy values up to this one are free, above it occupied; −1 unknown.' },
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
