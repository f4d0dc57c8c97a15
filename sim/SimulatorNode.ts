import {
  ManualClock, Node, secondsToNs, type Context, type MessageOf, type NodeKind, type NodeKindOptions, type Publisher,
} from '../runtime/index.js';
import type { Client } from '../runtime/Client.js';
import { Random } from './Random.js';
import { createRadioModel, radioModels } from './radio/RadioModels.js';
import type { RadioModel } from './radio/RadioModel.js';
import { castScan, toLaserScan, type LidarSpec } from './sensors/Lidar.js';
import { createVehicle, vehicleModels } from './vehicles/vehicleModels.js';
import type { Vehicle, VelocityCommand } from './vehicles/Vehicle.js';
import { loadMapServerMap, readMapServerMetadata } from './world/MapServerMap.js';
import { generateWorld, worldGenerators } from './world/WorldGenerators.js';
import { CELL_FREE, type GridWorld } from './world/GridWorld.js';
import { spawnPoses } from './SpawnPoses.js';
import { MissionReport, type MissionSummary } from './MissionReport.js';
import { rmdirSync } from 'node:fs';
import { SerialMotorFirmware } from './SerialMotorFirmware.js';
import { SerialAutopilotFirmware } from './SerialAutopilotFirmware.js';
import { fleetTraffic, readFleetLinkDiagnostics, type FleetLinkDiagnostics } from '../nodes/fleet/FleetLinkDiagnostics.js';

interface SimRobot {
  name: string;
  vehicle: Vehicle;
  cmd: VelocityCommand;
  odom: Publisher<'nav_msgs/msg/Odometry'>;
  scan: Publisher<'sensor_msgs/msg/LaserScan'>;
  /** Cells of the ground truth this robot's (merged) map knows, from its latest map. */
  known: Uint8Array | undefined;
  sync: Client<'outpost_msgs/srv/FleetSync'> | undefined;
  /** `cmd_vel` messages received (the motor bridge stamps the same count on its commands). */
  cmdCount: number;
  /** With `firmware: serial`: the simulated motor controller across a pty pair. */
  firmware: SerialMotorFirmware | undefined;
  /** With `firmware: mavlink`: the simulated autopilot across a pty pair; it steps the vehicle. */
  autopilot: SerialAutopilotFirmware | undefined;
}

/**
 * The simulator (issue #4) as a node: it owns time. Each step it moves every vehicle by its latest
 * `cmd_vel`, publishes `/clock`, the robots' `odom`, `scan` and `/tf`, the radio link graph on
 * `/outpost/fleet/link_states` (the link gate turns it into real connections), then waits until
 * every node's callbacks for that step have run — and, with `fleet_sync`, until every fleet link
 * has delivered what was sent over links that are up — before the next step. So a run depends on
 * the seed, not on the machine's speed. `speed` paces it against the wall clock (0: as fast as
 * possible). Nodes under test must run in this process (`process: false`) for lock-step.
 */
