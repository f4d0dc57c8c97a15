import {
  KindNode,
  ManualClock,
  defineNodeKind,
  secondsToNs,
  type Context,
  type MessageOf,
  type NodeKindOptions,
  type Publisher,
} from '../runtime/index.js';
import { quaternionFromYaw } from '../runtime/geometry/Quaternions.js';
import { rmdirSync } from 'node:fs';
import { fleetRobotNames } from '../nodes/fleet/FleetNames.js';
import { firmwareModel } from './firmware/firmwareModels.js';
import { reportFleetTraffic } from './FleetTrafficReport.js';
import { MissionReport, type MissionSummary } from './MissionReport.js';
import { Random } from './Random.js';
import type { RadioModel } from './radio/RadioModel.js';
import { createRadioModel } from './radio/RadioModels.js';
import { castScan, toLaserScan, type LidarSpec } from './sensors/Lidar.js';
import { simulatorSpec } from './SimulatorSpec.js';
import { spawnSimRobot, type SimRobot } from './SimRobot.js';
import { loadSimWorld } from './SimWorld.js';
import { spawnPoses } from './SpawnPoses.js';
import { TeamCoverage } from './TeamCoverage.js';
import { createVehicle } from './vehicles/vehicleModels.js';
import type { Vehicle } from './vehicles/Vehicle.js';
import { CELL_FREE, type GridWorld } from './world/GridWorld.js';

/**
 * The simulator as a node: it owns time. Each step it moves every vehicle by its latest
 * `cmd_vel` (or its firmware does: firmwareModels), publishes `/clock`, the robots' `odom`, `scan`
 * and `/tf`, the radio link graph on `/outpost/fleet/link_states` (the link gate turns it into real
 * connections), then waits until every node's callbacks for that step have run — and, with
 * `fleet_sync`, until every fleet link has delivered what was sent over links that are up — before
 * the next step. So a run depends on the seed, not on the machine's speed. `speed` paces it
 * against the wall clock (0: as fast as possible). Nodes under test must run in this process
 * (`process: false`) for lock-step. Coverage is TeamCoverage's; the report MissionReport's.
 */
