import {
  KindNode,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type MessageOf,
  type NodeKindOptions,
  type Publisher,
  type Timer,
} from '../../runtime/index.js';
import { quaternionFromYaw, yawFromQuaternion } from '../../runtime/geometry/Quaternions.js';
import { AStarPlanner, nearestTraversableCell } from './AStarPlanner.js';
import { INSCRIBED, IncrementalInflation, LETHAL, isTraversable } from './GridInflation.js';
import type { Pose2D } from './LogOddsGrid.js';
import { navStatusMessage, type NavState } from './NavStatus.js';
import { shortcutPath } from './PathShortcut.js';
import { SharedPoses, teamParameters, teammateNames } from './SharedPoses.js';

const LATCHED = { durability: 'transient_local', depth: 1 } as const;

interface MapState {
  msg: MessageOf<'nav_msgs/msg/OccupancyGrid'>;
  version: number;
}

const spec = nodeKindSpec({
  name: 'planner',
  description:
    'A* global planner on the inflated (fleet) map: goal → plan, with ~/status planned / unreachable / reached.',
  parameters: {
    map_topic: {
      type: 'string',
      default: 'fleet/map',
      description: "OccupancyGrid to plan on (latched): the fleet's merged map, or `map` for this robot's own.",
    },
    robot_radius: {
      type: 'double',
      default: 0.2,
      unit: 'm',
      range: { from: 0, to: 10 },
      description: 'Cells closer than this to an obstacle are blocked.',
    },
    inflation_radius: {
      type: 'double',
      default: 0.5,
      unit: 'm',
      range: { from: 0, to: 20 },
      description: 'Cells closer than this to an obstacle cost more (falling to 0 here); ≤ robot_radius for none.',
    },
    cost_weight: {
      type: 'double',
      default: 2,
      range: { from: 0, to: 100 },
      description: 'A step next to the robot radius costs 1 + cost_weight times a free step.',
    },
    occupied_threshold: {
      type: 'integer',
      default: 65,
      range: { from: 1, to: 100 },
      description: "Map values at or above this are obstacles (map_server's occupied_thresh × 100).",
    },
    allow_unknown: {
      type: 'bool',
      default: true,
      description: 'Plan through unknown cells (exploration) or treat them as blocked.',
    },
    goal_search_radius: {
      type: 'double',
      default: 1.0,
      unit: 'm',
      range: { from: 0, to: 100 },
      description: 'A goal in an obstacle moves to the nearest traversable cell within this distance.',
    },
    goal_tolerance: {
      type: 'double',
      default: 0.2,
      unit: 'm',
      range: { from: 0, to: 10 },
      description: 'The goal is reached within this distance.',
    },
    min_replan_interval: {
      type: 'double',
      default: 1.0,
      unit: 's',
      range: { from: 0, to: 600 },
      description: 'Replan on a map change at most this often (at once when the path is blocked).',
    },
    replan_period: {
      type: 'double',
      default: 0,
      unit: 's',
      range: { from: 0, to: 600 },
      description: 'Also replan this often while a goal is active; 0 = only on map changes.',
    },
    check_hz: {
      type: 'double',
      default: 5,
      unit: 'Hz',
      range: { from: 0.1, to: 100 },
      description: 'How often map changes and arrival are checked.',
    },
    simplify: {
      type: 'bool',
      default: true,
      description: 'Shortcut the grid path by line of sight (never closer to walls than the A* path).',
    },
    map_frame: { type: 'string', default: 'map', description: 'frame_id of plan and status.' },
    ...teamParameters('teammates (fleet/{teammate}/pose) are planned around'),
    teammate_radius: {
      type: 'double',
      default: 0.35,
      unit: 'm',
      range: { from: 0, to: 10 },
      description:
        'A teammate blocks a disc this wide (plus robot_radius) around its shared pose; 0 = ignore teammates.',
    },
    teammate_max_age: {
      type: 'double',
      default: 2,
      unit: 's',
      range: { from: 0, to: 60 },
      description: 'Older shared poses are not planned around.',
    },
    teammate_lookahead: {
      type: 'double',
      default: 3,
      unit: 'm',
      range: { from: 0, to: 100 },
      description: 'A teammate on this much of the path ahead makes the planner plan again.',
    },
  },
  publishes: { plan: 'nav_msgs/msg/Path', '~/status': 'outpost_msgs/msg/NavStatus' },
  subscribes: {
    // The topic `map_topic` names (default fleet/map).
    '{map_topic*}': 'nav_msgs/msg/OccupancyGrid',
    odom: 'nav_msgs/msg/Odometry',
    goal: 'geometry_msgs/msg/PoseStamped',
    'fleet/{teammate}/pose': 'geometry_msgs/msg/PoseStamped',
  },
});