export class SimulatorNode extends Node {
  readonly clock: ManualClock;
  #world: GridWorld | undefined;
  #robots: SimRobot[] = [];
  #rng: Random = new Random(1);
  #radio: RadioModel | undefined;
  #clockPub: Publisher<'rosgraph_msgs/msg/Clock'> | undefined;
  #tfPub: Publisher<'tf2_msgs/msg/TFMessage'> | undefined;
  #linksPub: Publisher<'outpost_msgs/msg/LinkStateArray'> | undefined;
  #statusPub: Publisher<'outpost_msgs/msg/SimStatus'> | undefined;
  #reportPub: Publisher<'std_msgs/msg/String'> | undefined;
  #running = false;
  #stopped: Promise<void> = Promise.resolve();
  /** Wall seconds from activation until the clock first moved (MissionSummary.startup_s). */
  #startupS = 0;
  #report: MissionReport | undefined;
  #linkUp = new Map<string, boolean>();
  #teamKnown: Uint8Array | undefined;
  #teamKnownCount = 0;
  #freeCount: number | undefined;
  /** The last summary, once the mission ended. */
  summary: MissionSummary | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    const clock = new ManualClock();
    super(options.name, options.namespace, context, { ...options, clock });
    this.clock = clock;
    for (const [name, spec] of Object.entries(simulatorKind.parameters)) this.declareParameter(name, spec);
  }

  get world(): GridWorld | undefined { return this.#world; }
  get vehicles(): readonly Vehicle[] { return this.#robots.map((r) => r.vehicle); }

  protected override onConfigure() {
    const p = <T>(name: string): T => this.getParameter(name).value as T;
    this.#rng = new Random(p<number>('seed'));
    const map = p<string>('map');
    const gen = /^generate:([a-z_]+)$/.exec(map);
    this.#world = gen !== null
      ? generateWorld(gen[1]!, { seed: p<number>('seed'), width: p<number>('world_width'), height: p<number>('world_height'), resolution: p<number>('world_resolution') })
      : loadMapServerMap(map);
    const world = this.#world;
    this.#radio = createRadioModel(p<string>('radio'), {}, this.#rng.fork('radio'));
    const names = Array.from({ length: p<number>('robots') }, (_, i) => `r${i + 1}`);
    const poses = spawnPoses(world, names.length, p<number>('robot_radius'), p<number[]>('start'));
    this.#clockPub = this.createPublisher('rosgraph_msgs/msg/Clock', '/clock', { qos: { reliability: 'best_effort', depth: 1 } });
    this.#tfPub = this.createPublisher('tf2_msgs/msg/TFMessage', '/tf', { qos: 100 });
    this.#linksPub = this.createPublisher('outpost_msgs/msg/LinkStateArray', '/outpost/fleet/link_states', { qos: 10 });
    this.#statusPub = this.createPublisher('outpost_msgs/msg/SimStatus', '/sim/status', { qos: 10 });
    this.#reportPub = this.createPublisher('std_msgs/msg/String', '/sim/report', { qos: { durability: 'transient_local', depth: 1 } });
    this.createPublisher('nav_msgs/msg/MapMetaData', '/map_metadata', { qos: { durability: 'transient_local', depth: 1 } }).publish({
      map_load_time: { sec: 0, nanosec: 0 }, resolution: world.resolution, width: world.width, height: world.height,
      origin: { position: { x: world.originX, y: world.originY, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    });
    const mapTopic = p<string>('coverage_map_topic');
    for (const [i, name] of names.entries()) {
      const robot: SimRobot = {
        name,
        vehicle: createVehicle(p<string>('vehicle'), poses[i]!, {
          radius: p<number>('robot_radius'), maxLinear: p<number>('max_linear'), maxAngular: p<number>('max_angular'),
        }),
        cmd: { linear: 0, angular: 0 },
        odom: this.createPublisher('nav_msgs/msg/Odometry', `/${name}/odom`, { qos: 10 }),
        scan: this.createPublisher('sensor_msgs/msg/LaserScan', `/${name}/scan`, { qos: { reliability: 'best_effort', depth: 5 } }),
        known: undefined,
        sync: p<boolean>('fleet_sync') ? this.createClient('outpost_msgs/srv/FleetSync', `/${name}/fleet_link/sync`) : undefined,
        cmdCount: 0,
        firmware: undefined,
        autopilot: undefined,
      };
      this.createSubscription('geometry_msgs/msg/Twist', `/${name}/cmd_vel`, { qos: 10 }, (m) => {
        robot.cmd = { linear: m.linear.x, angular: m.angular.z };
        robot.cmdCount++;
      });
      this.createSubscription('nav_msgs/msg/OccupancyGrid', `/${name}/${mapTopic}`, { qos: 2 }, (m) => this.#onRobotMap(robot, m));
      this.#robots.push(robot);
    }
    const firmware = p<string>('firmware');
    if (firmware !== 'none') {
      const dir = p<string>('firmware_dir');
      const geometry = { wheelRadius: p<number>('wheel_radius'), wheelSeparation: p<number>('wheel_separation') };
      const others = (r: SimRobot) => () => this.#robots.filter((o) => o !== r).map((o) => ({ x: o.vehicle.pose.x, y: o.vehicle.pose.y, radius: o.vehicle.radius }));
      return Promise.allSettled(this.#robots.map(async (r) => {
        if (firmware === 'serial') r.firmware = await SerialMotorFirmware.start(dir, r.name, geometry);
        else r.autopilot = await SerialAutopilotFirmware.start(dir, r.name, r.vehicle, world, others(r));
      }))
        .then(async (results) => {
          const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
          if (failed !== undefined) {
            await this.#closeFirmware(); // the pairs that did start
            throw failed.reason;
          }
          return this.#configureReport(world, names.length);
        });
    }
    return this.#configureReport(world, names.length);
  }

  #configureReport(world: GridWorld, robots: number): 'success' {
    const p = <T>(name: string): T => this.getParameter(name).value as T;
    this.#report = new MissionReport({
      map: world.name, robots, policy: p<string>('policy_label'), radio: p<string>('radio'), seed: p<number>('seed'),
      freeCells: world.freeCellCount(),
    }, (i) => world.cells[i] === CELL_FREE);
    // Fleet traffic for the report, from each fleet_link's diagnostics (latest value per robot).
    const fleetStats = new Map<string, { sent: number; delivered: number; bytes: number }>();
    this.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', { qos: 100 }, (m) => {
      for (const st of m.status) {
        let figures: FleetLinkDiagnostics | undefined;
        try {
          figures = readFleetLinkDiagnostics(st);
        } catch (err) {
          this.getLogger().warn({ err }, `mission report: ${(err as Error).message}; status dropped`);
          continue;
        }
        if (figures === undefined) continue; // another node's diagnostics
        fleetStats.set(figures.robot, fleetTraffic(figures));
        const total = { messages_sent: 0, messages_delivered: 0, bytes_sent: 0 };
        for (const f of fleetStats.values()) {
          total.messages_sent += f.sent;
          total.messages_delivered += f.delivered;
          total.bytes_sent += f.bytes;
        }
        this.#report!.fleet = total;
      }
    });
    return 'success' as const;
  }

  protected override onActivate() {
    this.#running = true;
    const wall0 = this.context.wallClock.now().nanoseconds;
    this.#stopped = this.#run().catch((err: unknown) => {
      this.getLogger().fatal({ err }, 'simulation loop failed');
      // Whoever waits for the report learns that the mission ended, and why.
      this.summary = this.#report!.summary(Number(this.context.wallClock.now().nanoseconds - wall0) / 1e9, `error: ${(err as Error).message}`, this.#startupS);
      this.#reportPub?.publish({ data: JSON.stringify(this.summary) });
      this.#running = false;
    });
    return 'success' as const;
  }

  protected override async onDeactivate() {
    this.#running = false;
    await this.#stopped;
    return 'success' as const;
  }

  protected override async onCleanup() {
    await this.#closeFirmware();
    return 'success' as const;
  }

  protected override async onShutdown() {
    await this.#closeFirmware();
    return 'success' as const;
  }

  async #closeFirmware(): Promise<void> {
    const fw = this.#robots.filter((r) => r.firmware !== undefined || r.autopilot !== undefined);
    if (fw.length === 0) return;
    const late = fw.map((r) => [r.name, (r.firmware ?? r.autopilot)!.lateSteps] as const).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`);
    if (late.length > 0) this.getLogger().warn(`firmware: steps that went on before the latest command crossed the pty: ${late.join(', ')}`);
    await Promise.all(fw.map(async (r) => {
      await r.firmware?.close();
      await r.autopilot?.close();
      r.firmware = undefined;
      r.autopilot = undefined;
    }));
    // socat removed its links; remove the directory only if it is now empty (never a user's files).
    try { rmdirSync(this.getParameter('firmware_dir').value as string); } catch { /* not empty or gone */ }
  }

  /** With `firmware: serial`, waits until each motor controller got the command made from the latest cmd_vel. */
  async #syncFirmware(lateMs: number): Promise<void> {
    await Promise.all(this.#robots.map((r) => r.firmware?.awaitCommand(r.cmdCount, lateMs) ?? r.autopilot?.awaitSetpoints(r.cmdCount, lateMs)));
  }

  /** Resolves when the mission ends (goal reached or deactivated). */
  finished(): Promise<void> {
    return this.#stopped;
  }

  async #run(): Promise<void> {
    const p = <T>(name: string): T => this.getParameter(name).value as T;
    const dt = p<number>('dt');
    const stepNs = secondsToNs(dt);
    const every = (hz: number): number => Math.max(1, Math.round(1 / (hz * dt)));
    const scanEvery = every(p<number>('scan_hz'));
    const odomEvery = every(p<number>('odom_hz'));
    const radioEvery = every(p<number>('radio_hz'));
    const statusEveryWallMs = 1000;
    const speed = p<number>('speed');
    const untilCoverage = p<number>('until_coverage');
    const untilTime = p<number>('until_time_s');
    const wall = this.context.wallClock;
    const wall0 = wall.now().nanoseconds;
    let lastStatus = wall0;
    const lidar: LidarSpec = {
      beams: p<number>('lidar_beams'), angleMin: -Math.PI, angleMax: Math.PI - (2 * Math.PI) / p<number>('lidar_beams'),
      rangeMin: 0.05, rangeMax: p<number>('lidar_range'), noiseStd: p<number>('lidar_noise'),
    };
    const lidarRng = this.#rng.fork('lidar');
    let step = 0;
    const waitS = p<number>('wait_for_launch');
    if (waitS > 0) {
      const ready = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => { sub.destroy(); resolve(false); }, waitS * 1000);
        const sub = this.createSubscription('std_msgs/msg/Bool', '/outpost/launch_ready', { qos: { durability: 'transient_local', depth: 1 } }, (m) => {
          if (!m.data) return;
          clearTimeout(timer);
          sub.destroy();
          resolve(true);
        });
      });
      if (!ready) this.getLogger().warn(`no /outpost/launch_ready within wait_for_launch (${waitS} s): starting the clock anyway`);
    }
    const serial = this.#robots.some((r) => r.firmware !== undefined || r.autopilot !== undefined);
    const lateMs = p<number>('firmware_late_ms');
    // Firmware in the loop: start once every bridge has spoken (a motor_bridge sends a stop when its
    // port opens, a mavlink_bridge its heartbeat).
    if (serial) await Promise.all(this.#robots.map((r) => r.firmware?.awaitBridge(10_000) ?? r.autopilot?.awaitBridge(10_000)));
    this.#startupS = Number(wall.now().nanoseconds - wall0) / 1e9;
    // Step 0: everyone learns the time, poses and links before anything moves.
    this.#publishSensors(true, lidar, lidarRng);
    this.#publishLinks();
    await this.#settle(true);
    if (serial) await this.#syncFirmware(lateMs);
    while (this.#running) {
      step++;
      const nowS = this.now().seconds;
      for (const r of this.#robots) {
        const others = this.#robots.filter((o) => o !== r).map((o) => ({ x: o.vehicle.pose.x, y: o.vehicle.pose.y, radius: o.vehicle.radius }));
        if (r.autopilot !== undefined) r.autopilot.autopilot.step(nowS + dt, dt); // it steps the vehicle
        else r.vehicle.step(dt, r.firmware?.twist(nowS) ?? r.cmd, this.#world!, others);
        r.firmware?.controller.step(nowS + dt, dt, r.vehicle.velocity);
      }
      this.clock.advance(stepNs);
      this.#clockPub!.publish({ clock: this.now().toMsg() });
      if (step % odomEvery === 0 || step % scanEvery === 0) this.#publishSensors(step % scanEvery === 0, lidar, lidarRng);
      // The fleet links settle just before the radio changes the link graph: everything sent
      // while a link was up has then arrived, whatever the machine's speed (repeatable runs).
      const fleetStep = step % radioEvery === 0;
      if (fleetStep) await this.#settle(true);
      if (fleetStep) this.#publishLinks();
      await this.#settle(false);
      if (serial) await this.#syncFirmware(lateMs);
      const simS = this.now().seconds;
      const coverage = this.#coverage();
      this.#report!.record(simS, coverage, this.#robots.map((r) => ({ id: r.name, pathLength: r.vehicle.pathLength, known: r.known })));
      const reason = coverage >= untilCoverage ? 'coverage' : untilTime > 0 && simS >= untilTime ? 'time' : '';
      const wallNow = wall.now().nanoseconds;
      if (reason !== '' || Number(wallNow - lastStatus) / 1e6 >= statusEveryWallMs) {
        lastStatus = wallNow;
        this.#publishStatus(Number(wallNow - wall0) / 1e9, coverage, reason);
      }
      if (reason !== '') {
        this.summary = this.#report!.summary(Number(wallNow - wall0) / 1e9, reason, this.#startupS);
        this.#reportPub!.publish({ data: JSON.stringify(this.summary) });
        this.getLogger().info({ coverage, sim_time_s: simS }, `mission done (${reason})`);
        this.#running = false;
        break;
      }
      if (speed > 0) {
        const due = wall0 + secondsToNs(simS / speed);
        if (due > wall.now().nanoseconds) await new Promise<void>((resolve) => wall.schedule(due, resolve));
      } else if (step % 20 === 0) {
        // As fast as possible, but let sockets and the terminal breathe.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  /** Waits until this step's callbacks ran and, with fleet sync, the fleet links have settled. */
  async #settle(fleet: boolean): Promise<void> {
    await this.context.spinUntilIdle();
    if (!fleet || !this.#robots.some((r) => r.sync !== undefined)) return;
    for (let round = 0; round < 8 && this.#running; round++) {
      const results = await Promise.all(this.#robots.map(async (r) => {
        if (r.sync === undefined || !r.sync.isServiceServerAvailable()) return 0;
        const reachable = this.#robots.filter((o) => o !== r && this.#linkUp.get(pairKey(r.name, o.name)) === true).map((o) => o.name);
        const res = await r.sync.sendRequestAsync({ reachable, timeout_s: 5 }, { timeout: 10_000 });
        if (!res.settled) this.getLogger().warn({ robot: r.name, reachable }, `fleet link did not settle: ${res.message}`);
        return res.activity;
      }));
      await this.context.spinUntilIdle();
      if (results.every((a) => a === 0)) return;
    }
  }

  #publishSensors(withScan: boolean, lidar: LidarSpec, rng: Random): void {
    const stamp = this.now().toMsg();
    const transforms: MessageOf<'tf2_msgs/msg/TFMessage'>['transforms'] = [];
    for (const r of this.#robots) {
      const { x, y, yaw } = r.vehicle.pose;
      const q = { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) };
      r.odom.publish({
        header: { stamp, frame_id: 'map' }, child_frame_id: `${r.name}/base_link`,
        pose: { pose: { position: { x, y, z: 0 }, orientation: q }, covariance: new Float64Array(36) },
        twist: { twist: { linear: { x: r.vehicle.velocity.linear, y: 0, z: 0 }, angular: { x: 0, y: 0, z: r.vehicle.velocity.angular } }, covariance: new Float64Array(36) },
      });
      transforms.push({ header: { stamp, frame_id: 'map' }, child_frame_id: `${r.name}/base_link`, transform: { translation: { x, y, z: 0 }, rotation: q } });
      if (withScan) {
        const others = this.#robots.filter((o) => o !== r).map((o) => ({ x: o.vehicle.pose.x, y: o.vehicle.pose.y, radius: o.vehicle.radius }));
        const ranges = castScan(this.#world!, r.vehicle.pose, lidar, rng, others);
        r.scan.publish(toLaserScan(ranges, lidar, { stamp, frameId: `${r.name}/base_link`, scanTime: 1 / (this.getParameter('scan_hz').value as number) }));
      }
    }
    this.#tfPub!.publish({ transforms });
  }

  #publishLinks(): void {
    const links: MessageOf<'outpost_msgs/msg/LinkStateArray'>['links'] = [];
    for (let i = 0; i < this.#robots.length; i++) {
      for (let j = i + 1; j < this.#robots.length; j++) {
        const a = this.#robots[i]!;
        const b = this.#robots[j]!;
        const q = this.#radio!.link(this.#world!, a.vehicle.pose, b.vehicle.pose);
        const key = pairKey(a.name, b.name);
        if (q.up && this.#linkUp.get(key) !== true) this.#report!.contacts++;
        this.#linkUp.set(key, q.up);
        links.push({ a: a.name, b: b.name, up: q.up, bytes_per_second: q.bytesPerSecond, loss: q.loss, latency_s: 0 });
      }
    }
    this.#linksPub!.publish({ stamp: this.now().toMsg(), links });
  }

  #onRobotMap(robot: SimRobot, m: MessageOf<'nav_msgs/msg/OccupancyGrid'>): void {
    const w = this.#world!;
    if (m.info.width !== w.width || m.info.height !== w.height) {
      this.getLogger().warn(`${robot.name}'s map is ${m.info.width}×${m.info.height}, the world ${w.width}×${w.height}: not counted for coverage`);
      return;
    }
    const known = robot.known ?? new Uint8Array(w.width * w.height);
    const team = (this.#teamKnown ??= new Uint8Array(w.width * w.height));
    const cells = w.cells;
    const data = m.data;
    const n = known.length;
    let i = 0;
    let added = 0;
    if (data instanceof Int8Array && data.byteOffset % 4 === 0 && data.length === n) {
      // Most of a 640×480 map is unknown for most of a mission: skip four unknown (−1) cells at a
      // time (this ran over every cell of every robot's map update, issue #4 profile).
      const words = new Int32Array(data.buffer, data.byteOffset, n >> 2);
      for (let k = 0; k < words.length; k++) {
        if (words[k] === -1) continue;
        for (let j = 4 * k; j < 4 * k + 4; j++) {
          if (data[j] === -1) continue;
          known[j] = 1;
          if (team[j] === 0 && cells[j] === CELL_FREE) { team[j] = 1; added++; }
        }
      }
      i = words.length << 2;
    }
    for (; i < n; i++) {
      if (data[i] === -1) continue;
      known[i] = 1;
      // Coverage counts ground-truth free cells the team knows; maps only ever gain cells.
      if (team[i] === 0 && cells[i] === CELL_FREE) { team[i] = 1; added++; }
    }
    this.#teamKnownCount += added;
    robot.known = known;
  }

  /** Fraction of ground-truth free cells known to at least one robot's merged map. */
  #coverage(): number {
    this.#freeCount ??= this.#world!.freeCellCount();
    return this.#freeCount === 0 ? 0 : this.#teamKnownCount / this.#freeCount;
  }

  #publishStatus(wallS: number, coverage: number, reason: string): void {
    const simS = this.now().seconds;
    this.#statusPub!.publish({
      sim_time: this.now().toMsg(), wall_time_s: wallS, speed_up: wallS > 0 ? simS / wallS : 0, coverage,
      max_path_length_m: Math.max(0, ...this.#robots.map((r) => r.vehicle.pathLength)), contacts: this.#report!.contacts,
      robots: this.#robots.length, done: reason !== '', reason,
    });
  }
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);


