import { type Context, type MessageOf, Node, yawFromQuaternion } from '../runtime/index.js';
import type {
  DashboardDelta,
  DashboardSnapshot,
  WireAlert,
  WireLink,
  WireMapInfo,
  WireMission,
  WireRobot,
  WireTile,
} from './DashboardProtocol.js';
import { LinkGraph } from './LinkGraph.js';
import { MapMosaic, type MapTile, TILE_SIZE } from './MapMosaic.js';
import { wireTelemetry } from './wireTelemetry.js';

type Telemetry = MessageOf<'outpost_msgs/msg/RobotTelemetry'>;

export interface FleetStateOptions {
  /**
   * Telemetry period, s, until a robot's own is known from its arrivals (the telemetry node's
   * default rate is 1 Hz). Default 1.
   */
  telemetryPeriodS?: number;
  /** A trail point every this many metres of travel. Default 0.2 m. */
  trailStepM?: number;
  /** Node name on the bus. Default `dashboard` in `/outpost`. */
  name?: string;
}

/** Most trail points kept per robot; past it the trail is halved (every other point). */
const TRAIL_MAX = 4000;
const ALERTS_MAX = 200;
const COVERAGE_MAX = 2000;
const PATH_MAX = 64;
/**
 * Shortest period staleness assumes, s: a simulation running 20× sends 1 Hz telemetry every 50 ms
 * of wall time, and a 150 ms hiccup of a busy machine is not a dead robot (stale after ≥ 1.5 s).
 */
const MIN_PERIOD_S = 0.5;

interface RobotState {
  name: string;
  pose: [number, number, number] | undefined;
  /** Whether /rX/odom drives the pose (smoother than telemetry's 1 Hz; same frame in the sim). */
  odom: boolean;
  trail: number[];
  sentTrail: number;
  goal: [number, number] | null;
  path: number[];
  /** From /rX/goal and /rX/plan: then telemetry's goal and path are not used. */
  navTopics: boolean;
  telemetry: Record<string, unknown> | null;
  telemetryMs: number | null;
  /** The robot's telemetry period, s: the median of its last arrival intervals, in wall time. */
  periodS: number;
  intervals: number[];
  dirty: Set<'pose' | 'trail' | 'goal' | 'path' | 'telemetry'>;
  new: boolean;
}

/**
 * What the dashboard knows about the fleet, gathered from a bus: every robot's telemetry
 * (`/{robot}/telemetry`), odometry, goal and plan, the team's map (`/groundstation/map`, else every
 * robot's `fleet/map` laid over each other), the link graph and, in a simulation, `/sim/status`.
 * Topics are found as they appear in the graph. `snapshot()` is what a new browser gets,
 * `delta()` what changed since the last delta (the map only when asked, it costs the most).
 */
export class FleetState {
  readonly node: Node;
  readonly map = new MapMosaic();
  readonly #links = new LinkGraph();
  readonly #robots = new Map<string, RobotState>();
  readonly #subscribed = new Set<string>();
  readonly #period: number;
  readonly #trailStep: number;
  #groundMap = false;
  readonly #pendingMaps = new Map<string, { grid: MessageOf<'nav_msgs/msg/OccupancyGrid'>; replace: boolean }>();
  #mapInfo: WireMapInfo | null = null;
  #mapReset = false;
  #alerts: WireAlert[] = [];
  #alertKeys = new Set<string>();
  #newAlerts: WireAlert[] = [];
  #mission: WireMission | null = null;
  #missionDirty = false;
  #coverage: number[] = [];
  #sentCoverage = 0;
  #coverageReset = false;
  #sentLinks: WireLink[] = [];
  #linksSentMs = 0;
  readonly #stopWatching: () => void;

