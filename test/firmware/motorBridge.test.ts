import { afterEach, describe, expect, it } from 'vitest';
import { Node, type MessageOf } from '../../runtime/index.js';
import { SimMotorController } from '../../sim/firmware/SimMotorController.js';
import { motorBridgeKind, type MotorBridgeNode } from '../../firmware-bridge/MotorBridgeNode.js';
import { MOTOR_FAULT } from '../../firmware-bridge/motor/MotorProtocol.js';
import { ptyRig } from './firmwareRig.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(params: Record<string, unknown> = {}) {
  const rig = await ptyRig('motor');
  cleanups.push(() => rig.close());
  const geometry = { wheelRadius: 0.05, wheelSeparation: 0.3 };
  const fw = new SimMotorController(rig.firmwareLink, {
    ...geometry,
    ticksPerRev: 4096,
    watchdogTimeout: 0.3,
    reportPeriod: 0.02,
  });
  cleanups.push(fw.startRealtime(0.005));
  const bridge = motorBridgeKind.create(rig.ctx, {
    name: 'motor_bridge',
    namespace: '/r1',
    remappings: [],
    parameterOverrides: {
      link: rig.bridgeUrl,
      wheel_radius: 0.05,
      wheel_separation: 0.3,
      ticks_per_rev: 4096,
      cmd_vel_timeout: 0.2,
      command_hz: 50,
      reconnect_initial_s: 0.02,
      reconnect_max_s: 0.1,
      ...params,
    },
  }) as MotorBridgeNode;
  cleanups.push(() => bridge.shutdownAndDestroy());
  await bridge.configure();
  await bridge.activate();
  const probe = new Node('probe', '/r1', rig.ctx);
  const cmd = probe.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel');
  const odom: MessageOf<'nav_msgs/msg/Odometry'>[] = [];
  const status: MessageOf<'outpost_msgs/msg/MotorStatus'>[] = [];
  const battery: MessageOf<'sensor_msgs/msg/BatteryState'>[] = [];
  probe.createSubscription('nav_msgs/msg/Odometry', 'odom', { qos: 100 }, (m) => {
    odom.push(m);
  });
  probe.createSubscription('sensor_msgs/msg/BatteryState', 'battery', {}, (m) => {
    battery.push(m);
  });
  probe.createSubscription(
    'outpost_msgs/msg/MotorStatus',
    'motor_bridge/status',
    { qos: { durability: 'transient_local', depth: 1 } },
    (m) => {
      status.push(m);
    },
  );
  const drive = (v: number, w: number) => cmd.publish({ linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: w } });
  return { rig, fw, bridge, drive, odom, status, battery };
}

