/**
 * Telemetry on the fleet link (issue 15): bytes per robot per second that one robot's telemetry
 * costs on the wire to the ground station at 1 Hz (target ≤ 300 B/s). A real telemetry node and
 * fleet_link (route "telemetry ... latest-only priority=250", no map push) send to a real
 * groundstation node (embedded broker) through a LinkProxy standing for the radio, which counts
 * every byte both ways: MQTT PUBLISH with the envelope, PUBACK, the station's acks, keepalives.
 * Two records: `quiet` (pose, goal, an 8-point path, one link) and `busy` (also policy latencies
 * and two alerts). Baseline in the same run: the record's CDR bytes alone at the same rate.
 * Then the same link shaped to 64 kbit/s (fleet budget 7000 B/s): lag from the record's stamp to its
 * arrival at the station, alone (baseline) and while a 1200-tile map transfer runs (target p99 < 2 s).
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
import { Context, Node, Time, quaternionFromYaw, secondsToNs, type MessageOf } from '../runtime/index.js';
import { LinkProxy } from '../runtime/fleet/LinkProxy.js';
import { defaultRegistry } from '../runtime/msg/defaultRegistry.js';
import { packageRoot } from '../runtime/packageRoot.js';
import { table } from './fleetBenchRig.js';

const CREDENTIALS = join(packageRoot(), 'launch/fleet/demo-credentials.yaml');

export interface TelemetryLinkResult {
  record: 'quiet' | 'busy';
  /** The route asked for the station's acks (QoS 1); false: `acked=false`, the default route. */
  acked: boolean;
  seconds: number;
  records: number;
  /** CDR bytes of the last record (the baseline: what the record itself weighs). */
  recordBytes: number;
  /** Robot → station and station → robot, per second of the run. Unit: B/s. */
  upBytesPerSec: number;
  downBytesPerSec: number;
  wireBytesPerSec: number;
  /** Station arrival − record stamp (both on this machine's clock), over the run. Unit: s. */
  lagP50Sec: number;
  lagP99Sec: number;
  lagMaxSec: number;
  /** Tile batches the station received during the run (0 without `map`). */
  tileBatches: number;
}

export async function benchTelemetryLink(o: {
  seconds: number;
  record: 'quiet' | 'busy';
  /** The radio's rate (LinkProxy, each way); 0: unshaped. The fleet link's budget is 7/8 of it. Unit: B/s. */
  linkBytesPerSec?: number;
  /** A 1200-tile map transfer runs on the same link. */
  map?: boolean;
  /** The telemetry route with the station's acks (as before issue 15's wire pass). Default false. */
  acked?: boolean;
}): Promise<TelemetryLinkResult> {
  const acked = o.acked ?? false;
  const link = o.linkBytesPerSec ?? 0;
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
  const proxy = new LinkProxy({ targetPort: Number(new URL(station.brokerUrl).port), bytesPerSecond: link });
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
          map_topic: o.map ? 'map' : '',
          bytes_per_second: (link * 7) / 8,
          ground_station: `groundstation=${proxy.url}`,
          ground_station_routes: [
            `telemetry outpost_msgs/msg/RobotTelemetry reliability=latest-only acked=${acked} priority=250`,
          ],
        },
      }),
    );
    const telemetry = (await up(
      telemetryKind.create(robotCtx, { name: 'telemetry', namespace: '/r1', remappings: [], parameterOverrides: {} }),
    )) as TelemetryNode;
    const drivers = new Node('driver', '/r1', robotCtx);
    made.push(drivers);
    feed(drivers, o.record === 'busy');
    if (o.map)
      drivers
        .createPublisher('nav_msgs/msg/OccupancyGrid', 'map', { qos: { durability: 'transient_local', depth: 1 } })
        .publish(noiseMap());
    let records = 0;
    const lags: number[] = [];
    const watcher = new Node('watcher', '/', stationCtx);
    made.push(watcher);
    watcher.createSubscription('outpost_msgs/msg/RobotTelemetry', '/r1/telemetry', { qos: 10 }, (m) => {
      records++;
      lags.push(Number(watcher.now().nanoseconds - Time.fromMsg(m.stamp).nanoseconds) / 1e9);
    });
    // Connection set-up is not telemetry: count from the first record that arrived.
    while (records === 0) await new Promise((r) => setTimeout(r, 50));
    const [up0, down0] = [proxy.stats.bytesToTarget, proxy.stats.bytesFromTarget];
    const r0 = records;
    const batches0 = station.receiver?.stats.delivered ?? 0;
    lags.length = 0;
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    lags.sort((a, b) => a - b);
    const at = (q: number) =>
      lags[Math.min(lags.length - 1, Math.max(0, Math.ceil(lags.length * q) - 1))] ?? Number.NaN;
    const upB = proxy.stats.bytesToTarget - up0;
    const downB = proxy.stats.bytesFromTarget - down0;
    return {
      record: o.record,
      acked,
      seconds: o.seconds,
      records: records - r0,
      recordBytes: defaultRegistry().encode('outpost_msgs/msg/RobotTelemetry', telemetry.record()).length,
      upBytesPerSec: upB / o.seconds,
      downBytesPerSec: downB / o.seconds,
      wireBytesPerSec: (upB + downB) / o.seconds,
      lagP50Sec: at(0.5),
      lagP99Sec: at(0.99),
      lagMaxSec: lags.at(-1) ?? Number.NaN,
      tileBatches: (station.receiver?.stats.delivered ?? 0) - batches0 - (records - r0),
    };
  } finally {
    for (const n of made.reverse()) await n.shutdownAndDestroy();
    await proxy.close();
  }
}

