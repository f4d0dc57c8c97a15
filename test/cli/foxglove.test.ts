import { afterEach, describe, expect, it } from 'vitest';
import { FoxglovePeer } from '../helpers/FoxglovePeer.js';
import { freshRunDir, OutpostProcess, runOutpost } from '../helpers/OutpostProcess.js';

/**
 * Issue 15, "Done when": a Foxglove WebSocket client connects to a running simulated mission
 * (`outpost sim --foxglove`, a real child process), subscribes to /r1/odom and /r1/fleet/map and
 * decodes the CDR with the advertised schema (parsed by @foxglove/rosmsg, not our registry).
 */

interface Odometry {
  header: { stamp: { sec: number; nanosec: number }; frame_id: string };
  pose: { pose: { position: { x: number; y: number } } };
}
interface OccupancyGrid {
  header: { frame_id: string };
  info: { width: number; height: number; resolution: number };
  data: Int8Array;
}

const running: OutpostProcess[] = [];
const peers: FoxglovePeer[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
});

describe('outpost sim|launch --foxglove', () => {
  it('serves a running mission: /r1/odom moves and /r1/fleet/map carries a whole grid, both decoded with the advertised schema', async () => {
    // Twice real time for at most 120 sim seconds: the robots move while we watch; we stop it.
    const sim = new OutpostProcess(
      [
        'sim',
        'launch/sim/explore.launch.yaml',
        'robots:=2',
        'speed:=2',
        'policy:=nearest_frontier',
        '--until',
        'time=120',
        '--foxglove',
        '0',
      ],
      { OUTPOST_RUN_DIR: freshRunDir() },
    );
    running.push(sim);
    await sim.waitFor((p) => /foxglove: ws:\/\/127\.0\.0\.1:\d+ /.test(p.stdout), 30_000, 'the URL printed');
    expect(sim.stdout).toContain('(open in Foxglove: Open connection → Foxglove WebSocket)');
    const url = /foxglove: (ws:\/\/127\.0\.0\.1:\d+)/.exec(sim.stdout)![1]!;

    const peer = new FoxglovePeer(url, ['foxglove.sdk.v1']);
    peers.push(peer);
    await expect.poll(() => peer.serverInfo?.capabilities, { timeout: 10_000 }).toEqual(['time']);
    const odom = await peer.channel('/r1/odom');
    const map = await peer.channel('/r1/fleet/map');
    expect(odom).toMatchObject({ schemaName: 'nav_msgs/msg/Odometry', encoding: 'cdr', schemaEncoding: 'ros2msg' });
    expect(map).toMatchObject({ schemaName: 'nav_msgs/msg/OccupancyGrid', encoding: 'cdr', schemaEncoding: 'ros2msg' });
    const odomSub = peer.client.subscribe(odom.id);
    const mapSub = peer.client.subscribe(map.id);

    const of = (sub: number) => peer.messages.filter((m) => m.subscriptionId === sub);
    await expect.poll(() => of(mapSub).length, { timeout: 20_000, message: 'a merged map' }).toBeGreaterThan(0);
    // The robot drives: within a few sim seconds its odometry has moved by more than 10 cm.
    const moved = (): number => {
      const poses = of(odomSub).map((m) => (peer.decode(odom, m) as unknown as Odometry).pose.pose.position);
      if (poses.length < 2) return 0;
      return Math.hypot(poses.at(-1)!.x - poses[0]!.x, poses.at(-1)!.y - poses[0]!.y);
    };
    await expect.poll(moved, { timeout: 20_000, message: 'r1 moved' }).toBeGreaterThan(0.1);

    const first = peer.decode(odom, of(odomSub)[0]!) as unknown as Odometry;
    expect(first.header.frame_id).toBe('map');
    // Stamped with sim time: the receive time never runs backwards and is near the header's stamp.
    const stamps = of(odomSub).map((m) => m.timestamp);
    expect(stamps).toEqual([...stamps].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const headerNs = BigInt(first.header.stamp.sec) * 1_000_000_000n + BigInt(first.header.stamp.nanosec);
    const gap = of(odomSub)[0]!.timestamp - headerNs;
    expect(gap >= 0n && gap < 1_000_000_000n).toBe(true);

    const grid = peer.decode(map, of(mapSub).at(-1)!) as unknown as OccupancyGrid;
    expect(grid.info.width).toBeGreaterThan(10);
    expect(grid.info.height).toBeGreaterThan(10);
    expect(grid.data.length).toBe(grid.info.width * grid.info.height);
    expect(grid.info.resolution).toBeGreaterThan(0);
    const known = grid.data.filter((c) => c !== -1).length;
    expect(known).toBeGreaterThan(0); // the robots have mapped something
    expect(grid.data.every((c) => c === -1 || (c >= 0 && c <= 100))).toBe(true);

    sim.child.kill('SIGINT');
    const { code } = await sim.exited;
    expect(code).toBe(0);
  }, 90_000);

  it('outpost launch --foxglove serves topics published from another process (wall-clock stamps)', async () => {
    const launch = new OutpostProcess(
      [
        'launch',
        'launch/demo.launch.yaml',
        'separate_process:=true',
        '--foxglove',
        '0',
        '--foxglove-host',
        '127.0.0.1',
      ],
      { OUTPOST_RUN_DIR: freshRunDir() },
    );
    running.push(launch);
    await launch.waitFor((p) => /foxglove: ws:\/\/127\.0\.0\.1:\d+ /.test(p.stdout), 30_000, 'the URL printed');
    const url = /foxglove: (ws:\/\/127\.0\.0\.1:\d+)/.exec(launch.stdout)![1]!;
    const peer = new FoxglovePeer(url, ['foxglove.websocket.v1']);
    peers.push(peer);
    await expect.poll(() => peer.serverInfo?.capabilities, { timeout: 10_000 }).toEqual([]);
    // /demo/odom comes from the odometry node's own process, through the launch's bus socket.
    const odom = await peer.channel('/demo/odom');
    peer.client.subscribe(odom.id);
    await expect.poll(() => peer.messages.length, { timeout: 15_000 }).toBeGreaterThan(5);
    const xs = peer.messages.map((m) => (peer.decode(odom, m) as unknown as Odometry).pose.pose.position.x);
    expect(xs.at(-1)!).toBeGreaterThan(xs[0]!); // driving forward at 0.2 m/s
    const wallNs = BigInt(Date.now()) * 1_000_000n;
    const age = wallNs - peer.messages.at(-1)!.timestamp;
    expect(age > -1_000_000_000n && age < 30_000_000_000n).toBe(true);
    launch.child.kill('SIGINT');
    expect((await launch.exited).code).toBe(0);
  }, 60_000);

  it('refuses a bad port before anything starts', async () => {
    const r = await runOutpost(['sim', 'launch/sim/explore.launch.yaml', '--foxglove=99999'], {
      OUTPOST_RUN_DIR: freshRunDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--foxglove: expected a TCP port 0..65535 (0: any free one), got "99999" [OUTPOST_ERR_CLI_USAGE]',
    );
  });
});
