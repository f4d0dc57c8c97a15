import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { McapIndexedReader, type McapTypes } from '@mcap/core';
import { loadDecompressHandlers } from '@mcap/support';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { McapRecording } from '../../monitor/recording/McapRecording.js';
import { chromiumMissing, launchChromium } from '../helpers/HeadlessChromium.js';
import { OutpostProcess, freshRunDir, runOutpost as runOutpostWithin } from '../helpers/OutpostProcess.js';

/**
 * `outpost sim|launch --record`, `outpost bag info` and `outpost replay`, end to end in child
 * processes: the file is read back with @mcap/core and every message decoded under the schema the
 * file itself carries (not our registry), as Foxglove would.
 */
const running: OutpostProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});
function start(args: string[], env: NodeJS.ProcessEnv): OutpostProcess {
  const p = new OutpostProcess(args, env);
  running.push(p);
  return p;
}
const runOutpost = (args: string[], env: NodeJS.ProcessEnv = {}) => runOutpostWithin(args, env, 90_000);

const dir = mkdtempSync(join(tmpdir(), 'outpost-recording-'));
const MISSION = join(dir, 'mission.mcap');

/** Every message of `recording` decoded with a reader built from its channel's schema in the file. */
async function decodeAll(recording: McapRecording) {
  const readers = new Map<number, MessageReader>();
  const byTopic = new Map<string, { logTime: bigint; msg: Record<string, unknown> }[]>();
  await recording.forEachMessage((m: McapTypes.Message) => {
    const ch = recording.channels.get(m.channelId)!;
    let reader = readers.get(ch.schemaId);
    if (reader === undefined) {
      const schema = recording.schemas.get(ch.schemaId)!;
      expect(schema.encoding).toBe('ros2msg');
      reader = new MessageReader(parse(new TextDecoder().decode(schema.data), { ros2: true }));
      readers.set(ch.schemaId, reader);
    }
    const list = byTopic.get(ch.topic) ?? [];
    list.push({ logTime: m.logTime, msg: reader.readMessage(m.data) });
    byTopic.set(ch.topic, list);
  });
  return byTopic;
}

beforeAll(async () => {
  const sim = await runOutpost([
    'sim',
    'launch/sim/explore.launch.yaml',
    'robots:=2',
    '--until',
    'time=20',
    '--record',
    MISSION,
  ]);
  expect(sim.code, sim.stderr).toBe(0);
  expect(sim.stderr).toMatch(/recorded \d+ messages on \d+ topics in \d+ chunks to .*mission\.mcap/);
}, 120_000);

