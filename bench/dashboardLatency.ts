import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { DashboardServer } from '../monitor/DashboardServer.js';
import { Context, defaultRegistry, type MessageOf, Node, quaternionFromYaw, secondsToNs } from '../runtime/index.js';
import { buildMessage } from '../runtime/msg/MessageBuilder.js';
import { type BenchOptions, formatTable, type Machine, machine, percentile } from './BenchRunner.js';

/**
 * Dashboard update latency: N robots publish on one bus what a fleet shows a ground station —
 * RobotTelemetry (stamped with the wall clock at publish), odometry at 20 Hz, a growing
 * 320×240 fleet/map at 1 Hz, goal and plan — and a real headless Chromium shows the dashboard.
 * The page records, for each telemetry record it applies, Date.now() − stamp: publish → bus →
 * dashboard → WebSocket → page (same machine, same clock). Baseline, in the same run from the
 * same publishes: a bare `ws` server that forwards each telemetry stamp the moment it arrives to a
 * page that only records it (the floor: bus + JSON + socket + browser, no batching, no drawing).
 * Also the page's frame times (requestAnimationFrame intervals, and the work done in a frame).
 */
export interface DashboardBenchResult {
  machine: Machine;
  robots: number;
  seconds: number;
  telemetryHz: number;
  dashboard: LatencyStats;
  baseline: LatencyStats;
  frames: { count: number; intervalP50Ms: number; intervalP99Ms: number; workP50Ms: number; workP99Ms: number };
}

export interface LatencyStats {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface DashboardBenchOptions extends BenchOptions {
  robots?: number;
  seconds?: number;
  telemetryHz?: number;
  chromium?: string;
}

type Telemetry = MessageOf<'outpost_msgs/msg/RobotTelemetry'>;

const BASELINE_PAGE = `<!doctype html><script>
window.lat = [];
const ws = new WebSocket(location.href.replace('http', 'ws'));
ws.onmessage = (ev) => window.lat.push(Date.now() - JSON.parse(ev.data).stamp_s * 1000);
</script>`;

export async function runDashboardBench(o: DashboardBenchOptions = {}): Promise<DashboardBenchResult> {
  const robots = o.robots ?? 8;
  const seconds = o.smoke === true ? 3 : (o.seconds ?? 30);
  const telemetryHz = o.telemetryHz ?? (o.smoke === true ? 4 : 1);
  const context = new Context({ logger: pino({ level: 'warn' }), rosoutLevel: 'off' });
  const dashboard = new DashboardServer(context, { port: 0 });
  const url = await dashboard.listen();

  // Baseline: the same telemetry, forwarded as it comes.
  const http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(BASELINE_PAGE));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const wss = new WebSocketServer({ server: http });
  const forward = new Node('baseline', '/bench', context);

