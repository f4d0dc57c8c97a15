/**
 * Telemetry on the fleet link (issue 15): bytes per robot per second that one robot's telemetry
 * costs on the wire to the ground station at 1 Hz (target ≤ 300 B/s). A real telemetry node and
 * fleet_link (route "telemetry ... latest-only priority=250", no map push) send to a real
 * groundstation node (embedded broker) through a LinkProxy standing for the radio, which counts
 * every byte both ways: MQTT PUBLISH with the envelope, PUBACK, the station's acks, keepalives.
 * Two records: `quiet` (pose, goal, an 8-point path, one link) and `busy` (also policy latencies
 * and two alerts). Baseline in the same run: the record's CDR bytes alone at the same rate.
 *
 *   npm run bench:telemetry [-- --seconds 30] [--json]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { fleetLinkKind } from '../nodes/fleet/FleetLinkNode.js';
import { groundStationKind, type GroundStationNode } from '../nodes/groundstation/GroundStationNode.js';
import { telemetryKind, type TelemetryNode } from '../nodes/telemetry/TelemetryNode.js';
import { Context, Node, quaternionFromYaw, secondsToNs, type MessageOf } from '../runtime/index.js';
import { LinkProxy } from '../runtime/fleet/LinkProxy.js';
import { defaultRegistry } from '../runtime/msg/defaultRegistry.js';
import { packageRoot } from '../runtime/packageRoot.js';
import { table } from './fleetBenchRig.js';

const CREDENTIALS = join(packageRoot(), 'launch/fleet/demo-credentials.yaml');

export interface TelemetryLinkResult {
  record: 'quiet' | 'busy';
  seconds: number;
  records: number;
  /** CDR bytes of the last record (the baseline: what the record itself weighs). */
  recordBytes: number;
  /** Robot → station and station → robot, per second of the run. Unit: B/s. */
  upBytesPerSec: number;
  downBytesPerSec: number;
  wireBytesPerSec: number;
}

export async function benchTelemetryLink(o: {
  seconds: number;
  record: 'quiet' | 'busy';
}): Promise<TelemetryLinkResult> {
  const quiet = pino({ level: 'silent' });
  const stationCtx = new Context({ logger: quiet });
  const robotCtx = new Context({ logger: pino({ level: 'error' }, { write: () => undefined }), rosoutLevel: 'info' });
  const made: Node[] = [];
  const up = async <T extends Node>(n: T): Promise<T> => {
    made.push(n);
    await n.configure();
    await n.activate();
    return n;
  };
  const station = await up(
    groundStationKind.create(stationCtx, {
      name: 'groundstation',
      namespace: '/',
      remappings: [],
      parameterOverrides: { fleet: 'demo', credentials_file: CREDENTIALS, robots: ['r1'] },
    }) as GroundStationNode,
  );
  const proxy = new LinkProxy({ targetPort: Number(new URL(station.brokerUrl).port) });
  await proxy.start();
  try {
    await up(
      fleetLinkKind.create(robotCtx, {
        name: 'fleet_link',
        namespace: '/r1',
        remappings: [],
        parameterOverrides: {
          fleet: 'demo',
          credentials_file: CREDENTIALS,
          outbox_dir: mkdtempSync(join(tmpdir(), 'outpost-bench-telemetry-')),
          map_topic: '',
          ground_station: `groundstation=${proxy.url}`,
          ground_station_routes: ['telemetry outpost_msgs/msg/RobotTelemetry reliability=latest-only priority=250'],
        },
      }),
    );
    const telemetry = (await up(
      telemetryKind.create(robotCtx, { name: 'telemetry', namespace: '/r1', remappings: [], parameterOverrides: {} }),
    )) as TelemetryNode;
    const drivers = new Node('driver', '/r1', robotCtx);
    made.push(drivers);
    feed(drivers, o.record === 'busy');
    let records = 0;
    const watcher = new Node('watcher', '/', stationCtx);
    made.push(watcher);
    watcher.createSubscription('outpost_msgs/msg/RobotTelemetry', '/r1/telemetry', { qos: 10 }, () => {
      records++;
    });
    // Connection set-up is not telemetry: count from the first record that arrived.
    while (records === 0) await new Promise((r) => setTimeout(r, 50));
    const [up0, down0] = [proxy.stats.bytesToTarget, proxy.stats.bytesFromTarget];
    const r0 = records;
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const upB = proxy.stats.bytesToTarget - up0;
    const downB = proxy.stats.bytesFromTarget - down0;
    return {
      record: o.record,
      seconds: o.seconds,
      records: records - r0,
      recordBytes: defaultRegistry().encode('outpost_msgs/msg/RobotTelemetry', telemetry.record()).length,
      upBytesPerSec: upB / o.seconds,
      downBytesPerSec: downB / o.seconds,
      wireBytesPerSec: (upB + downB) / o.seconds,
    };
  } finally {
    for (const n of made.reverse()) await n.shutdownAndDestroy();
    await proxy.close();
  }
}