describe('outpost sim --record', () => {
  it('writes an indexed ros2 MCAP in sim time whose every message decodes under its own schema', async () => {
    const bytes = readFileSync(MISSION);
    const indexed = await McapIndexedReader.Initialize({
      readable: {
        size: async () => BigInt(bytes.length),
        read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)),
      },
      decompressHandlers: await loadDecompressHandlers(),
    });
    expect(indexed.header.profile).toBe('ros2');
    expect(indexed.chunkIndexes.length).toBeGreaterThan(0);
    const channels = [...indexed.channelsById.values()];
    for (const c of channels) {
      expect(c.messageEncoding).toBe('cdr');
      expect(c.metadata.get('offered_qos_profiles')).toMatch(/^- history: keep_(last|all)\n {2}depth: \d+\n/);
    }
    const topics = channels.map((c) => c.topic);
    expect(topics).toEqual(expect.arrayContaining(['/clock', '/r1/odom', '/r2/scan', '/r1/map', '/tf', '/sim/status']));
    // /r1/map is latched: its channel says so, and replay offers it the same way.
    expect(channels.find((c) => c.topic === '/r1/map')!.metadata.get('offered_qos_profiles')).toContain(
      'durability: transient_local',
    );

    const rec = await McapRecording.open(MISSION);
    expect(rec.recovery).toBeUndefined();
    const decoded = await decodeAll(rec);
    await rec.close();
    const total = [...decoded.values()].reduce((n, l) => n + l.length, 0);
    expect(BigInt(total)).toBe(indexed.statistics!.messageCount);
    // Log time is the bus clock: sim time (the mission stops at 20 s), and each /clock message is
    // logged at the time it carries.
    const clock = decoded.get('/clock')!;
    expect(clock.length).toBeGreaterThan(10);
    for (const { logTime, msg } of clock) {
      const c = msg.clock as { sec: number; nanosec: number };
      expect(logTime).toBe(BigInt(c.sec) * 1_000_000_000n + BigInt(c.nanosec));
    }
    expect(indexed.statistics!.messageEndTime).toBeLessThan(21_000_000_000n);
    expect(indexed.statistics!.messageEndTime).toBeGreaterThan(15_000_000_000n);
    const odom = decoded.get('/r1/odom')!;
    expect((odom.at(-1)!.msg as { child_frame_id: string }).child_frame_id).toBe('r1/base_link');
    const scan = decoded.get('/r2/scan')!.at(-1)!.msg as { ranges: Float32Array };
    expect(scan.ranges.length).toBeGreaterThan(10);
  });

  it('bag info prints ros2 bag info fields and a line per topic with its count', async () => {
    const info = await runOutpost(['bag', 'info', MISSION]);
    expect(info.code, info.stderr).toBe(0);
    const rec = await McapRecording.open(MISSION);
    await rec.close();
    expect(info.stdout).toContain(`Files:             ${MISSION}`);
    expect(info.stdout).toMatch(/Bag size: {10}\d+\.\d (KiB|MiB)/);
    expect(info.stdout).toContain(`Messages:          ${rec.summary.messageCount}`);
    expect(info.stdout).toMatch(/Duration: {10}(1\d|20)\.\d{9}s/);
    expect(info.stdout).toContain('Start:             Jan  1 1970 00:00:00');
    const odomCount = [...rec.channels.values()]
      .filter((c) => c.topic === '/r1/odom')
      .reduce((n, c) => n + rec.summary.channelCounts.get(c.id)!, 0n);
    expect(info.stdout).toContain(
      `Topic: /r1/odom | Type: nav_msgs/msg/Odometry | Count: ${odomCount} | Serialization Format: cdr`,
    );
    expect(info.stdout).not.toContain('Recovered:');
  }, 90_000);

  it('replay drives outpost topic echo in sim time, with /clock; Ctrl-C ends it with 0', async () => {
    const env = { OUTPOST_RUN_DIR: freshRunDir() };
    const replay = start(['replay', MISSION, '--loop', '--rate', '2'], env);
    await replay.waitFor(
      (p) => p.logs().some((l) => String(l.msg).startsWith('launched')),
      30_000,
      'the replay bus to start',
    );
    const echo = await runOutpost(['topic', 'echo', '/r1/odom', '-n', '2', '--json'], env);
    expect(echo.code, echo.stderr).toBe(0);
    const odom = echo.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { child_frame_id: string; header: { stamp: { sec: number } } });
    expect(odom.length).toBe(2);
    expect(odom[0]!.child_frame_id).toBe('r1/base_link');
    expect(odom[0]!.header.stamp.sec).toBeLessThanOrEqual(20);
    const clock = await runOutpost(['topic', 'echo', '/clock', '--once', '--json'], env);
    expect((JSON.parse(clock.stdout) as { clock: { sec: number } }).clock.sec).toBeLessThanOrEqual(20);
    const list = await runOutpost(['topic', 'list', '-t'], env);
    expect(list.stdout).toContain('/r2/scan [sensor_msgs/msg/LaserScan]');
    replay.child.kill('SIGINT');
    expect((await replay.exited).code).toBe(0);
    expect(replay.stderr).toMatch(/replayed \d+ messages/);
  }, 120_000);

  it('a truncated or non-MCAP file, or an unknown --topics name, exits 2 saying what was expected and what came', async () => {
    const notMcap = await runOutpost(['bag', 'info', 'package.json']);
    expect(notMcap.code).toBe(2);
    expect(notMcap.stderr).toContain('package.json is not an MCAP file: expected the MCAP magic');
    expect(notMcap.stderr).toContain('got 7b 0a 20 20 22 6e 61 6d ("{.  "nam")');
    expect(notMcap.stderr).toContain('[OUTPOST_ERR_MCAP_FILE]');

    const cut = join(dir, 'cut.mcap');
    writeFileSync(cut, readFileSync(MISSION).subarray(0, 300));
    for (const cmd of [
      ['bag', 'info', cut],
      ['replay', cut],
    ]) {
      const r = await runOutpost(cmd, { OUTPOST_RUN_DIR: freshRunDir() });
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stderr).toContain('is truncated and holds nothing to recover: expected at least one complete chunk');
      expect(r.stderr).toContain('got 300 bytes');
    }
    const replayText = await runOutpost(['replay', 'README.md'], { OUTPOST_RUN_DIR: freshRunDir() });
    expect(replayText.code).toBe(2);
    expect(replayText.stderr).toContain('README.md is not an MCAP file');

    const unknownTopic = await runOutpost(['replay', MISSION, '--topics', '/r1/odom,/r9/odom'], {
      OUTPOST_RUN_DIR: freshRunDir(),
    });
    expect(unknownTopic.code).toBe(2);
    expect(unknownTopic.stderr).toMatch(/--topics: \/r9\/odom not in .*mission\.mcap; it has \/clock, /);
    expect(unknownTopic.stderr).toContain('[OUTPOST_ERR_RECORD_TOPIC]');
  }, 180_000);

  it('--topics records only the listed topics; a listed name that never appears exits 2 after the report', async () => {
    const only = join(dir, 'only.mcap');
    const r = await runOutpost([
      'sim',
      'launch/sim/explore.launch.yaml',
      'robots:=1',
      '--until',
      'time=5',
      '--record',
      only,
      '--topics',
      '/r1/odom,r1/nope',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('"reason"');
    expect(r.stderr).toContain('--record: waiting for /r1/nope (not on the bus yet)');
    expect(r.stderr).toMatch(/--topics: \/r1\/nope never appeared on the bus; expected names like \/clock, /);
    const rec = await McapRecording.open(only);
    expect([...rec.channels.values()].map((c) => c.topic)).toEqual(['/r1/odom']);
    expect(rec.summary.messageCount).toBeGreaterThan(10n);
    await rec.close();
  }, 90_000);
});