/**
 * A 1280×960 grid of noise: 1200 tiles (~0.4 kB each deflated), minutes of transfer at 64 kbit/s.
 * Also the map of the thin-link test (test/fleet/GroundStationThinLink.test.ts).
 */
export function noiseMap(seed = 7): MessageOf<'nav_msgs/msg/OccupancyGrid'> {
  let x = seed;
  const data = new Int8Array(1280 * 960);
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = (x >>> 16) % 101;
  }
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
    info: {
      map_load_time: { sec: 0, nanosec: 0 },
      resolution: 0.1,
      width: 1280,
      height: 960,
      origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    },
    data,
  };
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
  const seconds = Number(values.seconds);
  const bytes: TelemetryLinkResult[] = [];
  for (const record of ['quiet', 'busy'] as const) {
    for (const acked of [true, false]) bytes.push(await benchTelemetryLink({ seconds, record, acked }));
  }
  // 64 kbit/s: the record alone (baseline), then with a map transfer on the same link.
  const thin: TelemetryLinkResult[] = [];
  for (const map of [false, true])
    thin.push(await benchTelemetryLink({ seconds, record: 'busy', linkBytesPerSec: 8000, map }));
  if (values.json) {
    console.log(JSON.stringify({ bytes, thin }));
    return;
  }
  console.log(
    table([
      [
        'record, 1 robot, 1 Hz',
        'route',
        'seconds',
        'records',
        'B/record (CDR)',
        'CDR B/s',
        'up B/s',
        'down B/s',
        'wire B/s',
      ],
      ...bytes.map((r) => [
        r.record,
        r.acked ? 'acked' : 'acked=false',
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
  console.log();
  const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
  console.log(
    table([
      ['64 kbit/s link (busy record)', 'records', 'lag p50', 'lag p99', 'lag max', 'tile batches', 'up B/s'],
      ...thin.map((r, i) => [
        i === 0 ? 'telemetry alone' : 'with a map transfer',
        `${r.records}/${r.seconds} s`,
        ms(r.lagP50Sec),
        ms(r.lagP99Sec),
        ms(r.lagMaxSec),
        String(r.tileBatches),
        r.upBytesPerSec.toFixed(0),
      ]),
    ]),
  );
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
