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
import { yawFromQuaternion } from '../../runtime/geometry/Quaternions.js';
import { LogOddsGrid, type Pose2D } from './LogOddsGrid.js';
import { SharedPoses, teamParameters, teammateNames } from './SharedPoses.js';

const LATCHED = { durability: 'transient_local', depth: 1 } as const;

const dim = (what: string) => ({
  type: 'integer' as const,
  default: 0,
  range: { from: 0, to: 100_000 },
  description: `Grid ${what} in cells; 0 = take the geometry from /map_metadata.`,
});

const spec = nodeKindSpec({
  name: 'mapper',
  description: "Log-odds occupancy mapping of scan at the odom pose (map frame); publishes this robot's own map.",
  parameters: {
    width: dim('width'),
    height: dim('height'),
    resolution: {
      type: 'double',
      default: 0,
      unit: 'm',
      range: { from: 0, to: 100 },
      description: 'Cell edge; 0 = from /map_metadata.',
    },
    origin_x: {
      type: 'double',
      default: 0,
      unit: 'm',
      description: "World x of cell (0,0)'s lower-left corner (used when the geometry is given here).",
    },
    origin_y: { type: 'double', default: 0, unit: 'm', description: "World y of cell (0,0)'s lower-left corner." },
    publish_hz: {
      type: 'double',
      default: 2,
      unit: 'Hz',
      range: { from: 0.01, to: 100 },
      description: 'How often the map is published (only when it changed).',
    },
    map_frame: {
      type: 'string',
      default: 'map',
      description: "frame_id of the published map (the fleet's shared map frame in simulation).",
    },
    sensor_x: { type: 'double', default: 0, unit: 'm', description: 'Lidar position in base_link, forward.' },
    sensor_y: { type: 'double', default: 0, unit: 'm', description: 'Lidar position in base_link, left.' },
    sensor_yaw: {
      type: 'double',
      default: 0,
      unit: 'rad',
      range: { from: -7, to: 7 },
      description: 'Lidar yaw in base_link.',
    },
    max_range: {
      type: 'double',
      default: 0,
      unit: 'm',
      range: { from: 0, to: 1000 },
      description: "Use returns up to this range (shorter beams are cheaper and less noisy); 0 = the scan's range_max.",
    },
    hit_offset: {
      type: 'double',
      default: 0.03,
      unit: 'm',
      range: { from: 0, to: 1 },
      description:
        "Occupied marks go this far beyond the measured range, so a return from a surface on a cell boundary marks the obstacle's cell, not the free cell in front of it (walls would grow towards the robot and narrow doorways).",
    },
    ...teamParameters(
      "teammates' shared poses come on fleet/{teammate}/pose and their bodies are not mapped as obstacles",
    ),
    teammate_radius: {
      type: 'double',
      default: 0.35,
      unit: 'm',
      range: { from: 0, to: 10 },
      description:
        "Returns within this distance of a teammate's shared pose are its body, not an obstacle (footprint plus a margin); 0 = map teammates as obstacles.",
    },
    teammate_speed: {
      type: 'double',
      default: 1.0,
      unit: 'm/s',
      range: { from: 0, to: 50 },
      description: "The fastest a teammate moves: the radius grows by this much per second of the pose's age.",
    },
    teammate_max_age: {
      type: 'double',
      default: 1.0,
      unit: 's',
      range: { from: 0, to: 60 },
      description: 'Older shared poses are not used to filter scans (the teammate may be anywhere).',
    },
    l_occ: {
      type: 'double',
      default: 0.85,
      range: { from: 0.01, to: 10 },
      description: "Log-odds added at a hit (0.85 ≈ p 0.7, OctoMap's default).",
    },
    l_free: {
      type: 'double',
      default: -0.4,
      range: { from: -10, to: -0.01 },
      description: 'Log-odds added along a beam (−0.4 ≈ p 0.4).',
    },
    l_min: {
      type: 'double',
      default: -2,
      range: { from: -20, to: -0.01 },
      description: "Lower clamp of a cell's log-odds (−2 ≈ p 0.12).",
    },
    l_max: {
      type: 'double',
      default: 3.5,
      range: { from: 0.01, to: 20 },
      description: "Upper clamp of a cell's log-odds (3.5 ≈ p 0.97).",
    },
  },
  publishes: { map: 'nav_msgs/msg/OccupancyGrid' },
  subscribes: {
    scan: 'sensor_msgs/msg/LaserScan',
    odom: 'nav_msgs/msg/Odometry',
    '/map_metadata': 'nav_msgs/msg/MapMetaData',
    'fleet/{teammate}/pose': 'geometry_msgs/msg/PoseStamped',
  },
});