describe('motor_bridge over a socat pty pair', () => {
  it('turns cmd_vel into wheel speeds, and encoder ticks back into odometry', async () => {
    const s = await setup();
    await expect.poll(() => s.bridge.link?.state, { message: 'the link to open' }).toBe('open');
    const t0 = Date.now();
    const timer = setInterval(() => s.drive(0.5, 1.0), 20);
    cleanups.push(() => clearInterval(timer));
    await expect.poll(() => s.fw.commandsReceived, { message: 'the firmware to get commands' }).toBeGreaterThan(5);
    const tw = s.fw.commandedTwist(s.fw.now);
    expect(tw.linear).toBeCloseTo(0.5, 5);
    expect(tw.angular).toBeCloseTo(1.0, 5);
    await expect.poll(() => Date.now() - t0 > 600 && s.odom.length > 10, { message: '0.5 s of odometry' }).toBe(true);
    const last = s.odom.at(-1)!;
    expect(last.header.frame_id).toBe('odom');
    expect(last.child_frame_id).toBe('base_link');
    expect(last.twist.twist.linear.x).toBeCloseTo(0.5, 1);
    expect(last.twist.twist.angular.z).toBeCloseTo(1.0, 1);
    // Turning left at 1 rad/s from yaw 0: y grows, x grows.
    expect(last.pose.pose.position.x).toBeGreaterThan(0.1);
    expect(last.pose.pose.position.y).toBeGreaterThan(0.02);
    await expect.poll(() => s.battery.length, { message: 'a battery report' }).toBeGreaterThan(0);
    expect(s.battery[0]!.voltage).toBeCloseTo(12.6, 1);
    expect(s.bridge.parserStats.crcErrors).toBe(0);
  });

  it('watchdog: when cmd_vel goes silent the bridge commands zero and the wheels stop', async () => {
    const s = await setup();
    await expect.poll(() => s.bridge.link?.state, { message: 'the link to open' }).toBe('open');
    const timer = setInterval(() => s.drive(0.4, 0), 20);
    await expect
      .poll(() => s.odom.at(-1)?.twist.twist.linear.x ?? 0, { message: 'the wheels to turn' })
      .toBeGreaterThan(0.35);
    clearInterval(timer);
    const silentAt = Date.now();
    await expect
      .poll(() => s.status.at(-1)?.watchdog_stopped, { timeout: 1000, message: 'the bridge watchdog' })
      .toBe(true);
    // Not before cmd_vel_timeout (0.2 s after the last cmd_vel, ≤ 20 ms before silentAt), and soon after
    // (one 20 ms command period, plus scheduling slack on a loaded 2-core CI box).
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(150);
    expect(Date.now() - silentAt).toBeLessThan(800);
    await expect
      .poll(() => Math.abs(s.odom.at(-1)!.twist.twist.linear.x), { timeout: 1000, message: 'the wheels to stop' })
      .toBeLessThan(1e-6);
    expect(s.status.at(-1)!.left_command).toBe(0);
    // The bridge keeps feeding zeros: the controller's own watchdog does not trip.
    expect(s.fw.faults & MOTOR_FAULT.WATCHDOG).toBe(0);
  });

  it("the controller's own watchdog stops the wheels when the bridge goes away mid-drive", async () => {
    const s = await setup();
    await expect.poll(() => s.bridge.link?.state, { message: 'the link to open' }).toBe('open');
    const timer = setInterval(() => s.drive(0.4, 0), 20);
    cleanups.push(() => clearInterval(timer));
    await expect
      .poll(() => s.fw.commandedTwist(s.fw.now).linear, { message: 'the wheels to turn' })
      .toBeGreaterThan(0.39);
    await s.bridge.link!.close(); // the host side dies: no more frames of any kind
    await expect
      .poll(() => (s.fw.faults & MOTOR_FAULT.WATCHDOG) !== 0, { timeout: 1000, message: 'the controller watchdog' })
      .toBe(true);
    expect(s.fw.commandedTwist(s.fw.now).linear).toBe(0);
  });
});

describe('motor_bridge unplug and replug', () => {
  it('reports the link down, reconnects and drives again', async () => {
    const s = await setup();
    await expect.poll(() => s.bridge.link?.state, { message: 'the link to open' }).toBe('open');
    const timer = setInterval(() => s.drive(0.3, 0), 20);
    cleanups.push(() => clearInterval(timer));
    await expect
      .poll(() => s.fw.commandedTwist(s.fw.now).linear, { message: 'the wheels to turn' })
      .toBeGreaterThan(0.29);
    await s.rig.pair.stop();
    await expect.poll(() => s.status.at(-1)?.link_open, { timeout: 2000, message: 'status: link down' }).toBe(false);
    // The controller hears nothing now: its own watchdog stops the wheels.
    await expect
      .poll(() => s.fw.commandedTwist(s.fw.now).linear, { timeout: 1500, message: 'controller watchdog' })
      .toBe(0);
    const before = s.fw.commandsReceived;
    await s.rig.pair.start();
    await expect.poll(() => s.status.at(-1)?.link_open, { timeout: 3000, message: 'status: link open' }).toBe(true);
    await expect
      .poll(() => s.fw.commandsReceived, { timeout: 3000, message: 'commands again' })
      .toBeGreaterThan(before + 5);
    await expect
      .poll(() => s.fw.commandedTwist(s.fw.now).linear, { timeout: 2000, message: 'driving again' })
      .toBeGreaterThan(0.29);
    expect(s.bridge.link!.stats.reconnects).toBe(1);
  });
});
