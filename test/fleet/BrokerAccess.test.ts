import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import { FleetSender } from '../../runtime/fleet/FleetSender.js';
import {
  FLEET,
  encodeText,
  password,
  quietLogger,
  registry,
  startBroker,
  startReceiver,
  testRoutes,
  type TestBroker,
} from './fleetHarness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client(broker: TestBroker, username: string, pw: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker.url, {
    username,
    password: pw,
    protocolVersion: broker.protocolVersion,
    reconnectPeriod: 0,
    connectTimeout: 3000,
  });
  cleanups.push(() => c.endAsync(true));
  return c;
}

// One contract, run on both brokers: the embedded Aedes must enforce what Mosquitto's ACL file does.
describe.each(['aedes', 'mosquitto'] as const)('fleet broker access on %s', (kind) => {
  it('refuses a wrong password and an unknown user', async () => {
    const broker = await startBroker(kind);
    cleanups.push(() => broker.close());
    await expect(client(broker, 'r1', 'wrong')).rejects.toThrow(
      /not authori[sz]ed|bad user ?name or password|Connection refused/i,
    );
    await expect(client(broker, 'intruder', 'x')).rejects.toThrow(
      /not authori[sz]ed|bad user ?name or password|Connection refused/i,
    );
    const ok = await client(broker, 'r1', password('r1'));
    expect(ok.connected).toBe(true);
  });

  it("r1 cannot publish into r2's namespace: a subscriber never sees it, r1's own namespace works", async () => {
    const broker = await startBroker(kind);
    cleanups.push(() => broker.close());
    const watcher = await client(broker, 'gs', password('gs'));
    const seen: string[] = [];
    watcher.on('message', (topic, payload) => seen.push(`${topic}=${payload.toString()}`));
    await watcher.subscribeAsync('outpost/f/#', { qos: 1 });
    const r1 = await client(broker, 'r1', password('r1'));
    r1.on('error', () => undefined);
    // Mosquitto acks and drops it (MQTT 5: reason 0x87); Aedes refuses and closes r1's connection.
    const closed = new Promise<string>((resolve) => r1.once('close', () => resolve('closed')));
    const outcome = await Promise.race([
      r1.publishAsync('outpost/f/r2/events', 'forged', { qos: 1 }).then(
        (p) => `acked ${p?.cmd === 'puback' ? (p.reasonCode ?? 0) : 0}`,
        (e: Error) => `refused: ${e.message}`,
      ),
      closed,
    ]);
    if (kind === 'aedes') expect(outcome).toBe('closed');
    else expect(outcome).toMatch(/^refused: .*(Not authorized|135)/i); // PUBACK reason 0x87
    const r1b = await client(broker, 'r1', password('r1'));
    await r1b.publishAsync('outpost/f/r1/events', 'mine', { qos: 1 });
    await expect
      .poll(() => seen.length, { timeout: 5000, message: 'the legitimate message' })
      .toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['outpost/f/r1/events=mine']);
  });

  it('the read-only groundstation login subscribes, but its publishes into the fleet are refused', async () => {
    const broker = await startBroker(kind);
    cleanups.push(() => broker.close());
    const watcher = await client(broker, 'gs', password('gs'));
    const seen: string[] = [];
    watcher.on('message', (topic, payload) => seen.push(`${topic}=${payload.toString()}`));
    await watcher.subscribeAsync('outpost/f/#', { qos: 1 });
    const station = await client(broker, 'groundstation', password('groundstation'));
    const granted = await station.subscribeAsync('outpost/f/+/#', { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
    const got: string[] = [];
    station.on('message', (topic) => got.push(topic));
    for (const topic of ['outpost/f/r1/fleet_map_tiles', 'outpost/f/groundstation/telemetry']) {
      const c = await client(broker, 'groundstation', password('groundstation'));
      c.on('error', () => undefined);
      const closed = new Promise<string>((resolve) => c.once('close', () => resolve('closed')));
      const outcome = await Promise.race([
        c.publishAsync(topic, 'forged', { qos: 1 }).then(
          (p) => `acked ${p?.cmd === 'puback' ? (p.reasonCode ?? 0) : 0}`,
          (e: Error) => `refused: ${e.message}`,
        ),
        closed,
      ]);
      if (kind === 'aedes') expect(outcome, topic).toBe('closed');
      else expect(outcome, topic).toMatch(/^refused: .*(Not authorized|135)/i);
    }
    // Its own acks are the one thing it may write (its receiver needs them); a robot's data still flows to it.
    await station.publishAsync('outpost/f/groundstation/~ack/r1', Buffer.alloc(8), { qos: 1 });
    const r1 = await client(broker, 'r1', password('r1'));
    await r1.publishAsync('outpost/f/r1/telemetry', 'health', { qos: 1 });
    await expect.poll(() => got, { timeout: 5000 }).toContain('outpost/f/r1/telemetry');
    await expect.poll(() => seen.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.sort()).toEqual([
      `outpost/f/groundstation/~ack/r1=${'\u0000'.repeat(8)}`,
      'outpost/f/r1/telemetry=health',
    ]);
  });

  it('garbage, truncated and oversized envelopes are counted and dropped; the link keeps delivering', async () => {
    const broker = await startBroker(kind);
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker);
    cleanups.push(() => receiver.close());
    const r1 = await client(broker, 'r1', password('r1'));
    await r1.publishAsync('outpost/f/r1/events', Buffer.from('not an envelope at all, just text'), { qos: 1 });
    await r1.publishAsync('outpost/f/r1/events', Buffer.from([0x4f, 0x46, 1, 1, 0, 0]), { qos: 1 });
    await r1.publishAsync('outpost/f/r1/events', Buffer.alloc(9 * 1024 * 1024, 0x4f), { qos: 1 });
    const outbox = new FleetOutbox({ path: ':memory:', routes: testRoutes() });
    cleanups.push(() => outbox.close());
    const sender = new FleetSender({
      outbox,
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url: broker.url,
      username: 'r1',
      password: password('r1'),
      protocolVersion: broker.protocolVersion,
      logger: quietLogger,
    });
    cleanups.push(() => sender.close());
    sender.start();
    outbox.enqueue('r1/events', encodeText('r1/events:0'));
    sender.kick();
    await expect.poll(() => got.length, { timeout: 10_000, message: 'the good message after the bad ones' }).toBe(1);
    expect(receiver.stats.malformed).toBe(3);
    expect(got[0]!.text).toBe('r1/events:0');
  });
});