/** What the robot's other nodes publish: odometry, a goal and a long plan; busy: a policy at WARN, an error. */
function feed(n: Node, busy: boolean): void {
  const zero = { sec: 0, nanosec: 0 };
  const odom = n.createPublisher('nav_msgs/msg/Odometry', 'odom');
  n.createTimer(secondsToNs(0.1), () =>
    odom.publish({
      header: { stamp: n.now().toMsg(), frame_id: 'map' },
      child_frame_id: 'base_link',
      pose: {
        pose: { position: { x: 12.3, y: -4.5, z: 0 }, orientation: quaternionFromYaw(0.7) },
        covariance: new Array(36).fill(0),
      },
      twist: {
        twist: { linear: { x: 0.4, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.1 } },
        covariance: new Array(36).fill(0),
      },
    }),
  );
  const pose = (x: number, y: number) => ({
    header: { stamp: zero, frame_id: 'map' },
    pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
  });
  n.createPublisher('geometry_msgs/msg/PoseStamped', 'goal').publish(pose(30, 8));
  n.createPublisher('nav_msgs/msg/Path', 'plan', { qos: { durability: 'transient_local', depth: 1 } }).publish({
    header: { stamp: zero, frame_id: 'map' },
    poses: Array.from({ length: 80 }, (_, i) => pose(12.3 + i * 0.22, -4.5 + i * 0.16)),
  });
  if (!busy) return;
  const diag = n.createPublisher('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics');
  n.createTimer(secondsToNs(1), () =>
    diag.publish({
      header: { stamp: n.now().toMsg(), frame_id: '' },
      status: [
        {
          level: 1,
          name: '/r1/explorer: policy',
          message: '1 of 4 decisions since the last report used the fallback',
          hardware_id: '',
          values: [
            { key: 'p50_ms', value: '6.250' },
            { key: 'p99_ms', value: '31.500' },
            { key: 'fallbacks', value: '3' },
          ],
        } satisfies MessageOf<'diagnostic_msgs/msg/DiagnosticStatus'>,
      ],
    }),
  );
  n.getLogger().error('lidar: no scan for 0.5 s');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, json: { type: 'boolean' } } });
  const results: TelemetryLinkResult[] = [];
  for (const record of ['quiet', 'busy'] as const)
    results.push(await benchTelemetryLink({ seconds: Number(values.seconds), record }));
  if (values.json) {
    console.log(JSON.stringify(results));
    return;
  }
  console.log(
    table([
      ['record, 1 robot, 1 Hz', 'seconds', 'records', 'B/record (CDR)', 'CDR B/s', 'up B/s', 'down B/s', 'wire B/s'],
      ...results.map((r) => [
        r.record,
        String(r.seconds),
        String(r.records),
        String(r.recordBytes),
        ((r.recordBytes * r.records) / r.seconds).toFixed(0),
        r.upBytesPerSec.toFixed(0),
        r.downBytesPerSec.toFixed(0),
        r.wireBytesPerSec.toFixed(0),
      ]),
    ]),
  );
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
