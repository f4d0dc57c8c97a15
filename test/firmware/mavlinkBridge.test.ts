import { afterEach, describe, expect, it } from 'vitest';
import { Node, isOutpostError, type MessageOf } from '../../runtime/index.js';
import { SimAutopilot } from '../../sim/firmware/SimAutopilot.js';
import { mavlinkBridgeKind, type MavlinkBridgeNode } from '../../firmware-bridge/MavlinkBridgeNode.js';
import { MavlinkEncoder } from '../../firmware-bridge/mavlink/MavlinkEncoder.js';
import { HEARTBEAT, LOCAL_POSITION_NED } from '../../firmware-bridge/mavlink/MavlinkMessages.js';
import { MAV_CMD, PX4_MAIN_MODE } from '../../firmware-bridge/mavlink/MavlinkEnums.js';
import { ptyRig } from './firmwareRig.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  params: Record<string, unknown> = {},
  signing?: { key: Uint8Array; linkId: number },
  logLines?: string[],
) {
  const rig = await ptyRig('mavlink', logLines);
  cleanups.push(() => rig.close());
  // Heartbeats at 4 Hz keep the mode-confirmation waits short; the link-loss test does not depend on it.
  const ap = new SimAutopilot(rig.firmwareLink, {
    telemetryPeriod: 0.02,
    heartbeatPeriod: 0.25,
    ...(signing ? { signing } : {}),
  });
  cleanups.push(ap.startRealtime(0.005));
  const bridge = mavlinkBridgeKind.create(rig.ctx, {
    name: 'mavlink_bridge',
    namespace: '/d1',
    remappings: [],
    parameterOverrides: {
      link: rig.bridgeUrl,
      link_timeout: 1.5,
      command_timeout: 0.2,
      reconnect_initial_s: 0.02,
      reconnect_max_s: 0.1,
      ...params,
    },
  }) as MavlinkBridgeNode;
  cleanups.push(() => bridge.shutdownAndDestroy());
  await bridge.configure();
  await bridge.activate();
  const probe = new Node('probe', '/d1', rig.ctx);
  const out = {
    odom: [] as MessageOf<'nav_msgs/msg/Odometry'>[],
    fix: [] as MessageOf<'sensor_msgs/msg/NavSatFix'>[],
    battery: [] as MessageOf<'sensor_msgs/msg/BatteryState'>[],
    status: [] as Array<MessageOf<'outpost_msgs/msg/VehicleStatus'> & { wallMs: number }>,
  };
  probe.createSubscription('nav_msgs/msg/Odometry', 'odom', { qos: 100 }, (m) => {
    out.odom.push(m);
  });
  probe.createSubscription('sensor_msgs/msg/NavSatFix', 'gps/fix', { qos: 100 }, (m) => {
    out.fix.push(m);
  });
  probe.createSubscription('sensor_msgs/msg/BatteryState', 'battery', { qos: 10 }, (m) => {
    out.battery.push(m);
  });
  probe.createSubscription(
    'outpost_msgs/msg/VehicleStatus',
    'mavlink_bridge/status',
    { qos: { durability: 'transient_local', depth: 1 } },
    (m) => {
      out.status.push({ ...m, wallMs: Date.now() });
    },
  );
  const cmdVel = probe.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel');
  const twist = (vx: number, wz: number) =>
    cmdVel.publish({ linear: { x: vx, y: 0, z: 0 }, angular: { x: 0, y: 0, z: wz } });
  await expect.poll(() => bridge.linkState, { message: 'the autopilot heartbeat' }).toBe('connected');
  return { rig, ap, bridge, out, twist };
}