/**
 * Log-odds occupancy mapping from `scan` at the pose of `odom` (node kind `mapper`).
 *
 * No SLAM here: the pose in `odom` is taken as the robot's pose in the map frame. The simulator
 * publishes exactly that; a real robot needs a localizer (AMCL, slam_toolbox, a motion-capture
 * bridge) publishing nav_msgs/Odometry in the map frame on this topic, or a remap to its output.
 * The newest pose is used for each scan (no interpolation to the scan's stamp): fine at sim rates
 * and walking speeds, a known limit for fast turns.
 *
 * The grid's geometry comes from the `width`/`height`/`resolution`/`origin_*` parameters, or, when
 * width, height or resolution is 0, from the latched `/map_metadata` (as map_server and the
 * simulator publish it); scans before the geometry is known are dropped and counted.
 * Publishes this robot's own observations on `map` (latched) at `publish_hz` when something changed.
 *
 * Teammates are not walls: the mapper listens to `fleet/{teammate}/pose` (what the fleet link relays
 * from each teammate's explorer) and drops returns within `teammate_radius` of a teammate's
 * shared pose, grown by `teammate_speed` × the pose's age, while the pose is at most
 * `teammate_max_age` old. Without this a robot's body, seen by a teammate, stays in the merged map
 * as an obstacle after it has moved, and can wall a robot in (it did on rooms.yaml).
 */
export class MapperNode extends KindNode<typeof spec> {
  #grid: LogOddsGrid | undefined;
  #pose: Pose2D | undefined;
  #pub: Publisher<'nav_msgs/msg/OccupancyGrid'> | undefined;
  #timer: Timer | undefined;
  #publishedVersion = -1;
  /** Teammates' latest shared poses. */
  #mates: SharedPoses | undefined;
  /** Scans dropped because no geometry or no pose was known yet. */
  droppedScans = 0;
  scansIntegrated = 0;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  get grid(): LogOddsGrid | undefined {
    return this.#grid;
  }