export class SimulatorNode extends KindNode<typeof simulatorSpec> {
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
  #coverage: TeamCoverage | undefined;
  /** The last summary, once the mission ended. */
  summary: MissionSummary | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    const clock = new ManualClock();
    super(simulatorSpec, context, { ...options, clock });
    this.clock = clock;
  }

  get world(): GridWorld | undefined {
    return this.#world;
  }
  get vehicles(): readonly Vehicle[] {
    return this.#robots.map((r) => r.vehicle);
  }

  protected override onConfigure() {
    const p = this.params;
    this.#rng = new Random(p.seed);
    this.#world = loadSimWorld({
      map: p.map,
      seed: p.seed,
      width: p.world_width,
      height: p.world_height,
      resolution: p.world_resolution,
    });
    const world = this.#world;
    this.#coverage = new TeamCoverage(world);
    this.#radio = createRadioModel(p.radio, {}, this.#rng.fork('radio'));
    const names = fleetRobotNames(p.robots);
    const poses = spawnPoses(world, names.length, p.robot_radius, p.start);
    this.#clockPub = this.publisher('/clock', { qos: { reliability: 'best_effort', depth: 1 } });
    this.#tfPub = this.publisher('/tf', { qos: 100 });
    this.#linksPub = this.publisher('/outpost/fleet/link_states', { qos: 10 });
    this.#statusPub = this.publisher('/sim/status', { qos: 10 });
    this.#reportPub = this.publisher('/sim/report', { qos: { durability: 'transient_local', depth: 1 } });
    this.publisher('/map_metadata', { qos: { durability: 'transient_local', depth: 1 } }).publish({
      map_load_time: { sec: 0, nanosec: 0 },
      resolution: world.resolution,
      width: world.width,
      height: world.height,
      origin: { position: { x: world.originX, y: world.originY, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    });
    for (const [i, name] of names.entries()) {
      const vehicle = createVehicle(p.vehicle, poses[i]!, {
        radius: p.robot_radius,
        maxLinear: p.max_linear,
        maxAngular: p.max_angular,
      });
      this.#robots.push(
        spawnSimRobot(this, name, vehicle, {
          fleetSync: p.fleet_sync,
          mapTopic: p.coverage_map_topic,
          onMap: (robot, m) => {
            const warning = this.#coverage!.update(robot, m);
            if (warning !== undefined) this.getLogger().warn(warning);
          },
        }),
      );
    }
    const start = firmwareModel(p.firmware).start;
    if (start !== undefined) {
      const others = (r: SimRobot) => () =>
        this.#robots
          .filter((o) => o !== r)
          .map((o) => ({ x: o.vehicle.pose.x, y: o.vehicle.pose.y, radius: o.vehicle.radius }));
      return Promise.allSettled(
        this.#robots.map(async (r) => {
          r.firmware = await start({
            dir: p.firmware_dir,
            robot: r.name,
            vehicle: r.vehicle,
            world,
            others: others(r),
            wheelRadius: p.wheel_radius,
            wheelSeparation: p.wheel_separation,
          });
        }),
      ).then(async (results) => {
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
    const p = this.params;
    this.#report = new MissionReport(
      {
        map: world.name,
        robots,
        policy: p.policy_label,
        radio: p.radio,
        seed: p.seed,
        freeCells: world.freeCellCount(),
      },
      (i) => world.cells[i] === CELL_FREE,
    );
    reportFleetTraffic(this, this.#report);
    return 'success' as const;
  }

  protected override onActivate() {
    this.#running = true;
    const wall0 = this.context.wallClock.now().nanoseconds;
    this.#stopped = this.#run().catch((err: unknown) => {
      this.getLogger().fatal({ err }, 'simulation loop failed');
      // Whoever waits for the report learns that the mission ended, and why.
      this.summary = this.#report!.summary(
        Number(this.context.wallClock.now().nanoseconds - wall0) / 1e9,
        `error: ${(err as Error).message}`,
        this.#startupS,
      );
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
    const fw = this.#robots.filter((r) => r.firmware !== undefined);
    if (fw.length === 0) return;
    const late = fw
      .map((r) => [r.name, r.firmware!.lateSteps] as const)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`);
    if (late.length > 0)
      this.getLogger().warn(
        `firmware: steps that went on before the latest command crossed the pty: ${late.join(', ')}`,
      );
    await Promise.all(
      fw.map(async (r) => {
        await r.firmware?.close();
        r.firmware = undefined;
      }),
    );
    // socat removed its links; remove the directory only if it is now empty (never a user's files).
    try {
      rmdirSync(this.params.firmware_dir);
    } catch {
      /* not empty or gone */
    }
  }

  /** With firmware in the loop, waits until each robot's firmware got the command made from the latest cmd_vel. */
  async #syncFirmware(lateMs: number): Promise<void> {
    await Promise.all(this.#robots.map((r) => r.firmware?.awaitCommand(r.cmdCount, lateMs)));
  }

  /** Resolves when the mission ends (goal reached or deactivated). */
  finished(): Promise<void> {
    return this.#stopped;
  }

  async #run(): Promise<void> {
    const p = this.params;
    const dt = p.dt;
    const stepNs = secondsToNs(dt);
    const every = (hz: number): number => Math.max(1, Math.round(1 / (hz * dt)));
    const scanEvery = every(p.scan_hz);
    const odomEvery = every(p.odom_hz);
    const radioEvery = every(p.radio_hz);
    const statusEveryWallMs = 1000;
    const speed = p.speed;
    const untilCoverage = p.until_coverage;
    const untilTime = p.until_time_s;
    const wall = this.context.wallClock;
    const wall0 = wall.now().nanoseconds;
    let lastStatus = wall0;
    const lidar: LidarSpec = {
      beams: p.lidar_beams,
      angleMin: -Math.PI,
      angleMax: Math.PI - (2 * Math.PI) / p.lidar_beams,
      rangeMin: 0.05,
      rangeMax: p.lidar_range,
      noiseStd: p.lidar_noise,
    };
    const lidarRng = this.#rng.fork('lidar');
    let step = 0;
    const waitS = p.wait_for_launch;
    if (waitS > 0) {
      const ready = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          sub.destroy();
          resolve(false);
        }, waitS * 1000);
        const sub = this.subscription(
          '/outpost/launch_ready',
          { qos: { durability: 'transient_local', depth: 1 } },
          (m) => {
            if (!m.data) return;
            clearTimeout(timer);
            sub.destroy();
            resolve(true);
          },
        );
      });
      if (!ready)
        this.getLogger().warn(
          `no /outpost/launch_ready within wait_for_launch (${waitS} s): starting the clock anyway`,
        );
    }
    const serial = this.#robots.some((r) => r.firmware !== undefined);
    const lateMs = p.firmware_late_ms;
    // Firmware in the loop: start once every bridge has spoken (a motor_bridge sends a stop when its
    // port opens, a mavlink_bridge its heartbeat).
    if (serial) await Promise.all(this.#robots.map((r) => r.firmware?.awaitBridge(10_000)));
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
        const others = this.#robots
          .filter((o) => o !== r)
          .map((o) => ({ x: o.vehicle.pose.x, y: o.vehicle.pose.y, radius: o.vehicle.radius }));
        if (r.firmware !== undefined)
          r.firmware.step(nowS, dt, this.#world!, others); // it drives the vehicle
        else r.vehicle.step(dt, r.cmd, this.#world!, others);
      }
      this.clock.advance(stepNs);
      this.#clockPub!.publish({ clock: this.now().toMsg() });
      if (step % odomEvery === 0 || step % scanEvery === 0)
        this.#publishSensors(step % scanEvery === 0, lidar, lidarRng);
      // The fleet links settle just before the radio changes the link graph: everything sent
      // while a link was up has then arrived, whatever the machine's speed (repeatable runs).
      const fleetStep = step % radioEvery === 0;
      if (fleetStep) await this.#settle(true);
      if (fleetStep) this.#publishLinks();
      await this.#settle(false);
      if (serial) await this.#syncFirmware(lateMs);
      const simS = this.now().seconds;
      const coverage = this.#coverage!.coverage();
      this.#report!.record(
        simS,
        coverage,
        this.#robots.map((r) => ({ id: r.name, pathLength: r.vehicle.pathLength, known: r.known })),
      );
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
      const results = await Promise.all(
        this.#robots.map(async (r) => {
          if (r.sync === undefined || !r.sync.isServiceServerAvailable()) return 0;
          const reachable = this.#robots
            .filter((o) => o !== r && this.#linkUp.get(pairKey(r.name, o.name)) === true)
            .map((o) => o.name);
          const wall = this.context.wallClock;
          const t0 = wall.now().nanoseconds;
          const res = await r.sync.sendRequestAsync({ reachable, timeout_s: 5 }, { timeout: 10_000 });
          // The fleet link says at WARN, once per episode and with each peer's state, why it did not settle.
          this.#report!.fleetStalls.record(
            r.name,
            reachable,
            this.now().seconds,
            Number(wall.now().nanoseconds - t0) / 1e9,
            res.settled,
          );
          if (!res.settled)
            this.getLogger().debug({ robot: r.name, reachable }, `fleet link did not settle: ${res.message}`);
          return res.activity;
        }),
      );
      await this.context.spinUntilIdle();
      if (results.every((a) => a === 0)) return;
    }
  }

  #publishSensors(withScan: boolean, lidar: LidarSpec, rng: Random): void {
    const stamp = this.now().toMsg();
    const transforms: MessageOf<'tf2_msgs/msg/TFMessage'>['transforms'] = [];
    for (const r of this.#robots) {
      const { x, y, yaw } = r.vehicle.pose;
      const q = quaternionFromYaw(yaw);
      r.odom.publish({
        header: { stamp, frame_id: 'map' },
        child_frame_id: `${r.name}/base_link`,
        pose: { pose: { position: { x, y, z: 0 }, orientation: q }, covariance: new Float64Array(36) },
        twist: {
          twist: {
            linear: { x: r.vehicle.velocity.linear, y: 0, z: 0 },
            angular: { x: 0, y: 0, z: r.vehicle.velocity.angular },
          },
          covariance: new Float64Array(36),
        },
      });
      transforms.push({
        header: { stamp, frame_id: 'map' },
        child_frame_id: `${r.name}/base_link`,
        transform: { translation: { x, y, z: 0 }, rotation: q },
      });
      if (withScan) {
        const others = this.#robots
          .filter((o) => o !== r)
          .map((o) => ({ x: o.vehicle.pose.x, y: o.vehicle.pose.y, radius: o.vehicle.radius }));
        const ranges = castScan(this.#world!, r.vehicle.pose, lidar, rng, others);
        r.scan.publish(
          toLaserScan(ranges, lidar, { stamp, frameId: `${r.name}/base_link`, scanTime: 1 / this.params.scan_hz }),
        );
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

  #publishStatus(wallS: number, coverage: number, reason: string): void {
    const simS = this.now().seconds;
    this.#statusPub!.publish({
      sim_time: this.now().toMsg(),
      wall_time_s: wallS,
      speed_up: wallS > 0 ? simS / wallS : 0,
      coverage,
      max_path_length_m: Math.max(0, ...this.#robots.map((r) => r.vehicle.pathLength)),
      contacts: this.#report!.contacts,
      robots: this.#robots.length,
      done: reason !== '',
      reason,
    });
  }
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

export const simulatorKind = defineNodeKind(simulatorSpec, (context, options) => new SimulatorNode(context, options));
