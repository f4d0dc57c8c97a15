import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import { Launcher } from '../../launch/Launcher.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { DashboardServer } from '../../monitor/DashboardServer.js';
import { Node } from '../../runtime/index.js';
import { pino } from 'pino';
import { chromiumMissing, launchChromium } from '../helpers/HeadlessChromium.js';
import { OutpostProcess, freshRunDir } from '../helpers/OutpostProcess.js';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(missing);

/** RobotTelemetry as `outpost topic pub` takes it (YAML flow). */
function telemetryYaml(robot: string, peer: string, alert = ''): string {
  return `{robot: ${robot}, vehicle: ground, x: 2.0, y: 1.0, yaw: 0.3, altitude: .nan, battery_percent: 76, battery_voltage: .nan, mode: exploring, links: [{peer: ${peer}, connected: true, queued: 0, last_message_age_s: 0.5}], outbox_depth: 2, policy_p50_ms: 3.5, policy_p99_ms: 8.0, cpu_percent: 20, rss_kib: 90000${alert}}`;
}

describe.skipIf(missing !== undefined)('the dashboard in a real headless Chromium', () => {
  let browser: Browser;
  const procs: OutpostProcess[] = [];
  const cleanup: Array<() => Promise<void> | void> = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    cleanup.push(async () => {
      await page.close();
      expect(errors, 'errors in the page').toEqual([]);
    });
    await page.goto(url);
    return page;
  }

  it('a link cut at the link gate shows cut within 2 s; a killed robot turns stale; its alert appears', async () => {
    const runDir = freshRunDir();
    const file = join(runDir, 'gate.launch.yaml');
    writeFileSync(file, 'launch:\n  - node: { pkg: outpost, exec: link_gate, name: link_gate, namespace: sim }\n');
    const kinds = builtinNodeKinds();
    const launcher = new Launcher({
      plan: loadLaunchFile(file, { registry: kinds }),
      kinds,
      logger: pino({ level: 'warn' }),
      runDir,
    });
    const dashboard = new DashboardServer(launcher.context, { port: 0 });
    cleanup.push(
      () => launcher.stop(),
      () => dashboard.close(),
    );
    const url = await dashboard.listen();
    await launcher.start();
    const radio = new Node('radio', '/sim', launcher.context);
    const states = radio.createPublisher('outpost_msgs/msg/LinkStateArray', '/outpost/fleet/link_states');
    const link = (up: boolean) => ({ a: 'r1', b: 'r2', up, bytes_per_second: 0, loss: 0, latency_s: 0 });
    states.publish({ stamp: { sec: 0, nanosec: 0 }, links: [link(true)] });
    // Each robot's telemetry comes from its own process over the launch's bus socket.
    const env = { OUTPOST_RUN_DIR: runDir };
    const alert =
      ', alerts: [{stamp: {sec: 42, nanosec: 0}, level: 2, source: lidar, message: "scan timeout after 0.5 s"}]';
    for (const [robot, peer, extra] of [
      ['r1', 'r2', ''],
      ['r2', 'r1', alert],
    ] as const) {
      procs.push(
        new OutpostProcess(
          [
            'topic',
            'pub',
            `/${robot}/telemetry`,
            'outpost_msgs/msg/RobotTelemetry',
            telemetryYaml(robot, peer, extra),
            '--rate',
            '1',
          ],
          env,
        ),
      );
    }
    const page = await open(url);
    const card = (r: string) => page.locator(`.card[data-robot="${r}"]`);
    await expect.poll(() => card('r1').getAttribute('data-stale'), { timeout: 20_000 }).toBe('false');
    await expect.poll(() => card('r2').getAttribute('data-stale'), { timeout: 20_000 }).toBe('false');
    await expect
      .poll(() => card('r1').locator('[data-field="battery"]').textContent(), { timeout: 10_000 })
      .toBe('76%');
    const alertItem = page.locator('#alerts li[data-robot="r2"]');
    await expect
      .poll(() => alertItem.textContent(), { timeout: 10_000 })
      .toContain('ERROR lidar: scan timeout after 0.5 s');
    expect(await alertItem.getAttribute('data-level')).toBe('2');
    const row = page.locator('tr[data-link="r1|r2"]');
    await expect.poll(() => row.getAttribute('data-up'), { timeout: 10_000 }).toBe('true');

    // Cut r1–r2: the gate applies it (cuts its proxies) and announces it; the page must follow.
    const cutAt = performance.now();
    states.publish({ stamp: { sec: 1, nanosec: 0 }, links: [link(false)] });
    await expect.poll(() => row.getAttribute('data-up'), { timeout: 2000, interval: 20 }).toBe('false');
    const lagMs = performance.now() - cutAt;
    console.log(`link cut at the gate → shown cut on the page: ${lagMs.toFixed(0)} ms`);
    expect(lagMs).toBeLessThan(2000);
    expect(await row.locator('td').nth(1).textContent()).toBe('CUT');

    // SIGKILL r1's telemetry process: no goodbye, its card must turn stale (3 periods of 1 s).
    procs[0]!.child.kill('SIGKILL');
    const killedAt = performance.now();
    await expect.poll(() => card('r1').getAttribute('data-stale'), { timeout: 8000, interval: 50 }).toBe('true');
    expect(performance.now() - killedAt).toBeGreaterThan(2000); // not before 3 periods (less the last record's age)
    expect(await card('r1').locator('.badge').textContent()).toMatch(/^STALE \d+ s$/);
    expect(await card('r2').getAttribute('data-stale')).toBe('false');
  }, 60_000);

  it('`outpost sim --serve`: the URL comes first, robots appear and move, the page stays up after the mission', async () => {
    const runDir = freshRunDir();
    const report = join(runDir, 'mission.json');
    const sim = new OutpostProcess(
      [
        'sim',
        'launch/sim/explore.launch.yaml',
        'robots:=4',
        '--rate',
        '4',
        '--serve',
        '--port',
        '0',
        '--report',
        report,
      ],
      { OUTPOST_RUN_DIR: runDir },
    );
    procs.push(sim);
    await sim.waitFor((p) => /dashboard: http:\/\/127\.0\.0\.1:\d+\//.test(p.stdout), 30_000, 'the dashboard URL');
    const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(sim.stdout)![1]!;
    expect(sim.stdout.split('dashboard:')[0]).not.toMatch(/coverage \d/); // printed before the robots move
    const page = await open(url);
    const poses = () =>
      page.evaluate(() =>
        [
          ...(
            globalThis as unknown as {
              outpostDashboard: { state: { robots: Map<string, { x: number; y: number; trail: number[] }> } };
            }
          ).outpostDashboard.state.robots.values(),
        ].map((r) => [r.x, r.y, r.trail.length] as const),
      );
    await expect.poll(async () => (await poses()).length, { timeout: 30_000 }).toBe(4);
    await expect.poll(() => page.locator('.card').count(), { timeout: 10_000 }).toBe(4);
    const first = await poses();
    // They move: poses change and trails grow on the page (in this map one robot may find little to
    // do and stay near the start, so three of four).
    const moved = async () =>
      (await poses()).filter((p, i) => Math.hypot(p[0] - first[i]![0], p[1] - first[i]![1]) > 0.5);
    await expect.poll(async () => (await moved()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await expect
      .poll(async () => (await moved()).filter((p) => p[2] > 3).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    expect(await page.locator('#map-status').textContent()).toMatch(/^\d+×\d+ cells/);
    const shots = process.env.OUTPOST_SCREENSHOTS;
    if (shots !== undefined) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'dashboard.png') });
    }
    await sim.waitFor((p) => p.stdout.includes('the dashboard stays up'), 120_000, 'the mission to end');
    // The page hears of the end on its next update (10 Hz), which may come after the terminal line.
    await expect
      .poll(() => page.locator('#clock').textContent(), { timeout: 10_000 })
      .toMatch(/ended: (coverage|time)/);
    expect((await fetch(url)).status).toBe(200);
    expect(existsSync(report.replace(/json$/, 'png'))).toBe(true);
    expect(readFileSync(report.replace(/json$/, 'png')).subarray(1, 4).toString()).toBe('PNG');
    if (shots !== undefined) await page.screenshot({ path: join(shots, 'dashboard-end.png') });
    sim.child.kill('SIGINT');
    expect((await sim.exited).code).toBe(0);
  }, 180_000);
});