describe('mavlink_bridge ↔ simulated autopilot over a socat pty pair', () => {
  it('arm → OFFBOARD → velocity setpoints → telemetry back in ENU/FLU', async () => {
    const { ap, bridge, out, twist } = await setup();
    // Our heartbeat: onboard controller, compid 191.
    await expect
      .poll(() => ap.heartbeatsHeard.length, { message: 'our heartbeat at the autopilot' })
      .toBeGreaterThan(0);
    expect(ap.heartbeatsHeard[0]).toMatchObject({ systemId: 1, componentId: 191, type: 18, autopilot: 8 });

    await bridge.arm(true);
    expect(ap.armed).toBe(true);
    await expect.poll(() => bridge.armed, { message: 'the armed heartbeat' }).toBe(true);
    await bridge.setMode('OFFBOARD');
    expect(ap.mainMode).toBe(PX4_MAIN_MODE.OFFBOARD);
    expect(bridge.mode).toBe('OFFBOARD');

    const sp0 = ap.setpointsReceived;
    const t0 = Date.now();
    const timer = setInterval(() => twist(1.0, 0), 20);
    cleanups.push(() => clearInterval(timer));
    await new Promise((r) => setTimeout(r, 1200));
    clearInterval(timer);
    const rate = (ap.setpointsReceived - sp0) / ((Date.now() - t0) / 1000);
    expect(rate).toBeGreaterThan(5); // 10 Hz configured; PX4 needs > 2 Hz
    // Heading north (NED yaw 0) is ENU yaw +90°: body-forward 1 m/s moves +y in ENU.
    expect(ap.position.n).toBeGreaterThan(0.5);
    const o = out.odom.at(-1)!;
    expect(o.header.frame_id).toBe('odom');
    expect(o.pose.pose.position.y).toBeGreaterThan(0.5);
    expect(Math.abs(o.pose.pose.position.x)).toBeLessThan(0.05);
    expect(o.pose.pose.orientation.z).toBeCloseTo(Math.SQRT1_2, 3); // yaw +90° about z
    expect(o.twist.twist.linear.x).toBeGreaterThan(0.8); // body frame: forward
    expect(Math.abs(o.twist.twist.linear.y)).toBeLessThan(0.05);
    expect(out.fix.at(-1)!.latitude).toBeGreaterThan(out.fix[0]!.latitude);
    expect(out.battery.at(-1)!.voltage).toBeCloseTo(16.2, 1);
    expect(out.battery.at(-1)!.cell_voltage).toHaveLength(4);

    // Turning left (CCW in ENU, +angular.z) is a negative NED yaw rate.
    const spin = setInterval(() => twist(0, 0.5), 20);
    cleanups.push(() => clearInterval(spin));
    await expect.poll(() => ap.yaw, { timeout: 3000, message: 'the yaw to change' }).toBeLessThan(-0.1);
    await expect
      .poll(() => out.odom.at(-1)?.twist.twist.angular.z ?? 0, { timeout: 1000, message: 'odom to report the turn' })
      .toBeGreaterThan(0.3);
    clearInterval(spin);
    const st = out.status.at(-1)!;
    expect(st).toMatchObject({ link_state: 'connected', armed: true, mode: 'OFFBOARD', crc_errors: 0 });

    // The stream stops (bridge deactivated): the autopilot leaves OFFBOARD, and we see it.
    await bridge.deactivate();
    await expect
      .poll(() => ap.offboardFailsafes, { timeout: 2000, message: 'the offboard failsafe' })
      .toBeGreaterThan(0);
    await bridge.activate();
    await expect
      .poll(() => bridge.mode, { timeout: 2000, message: 'the mode change in the heartbeat' })
      .toBe('AUTO.LOITER');
  });

  it('survives garbage, truncated frames, bad CRCs and a 70 kB burst, counting them', async () => {
    const logs: string[] = [];
    const { rig, bridge, out } = await setup({}, undefined, logs);
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 1 });
    const good = () => enc.encode(LOCAL_POSITION_NED, { time_boot_ms: 1, x: 1, y: 2, z: -3 });
    const bad = good();
    bad[15] ^= 0xff;
    const truncated = enc.encode(HEARTBEAT, { type: 2, autopilot: 12 }).subarray(0, 9);
    const burst = Buffer.from(Array.from({ length: 70_000 }, (_, i) => ((i * 2654435761) >>> 24) & 0xff));
    const lostBefore = out.status.filter((s) => s.link_state !== 'connected').length;
    rig.firmwareLink.write(
      Buffer.concat([Buffer.from('garbage\r\n'), truncated, good(), bad, good(), burst, truncated]),
    );
    const framesBefore = bridge.parserStats.frames;
    await expect
      .poll(() => bridge.parserStats.frames > framesBefore + 50 && bridge.parserStats.bytes > 70_000, {
        timeout: 5000,
        message: 'frames after the burst',
      })
      .toBe(true);
    const s = bridge.parserStats;
    // The bad CRC is one; the truncated heartbeat runs into the next frame and fails either its CRC
    // or (when the next frame's 0xFD lands in its msgid) is skipped whole as an unknown message.
    expect(s.crcErrors).toBeGreaterThanOrEqual(1);
    expect(s.crcErrors + s.unknownMessages).toBeGreaterThanOrEqual(2);
    expect(s.discardedBytes).toBeGreaterThan(60_000);
    expect(s.lastError).toMatch(/expected .+, got /);
    // The link never looked lost and telemetry still flows.
    expect(out.status.filter((st) => st.link_state !== 'connected').length).toBe(lostBefore);
    const n = out.odom.length;
    await expect.poll(() => out.odom.length, { message: 'more odometry' }).toBeGreaterThan(n + 5);
    await expect
      .poll(() => (out.status.at(-1)?.crc_errors ?? 0) >= 1 && out.status.at(-1)!.discarded_bytes > 60_000, {
        timeout: 2000,
        message: 'a status with the counts',
      })
      .toBe(true);
    // …and one logged line says so (not one per bad frame).
    await expect
      .poll(() => logs.some((l) => l.includes('bad frame(s) dropped; last: ')), {
        timeout: 2000,
        message: 'a logged drop',
      })
      .toBe(true);
    expect(logs.filter((l) => l.includes('bad frame(s) dropped')).length).toBeLessThanOrEqual(2); // the burst may straddle one 1 s tick
  });

  it('unplug (socat killed) and replug: the bridge reports the link down, reconnects and resumes', async () => {
    const { rig, ap, bridge, out } = await setup();
    await rig.pair.stop();
    await expect.poll(() => out.status.at(-1)?.link_state, { timeout: 2000, message: 'link down' }).toBe('down');
    expect(bridge.link!.write(new Uint8Array(1))).toBe(false);
    await rig.pair.start();
    await rig.firmwareLink.whenOpen(AbortSignal.timeout(3000));
    await expect.poll(() => bridge.linkState, { timeout: 4000, message: 'link connected again' }).toBe('connected');
    expect(bridge.link!.stats.reconnects).toBe(1);
    const n = out.odom.length;
    await expect.poll(() => out.odom.length, { message: 'telemetry to resume' }).toBeGreaterThan(n + 5);
    await bridge.arm(true);
    expect(ap.armed).toBe(true);
  });

  it('raises link lost within link_timeout when the autopilot heartbeat stops', async () => {
    const { ap, out } = await setup({ link_timeout: 1.0 });
    const silentAt = Date.now();
    ap.silent = true;
    await expect.poll(() => out.status.at(-1)?.link_state, { timeout: 2500, message: 'link lost' }).toBe('lost');
    // The last heartbeat came at most one heartbeat period (0.25 s) before silentAt; lost is due
    // link_timeout after it, seen by the 0.1 s link check. Not before, and not much after.
    const lostAfter = out.status.at(-1)!.wallMs - silentAt;
    expect(lostAfter).toBeGreaterThanOrEqual(1000 - 250 - 20);
    expect(lostAfter).toBeLessThanOrEqual(1000 + 100 + 400); // + check period + scheduling slack on a loaded 2-core box
    expect(out.status.at(-1)!.seconds_since_heartbeat).toBeGreaterThan(1.0);
    ap.silent = false;
    await expect.poll(() => out.status.at(-1)?.link_state, { timeout: 2000, message: 'link back' }).toBe('connected');
  });

  it('retries commands without ACK, fails on refusal and on no ACK, and confirms modes from the heartbeat', async () => {
    const { ap, bridge } = await setup({ command_retries: 3, mode_confirm_timeout: 2.5 });
    ap.dropCommands = 2;
    await bridge.arm(true);
    expect(
      ap.commandsReceived.filter((c) => c.command === MAV_CMD.COMPONENT_ARM_DISARM).map((c) => c.confirmation),
    ).toEqual([0, 1, 2]);

    ap.refuseModes = 2;
    const denied = await bridge.setMode('POSCTL').catch((e: unknown) => e);
    expect(isOutpostError(denied, 'OUTPOST_ERR_FIRMWARE_COMMAND')).toBe(true);
    expect((denied as Error).message).toBe(
      'COMMAND_LONG 176 (DO_SET_MODE): expected ACCEPTED, the autopilot answered DENIED (2)',
    );
    ap.refuseModes = undefined;

    // PX4 refuses OFFBOARD without a setpoint stream; ours streams from activation, so it is accepted.
    // The ACK comes at once but the mode changes 0.3 s later: setMode waits for the heartbeat.
    ap.modeChangeDelay = 0.3;
    const t0 = Date.now();
    await bridge.setMode('OFFBOARD');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(bridge.mode).toBe('OFFBOARD');

    ap.dropCommands = 100;
    const noAck = await bridge.arm(false).catch((e: unknown) => e);
    expect((noAck as Error).message).toBe(
      'COMMAND_LONG 400 (COMPONENT_ARM_DISARM): expected a COMMAND_ACK, got none after 4 attempts 0.2 s apart',
    );
    await expect(bridge.setMode('WARP')).rejects.toThrow(/expected a PX4 mode such as MANUAL, ALTCTL, POSCTL/);
  });

  it('signs and checks signatures end to end when both sides share a key', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 7) & 0xff);
    const { ap, bridge, rig } = await setup(
      { signing_key: Buffer.from(key).toString('hex'), signing_link_id: 2 },
      { key, linkId: 1 },
    );
    await bridge.arm(true);
    expect(ap.armed).toBe(true);
    expect(ap.parser.stats.badSignatures).toBe(0);
    expect(bridge.parserStats.badSignatures).toBe(0);
    await expect.poll(() => bridge.armed, { timeout: 2000, message: 'the signed, armed heartbeat' }).toBe(true);
    // Unsigned frames injected on the autopilot's side are refused and counted by the bridge.
    rig.firmwareLink.write(
      new MavlinkEncoder({ systemId: 1, componentId: 1 }).encode(HEARTBEAT, { type: 2, autopilot: 12, base_mode: 0 }),
    );
    await expect.poll(() => bridge.parserStats.badSignatures, { message: 'the unsigned frame to be refused' }).toBe(1);
    expect(bridge.parserStats.lastError).toBe('HEARTBEAT: signed frame expected, got an unsigned one');
    expect(bridge.armed).toBe(true); // the forged "disarmed" heartbeat was not believed
  });
});
