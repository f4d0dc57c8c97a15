import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Context, Node } from '../runtime/index.js';
import { telemetry } from '../test/helpers/robotTelemetry.js';
import type { DashboardDelta, DashboardMessage, DashboardSnapshot } from './DashboardProtocol.js';
import { DashboardServer } from './DashboardServer.js';

/** A socket with every message it got, in order. */
function client(url: string): { ws: WebSocket; got: DashboardMessage[]; closed: Promise<number> } {
  const ws = new WebSocket(`${url.replace('http', 'ws')}ws`);
  const got: DashboardMessage[] = [];
  ws.on('message', (d) => got.push(JSON.parse(d.toString()) as DashboardMessage));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, got, closed };
}

describe('DashboardServer', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function start(): Promise<{ server: DashboardServer; robot: Node; url: string }> {
    const context = new Context({ rosoutLevel: 'off' });
    const server = new DashboardServer(context, { port: 0, updateHz: 20, mapHz: 10 });
    const url = await server.listen();
    const robot = new Node('telemetry', '/r1', context);
    cleanup.push(
      () => context.close(),
      () => server.close(),
    );
    return { server, robot, url };
  }

  it('serves the page from the package, and 404 for anything else', async () => {
    const { url } = await start();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('dashboard.js');
    // Every asset from the package: no script, style or font from another origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await fetch(`${url}dashboard.js`)).status).toBe(200);
    expect((await fetch(`${url}../package.json`)).status).toBe(404);
    expect((await fetch(`${url}nope.js`)).status).toBe(404);
  });

  it('sends a snapshot, then deltas with the robot, its telemetry (NaN as null), links and alerts', async () => {
    const { robot, url } = await start();
    const pub = robot.createPublisher('outpost_msgs/msg/RobotTelemetry', '/r1/telemetry');
    const c = client(url);
    await expect.poll(() => c.got.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const snap = c.got[0] as DashboardSnapshot;
    expect(snap.type).toBe('snapshot');
    expect(snap.robots).toEqual([]);
    // The dashboard finds /r1/telemetry in the graph (it subscribes on the publisher's arrival).
    const alert = { stamp: { sec: 12, nanosec: 0 }, level: 2, source: 'fleet_link', message: 'broker lost' };
    await expect
      .poll(() => {
        pub.publish(telemetry('r1', { alerts: [alert] }));
        return c.got.some((m) => m.type === 'delta' && m.robots?.some((r) => r.telemetry != null));
      })
      .toBe(true);
    const deltas = c.got.filter((m): m is DashboardDelta => m.type === 'delta');
    const r1 = deltas.flatMap((d) => d.robots ?? []).find((r) => r.telemetry != null)!;
    // The poll publishes every 10 ms until a delta comes: the period is whatever that made it (≥ 0.5 s).
    expect(r1).toMatchObject({ name: 'r1', x: 1.5, y: -2 });
    expect(r1.period_s).toBeGreaterThanOrEqual(0.5);
    expect(r1.telemetry).toMatchObject({
      battery_percent: 87,
      battery_voltage: null,
      altitude: null,
      mode: 'exploring',
    });
    await expect
      .poll(() => c.got.some((m) => m.type === 'delta' && m.links !== undefined), { timeout: 10_000 })
      .toBe(true);
    const links = c.got.filter((m): m is DashboardDelta => m.type === 'delta' && m.links !== undefined).at(-1)!.links;
    expect(links).toEqual([expect.objectContaining({ a: 'r1', b: 'r2', up: true, source: 'telemetry' })]);
    const alerts = deltas.flatMap((d) => d.alerts_add ?? []);
    // The same alert in every record is one alert.
    expect(alerts).toEqual([expect.objectContaining({ robot: 'r1', level: 2, message: 'broker lost', stamp_s: 12 })]);
    // A browser that connects now gets it all in its snapshot.
    const late = client(url);
    await expect.poll(() => late.got.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const s2 = late.got[0] as DashboardSnapshot;
    expect(s2.robots.map((r) => r.name)).toEqual(['r1']);
    expect(s2.alerts).toHaveLength(1);
    c.ws.close();
    late.ws.close();
  });

  it('disconnects a browser that sends garbage, and only that one', async () => {
    const { url, server } = await start();
    const good = client(url);
    const bad = client(url);
    const huge = client(url);
    // Each gets its snapshot first (heartbeat deltas may follow: count snapshots, not messages).
    await expect
      .poll(() => [good, bad, huge].every((c) => c.got[0]?.type === 'snapshot'), { timeout: 10_000 })
      .toBe(true);
    good.ws.send(JSON.stringify({ type: 'ping', id: 7 }));
    await expect
      .poll(() => good.got.some((m) => (m as { type: string }).type === 'pong'), { timeout: 10_000 })
      .toBe(true);
    bad.ws.send('{"type": "subscribe", "topic": "/etc/passwd"');
    expect(await bad.closed).toBe(1008);
    huge.ws.send('x'.repeat(100_000));
    expect(await huge.closed).toBe(1009); // over maxPayload
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
    // The server forgets a socket when its closing handshake ends, a moment after the browser sees it.
    await expect.poll(() => server.clients, { timeout: 10_000 }).toBe(1);
    const again = client(url);
    await expect.poll(() => again.got[0]?.type, { timeout: 10_000 }).toBe('snapshot');
    good.ws.close();
    again.ws.close();
  });
});
