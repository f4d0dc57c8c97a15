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
import type { MotorBridgeNode } from '../../firmware-bridge/MotorBridgeNode.js';

let launcher: Launcher | undefined;
afterEach(async () => {
  await launcher?.stop();
  launcher = undefined;
});

describe('explore mission with firmware:=serial (motor_bridge ↔ socat pty ↔ simulated motor controller)', () => {
  it('drives the robots through their motor bridges and cleans up the ptys', async () => {
    const plan = loadLaunchFile('launch/sim/explore.launch.yaml', {
      arguments: { robots: '2', seed: '3', until_time: '20', firmware: 'serial' },
      registry: builtinNodeKinds(),
    });
    launcher = new Launcher({
      plan,
      kinds: builtinNodeKinds(),
      logger: pino({ level: 'silent' }),
      runDir: mkdtempSync(join(tmpdir(), 'outpost-mission-')),
    });
    await launcher.start();
    const sim = launcher.nodes.find((n) => n.name() === 'simulator') as SimulatorNode;
    const bridges = launcher.nodes.filter((n) => n.name() === 'motor_bridge') as MotorBridgeNode[];
    expect(bridges.map((b) => b.namespace())).toEqual(['/r1', '/r2']);
    const dir = sim.getParameter('firmware_dir').value as string;
    expect(existsSync(join(dir, 'r1-motor'))).toBe(true);
    const watcher = new Node('watcher', '/test', launcher.context);
    const wheelOdom: MessageOf<'nav_msgs/msg/Odometry'>[] = [];
    watcher.createSubscription('nav_msgs/msg/Odometry', '/r1/wheel_odom', { qos: 1000 }, (m) => {
      wheelOdom.push(m);
    });
    const report = await new Promise<MissionSummary>((resolve) => {
      watcher.createSubscription(
        'std_msgs/msg/String',
        '/sim/report',
        { qos: { durability: 'transient_local', depth: 1 } },
        (m) => resolve(JSON.parse(m.data) as MissionSummary),
      );
    });
    // The vehicles moved, and only the motor controllers could have moved them.
    expect(report.max_path_length_m).toBeGreaterThan(1);
    for (const b of bridges) {
      expect(b.parserStats.frames).toBeGreaterThan(50);
      expect(b.parserStats.crcErrors).toBe(0);
      expect(b.commandId).toBeGreaterThan(100);
    }
    // Encoder odometry came back over the pty and agrees with the path the simulator measured.
    expect(wheelOdom.length).toBeGreaterThan(20);
    const r1 = sim.vehicles[0]!;
    const last = wheelOdom.at(-1)!.pose.pose.position;
    expect(Math.hypot(last.x, last.y)).toBeLessThanOrEqual(r1.pathLength + 0.05);
    watcher.destroy();
    await launcher.stop();
    launcher = undefined;
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
