/**
 * Fleet link, priority under a map transfer: enqueue → handler latency of geometry_msgs/msg/PoseStamped
 * poses sent at 10 Hz while a map transfer (32×32 nav_msgs/msg/OccupancyGrid tiles, MB in total) drains
 * on the same link, with a 1 Mbit/s budget: the PeerLink's `bytesPerSecond` budget, over a LinkProxy
 * paced at the same 1 Mbit/s standing for the radio, to a real Mosquitto on loopback. Baselines in the
 * same run: the same poses with no map transfer, and a FIFO (map and poses at equal priority).
 *
 *   npm run bench:fleet-priority [-- --map-kb 2048] [--poses 120] [--json] [--smoke]
 */
import { parseArgs } from 'node:util';
import { LinkProxy } from '../runtime/fleet/LinkProxy.js';
import { defineRoute } from '../runtime/fleet/FleetRoute.js';
import { FleetBenchRig, percentile, pose, registry, sleep, table, until } from './fleetBenchRig.js';

/** 1 Mbit/s in bytes/s. */
export const LINK_BYTES_PER_SEC = 125_000;
const TILE = 32;

export type PriorityScenario = 'no-map' | 'priority' | 'fifo';

export interface FleetPriorityOptions {
  /** Total map payload (CDR) per transfer. Unit: KiB. */
  mapKiB: number;
  /** Poses per scenario, sent at `poseHz`. */
  poses: number;
  /** Default 10. Unit: Hz. */
  poseHz?: number;
}

export interface ScenarioResult {
  scenario: PriorityScenario;
  latenciesMs: number[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  posesSent: number;
  posesDelivered: number;
  tilesSent: number;
  tilesDelivered: number;
  /** Every pose and tile handled exactly once, in order per route. */
  exactlyOnceInOrder: boolean;
  /** Envelopes that reached the receiver ahead of a gap (the sender sent out of seq order); 0 expected. */
  arrivedAheadOfGap: number;
  /** Seconds from the first tile enqueued to the last handled (0 without a map). */
  mapSec: number;
}

export interface FleetPriorityResult {
  linkBytesPerSec: number;
  tileBytes: number;
  poseBytes: number;
  scenarios: ScenarioResult[];
}

export function tile(i: number): unknown {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
    info: {
      map_load_time: { sec: 0, nanosec: 0 },
      resolution: 0.05,
      width: TILE,
      height: TILE,
      origin: {
        position: { x: (i % 64) * TILE * 0.05, y: Math.floor(i / 64) * TILE * 0.05, z: 0 },
        orientation: { x: 0, y: 0, z: 0, w: 1 },
      },
    },
    data: Int8Array.from({ length: TILE * TILE }, (_, k) => ((i + k) % 7 === 0 ? 100 : 0)),
  };
}

