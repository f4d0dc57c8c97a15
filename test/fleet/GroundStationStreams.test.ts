import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetLinkKind, type FleetLinkNode } from '../../nodes/fleet/FleetLinkNode.js';
import { groundStationKind, type GroundStationNode } from '../../nodes/groundstation/GroundStationNode.js';
import { telemetryKind } from '../../nodes/telemetry/TelemetryNode.js';
import { Context, Node, secondsToNs, type Node as RosNode } from '../../runtime/index.js';
import type { FleetUser } from '../../runtime/fleet/FleetAccess.js';
import { MosquittoBroker } from '../../runtime/fleet/testing/MosquittoBroker.js';

const FLEET = 'gss';
const USERS: FleetUser[] = [
  { username: 'r1', password: 'pw-r1' },
  { username: 'groundstation', password: 'pw-gs', readOnly: true },
];
/** The streams' byte budget under test. Unit: B/s. */
const BUDGET = 3000;
/** 360 beams: a 1.5 kB scan at 10 Hz, five times the budget. */
const BEAMS = 360;

const nodes: RosNode[] = [];
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0).reverse()) await n.shutdownAndDestroy();
  for (const c of closers.splice(0).reverse()) await c();
});

async function up<T extends RosNode>(node: T): Promise<T> {
  nodes.push(node);
  expect((await node.configure()).result).toBe('success');
  expect((await node.activate()).result).toBe('success');
  return node;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('full-rate topics on request, station on real Mosquitto', () => {
  it('streams /r1/scan within the byte budget while leased, stops after, keeps telemetry, refuses bad requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-gs-streams-'));
    const credentials = join(dir, 'credentials.yaml');
    writeFileSync(
      credentials,
      `users:\n${USERS.map((u) => `  - { username: ${u.username}, password: ${u.password}${u.readOnly ? ', read_only: true' : ''} }`).join('\n')}\n`,
      { mode: 0o600 },
    );
    const broker = new MosquittoBroker({ fleet: FLEET, users: USERS });
    await broker.start();
    closers.push(() => broker.close());

    const station = await up(
      groundStationKind.create(new Context({ logger: pino({ level: 'silent' }) }), {
        name: 'groundstation',
        namespace: '/',
        remappings: [],
        parameterOverrides: { fleet: FLEET, broker: broker.url, credentials_file: credentials, robots: ['r1'] },
      }) as GroundStationNode,
    );
    const robotCtx = new Context({ logger: pino({ level: 'silent' }) });
    const link = await up(
      fleetLinkKind.create(robotCtx, {
        name: 'fleet_link',
        namespace: '/r1',
        remappings: [],
        parameterOverrides: {
          fleet: FLEET,
          credentials_file: credentials,
          outbox_dir: join(dir, 'outbox'),
          ground_station: `groundstation=${broker.url}`,
          ground_station_routes: ['telemetry outpost_msgs/msg/RobotTelemetry reliability=latest-only priority=250'],
          ground_station_stream_bytes_per_s: BUDGET,
        },
      }) as FleetLinkNode,
    );
    await up(
      telemetryKind.create(robotCtx, { name: 'telemetry', namespace: '/r1', remappings: [], parameterOverrides: {} }),
    );
    const lidar = new Node('lidar', '/r1', robotCtx);
    nodes.push(lidar);
    const scanPub = lidar.createPublisher('sensor_msgs/msg/LaserScan', 'scan', { qos: 10 });
    lidar.createTimer(secondsToNs(0.1), () =>
      scanPub.publish({
        header: { stamp: lidar.now().toMsg(), frame_id: 'laser' },
        angle_min: -Math.PI,
        angle_max: Math.PI,
        angle_increment: (2 * Math.PI) / BEAMS,
        time_increment: 0,
        scan_time: 0.1,
        range_min: 0.1,
        range_max: 12,
        ranges: new Float32Array(BEAMS).fill(3.5),
        intensities: new Float32Array(0),
      }),
    );

    const watcher = new Node('watcher', '/', station.context);
    nodes.push(watcher);
    const scanCodec = station.context.registry.codec('sensor_msgs/msg/LaserScan');
    const scans: { at: number; bytes: number }[] = [];
    watcher.createSubscription('sensor_msgs/msg/LaserScan', '/r1/scan', { qos: 100 }, (m) => {
      scans.push({ at: performance.now(), bytes: scanCodec.encode(m).length });
    });
    const telemetry: number[] = [];
    watcher.createSubscription('outpost_msgs/msg/RobotTelemetry', '/r1/telemetry', { qos: 10 }, () => {
      telemetry.push(performance.now());
    });
    const stream = watcher.createClient('outpost_msgs/srv/StreamTopic', '/groundstation/stream');
    const streams = () => link.groundStationUplink!.streams;

    await expect
      .poll(() => telemetry.length, { timeout: 15_000, message: 'telemetry at the station' })
      .toBeGreaterThan(1);
    // Nothing asked yet: no scan leaves the robot.
    await sleep(1000);
    expect(scans.length).toBe(0);

    // The station refuses what it can tell is wrong before it reaches the robot.
    const other = await stream.sendRequestAsync({ robot: 'r1', topic: '/r2/scan', duration_s: 5 });
    expect(other).toEqual({ accepted: false, reason: expect.stringMatching(/one of r1's topics/) });
    expect((await stream.sendRequestAsync({ robot: 'r1', topic: '/r1/scan', duration_s: -1 })).accepted).toBe(false);

    const LEASE_S = 6;
    const asked = await stream.sendRequestAsync({ robot: 'r1', topic: '/r1/scan', duration_s: LEASE_S });
    expect(asked.accepted, asked.reason).toBe(true);
    const askedAt = performance.now();
    await expect.poll(() => scans.length, { timeout: 5000, message: 'the first scans' }).toBeGreaterThan(0);

    // Bytes over a window well inside the lease: at most the budget (+ the bucket's one second and
    // one message of debt), and not starved either.
    const t0 = performance.now();
    const tel0 = telemetry.length;
    await sleep(3000);
    const windowS = (performance.now() - t0) / 1000;
    const inWindow = scans.filter((s) => s.at >= t0);
    const bytes = inWindow.reduce((a, s) => a + s.bytes, 0);
    const scanBytes = scans[0]!.bytes;
    expect(scanBytes).toBeGreaterThan(1400);
    expect(bytes, `${inWindow.length} scans, ${bytes} B in ${windowS.toFixed(1)} s`).toBeLessThanOrEqual(
      BUDGET * (windowS + 1) + scanBytes,
    );
    expect(bytes).toBeGreaterThanOrEqual(BUDGET * windowS * 0.4);
    expect(streams().stats.overBudget, 'scans beyond the budget are dropped, counted').toBeGreaterThan(10);
    expect(telemetry.length - tel0, 'telemetry keeps coming at 1 Hz').toBeGreaterThanOrEqual(Math.floor(windowS) - 1);

    // After the lease: no more scans (one in flight may still land).
    await sleep(Math.max(0, askedAt + LEASE_S * 1000 + 1000 - performance.now()));
    expect(streams().stats.leasesEnded).toBe(1);
    const after = scans.length;
    const tel1 = telemetry.length;
    await sleep(2000);
    expect(scans.length, 'scans after the lease ended').toBe(after);
    expect(telemetry.length - tel1).toBeGreaterThanOrEqual(1);

    // A topic the robot does not offer is refused on the robot, with its reason, and counted.
    expect((await stream.sendRequestAsync({ robot: 'r1', topic: '/r1/camera', duration_s: 5 })).accepted).toBe(true);
    await expect.poll(() => streams().stats.refused, { timeout: 5000 }).toBe(1);

    // The station's read-only login: its request topic takes anything (the robot checks it), nothing else does.
    const c = await mqtt.connectAsync(broker.url, {
      username: 'groundstation',
      password: 'pw-gs',
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    closers.push(() => c.endAsync(true));
    const publish = (topic: string, payload: string) =>
      c.publishAsync(topic, payload, { qos: 1 }).then(
        () => 'accepted',
        (e: Error) => `refused: ${e.message}`,
      );
    for (const topic of [
      `outpost/${FLEET}/r1/scan`,
      `outpost/${FLEET}/groundstation/~stream/r1/more`,
      `outpost/${FLEET}/groundstation/requests/r1`,
      `outpost/${FLEET}/r1/~stream/groundstation`,
    ])
      expect(await publish(topic, '{}'), topic).toMatch(/^refused: .*(Not authorized|135)/i);
    const before = { ...streams().stats };
    for (const garbage of ['not json', '[1]', '{"topic":"/r1/scan","duration_s":1e9}', '{"topic":5}'])
      expect(await publish(`outpost/${FLEET}/groundstation/~stream/r1`, garbage)).toBe('accepted');
    expect(await publish(`outpost/${FLEET}/groundstation/~stream/r1`, '{"topic":"/r2/scan","duration_s":5}')).toBe(
      'accepted',
    );
    await expect.poll(() => streams().stats.malformed, { timeout: 5000 }).toBe(before.malformed + 4);
    await expect.poll(() => streams().stats.refused, { timeout: 5000 }).toBe(before.refused + 1);
    expect(streams().stats.accepted).toBe(before.accepted);
    expect(streams().leases().size).toBe(0);
    // The robot's link is still up and working after all that.
    const tel2 = telemetry.length;
    await expect.poll(() => telemetry.length, { timeout: 4000 }).toBeGreaterThan(tel2);
  }, 60_000);
});
