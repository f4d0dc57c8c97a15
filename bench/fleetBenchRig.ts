import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { FleetEnvelope } from '../runtime/fleet/FleetEnvelope.js';
import { FleetInbox } from '../runtime/fleet/FleetInbox.js';
import { FleetReceiver, type FleetHandler } from '../runtime/fleet/FleetReceiver.js';
import type { FleetRoute } from '../runtime/fleet/FleetRoute.js';
import { PeerLink, type PeerLinkOptions } from '../runtime/fleet/PeerLink.js';
import { MosquittoBroker } from '../runtime/fleet/testing/MosquittoBroker.js';
import { defaultRegistry } from '../runtime/msg/defaultRegistry.js';

/**
 * What the fleet benchmarks share: a real Mosquitto on a free loopback port with robots r1 (sender)
 * and r2 (receiver), durable outbox and inbox files in a temporary directory (not `:memory:`, so
 * every commit really goes through SQLite's WAL), and the statistics the tables print.
 */
export const FLEET = 'bench';
export const registry = defaultRegistry();
const quiet = pino({ level: process.env.OUTPOST_LOG_LEVEL ?? 'silent' });
export const password = (robot: string): string => `pw-${robot}`;

/** A geometry_msgs/msg/PoseStamped in the map frame; `i` varies the position. */
export function pose(i: number, stampNs = 0n): unknown {
  return {
    header: {
      stamp: { sec: Number(stampNs / 1_000_000_000n), nanosec: Number(stampNs % 1_000_000_000n) },
      frame_id: 'map',
    },
    pose: {
      position: { x: i * 0.01, y: -i * 0.02, z: 0 },
      orientation: { x: 0, y: 0, z: Math.sin(i / 100), w: Math.cos(i / 100) },
    },
  };
}

export class FleetBenchRig {
  readonly broker = new MosquittoBroker({
    fleet: FLEET,
    users: ['r1', 'r2'].map((r) => ({ username: r, password: password(r) })),
    // Mosquitto's default (1000 queued QoS 1 messages per subscriber beyond those in flight) silently
    // drops part of a raw fire-everything burst at the subscriber; the baseline must deliver all N.
    // The fleet sender has at most its window (1024 by default) unacknowledged; at the default it
    // could lose a few to that queue and resend them after ackTimeoutSec (it did not in our runs).
    config: ['max_queued_messages 0'],
  });
  readonly dir = mkdtempSync(join(tmpdir(), 'outpost-fleet-bench-'));
  #files = 0;

  async start(): Promise<void> {
    await this.broker.start();
  }

  /** r1's link to r2, connected (optionally through `url`, e.g. a LinkProxy) and ready to publish. */
  async link(routes: readonly FleetRoute[], extra: Partial<PeerLinkOptions> = {}): Promise<PeerLink> {
    const link = new PeerLink({
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url: this.broker.url,
      username: 'r1',
      password: password('r1'),
      protocolVersion: 5,
      outboxPath: join(this.dir, `outbox-${this.#files++}.db`),
      routes,
      logger: quiet,
      ...extra,
    });
    link.start();
    await until(() => link.sender.connected, 10_000, 'the peer link to connect');
    return link;
  }

  /** r2's receiver on the broker, with a durable inbox file. */
  async receiver(handler: FleetHandler): Promise<FleetReceiver> {
    const receiver = new FleetReceiver({
      inbox: new FleetInbox<FleetEnvelope>({ path: join(this.dir, `inbox-${this.#files++}.db`) }),
      registry,
      fleet: FLEET,
      robot: 'r2',
      url: this.broker.url,
      username: 'r2',
      password: password('r2'),
      protocolVersion: 5,
      handler,
      logger: quiet,
    });
    await receiver.start();
    return receiver;
  }

  async close(): Promise<void> {
    await this.broker.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Prints rows as an aligned text table. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '))
    .join('\n');
}
