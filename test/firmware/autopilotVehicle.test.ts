import { afterEach, describe, expect, it } from 'vitest';
import { Node, yawFromQuaternion, type MessageOf } from '../../runtime/index.js';
import { VehicleAirframe } from '../../sim/firmware/Airframe.js';
import { SimAutopilot } from '../../sim/firmware/SimAutopilot.js';
import { mavlinkBridgeKind, type MavlinkBridgeNode } from '../../firmware-bridge/MavlinkBridgeNode.js';
import { DiffDriveVehicle } from '../../sim/vehicles/DiffDriveVehicle.js';
import { CELL_OCCUPIED, GridWorld } from '../../sim/world/GridWorld.js';
import { ptyRig } from './firmwareRig.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** 10 m × 6 m at 0.1 m, walled, with a wall across at x = 4 m. */
function corridor(): GridWorld {
  const w = new GridWorld({ width: 100, height: 60, resolution: 0.1, name: 'corridor' });
  for (let y = 0; y < 60; y++) {
    for (let x = 0; x < 100; x++) {
      if (x === 0 || y === 0 || x === 99 || y === 59 || x === 40) w.cells[y * 100 + x] = CELL_OCCUPIED;
    }
  }
  return w;
}

describe('simulated autopilot driving a simulator vehicle, through mavlink_bridge over a pty', () => {
  it('offboard velocity setpoints drive the diff-drive vehicle in its world; odometry follows it, walls stop it', async () => {
    const rig = await ptyRig('rover');
    cleanups.push(() => rig.close());
    const world = corridor();
    const vehicle = new DiffDriveVehicle({ pose: { x: 2, y: 3, yaw: 0 }, radius: 0.2, maxLinear: 1 }); // facing east
    const ap = new SimAutopilot(rig.firmwareLink, {
      airframe: new VehicleAirframe(vehicle, world),
      heartbeatPeriod: 0.25,
      telemetryPeriod: 0.02,
    });
    cleanups.push(ap.startRealtime(0.005));
    const bridge = mavlinkBridgeKind.create(rig.ctx, {
      name: 'mavlink_bridge',
      namespace: '/u1',
      remappings: [],
      parameterOverrides: { link: rig.bridgeUrl },
    }) as MavlinkBridgeNode;
    cleanups.push(() => bridge.shutdownAndDestroy());
    await bridge.configure();
    await bridge.activate();
    const probe = new Node('probe', '/u1', rig.ctx);
    const odom: MessageOf<'nav_msgs/msg/Odometry'>[] = [];
    probe.createSubscription('nav_msgs/msg/Odometry', 'odom', { qos: 100 }, (m) => {
      odom.push(m);
    });
    const cmd = probe.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel');
    await expect.poll(() => bridge.linkState, { message: 'link' }).toBe('connected');
    // Heading east: ENU yaw 0, NED yaw +90°.
    await expect.poll(() => odom.length, { message: 'first odometry' }).toBeGreaterThan(0);
    expect(yawFromQuaternion(odom.at(-1)!.pose.pose.orientation)).toBeCloseTo(0, 5);
    await bridge.arm(true);
    // Right after connecting: setMode lets the setpoint stream run first, else PX4 (and
    // SimAutopilot) answer TEMPORARILY_REJECTED.
    await bridge.setMode('OFFBOARD');

    const drive = setInterval(() => cmd.publish({ linear: { x: 0.8, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }), 20);
    cleanups.push(() => clearInterval(drive));
    await expect.poll(() => vehicle.velocity.linear, { timeout: 3000, message: 'cruising' }).toBeGreaterThan(0.7);
    const o = odom.at(-1)!;
    expect(o.twist.twist.linear.x).toBeGreaterThan(0.6);
    expect(Math.abs(o.pose.pose.position.y)).toBeLessThan(0.02);
    expect(o.pose.pose.position.x).toBeCloseTo(vehicle.pose.x - 2, 0);
    // The wall at x = 4 m stops the disc (radius 0.2) at ~3.8 m: 1.8 m from the start.
    await expect.poll(() => vehicle.collisions, { timeout: 6000, message: 'the wall' }).toBeGreaterThan(0);
    await expect
      .poll(() => Math.abs(odom.at(-1)!.twist.twist.linear.x), { timeout: 1000, message: 'odometry at rest' })
      .toBeLessThan(1e-3);
    expect(odom.at(-1)!.pose.pose.position.x).toBeGreaterThan(1.65);
    expect(odom.at(-1)!.pose.pose.position.x).toBeLessThan(1.81);
    expect(vehicle.pose.x).toBeLessThan(3.81);
    clearInterval(drive);

    // Turn left in place: the vehicle's yaw grows (CCW), and so does the odometry's.
    const turn = setInterval(() => cmd.publish({ linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 1.0 } }), 20);
    cleanups.push(() => clearInterval(turn));
    await expect
      .poll(() => vehicle.pose.yaw, { timeout: 3000, message: 'a quarter turn' })
      .toBeGreaterThan(Math.PI / 4);
    await expect
      .poll(() => Math.abs(yawFromQuaternion(odom.at(-1)!.pose.pose.orientation) - vehicle.pose.yaw), {
        timeout: 1000,
        message: 'odometry to agree',
      })
      .toBeLessThan(0.1);
    expect(odom.at(-1)!.twist.twist.angular.z).toBeGreaterThan(0.5);
  }, 20_000);
});