/**
 * Global planner (node kind `planner`): A* (AStarPlanner) from the robot's pose on `odom` to the
 * latest `goal`, on the map from `map_topic` (default `fleet/map`, the fleet's merged map)
 * inflated by the robot radius (GridInflation). Publishes the path on `plan` (latched; empty when
 * there is none) and its progress on `~/status` (outpost_msgs/NavStatus, latched):
 * - planned: a path was found (again after each replan);
 * - unreachable: no path, or no traversable cell within `goal_search_radius` of the goal; the goal
 *   is dropped (send it again to retry);
 * - reached: the robot is within `goal_tolerance` of the goal; the goal is dropped.
 * A goal inside an obstacle or its inflation moves to the nearest traversable cell. The plan is
 * redone when the map changes (at most every `min_replan_interval`, at once when the current path
 * became blocked) and every `replan_period`. The map must be axis-aligned (origin yaw 0) and in
 * the same frame as the odom pose (the simulator's map frame).
 *
 * Teammates are moving obstacles, not part of the map (the mapper leaves them out): each plan
 * treats a disc of `teammate_radius` + `robot_radius` around every teammate whose shared pose
 * (`fleet/{teammate}/pose`) is at most `teammate_max_age` old as blocked, and a teammate standing on
 * the next `teammate_lookahead` m of the path makes the planner plan again (at most every
 * `min_replan_interval`): around it where there is room, else "unreachable", so the explorer
 * picks another goal instead of pushing into it.
 */
export class PlannerNode extends KindNode<typeof spec> {
  readonly astar = new AStarPlanner();
  #map: MapState | undefined;
  #mapVersion = 0;
  #cost: Uint8Array | undefined;
  #costVersion = -1;
  /** The cost grid, re-inflated only where the map changed (maps grow a little at a time). */
  readonly #inflation = new IncrementalInflation();
  #pose: Pose2D | undefined;
  #goal: { x: number; y: number } | undefined;
  #pathCells: number[] = [];
  #plannedVersion = -1;
  #lastPlanS = -Infinity;
  #state: NavState = 'idle';
  #planPub: Publisher<'nav_msgs/msg/Path'> | undefined;
  #statusPub: Publisher<'outpost_msgs/msg/NavStatus'> | undefined;
  #timer: Timer | undefined;
  /** Teammates' latest shared poses. */
  #mates: SharedPoses | undefined;
  /** Plans redone because a teammate stood on the path. */
  teammateReplans = 0;
  /** Milliseconds the last search took (inflation included when the map changed). */
  lastPlanMs = 0;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  get state(): NavState {
    return this.#state;
  }