  protected override onConfigure() {
    const p = this.params;
    const { width, height, resolution } = p;
    if (width > 0 && height > 0 && resolution > 0) {
      this.#makeGrid({ width, height, resolution, originX: p.origin_x, originY: p.origin_y });
    } else {
      this.subscription('/map_metadata', { qos: LATCHED }, (m) => {
        const g = {
          width: m.width,
          height: m.height,
          resolution: m.resolution,
          originX: m.origin.position.x,
          originY: m.origin.position.y,
        };
        const have = this.#grid?.geometry;
        if (have === undefined) this.#makeGrid(g);
        else if (
          have.width !== g.width ||
          have.height !== g.height ||
          have.resolution !== g.resolution ||
          have.originX !== g.originX ||
          have.originY !== g.originY
        ) {
          this.getLogger().warn(
            { have, got: g },
            'map_metadata changed after the grid was made; keeping the first geometry',
          );
        }
      });
    }
    this.#pub = this.publisher('map', { lifecycle: true, qos: LATCHED });
    this.subscription('odom', { qos: 5 }, (m) => {
      const q = m.pose.pose.orientation;
      this.#pose = { x: m.pose.pose.position.x, y: m.pose.pose.position.y, yaw: yawFromQuaternion(q) };
    });
    this.subscription('scan', { qos: { reliability: 'best_effort', depth: 5 } }, (m) => this.#onScan(m));
    this.#mates = new SharedPoses(this, this.teammates);
    return 'success' as const;
  }

  /** Teammates whose bodies are filtered from scans: `robots` or r1..r`fleet_size`, this robot excluded. */
  get teammates(): string[] {
    return teammateNames(this.params, this.namespace());
  }

  /** Returns dropped because they ended on a teammate (over all scans). */
  get teammateReturns(): number {
    return this.#grid?.ignoredReturns ?? 0;
  }

  /** Discs around teammates whose shared pose is fresh enough, at sim/ROS time `now` (s). */
  #teammateDiscs(now: number): Array<{ x: number; y: number; radius: number }> {
    const p = this.params;
    const r0 = p.teammate_radius;
    if (this.#mates === undefined || !(r0 > 0)) return [];
    return this.#mates
      .fresh(now, p.teammate_max_age)
      .map((m) => ({ x: m.x, y: m.y, radius: r0 + p.teammate_speed * m.age }));
  }

  protected override onActivate() {
    this.#timer = this.createTimer(secondsToNs(1 / this.params.publish_hz), () => this.publishMap());
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#timer?.cancel();
    this.#timer = undefined;
    return 'success' as const;
  }

  #makeGrid(g: { width: number; height: number; resolution: number; originX: number; originY: number }): void {
    const p = this.params;
    this.#grid = new LogOddsGrid(g, { lOcc: p.l_occ, lFree: p.l_free, lMin: p.l_min, lMax: p.l_max });
    this.getLogger().info(`grid ${g.width}×${g.height} @ ${g.resolution} m, origin (${g.originX}, ${g.originY})`);
  }

  #onScan(scan: MessageOf<'sensor_msgs/msg/LaserScan'>): void {
    if (this.lifecycleState !== 'active') return;
    const grid = this.#grid;
    const base = this.#pose;
    if (grid === undefined || base === undefined) {
      if (this.droppedScans++ === 0)
        this.getLogger().warn(
          `scan dropped: no ${grid === undefined ? 'map geometry (set width/height/resolution or publish /map_metadata)' : 'pose on odom'} yet`,
        );
      return;
    }
    const p = this.params;
    const ox = p.sensor_x;
    const oy = p.sensor_y;
    const c = Math.cos(base.yaw);
    const s = Math.sin(base.yaw);
    const sensor = { x: base.x + c * ox - s * oy, y: base.y + s * ox + c * oy, yaw: base.yaw + p.sensor_yaw };
    const maxRange = p.max_range;
    grid.integrateScan(
      sensor,
      {
        angleMin: scan.angle_min,
        angleIncrement: scan.angle_increment,
        rangeMin: scan.range_min,
        rangeMax: maxRange > 0 ? Math.min(maxRange, scan.range_max) : scan.range_max,
        ranges: scan.ranges,
      },
      { hitOffset: p.hit_offset, ignore: this.#teammateDiscs(this.now().seconds) },
    );
    this.scansIntegrated++;
  }

  /** Publishes the grid if it changed since the last publication (the timer calls this). */
  publishMap(): void {
    const grid = this.#grid;
    if (grid === undefined || grid.version === this.#publishedVersion) return;
    this.#publishedVersion = grid.version;
    const g = grid.geometry;
    const now = this.now().toMsg();
    this.#pub?.publish({
      header: { stamp: now, frame_id: this.params.map_frame },
      info: {
        map_load_time: now,
        resolution: g.resolution,
        width: g.width,
        height: g.height,
        origin: { position: { x: g.originX, y: g.originY, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data: grid.occupancy.slice(),
    });
  }
}

export const mapperKind = defineNodeKind(spec, (context, options) => new MapperNode(context, options));