  constructor(context: Context, options: FleetStateOptions = {}) {
    this.#period = options.telemetryPeriodS ?? 1;
    this.#trailStep = options.trailStepM ?? 0.2;
    this.node = new Node(options.name ?? 'dashboard', '/outpost', context);
    this.node.createSubscription('outpost_msgs/msg/SimStatus', '/sim/status', { qos: 10 }, (s) => this.#simStatus(s));
    const latched = { qos: { durability: 'transient_local', depth: 1 } } as const;
    this.node.createSubscription('outpost_msgs/msg/LinkStateArray', '/outpost/fleet/links', latched, (m) => {
      this.#links.states('gate', m);
    });
    this.node.createSubscription('outpost_msgs/msg/LinkStateArray', '/outpost/fleet/link_states', { qos: 10 }, (m) =>
      this.#links.states('radio', m),
    );
    this.#stopWatching = context.transport.onGraphChange(() => this.#discover());
    this.#discover();
  }

  /** Wall time of the dashboard, ms since the epoch. */
  nowMs(): number {
    return Number(this.node.context.wallClock.now().nanoseconds / 1_000_000n);
  }

  robotNames(): string[] {
    return [...this.#robots.keys()].sort();
  }

  /** Trails, goals and the map for the report's PNG. */
  robotTracks(): Array<{ name: string; trail: readonly number[]; goal: [number, number] | null; pose?: number[] }> {
    return this.robotNames().map((n) => {
      const r = this.#robots.get(n)!;
      return { name: n, trail: r.trail, goal: r.goal, ...(r.pose === undefined ? {} : { pose: [...r.pose] }) };
    });
  }

  /** Merges the maps that came since the last call; the next delta carries the changed tiles. */
  mergeMaps(): void {
    for (const { grid, replace } of this.#pendingMaps.values()) {
      if (this.map.add(grid, replace)) {
        const g = this.map.geometry!;
        this.#mapInfo = {
          width: g.width,
          height: g.height,
          resolution: g.resolution,
          origin_x: g.originX,
          origin_y: g.originY,
          tile: TILE_SIZE,
        };
        this.#mapReset = true;
      }
    }
    this.#pendingMaps.clear();
  }

  snapshot(): DashboardSnapshot {
    const now = this.nowMs();
    return {
      type: 'snapshot',
      now,
      map: this.#mapInfo,
      tiles: this.#mapReset ? [] : this.map.sentTiles().map(wireTile),
      robots: [...this.#robots.values()].map((r) => this.#wireRobot(r, true)),
      links: this.#sentLinks,
      alerts: this.#alerts.slice(0, ALERTS_MAX),
      mission: this.#mission,
      coverage: this.#coverage.slice(0, this.#sentCoverage),
    };
  }

  /** What changed since the last delta; `withMap`: merge the pending maps and include changed tiles. */
  delta(withMap: boolean): DashboardDelta {
    const now = this.nowMs();
    const d: DashboardDelta = { type: 'delta', now };
    if (withMap) {
      this.mergeMaps();
      if (this.#mapReset && this.#mapInfo !== null) {
        d.map = this.#mapInfo;
        this.#mapReset = false;
      }
      const tiles = this.map.changedTiles();
      if (tiles.length > 0) d.tiles = tiles.map(wireTile);
    }
    const robots = [...this.#robots.values()].filter((r) => r.new || r.dirty.size > 0);
    if (robots.length > 0) d.robots = robots.map((r) => this.#wireRobot(r, false));
    const links = this.#links.links(now);
    const shape = (ls: WireLink[]) => ls.map((l) => `${l.a}|${l.b}|${l.up}|${l.source}`).join(',');
    if (shape(links) !== shape(this.#sentLinks) || (links.length > 0 && now - this.#linksSentMs >= 1000)) {
      d.links = links;
      this.#sentLinks = links;
      this.#linksSentMs = now;
    }
    if (this.#newAlerts.length > 0) {
      d.alerts_add = this.#newAlerts;
      this.#newAlerts = [];
    }
    if (this.#missionDirty && this.#mission !== null) {
      d.mission = this.#mission;
      this.#missionDirty = false;
    }
    if (this.#coverageReset) {
      d.coverage_reset = true;
      this.#coverageReset = false;
    }
    if (this.#sentCoverage < this.#coverage.length) {
      d.coverage_add = this.#coverage.slice(this.#sentCoverage);
      this.#sentCoverage = this.#coverage.length;
    }
    return d;
  }

  destroy(): void {
    this.#stopWatching();
    this.node.destroy();
  }

  #wireRobot(r: RobotState, full: boolean): WireRobot {
    const w: WireRobot = { name: r.name };
    const all = full || r.new;
    if (r.pose !== undefined && (all || r.dirty.has('pose')))
      [w.x, w.y, w.yaw] = r.pose.map(round3) as [number, number, number];
    if (full) {
      w.trail_from = 0;
      w.trail_add = r.trail.slice(0, r.sentTrail);
    } else if (all || r.dirty.has('trail')) {
      // A halved trail is sent whole; otherwise only the points the browser has not seen.
      const from = r.sentTrail <= r.trail.length ? r.sentTrail : 0;
      w.trail_from = from;
      w.trail_add = r.trail.slice(from);
      r.sentTrail = r.trail.length;
    }
    if (all || r.dirty.has('goal')) w.goal = r.goal;
    if (all || r.dirty.has('path')) w.path = r.path;
    if (all || r.dirty.has('telemetry')) {
      w.telemetry = r.telemetry;
      w.telemetry_ms = r.telemetryMs;
      w.period_s = r.periodS;
    }
    if (!full) {
      r.dirty.clear();
      r.new = false;
    }
    return w;
  }

  #robot(name: string): RobotState {
    let r = this.#robots.get(name);
    if (r === undefined) {
      r = {
        name,
        pose: undefined,
        odom: false,
        trail: [],
        sentTrail: 0,
        goal: null,
        path: [],
        navTopics: false,
        telemetry: null,
        telemetryMs: null,
        periodS: this.#period,
        intervals: [],
        dirty: new Set(),
        new: true,
      };
      this.#robots.set(name, r);
    }
    return r;
  }

  #discovering = false;

  #discover(): void {
    // Subscribing changes the graph, which calls back here: one pass at a time.
    if (this.node.isDestroyed || this.#discovering) return;
    this.#discovering = true;
    try {
      this.#discoverOnce();
    } finally {
      this.#discovering = false;
    }
  }

  #discoverOnce(): void {
    for (const t of this.node.context.transport.graph().topics) {
      if (this.#subscribed.has(t.name)) continue;
      const m = /^\/([A-Za-z][A-Za-z0-9_]*)\/(telemetry|odom|goal|plan|fleet\/map|map)$/.exec(t.name);
      if (m === null) continue;
      const [, ns, leaf] = m as unknown as [string, string, string];
      const q = { qos: 5 };
      if (leaf === 'telemetry' && t.type === 'outpost_msgs/msg/RobotTelemetry') {
        this.node.createSubscription('outpost_msgs/msg/RobotTelemetry', t.name, q, (msg) =>
          this.#telemetry(msg.robot || ns, msg),
        );
      } else if (leaf === 'odom' && t.type === 'nav_msgs/msg/Odometry') {
        this.node.createSubscription('nav_msgs/msg/Odometry', t.name, q, (o) => {
          const r = this.#robot(ns);
          r.odom = true;
          const p = o.pose.pose;
          this.#pose(r, p.position.x, p.position.y, yawFromQuaternion(p.orientation));
        });
      } else if (leaf === 'goal' && t.type === 'geometry_msgs/msg/PoseStamped') {
        this.node.createSubscription('geometry_msgs/msg/PoseStamped', t.name, q, (g) => {
          const r = this.#robot(ns);
          r.navTopics = true;
          r.goal = [round3(g.pose.position.x), round3(g.pose.position.y)];
          r.dirty.add('goal');
        });
      } else if (leaf === 'plan' && t.type === 'nav_msgs/msg/Path') {
        this.node.createSubscription('nav_msgs/msg/Path', t.name, q, (p) => {
          const r = this.#robot(ns);
          r.navTopics = true;
          const step = Math.max(1, Math.ceil(p.poses.length / PATH_MAX));
          const xy: number[] = [];
          for (let i = 0; i < p.poses.length; i += step) {
            xy.push(round3(p.poses[i]!.pose.position.x), round3(p.poses[i]!.pose.position.y));
          }
          const last = p.poses.at(-1);
          if (last !== undefined && (p.poses.length - 1) % step !== 0)
            xy.push(round3(last.pose.position.x), round3(last.pose.position.y));
          r.path = xy;
          r.dirty.add('path');
        });
      } else if (t.type === 'nav_msgs/msg/OccupancyGrid' && (leaf === 'fleet/map' || t.name === '/groundstation/map')) {
        const ground = t.name === '/groundstation/map';
        // Maps are latched on a ground station; a robot's fleet/map is republished as it grows.
        this.node.createSubscription(
          'nav_msgs/msg/OccupancyGrid',
          t.name,
          { qos: { durability: ground ? 'transient_local' : 'volatile', depth: 1 } },
          (grid) => {
            if (ground && !this.#groundMap) {
              this.#groundMap = true;
              this.#pendingMaps.clear();
            }
            if (this.#groundMap && !ground) return; // the ground station's merge is the team map
            this.#pendingMaps.set(t.name, { grid, replace: ground });
          },
        );
      } else continue;
      this.#subscribed.add(t.name);
    }
  }

  #pose(r: RobotState, x: number, y: number, yaw: number): void {
    r.pose = [x, y, yaw];
    r.dirty.add('pose');
    const n = r.trail.length;
    if (n === 0 || Math.hypot(x - r.trail[n - 2]!, y - r.trail[n - 1]!) >= this.#trailStep) {
      r.trail.push(round3(x), round3(y));
      if (r.trail.length > 2 * TRAIL_MAX) {
        r.trail = r.trail.filter((_, i) => i % 4 < 2);
        r.sentTrail = Number.POSITIVE_INFINITY; // the next delta sends it whole
      }
      r.dirty.add('trail');
    }
  }

  #telemetry(name: string, m: Telemetry): void {
    const now = this.nowMs();
    const r = this.#robot(name);
    if (!r.odom && Number.isFinite(m.x) && Number.isFinite(m.y)) this.#pose(r, m.x, m.y, m.yaw);
    if (!r.navTopics) {
      r.goal = m.has_goal ? [round3(m.goal_x), round3(m.goal_y)] : null;
      r.path = Array.from(m.path_xy, round3);
      r.dirty.add('goal').add('path');
    }
    // Staleness is judged on the dashboard's wall clock, so the period is too: a simulation at
    // half speed sends its 1 Hz (sim time) telemetry every 2 s of wall time, and that is not stale.
    // The median of the last 5 arrival gaps rides out a burst after a link comes back.
    if (r.telemetryMs !== null) {
      const gap = (now - r.telemetryMs) / 1000;
      if (gap > 0.01 && gap <= 60) {
        r.intervals = [...r.intervals.slice(-4), gap];
        const sorted = [...r.intervals].sort((a, b) => a - b);
        r.periodS = Math.max(MIN_PERIOD_S, Math.round(sorted[sorted.length >> 1]! * 1000) / 1000);
      }
    }
    r.telemetry = wireTelemetry(m);
    r.telemetryMs = now;
    r.dirty.add('telemetry');
    this.#links.telemetry(name, m.links, now);
    // Alerts come newest first; add the unseen ones keeping that order.
    const fresh: WireAlert[] = [];
    for (const a of m.alerts) {
      const stamp = a.stamp.sec + a.stamp.nanosec / 1e9;
      const key = `${name}|${stamp}|${a.source}|${a.message}`;
      if (this.#alertKeys.has(key)) continue;
      this.#alertKeys.add(key);
      fresh.push({
        robot: name,
        level: a.level,
        source: a.source,
        message: a.message,
        stamp_s: stamp,
        received_ms: now,
      });
    }
    if (fresh.length > 0) {
      this.#alerts = [...fresh, ...this.#alerts].slice(0, ALERTS_MAX);
      this.#newAlerts = [...fresh, ...this.#newAlerts];
      if (this.#alertKeys.size > 10 * ALERTS_MAX) this.#alertKeys = new Set([...this.#alertKeys].slice(-ALERTS_MAX));
    }
  }

  #simStatus(s: MessageOf<'outpost_msgs/msg/SimStatus'>): void {
    const t = s.sim_time.sec + s.sim_time.nanosec / 1e9;
    this.#mission = {
      sim_time_s: round3(t),
      wall_time_s: round3(s.wall_time_s),
      speed_up: round3(s.speed_up),
      coverage: Math.round(s.coverage * 1e4) / 1e4,
      robots: s.robots,
      done: s.done,
      reason: s.reason,
    };
    this.#missionDirty = true;
    const n = this.#coverage.length;
    if (n === 0 || this.#coverage[n - 1] !== this.#mission.coverage || t - this.#coverage[n - 2]! >= 5) {
      this.#coverage.push(this.#mission.sim_time_s, this.#mission.coverage);
      if (this.#coverage.length > 2 * COVERAGE_MAX) {
        // Every other point, from the start; browsers get the thinned series whole in the next delta.
        this.#coverage = this.#coverage.filter((_, i) => i % 4 < 2);
        this.#sentCoverage = 0;
        this.#coverageReset = true;
      }
    }
  }
}

function wireTile(t: MapTile): WireTile {
  return { tx: t.tx, ty: t.ty, w: t.w, h: t.h, cells: Buffer.from(t.cells).toString('base64') };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
