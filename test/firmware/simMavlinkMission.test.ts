import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import { Launcher } from '../../launch/Launcher.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { Node } from '../../runtime/Node.js';
import type { MessageOf } from '../../runtime/index.js';
import type { MissionSummary } from '../../sim/MissionReport.js';
import type { SimulatorNode } from '../../sim/SimulatorNode.js';
import type { MavlinkBridgeNode } from '../../firmware-bridge/MavlinkBridgeNode.js';

let launcher: Launcher | undefined;
afterEach(async () => {
  await launcher?.stop();
  launcher = undefined;
});

describe('explore mission with firmware:=mavlink (mavlink_bridge ↔ socat pty ↔ simulated autopilot on the vehicle)', () => {
  it('arms, enters OFFBOARD and drives the robots through their autopilots', async () => {
    const plan = loadLaunchFile('launch/sim/explore.launch.yaml', {
      arguments: { robots: '2', seed: '3', until_time: '20', firmware: 'mavlink' },
      registry: builtinNodeKinds(),
    });
    launcher = new Launcher({
      plan,
      kinds: builtinNodeKinds(),
      logger: pino({ level: process.env.FW_DEBUG ? 'info' : 'silent' }),
      runDir: mkdtempSync(join(tmpdir(), 'outpost-mission-')),
    });
    await launcher.start();
    const sim = launcher.nodes.find((n) => n.name() === 'simulator') as SimulatorNode;
    const bridges = launcher.nodes.filter((n) => n.name() === 'mavlink_bridge') as MavlinkBridgeNode[];
    expect(bridges.map((b) => b.namespace())).toEqual(['/r1', '/r2']);
    const dir = sim.getParameter('firmware_dir').value as string;
    const watcher = new Node('watcher', '/test', launcher.context);
    const fcOdom: MessageOf<'nav_msgs/msg/Odometry'>[] = [];
    const status: MessageOf<'outpost_msgs/msg/VehicleStatus'>[] = [];
    watcher.createSubscription('nav_msgs/msg/Odometry', '/r1/fc/odom', { qos: 1000 }, (m) => {
      fcOdom.push(m);
    });
    watcher.createSubscription(
      'outpost_msgs/msg/VehicleStatus',
      '/r1/mavlink_bridge/status',
      { qos: { durability: 'transient_local', depth: 1 } },
      (m) => {
        status.push(m);
      },
    );
    const report = await new Promise<MissionSummary>((resolve) => {
      watcher.createSubscription(
        'std_msgs/msg/String',
        '/sim/report',
        { qos: { durability: 'transient_local', depth: 1 } },
        (m) => resolve(JSON.parse(m.data) as MissionSummary),
      );
    });
    if (process.env.FW_DEBUG)
      console.log(
        JSON.stringify(report),
        status.at(-1),
        bridges.map((b) => [b.linkState, b.armed, b.mode, b.setpointsSent, b.parserStats]),
      );
    expect(status.some((s) => s.armed && s.mode === 'OFFBOARD' && s.link_state === 'connected')).toBe(true);
    expect(report.max_path_length_m).toBeGreaterThan(1);
    for (const b of bridges) expect(b.parserStats.crcErrors).toBe(0);
    // The autopilot's odometry (about its start, ENU) came back over the pty and matches the vehicle.
    expect(fcOdom.length).toBeGreaterThan(20);
    const v = sim.vehicles[0]!;
    const last = fcOdom.at(-1)!.pose.pose.position;
    expect(Math.hypot(last.x, last.y)).toBeLessThanOrEqual(v.pathLength + 0.05);
    watcher.destroy();
    await launcher.stop();
    launcher = undefined;
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