export const simulatorKind: NodeKind = {
  name: 'simulator',
  description: 'Simulates the world, vehicles, lidars and radio; publishes /clock and steps in lock-step with the nodes.',
  parameters: {
    map: {
      type: 'string', default: 'generate:rooms', description: 'A map_server YAML file, or "generate:<kind>" for a seeded world.',
      // Checked when the launch file loads: a missing or malformed map fails before anything starts.
      check: (v) => {
        const m = /^generate:(.*)$/.exec(v as string);
        if (m !== null) return Object.hasOwn(worldGenerators, m[1]!) ? undefined : `no world generator "${m[1]}"; expected one of ${Object.keys(worldGenerators).join(', ')}`;
        try {
          readMapServerMetadata(v as string);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    },
    world_width: { type: 'integer', default: 320, range: { from: 16, to: 8192 }, description: 'Generated world width in cells.' },
    world_height: { type: 'integer', default: 240, range: { from: 16, to: 8192 }, description: 'Generated world height in cells.' },
    world_resolution: { type: 'double', default: 0.1, unit: 'm', range: { from: 0.01, to: 10 }, description: 'Generated world cell edge.' },
    robots: { type: 'integer', default: 4, range: { from: 1, to: 16 }, description: 'Robots r1..rN.' },
    seed: { type: 'integer', default: 1, range: { from: 0, to: 2 ** 31 - 1 }, description: 'Seed of everything random in the run.' },
    start: {
      type: 'double_array', default: [], unit: 'm', description: 'Where the robots start, [x, y]; empty: the free cell nearest the map centre.',
      check: (v) => ((v as number[]).length === 0 || (v as number[]).length === 2 ? undefined : 'expected [] or [x, y]'),
    },
    vehicle: { type: 'string', default: 'diff_drive', choices: Object.keys(vehicleModels), description: 'Vehicle model.' },
    robot_radius: { type: 'double', default: 0.2, unit: 'm', range: { from: 0.01, to: 5 }, description: 'Footprint disc radius.' },
    max_linear: { type: 'double', default: 1.0, unit: 'm/s', range: { from: 0, to: 50 }, description: 'Speed limit.' },
    max_angular: { type: 'double', default: 2.0, unit: 'rad/s', range: { from: 0, to: 50 }, description: 'Yaw rate limit.' },
    dt: { type: 'double', default: 0.05, unit: 's', range: { from: 0.001, to: 1 }, description: 'Physics step.' },
    odom_hz: { type: 'double', default: 20, unit: 'Hz', range: { from: 0.1, to: 1000 }, description: 'Odometry rate.' },
    scan_hz: { type: 'double', default: 10, unit: 'Hz', range: { from: 0.1, to: 1000 }, description: 'Lidar rate.' },
    radio_hz: { type: 'double', default: 2, unit: 'Hz', range: { from: 0.1, to: 100 }, description: 'How often the radio model re-evaluates links.' },
    lidar_beams: { type: 'integer', default: 360, range: { from: 3, to: 10000 }, description: 'Beams per scan over 360°.' },
    lidar_range: { type: 'double', default: 8, unit: 'm', range: { from: 0.1, to: 200 }, description: 'Maximum range.' },
    lidar_noise: { type: 'double', default: 0.01, unit: 'm', range: { from: 0, to: 1 }, description: 'Range noise standard deviation.' },
    radio: { type: 'string', default: 'line_of_sight', description: 'Radio model.', check: (v) => (Object.hasOwn(radioModels, v as string) ? undefined : `expected one of ${Object.keys(radioModels).join(', ')}`) },
    speed: { type: 'double', default: 0, range: { from: 0, to: 10000 }, description: 'Pace against the wall clock: 1 real time, N×, 0 as fast as possible.' },
    until_coverage: { type: 'double', default: 0.99, range: { from: 0, to: 1 }, description: 'Stop when the team knows this fraction of the free space.' },
    until_time_s: { type: 'double', default: 0, unit: 's', range: { from: 0, to: 1e7 }, description: 'Stop at this sim time; 0: no limit.' },
    coverage_map_topic: { type: 'string', default: 'fleet/map', description: 'Each robot\'s map that coverage is measured on (relative to /rX).' },
    fleet_sync: { type: 'bool', default: true, description: 'Lock-step with each robot\'s fleet_link (/rX/fleet_link/sync) after every step.' },
    policy_label: { type: 'string', default: '', description: 'Policy name written into the report.' },
    wait_for_launch: { type: 'double', default: 0, unit: 's', range: { from: 0, to: 3600 }, description: 'Before the clock moves, wait up to this long (wall time) for the launcher\'s latched /outpost/launch_ready, so every node of the launch starts at sim time 0 (repeatable runs). 0: start at once.' },
    firmware: {
      type: 'string', default: 'none', choices: ['none', 'serial', 'mavlink'],
      description: 'none: vehicles take /rX/cmd_vel directly. serial: each robot\'s motor_bridge talks over a socat pty pair (<firmware_dir>/rX-motor) to a simulated motor controller that drives the vehicle (the hardware path). mavlink: each robot\'s mavlink_bridge talks over a pty (<firmware_dir>/rX-mavlink) to a simulated autopilot that drives the vehicle.',
    },
    firmware_dir: { type: 'string', default: '/tmp/outpost-firmware', description: 'Where the pty links go with firmware: serial (created; one directory per run).' },
    firmware_late_ms: { type: 'double', default: 200, unit: 'ms', range: { from: 1, to: 60_000 }, description: 'firmware: serial: how long a step waits for the latest command to cross the pty before it goes on (counted as late).' },
    wheel_radius: { type: 'double', default: 0.05, unit: 'm', range: { from: 0.001, to: 10 }, description: 'firmware: serial: the simulated motor controller\'s wheel radius (match the motor_bridge\'s).' },
    wheel_separation: { type: 'double', default: 0.3, unit: 'm', range: { from: 0.01, to: 10 }, description: 'firmware: serial: the simulated wheel separation (match the motor_bridge\'s).' },
  },
  publishes: { '/clock': 'rosgraph_msgs/msg/Clock', '/rX/odom': 'nav_msgs/msg/Odometry', '/rX/scan': 'sensor_msgs/msg/LaserScan', '/sim/status': 'outpost_msgs/msg/SimStatus', '/sim/report': 'std_msgs/msg/String' },
  subscribes: { '/rX/cmd_vel': 'geometry_msgs/msg/Twist', '/rX/fleet/map': 'nav_msgs/msg/OccupancyGrid' },
  create: (context, options) => new SimulatorNode(context, options),
};