  const registry = defaultRegistry();
  const nodes: Node[] = [];
  for (let i = 1; i <= robots; i++) {
    const name = `r${i}`;
    const n = new Node('robot', `/${name}`, context);
    nodes.push(n);
    forward.createSubscription('outpost_msgs/msg/RobotTelemetry', `/${name}/telemetry`, { qos: 5 }, (m) => {
      const text = JSON.stringify({ stamp_s: m.stamp.sec + m.stamp.nanosec / 1e9 });
      for (const ws of wss.clients) ws.send(text);
    });
    const tel = n.createPublisher('outpost_msgs/msg/RobotTelemetry', 'telemetry', { qos: 5 });
    const odom = n.createPublisher('nav_msgs/msg/Odometry', 'odom', { qos: 5 });
    const map = n.createPublisher('nav_msgs/msg/OccupancyGrid', 'fleet/map', { qos: 1 });
    const goal = n.createPublisher('geometry_msgs/msg/PoseStamped', 'goal', { qos: 5 });
    const cx = 4 + 3 * i;
    const cy = 12;
    const pose = (t: number) => ({
      x: cx + 2 * Math.cos(t / 5 + i),
      y: cy + 2 * Math.sin(t / 5 + i),
      yaw: t / 5 + i + Math.PI / 2,
    });
    const grid = buildMessage(registry, 'nav_msgs/msg/OccupancyGrid', {
      header: { frame_id: 'map' },
      info: { resolution: 0.1, width: 320, height: 240 },
    }) as unknown as MessageOf<'nav_msgs/msg/OccupancyGrid'>;
    grid.data = new Int8Array(320 * 240).fill(-1);
    const t0 = Number(context.wallClock.now().nanoseconds) / 1e9;
    const elapsed = () => Number(context.wallClock.now().nanoseconds) / 1e9 - t0;
    const base = buildMessage(registry, 'outpost_msgs/msg/RobotTelemetry', {
      robot: name,
      vehicle: 'ground',
      mode: 'exploring',
      battery_percent: 80,
      links: Array.from({ length: robots - 1 }, (_, k) => ({
        peer: `r${k + 1 >= i ? k + 2 : k + 1}`,
        connected: true,
      })),
      policy_p50_ms: 4,
      policy_p99_ms: 9,
    }) as unknown as Telemetry;
    n.createTimer(secondsToNs(1 / telemetryHz), () => {
      const p = pose(elapsed());
      tel.publish({ ...base, stamp: context.wallClock.now().toMsg(), x: p.x, y: p.y, yaw: p.yaw });
    });
    n.createTimer(secondsToNs(0.05), () => {
      const p = pose(elapsed());
      odom.publish(
        buildMessage(registry, 'nav_msgs/msg/Odometry', {
          header: { frame_id: 'map' },
          pose: { pose: { position: { x: p.x, y: p.y }, orientation: quaternionFromYaw(p.yaw) } },
        }) as unknown as MessageOf<'nav_msgs/msg/Odometry'>,
      );
    });
    n.createTimer(secondsToNs(1), () => {
      // Reveal a disc around the robot: a few tiles change per update, like a mapper's.
      const p = pose(elapsed());
      const [gx, gy] = [Math.round(p.x * 10), Math.round(p.y * 10)];
      for (let y = gy - 25; y <= gy + 25; y++)
        for (let x = gx - 25; x <= gx + 25; x++)
          if (x >= 0 && y >= 0 && x < 320 && y < 240 && (x - gx) ** 2 + (y - gy) ** 2 <= 625)
            grid.data[y * 320 + x] = (x + y) % 37 === 0 ? 100 : 0;
      map.publish(grid);
      goal.publish({
        header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
        pose: { position: { x: cx, y: cy, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      });
    });
  }

  const browser = await chromium.launch({ executablePath: o.chromium ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    await page.goto(url);
    const base = await browser.newPage();
    await base.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
    // Warm-up: connections, first snapshot and map; then measure from clean buffers.
    await new Promise((r) => setTimeout(r, 2000));
    await page.evaluate(() => {
      const s = (globalThis as unknown as { outpostDashboard: { stats: Record<string, number[]> } }).outpostDashboard
        .stats;
      for (const k of Object.keys(s)) s[k]!.length = 0;
    });
    await base.evaluate(() => {
      (globalThis as unknown as { lat: number[] }).lat.length = 0;
    });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const stats = await page.evaluate(
      () => (globalThis as unknown as { outpostDashboard: { stats: Record<string, number[]> } }).outpostDashboard.stats,
    );
    const baseLat = await base.evaluate(() => (globalThis as unknown as { lat: number[] }).lat);
    return {
      machine: machine(),
      robots,
      seconds,
      telemetryHz,
      dashboard: latency(stats.latencyMs!),
      baseline: latency(baseLat),
      frames: {
        count: stats.frameMs!.length,
        intervalP50Ms: round(percentile(stats.frameMs!, 50)),
        intervalP99Ms: round(percentile(stats.frameMs!, 99)),
        workP50Ms: round(percentile(stats.workMs!, 50)),
        workP99Ms: round(percentile(stats.workMs!, 99)),
      },
    };
  } finally {
    await browser.close();
    for (const n of nodes) n.destroy();
    forward.destroy();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    http.close();
    await dashboard.close();
    await context.close();
  }
}

function latency(v: readonly number[]): LatencyStats {
  return {
    samples: v.length,
    p50Ms: round(percentile(v, 50)),
    p99Ms: round(percentile(v, 99)),
    maxMs: round(Math.max(...v)),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean' },
      robots: { type: 'string' },
      seconds: { type: 'string' },
      hz: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const r = await runDashboardBench({
    smoke: values.smoke === true,
    ...(values.robots === undefined ? {} : { robots: Number(values.robots) }),
    ...(values.seconds === undefined ? {} : { seconds: Number(values.seconds) }),
    ...(values.hz === undefined ? {} : { telemetryHz: Number(values.hz) }),
  });
  if (values.json === true) console.log(JSON.stringify(r, null, 2));
  else {
    console.log(
      `${r.robots} robots, telemetry ${r.telemetryHz} Hz each, ${r.seconds} s; ${r.machine.cpuModel} ×${r.machine.nproc}, node ${r.machine.node}`,
    );
    console.log(
      formatTable(
        ['publish → page', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
        [
          ['dashboard (10 Hz deltas, drawn)', r.dashboard],
          ['baseline (bare ws, forwarded at once)', r.baseline],
        ].map(([name, s]) => {
          const l = s as LatencyStats;
          return [name as string, String(l.samples), String(l.p50Ms), String(l.p99Ms), String(l.maxMs)];
        }),
      ),
    );
    const f = r.frames;
    console.log(
      `frames: ${f.count}, rAF interval p50 ${f.intervalP50Ms} ms / p99 ${f.intervalP99Ms} ms; work per frame p50 ${f.workP50Ms} ms / p99 ${f.workP99Ms} ms`,
    );
  }
}
