import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { EmbeddedBroker } from '../../runtime/fleet/EmbeddedBroker.js';
import { FleetAccess, type FleetUser } from '../../runtime/fleet/FleetAccess.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { FleetInbox } from '../../runtime/fleet/FleetInbox.js';
import { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import { defineRoute, type FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import { MosquittoBroker } from '../../runtime/fleet/testing/MosquittoBroker.js';

/** Shared setup of the fleet tests (and of the crash-test child process). */
export const FLEET = 'f';
export const USERS: FleetUser[] = [
  { username: 'r1', password: 'pw-r1' },
  { username: 'r2', password: 'pw-r2' },
  { username: 'gs', password: 'pw-gs', groundStation: true },
  { username: 'groundstation', password: 'pw-groundstation', readOnly: true },
];
export const password = (robot: string): string => `pw-${robot}`;
export const registry = defaultRegistry();
export const quietLogger = pino({ level: process.env.OUTPOST_LOG_LEVEL ?? 'silent' });

/** Two reliable routes of different priority, as r1 would send them to r2. */
export function testRoutes(): FleetRoute[] {
  return [
    defineRoute({ topic: '/r1/events', type: 'std_msgs/msg/String', priority: 200 }),
    defineRoute({ topic: '/r1/tiles', type: 'std_msgs/msg/String', priority: 50 }),
  ];
}

export const encodeText = (text: string): Uint8Array => registry.encode('std_msgs/msg/String', { data: text });

export interface TestBroker {
  readonly url: string;
  readonly port: number;
  readonly protocolVersion: 4 | 5;
  close(): Promise<void>;
}

export async function startBroker(
  kind: 'aedes' | 'mosquitto',
  port = 0,
): Promise<TestBroker & { kill?: () => Promise<void>; start: () => Promise<void> }> {
  if (kind === 'aedes') {
    const b = new EmbeddedBroker({ access: new FleetAccess(FLEET, USERS), port });
    await b.start();
    return Object.assign(b, { start: () => b.start() });
  }
  const m = new MosquittoBroker({ fleet: FLEET, users: USERS, port });
  await m.start();
  return m;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-fleet-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** r2's receiver on its own broker, recording (route, text) in arrival order. */
export async function startReceiver(
  broker: TestBroker,
  inboxPath = ':memory:',
): Promise<{ receiver: FleetReceiver; got: { route: string; text: string; seq: bigint }[] }> {
  const got: { route: string; text: string; seq: bigint }[] = [];
  const receiver = new FleetReceiver({
    inbox: new FleetInbox<FleetEnvelope>({ path: inboxPath }),
    registry,
    fleet: FLEET,
    robot: 'r2',
    url: broker.url,
    username: 'r2',
    password: password('r2'),
    protocolVersion: broker.protocolVersion,
    reconnectPeriodSec: 0.05,
    logger: quietLogger,
    handler: (msg, env) => {
      got.push({ route: env.route, text: (msg as { data: string }).data, seq: env.seq });
    },
  });
  await receiver.start();
  return { receiver, got };
}

/** Asserts exactly-once, in-order delivery of `n` messages per route texts `<route>:<i>`. */
export function checkExactlyOnceInOrder(got: { route: string; text: string }[], routes: string[], n: number): string[] {
  const problems: string[] = [];
  for (const route of routes) {
    const texts = got.filter((g) => g.route === route).map((g) => g.text);
    const expected = Array.from({ length: n }, (_, i) => `${route}:${i}`);
    if (texts.length !== n) problems.push(`${route}: got ${texts.length} of ${n}`);
    const firstBad = texts.findIndex((t, i) => t !== expected[i]);
    if (firstBad >= 0) problems.push(`${route}: at ${firstBad} got ${texts[firstBad]}, expected ${expected[firstBad]}`);
  }
  return problems;
}
