import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { groundStationKind, type GroundStationNode } from '../../nodes/groundstation/GroundStationNode.js';
import { Context, Node, type MessageOf } from '../../runtime/index.js';
import type { FleetUser } from '../../runtime/fleet/FleetAccess.js';
import { MosquittoBroker } from '../../runtime/fleet/testing/MosquittoBroker.js';
import { OutpostProcess } from '../helpers/OutpostProcess.js';

const FLEET = 'gsf';
const USERS: FleetUser[] = [
  { username: 'r1', password: 'pw-r1' },
  { username: 'r2', password: 'pw-r2' },
  { username: 'groundstation', password: 'pw-gs', readOnly: true },
];
const LATCHED = { qos: { durability: 'transient_local', depth: 1 } } as const;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function credentialsFile(dir: string): string {
  const file = join(dir, 'credentials.yaml');
  const lines = USERS.map(
    (u) => `  - { username: ${u.username}, password: ${u.password}${u.readOnly ? ', read_only: true' : ''} }`,
  );
  writeFileSync(file, `users:\n${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

/** A robot process (test/fixtures/telemetry_robot.launch.yaml) linked to the station's broker. */
function robot(name: string, dir: string, credentials: string, stationUrl: string): OutpostProcess {
  const p = new OutpostProcess(
    [
      'launch',
      'test/fixtures/telemetry_robot.launch.yaml',
      `robot:=${name}`,
      `fleet:=${FLEET}`,
      `credentials:=${credentials}`,
      `outbox_dir:=${join(dir, 'outbox')}`,
      `ground_station:=groundstation=${stationUrl}`,
    ],
    { OUTPOST_LOG_LEVEL: 'warn', OUTPOST_RUN_DIR: join(dir, `run-${name}`) },
  );
  cleanups.push(async () => {
    p.child.kill('SIGKILL');
    await p.exited;
  });
  return p;
}

describe('ground station on real Mosquitto, two robot processes', () => {
  it('carries both robots’ telemetry and maps to its bus, marks a killed robot stale, and its login cannot publish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-gs-'));
    const credentials = credentialsFile(dir);
    const broker = new MosquittoBroker({ fleet: FLEET, users: USERS });
    await broker.start();
    cleanups.push(() => broker.close());

    const ctx = new Context({ logger: pino({ level: 'silent' }) });
    const station = groundStationKind.create(ctx, {
      name: 'groundstation',
      namespace: '/',
      remappings: [],
      parameterOverrides: {
        fleet: FLEET,
        broker: broker.url,
        mqtt_version: 5,
        credentials_file: credentials,
        robots: ['r1', 'r2'],
        status_hz: 4,
      },
    }) as GroundStationNode;
    cleanups.push(() => station.shutdownAndDestroy());
    expect((await station.configure()).result).toBe('success');
    expect((await station.activate()).result).toBe('success');

    const watcher = new Node('watcher', '/', ctx);
    cleanups.push(() => watcher.destroy());
    const telemetry = new Map<string, MessageOf<'outpost_msgs/msg/RobotTelemetry'>[]>();
    for (const r of ['r1', 'r2'])
      watcher.createSubscription('outpost_msgs/msg/RobotTelemetry', `/${r}/telemetry`, LATCHED, (m) => {
        telemetry.set(r, [...(telemetry.get(r) ?? []), m]);
      });
    let roster: MessageOf<'outpost_msgs/msg/GroundStationRobots'> | undefined;
    watcher.createSubscription('outpost_msgs/msg/GroundStationRobots', '/groundstation/robots', LATCHED, (m) => {
      roster = m;
    });
    let map: MessageOf<'nav_msgs/msg/OccupancyGrid'> | undefined;
    watcher.createSubscription('nav_msgs/msg/OccupancyGrid', '/groundstation/map', LATCHED, (m) => {
      map = m;
    });
    const stale = (r: string) => roster?.robots.find((x) => x.robot === r)?.stale;

    // Before any robot runs, both are listed and stale: nothing pretends to be live.
    await expect
      .poll(() => roster?.robots.map((r) => [r.robot, r.heard, r.stale]))
      .toEqual([
        ['r1', false, true],
        ['r2', false, true],
      ]);

    const r1 = robot('r1', dir, credentials, broker.url);
    const r2 = robot('r2', dir, credentials, broker.url);
    await r1.waitFor(() => (telemetry.get('r1')?.length ?? 0) >= 2, 30_000, "r1's telemetry at the station");
    await r2.waitFor(() => (telemetry.get('r2')?.length ?? 0) >= 2, 30_000, "r2's telemetry at the station");
    const last = telemetry.get('r1')!.at(-1)!;
    expect(last.robot).toBe('r1');
    expect(last.links.map((l) => [l.peer, l.connected])).toEqual([['groundstation', true]]);
    expect(last.rss_kib).toBeGreaterThan(10_000);
    await expect.poll(() => [stale('r1'), stale('r2')], { timeout: 5000 }).toEqual([false, false]);

    // Both robots' tiles end up in the station's merged map.
    await expect.poll(() => station.receiver?.stats.delivered ?? 0, { timeout: 10_000 }).toBeGreaterThan(4);
    await expect
      .poll(() => (map === undefined ? 0 : map.data.filter((c) => c !== -1).length), {
        timeout: 15_000,
        message: 'known cells in /groundstation/map',
      })
      .toBeGreaterThan(100);
    expect([map!.info.width, map!.info.height]).toEqual([120, 120]);

    // Kill r2 as a power cut would: within 3 periods (+ one status period) it is stale; r1 is not.
    r2.child.kill('SIGKILL');
    await r2.exited;
    await expect.poll(() => stale('r2'), { timeout: 6000, interval: 100, message: 'r2 to turn stale' }).toBe(true);
    const r2Row = roster!.robots.find((x) => x.robot === 'r2')!;
    expect(r2Row.heard).toBe(true);
    expect(r2Row.age_s).toBeGreaterThan(3);
    expect(stale('r1')).toBe(false);

    // The station's own login is read-only: Mosquitto refuses its publish into a robot's namespace.
    const c = await mqtt.connectAsync(broker.url, {
      username: 'groundstation',
      password: 'pw-gs',
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    cleanups.push(() => c.endAsync(true));
    const outcome = await c.publishAsync(`outpost/${FLEET}/r1/telemetry`, 'forged', { qos: 1 }).then(
      () => 'accepted',
      (e: Error) => `refused: ${e.message}`,
    );
    expect(outcome).toMatch(/^refused: .*(Not authorized|135)/i);
  }, 90_000);
});