async function scenario(rig: FleetBenchRig, name: PriorityScenario, o: FleetPriorityOptions): Promise<ScenarioResult> {
  const proxy = new LinkProxy({ targetPort: rig.broker.port, bytesPerSecond: LINK_BYTES_PER_SEC });
  await proxy.start();
  const sentAt = new Map<bigint, number>();
  const latencies: number[] = [];
  let poses = 0;
  let tiles = 0;
  let inOrder = true;
  let lastTileAt = 0;
  const receiver = await rig.receiver((_msg, env) => {
    const now = performance.now();
    if (env.route === 'r1/pose') {
      poses++;
      if (env.seq !== BigInt(poses)) inOrder = false;
      latencies.push(now - (sentAt.get(env.seq) ?? NaN));
    } else {
      tiles++;
      if (env.seq !== BigInt(tiles)) inOrder = false;
      lastTileAt = now;
    }
  });
  const fifo = name === 'fifo';
  const link = await rig.link(
    [
      defineRoute({ topic: '/r1/pose', type: 'geometry_msgs/msg/PoseStamped', priority: fifo ? 100 : 200 }),
      defineRoute({ topic: '/r1/map_tiles', type: 'nav_msgs/msg/OccupancyGrid', priority: fifo ? 100 : 50 }),
    ],
    { url: proxy.url, bytesPerSecond: LINK_BYTES_PER_SEC },
  );
  try {
    const tileBytes = registry.encode('nav_msgs/msg/OccupancyGrid', tile(0)).length;
    const nTiles = name === 'no-map' ? 0 : Math.ceil((o.mapKiB * 1024) / tileBytes);
    const t0 = performance.now();
    for (let i = 0; i < nTiles; i += 200) {
      link.sendMany(
        '/r1/map_tiles',
        Array.from({ length: Math.min(200, nTiles - i) }, (_, j) => tile(i + j)),
      );
    }
    const periodMs = 1000 / (o.poseHz ?? 10);
    await sleep(periodMs); // the transfer is under way before the first pose
    for (let i = 0; i < o.poses; i++) {
      const due = t0 + periodMs * (i + 1);
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt.set(BigInt(i + 1), performance.now());
      link.send('/r1/pose', pose(i));
    }
    await until(() => poses >= o.poses && tiles >= nTiles, 600_000, `${o.poses} poses and ${nTiles} tiles`);
    await sleep(50); // late duplicates would show up here
    return {
      scenario: name,
      latenciesMs: latencies,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      posesSent: o.poses,
      posesDelivered: poses,
      tilesSent: nTiles,
      tilesDelivered: tiles,
      exactlyOnceInOrder: inOrder && poses === o.poses && tiles === nTiles,
      arrivedAheadOfGap: receiver.stats.buffered,
      mapSec: nTiles === 0 ? 0 : (lastTileAt - t0) / 1000,
    };
  } finally {
    await link.close();
    await receiver.close();
    await proxy.close();
  }
}

export async function benchFleetPriority(o: FleetPriorityOptions): Promise<FleetPriorityResult> {
  const rig = new FleetBenchRig();
  await rig.start();
  try {
    const scenarios: ScenarioResult[] = [];
    for (const name of ['no-map', 'priority', 'fifo'] as const) scenarios.push(await scenario(rig, name, o));
    return {
      linkBytesPerSec: LINK_BYTES_PER_SEC,
      tileBytes: registry.encode('nav_msgs/msg/OccupancyGrid', tile(0)).length,
      poseBytes: registry.encode('geometry_msgs/msg/PoseStamped', pose(0)).length,
      scenarios,
    };
  } finally {
    await rig.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'map-kb': { type: 'string' },
      poses: { type: 'string' },
      json: { type: 'boolean' },
      smoke: { type: 'boolean' },
    },
  });
  const smoke = values.smoke === true;
  const r = await benchFleetPriority({
    mapKiB: Number(values['map-kb'] ?? (smoke ? 128 : 2048)),
    poses: Number(values.poses ?? (smoke ? 12 : 120)),
  });
  if (values.json === true) {
    console.log(JSON.stringify(r));
    return;
  }
  const f = (x: number): string => `${x.toFixed(1)} ms`;
  const map = r.scenarios.find((s) => s.tilesSent > 0);
  console.log(
    `fleet link: PoseStamped (${r.poseBytes} B) at 10 Hz during a map transfer of ${map?.tilesSent ?? 0} × 32×32 OccupancyGrid tiles ` +
      `(${r.tileBytes} B each), 1 Mbit/s budget (sender) over a 1 Mbit/s LinkProxy, Mosquitto on loopback`,
  );
  console.log(
    table([
      ['scenario', 'poses', 'p50', 'p99', 'max', 'map done after', 'all once, in order'],
      ...r.scenarios.map((s) => [
        s.scenario === 'no-map'
          ? 'no map (baseline)'
          : s.scenario === 'fifo'
            ? 'map, FIFO (baseline)'
            : 'map, pose priority 200 > 50',
        `${s.posesDelivered}/${s.posesSent}`,
        f(s.p50Ms),
        f(s.p99Ms),
        f(s.maxMs),
        s.tilesSent === 0 ? '-' : `${s.mapSec.toFixed(1)} s`,
        String(s.exactlyOnceInOrder),
      ]),
    ]),
  );
  const p = r.scenarios.find((s) => s.scenario === 'priority')!;
  console.log(`pose p99 with the map in flight: ${f(p.p99Ms)} (target ≤ 100 ms: ${p.p99Ms <= 100 ? 'PASS' : 'FAIL'})`);
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