  protected override onConfigure() {
    this.#planPub = this.publisher('plan', { lifecycle: true, qos: LATCHED });
    this.#statusPub = this.publisher('~/status', { lifecycle: true, qos: LATCHED });
    this.subscription('{map_topic*}', { qos: LATCHED, with: { map_topic: this.params.map_topic } }, (m) => {
      this.#map = { msg: m, version: ++this.#mapVersion };
    });
    this.subscription('odom', { qos: 5 }, (m) => {
      this.#pose = {
        x: m.pose.pose.position.x,
        y: m.pose.pose.position.y,
        yaw: yawFromQuaternion(m.pose.pose.orientation),
      };
    });
    this.subscription('goal', { qos: 10 }, (m) => {
      if (this.lifecycleState !== 'active') return;
      this.#goal = { x: m.pose.position.x, y: m.pose.position.y };
      this.#pathCells = [];
      this.#lastPlanS = -Infinity;
      this.#plannedVersion = -1;
      this.#state = 'idle';
      this.#tick(true);
    });
    this.#mates = new SharedPoses(this, this.teammates);
    return 'success' as const;
  }

  /** Teammates treated as moving obstacles: `robots` or r1..r`fleet_size`, this robot excluded. */
  get teammates(): string[] {
    return teammateNames(this.params, this.namespace());
  }

  /** Cells (row-major indices) covered by fresh teammates' discs, none within 0.3 m of this robot. */
  #teammateCells(info: MessageOf<'nav_msgs/msg/OccupancyGrid'>['info'], pose: Pose2D): number[] {
    if (this.#mates === undefined || this.#mates.size === 0) return [];
    const now = this.now().seconds;
    const maxAge = this.params.teammate_max_age;
    const r = this.params.teammate_radius + this.params.robot_radius;
    if (!(this.params.teammate_radius > 0)) return [];
    const { width: w, height: h, resolution: res } = info;
    const ox = info.origin.position.x;
    const oy = info.origin.position.y;
    const out: number[] = [];
    for (const m of this.#mates.fresh(now, maxAge)) {
      const x0 = Math.max(0, Math.floor((m.x - r - ox) / res));
      const x1 = Math.min(w - 1, Math.floor((m.x + r - ox) / res));
      const y0 = Math.max(0, Math.floor((m.y - r - oy) / res));
      const y1 = Math.min(h - 1, Math.floor((m.y + r - oy) / res));
      for (let cy = y0; cy <= y1; cy++) {
        for (let cx = x0; cx <= x1; cx++) {
          const x = ox + (cx + 0.5) * res;
          const y = oy + (cy + 0.5) * res;
          if ((x - m.x) ** 2 + (y - m.y) ** 2 <= r * r && (x - pose.x) ** 2 + (y - pose.y) ** 2 > 0.09)
            out.push(cy * w + cx);
        }
      }
    }
    return out;
  }

  /** A fresh teammate within its disc of the next `teammate_lookahead` m of the current path. */
  #teammateOnPath(map: MapState): boolean {
    if (this.#pathCells.length === 0 || this.#mates === undefined || this.#mates.size === 0) return false;
    const info = map.msg.info;
    const cells = new Set(this.#teammateCells(info, this.#pose!));
    if (cells.size === 0) return false;
    const n = Math.min(this.#pathCells.length, 1 + Math.ceil(this.params.teammate_lookahead / info.resolution));
    for (let k = 1; k < n; k++) if (cells.has(this.#pathCells[k]!)) return true;
    return false;
  }

  protected override onActivate() {
    this.#timer = this.createTimer(secondsToNs(1 / this.params.check_hz), () => this.#tick(false));
    this.#status('idle');
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#timer?.cancel();
    this.#timer = undefined;
    return 'success' as const;
  }

  #tick(newGoal: boolean): void {
    const goal = this.#goal;
    if (goal === undefined) return;
    const map = this.#map;
    const pose = this.#pose;
    if (map === undefined || pose === undefined) {
      this.#status(
        'waiting',
        `no ${map === undefined ? `map on ${this.resolveTopicName(this.params.map_topic)}` : 'pose on odom'} yet`,
      );
      return;
    }
    if (Math.hypot(goal.x - pose.x, goal.y - pose.y) <= this.params.goal_tolerance) {
      this.#finish('reached', '');
      return;
    }
    const now = this.now().seconds;
    const mapChanged = map.version !== this.#plannedVersion;
    const period = this.params.replan_period;
    let replan = newGoal || this.#pathCells.length === 0;
    if (!replan && mapChanged) {
      replan = now - this.#lastPlanS >= this.params.min_replan_interval || this.#pathBlocked();
    }
    if (!replan && period > 0 && now - this.#lastPlanS >= period) replan = true;
    if (!replan && now - this.#lastPlanS >= this.params.min_replan_interval && this.#teammateOnPath(map)) {
      replan = true;
      this.teammateReplans++;
    }
    if (replan) this.#plan(map, pose, goal);
  }

  #costs(map: MapState): Uint8Array {
    if (this.#costVersion !== map.version || this.#cost === undefined) {
      const info = map.msg.info;
      this.#cost = this.#inflation.update(map.msg.data, info.width, info.height, {
        occupiedThreshold: this.params.occupied_threshold,
        robotRadius: this.params.robot_radius / info.resolution,
        inflationRadius: this.params.inflation_radius / info.resolution,
        allowUnknown: this.params.allow_unknown,
      });
      this.#costVersion = map.version;
    }
    return this.#cost;
  }

  #pathBlocked(): boolean {
    const cost = this.#costs(this.#map!);
    // The first cell is where the robot was; it may sit in an inflated zone it is leaving.
    for (let k = 1; k < this.#pathCells.length; k++) if (!isTraversable(cost[this.#pathCells[k]!]!)) return true;
    return false;
  }

  #plan(map: MapState, pose: Pose2D, goal: { x: number; y: number }): void {
    const t0 = performance.now();
    const cost = this.#costs(map);
    // Teammates' discs are blocked for this plan only (restored below): they move.
    const mates = this.#teammateCells(map.msg.info, pose);
    const saved = Uint8Array.from(mates, (c) => cost[c]!);
    for (const c of mates) cost[c] = LETHAL;
    try {
      this.#planOn(cost, map, pose, goal, t0);
    } finally {
      mates.forEach((c, k) => {
        cost[c] = saved[k]!;
      });
    }
  }

  #planOn(cost: Uint8Array, map: MapState, pose: Pose2D, goal: { x: number; y: number }, t0: number): void {
    const { width: w, height: h, resolution: res, origin } = map.msg.info;
    const ox = origin.position.x;
    const oy = origin.position.y;
    const cellOf = (x: number, y: number): number => {
      const cx = Math.floor((x - ox) / res);
      const cy = Math.floor((y - oy) / res);
      return cx < 0 || cy < 0 || cx >= w || cy >= h ? -1 : cy * w + cx;
    };
    this.#lastPlanS = this.now().seconds;
    this.#plannedVersion = map.version;
    const start = cellOf(pose.x, pose.y);
    const goalCell0 = cellOf(goal.x, goal.y);
    if (start < 0) {
      this.#finish('unreachable', 'the robot is outside the map');
      return;
    }
    if (goalCell0 < 0) {
      this.#finish('unreachable', 'the goal is outside the map');
      return;
    }
    const goalCell = nearestTraversableCell(cost, w, h, goalCell0, Math.round(this.params.goal_search_radius / res));
    if (goalCell < 0) {
      this.#finish('unreachable', `no traversable cell within ${this.params.goal_search_radius} m of the goal`);
      return;
    }
    // A robot on a cell the map now calls occupied (noise, a teammate's layer) may still drive off it.
    const startCost = cost[start]!;
    if (startCost === LETHAL) cost[start] = INSCRIBED;
    const result = this.astar.plan(cost, w, h, start, goalCell, this.params.cost_weight);
    cost[start] = startCost;
    this.lastPlanMs = performance.now() - t0;
    if (result === undefined) {
      this.#finish('unreachable', 'no path to the goal');
      return;
    }
    this.#pathCells = result.cells;
    const kept = this.params.simplify ? shortcutPath(cost, w, result.cells) : result.cells;
    const centre = (c: number) => ({ x: ox + ((c % w) + 0.5) * res, y: oy + (Math.floor(c / w) + 0.5) * res });
    const points = kept.map(centre);
    points[0] = { x: pose.x, y: pose.y };
    const moved = goalCell !== goalCell0;
    if (!moved) points[points.length - 1] = { x: goal.x, y: goal.y };
    this.#publishPath(points);
    const end = points.at(-1)!;
    let length = 0;
    for (let k = 1; k < points.length; k++)
      length += Math.hypot(points[k]!.x - points[k - 1]!.x, points[k]!.y - points[k - 1]!.y);
    this.#status(
      'planned',
      moved ? `goal moved ${Math.hypot(end.x - goal.x, end.y - goal.y).toFixed(2)} m off an obstacle` : '',
      length,
      end,
      true,
    );
  }

  #publishPath(points: Array<{ x: number; y: number }>): void {
    const stamp = this.now().toMsg();
    const frame_id = this.params.map_frame;
    this.#planPub?.publish({
      header: { stamp, frame_id },
      poses: points.map((p, i) => {
        const q = points[Math.min(i + 1, points.length - 1)]!;
        const r = points[Math.max(i - 1, 0)]!;
        const yaw = i + 1 < points.length ? Math.atan2(q.y - p.y, q.x - p.x) : Math.atan2(p.y - r.y, p.x - r.x);
        return {
          header: { stamp, frame_id },
          pose: { position: { x: p.x, y: p.y, z: 0 }, orientation: quaternionFromYaw(yaw) },
        };
      }),
    });
  }

  #finish(state: 'reached' | 'unreachable', detail: string): void {
    const goal = this.#goal;
    this.#goal = undefined;
    this.#pathCells = [];
    this.#publishPath([]);
    this.#status(state, detail, 0, goal, true);
  }

  #status(state: NavState, detail = '', distance = 0, goal = this.#goal, force = false): void {
    if (state === this.#state && !force) return;
    this.#state = state;
    this.#statusPub?.publish(
      navStatusMessage(this.now(), this.params.map_frame, { state, goal, distanceRemaining: distance, detail }),
    );
  }
}

export const plannerKind = defineNodeKind(spec, (context, options) => new PlannerNode(context, options));