describe.skipIf(chromiumMissing() !== undefined)('outpost replay --serve', () => {
  it('drives the dashboard in a real Chromium: the recorded robots appear, move, and carry their telemetry', async () => {
    const replay = start(['replay', MISSION, '--serve', '--port', '0'], { OUTPOST_RUN_DIR: freshRunDir() });
    await replay.waitFor((p) => /dashboard: http:\/\/127\.0\.0\.1:\d+\//.test(p.stdout), 30_000, 'the URL');
    const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(replay.stdout)![1]!;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      const poses = () =>
        page.evaluate(() =>
          [
            ...(
              globalThis as unknown as {
                outpostDashboard: { state: { robots: Map<string, { x: number; y: number }> } };
              }
            ).outpostDashboard.state.robots.values(),
          ].map((r) => [r.x, r.y] as const),
        );
      await expect.poll(async () => (await poses()).length, { timeout: 30_000 }).toBe(2);
      const first = await poses();
      await expect
        .poll(
          async () =>
            (await poses()).filter((p, i) => Math.hypot(p[0] - first[i]![0], p[1] - first[i]![1]) > 0.3).length,
          { timeout: 30_000 },
        )
        .toBeGreaterThanOrEqual(1);
      // The recorded telemetry fills the cards (a policy latency only a telemetry record carries).
      await expect
        .poll(() => page.locator('.card[data-robot="r1"] [data-field="policy"]').textContent(), { timeout: 30_000 })
        .toMatch(/p50 [\d.]+/);
      await replay.waitFor((p) => p.stdout.includes('the dashboard stays up'), 60_000, 'the replay to end');
    } finally {
      await browser.close();
    }
    replay.child.kill('SIGINT');
    expect((await replay.exited).code).toBe(0);
  }, 120_000);
});

describe('crash safety', () => {
  it('a recording whose process is SIGKILLed mid-mission is recovered up to its last complete chunk', async () => {
    const file = join(dir, 'killed.mcap');
    // Real-time pace (speed:=1), so the mission is still running when it is killed.
    const sim = start(
      ['sim', 'launch/sim/explore.launch.yaml', 'robots:=1', 'speed:=1', '--until', 'time=300', '--record', file],
      { OUTPOST_RUN_DIR: freshRunDir() },
    );
    // Chunks reach the disk at least once a second: wait for a few, then kill without warning.
    await expect
      .poll(
        async () => {
          try {
            const r = await McapRecording.open(file);
            await r.close();
            return r.recovery?.chunks ?? 0;
          } catch {
            return 0;
          }
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(3);
    sim.child.kill('SIGKILL');
    expect((await sim.exited).signal).toBe('SIGKILL');

    const rec = await McapRecording.open(file);
    expect(rec.recovery).toBeDefined();
    expect(rec.recovery!.chunks).toBeGreaterThanOrEqual(3);
    const decoded = await decodeAll(rec);
    await rec.close();
    const total = [...decoded.values()].reduce((n, l) => n + l.length, 0);
    expect(BigInt(total)).toBe(rec.summary.messageCount);
    expect(decoded.get('/r1/odom')!.length).toBeGreaterThan(10);

    const info = await runOutpost(['bag', 'info', file]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(
      /Recovered: +yes: the writer did not close it; (no footer|truncated); read \d+ complete chunks/,
    );
    expect(info.stdout).toContain(`Messages:          ${total}`);
    expect(info.stderr).toContain('not closed by its writer; recovered');
    expect(statSync(file).size).toBeGreaterThan(0);
  }, 120_000);
});

describe('outpost launch --record', () => {
  it('records a launch in wall time and closes the file on Ctrl-C', async () => {
    const file = join(dir, 'demo.mcap');
    const before = BigInt(Date.now()) * 1_000_000n;
    const p = start(['launch', 'launch/demo.launch.yaml', '--record', file, '--compression', 'none'], {
      OUTPOST_RUN_DIR: freshRunDir(),
    });
    await p.waitFor((x) => x.logs().some((l) => String(l.msg).startsWith('launched')), 30_000, 'the launch');
    await new Promise((r) => setTimeout(r, 1500));
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    const rec = await McapRecording.open(file);
    await rec.close();
    expect(rec.recovery).toBeUndefined();
    expect([...rec.summary.compression]).toEqual(['none']);
    expect([...rec.channels.values()].map((c) => c.topic)).toEqual(expect.arrayContaining(['/demo/odom']));
    expect(rec.summary.startTime).toBeGreaterThanOrEqual(before);
    expect(rec.summary.endTime).toBeLessThan(BigInt(Date.now()) * 1_000_000n);
  }, 60_000);
});
