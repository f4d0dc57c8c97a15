import { mkdtempSync } from 'node:fs';
import dgram from 'node:dgram';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import { Launcher } from '../../launch/Launcher.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Context, Node, type MessageOf } from '../../runtime/index.js';
import { SimAutopilot } from '../../sim/firmware/SimAutopilot.js';
import { mavlinkBridgeKind, type MavlinkBridgeNode } from '../../firmware-bridge/MavlinkBridgeNode.js';
import type { UdpLink } from '../../firmware-bridge/link/UdpLink.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A SITL-like TCP server (PX4/ArduPilot SITL listen on 5760): one simulated autopilot per connection. */
async function sitlServer() {
  const autopilots: SimAutopilot[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const listeners = new Set<(b: Uint8Array) => void>();
    socket.on('data', (b) => {
      for (const l of listeners) l(b);
    });
    const ap = new SimAutopilot({
      write: (b) => socket.write(b),
      onData: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    });
    const stop = ap.startRealtime(0.01);
    socket.on('close', () => {
      stop();
      sockets.delete(socket);
    });
    autopilots.push(ap);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    autopilots,
    dropClients: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('mavlink_bridge over TCP and UDP (SITL-style)', () => {
  it('connects, arms, and reconnects after the server drops the connection', async () => {
    const sitl = await sitlServer();
    cleanups.push(() => sitl.close());
    const ctx = new Context({ logger: pino({ level: 'silent' }) });
    cleanups.push(() => ctx.close());
    const bridge = mavlinkBridgeKind.create(ctx, {
      name: 'mavlink_bridge',
      namespace: '/d1',
      remappings: [],
      parameterOverrides: {
        link: `tcp://127.0.0.1:${sitl.port}`,
        command_timeout: 0.2,
        reconnect_initial_s: 0.02,
        reconnect_max_s: 0.1,
      },
    }) as MavlinkBridgeNode;
    cleanups.push(() => bridge.shutdownAndDestroy());
    await bridge.configure();
    await bridge.activate();
    await expect.poll(() => bridge.linkState, { message: 'heartbeat over TCP' }).toBe('connected');
    await bridge.arm(true);
    expect(sitl.autopilots[0]!.armed).toBe(true);
    sitl.dropClients(); // a SITL restart
    await expect.poll(() => bridge.linkState, { timeout: 2000, message: 'link down' }).toBe('down');
    await expect
      .poll(() => bridge.linkState === 'connected' && sitl.autopilots.length === 2, {
        timeout: 3000,
        message: 'reconnected to a fresh autopilot',
      })
      .toBe(true);
    await bridge.arm(true);
    expect(sitl.autopilots[1]!.armed).toBe(true);
  });

  it('launch/drone.launch.yaml starts a mavlink_bridge that reaches the autopilot', async () => {
    const sitl = await sitlServer();
    cleanups.push(() => sitl.close());
    const plan = loadLaunchFile('launch/drone.launch.yaml', {
      arguments: { drone: 'd7', link: `tcp://127.0.0.1:${sitl.port}` },
      registry: builtinNodeKinds(),
    });
    const launcher = new Launcher({
      plan,
      kinds: builtinNodeKinds(),
      logger: pino({ level: 'silent' }),
      runDir: mkdtempSync(join(tmpdir(), 'outpost-drone-')),
    });
    cleanups.push(() => launcher.stop());
    await launcher.start();
    const bridge = launcher.nodes.find((n) => n.name() === 'mavlink_bridge') as MavlinkBridgeNode;
    expect(bridge.getFullyQualifiedName()).toBe('/d7/mavlink_bridge');
    await expect.poll(() => bridge.linkState, { message: 'heartbeat' }).toBe('connected');
    await expect
      .poll(() => sitl.autopilots[0]?.heartbeatsHeard.length ?? 0, { message: 'our heartbeat at the autopilot' })
      .toBeGreaterThan(0);
    expect(sitl.autopilots[0]!.heartbeatsHeard[0]).toMatchObject({ componentId: 191, type: 18 });
    // The drone's telemetry node reports what the bridge hears from the autopilot.
    const records: MessageOf<'outpost_msgs/msg/RobotTelemetry'>[] = [];
    const watcher = new Node('watcher', '/test', launcher.context);
    cleanups.push(() => watcher.destroy());
    watcher.createSubscription('outpost_msgs/msg/RobotTelemetry', '/d7/telemetry', {}, (m) => {
      records.push(m);
    });
    await expect
      .poll(() => records.at(-1)?.mode ?? 'none', { timeout: 5000, message: 'a record with the flight mode' })
      .not.toMatch(/^(none|unknown)$/);
    expect(records.at(-1)).toMatchObject({ robot: 'd7', vehicle: 'multirotor', mode: bridge.mode });
  });

  it("udp:// (listening, as on PX4 SITL's offboard port): answers the autopilot that sends to it", async () => {
    const ctx = new Context({ logger: pino({ level: 'silent' }) });
    cleanups.push(() => ctx.close());
    const bridge = mavlinkBridgeKind.create(ctx, {
      name: 'mavlink_bridge',
      namespace: '/d2',
      remappings: [],
      parameterOverrides: { link: 'udp://127.0.0.1:0', command_timeout: 0.2 },
    }) as MavlinkBridgeNode;
    cleanups.push(() => bridge.shutdownAndDestroy());
    await bridge.configure();
    await bridge.activate();
    await bridge.link!.whenOpen(AbortSignal.timeout(2000));
    const port = (bridge.link as UdpLink).localPort!;
    // The autopilot side: a UDP socket sending to the bridge's port, one datagram per frame.
    const sock = dgram.createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const listeners = new Set<(b: Uint8Array) => void>();
    sock.on('message', (b) => {
      for (const l of listeners) l(b);
    });
    const ap = new SimAutopilot(
      {
        write: (b) => {
          sock.send(b, port, '127.0.0.1');
          return true;
        },
        onData: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      },
      { heartbeatPeriod: 0.25 },
    );
    cleanups.push(ap.startRealtime(0.01));
    await expect.poll(() => bridge.linkState, { message: 'heartbeat over UDP' }).toBe('connected');
    await bridge.arm(true);
    expect(ap.armed).toBe(true);
    await expect
      .poll(() => ap.heartbeatsHeard.some((h) => h.componentId === 191), { message: 'our heartbeats at the autopilot' })
      .toBe(true);
  });
});
