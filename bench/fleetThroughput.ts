/**
 * Fleet link, durable throughput: messages/s from r1's SQLite outbox through a PeerLink and a real
 * Mosquitto (loopback, free port) to r2's FleetReceiver handler, with geometry_msgs/msg/PoseStamped
 * messages (CDR, ~100 B). Baseline in the same run: raw mqtt.js publishing the same CDR payloads at
 * QoS 1 to the same broker (all N fired at once, then every PUBACK awaited), counted at a raw
 * mqtt.js QoS 1 subscriber. Both clocks stop when the receiving side holds all N messages; runs of
 * the two alternate, after one warm-up run of each.
 *
 *   npm run bench:fleet-throughput [-- --messages 20000] [--runs 5] [--json] [--smoke]
 */
import mqtt from 'mqtt';
import { parseArgs } from 'node:util';
import { defineRoute } from '../runtime/fleet/FleetRoute.js';
import { dataTopic } from '../runtime/fleet/FleetTopics.js';
import { FLEET, FleetBenchRig, median, password, pose, registry, table, until } from './fleetBenchRig.js';

const TYPE = 'geometry_msgs/msg/PoseStamped';

export interface FleetThroughputOptions {
  /** Messages per run. */
  messages: number;
  /** Measured runs of each side (after one warm-up run of each). */
  runs: number;
  /** Messages per `sendMany` commit on the batched path. Default 100. */
  batch?: number;
}

export interface FleetThroughputRun {
  msgsPerSec: number;
  /** Handler calls (Outpost) or messages at the subscriber (raw) in this run; must equal `messages`. */
  delivered: number;
  /** Outpost only: every seq arrived once, in order (1..N); raw: count only. */
  exactlyOnceInOrder: boolean;
  /** Outpost only: ms from the first send until the outbox was empty (every ack back). */
  drainedMs?: number;
}

export interface FleetThroughputResult {
  messages: number;
  payloadBytes: number;
  batch: number;
  /** One `send()` per message; the sends of one turn share a commit (group commit). */
  outpost: FleetThroughputRun[];
  /** One `outbox.enqueue()` (one SQLite commit) per message, then a kick: what `send()` did before group commit. */
  outpostCommitEach: FleetThroughputRun[];
  /** `sendMany()` of `batch` messages per commit. */
  outpostBatched: FleetThroughputRun[];
  raw: FleetThroughputRun[];
  outpostMedian: number;
  outpostCommitEachMedian: number;
  outpostBatchedMedian: number;
  rawMedian: number;
  /** outpostMedian / rawMedian; target ≥ 0.5. */
  ratio: number;
  /** outpostCommitEachMedian / rawMedian. */
  ratioCommitEach: number;
  /** outpostBatchedMedian / rawMedian; target ≥ 0.5. */
  ratioBatched: number;
}

/**
 * `batch` 1: one `PeerLink.send` per message (group commit: one per turn); 0: one `outbox.enqueue`
 * (one commit) per message and a kick, as `send` was before group commit; more: `sendMany` of that many.
 */
async function outpostRun(rig: FleetBenchRig, n: number, batch: number): Promise<FleetThroughputRun> {
  let delivered = 0;
  let inOrder = true;
  const receiver = await rig.receiver((_msg, env) => {
    delivered++;
    if (env.seq !== BigInt(delivered)) inOrder = false;
  });
  const link = await rig.link([defineRoute({ topic: '/r1/pose', type: TYPE })]);
  try {
    const t0 = performance.now();
    if (batch === 1) {
      const stored: Promise<boolean>[] = [];
      for (let i = 0; i < n; i++) stored.push(link.send('/r1/pose', pose(i)));
      if (!(await Promise.all(stored)).every(Boolean)) throw new Error('a send was not stored');
    } else if (batch === 0) {
      for (let i = 0; i < n; i++) {
        link.outbox.enqueue('r1/pose', registry.encode(TYPE, pose(i)));
        link.sender.kick();
      }
    } else {
      for (let i = 0; i < n; i += batch) {
        link.sendMany(
          '/r1/pose',
          Array.from({ length: Math.min(batch, n - i) }, (_, j) => pose(i + j)),
        );
      }
    }
    await until(() => delivered >= n, 120_000, `${n} messages at the handler`);
    const t1 = performance.now();
    await link.sender.drained();
    const t2 = performance.now();
    await new Promise((r) => setTimeout(r, 50)); // late duplicates would show up here
    return {
      msgsPerSec: n / ((t1 - t0) / 1000),
      delivered,
      exactlyOnceInOrder: inOrder && delivered === n,
      drainedMs: t2 - t0,
    };
  } finally {
    await link.close();
    await receiver.close();
  }
}

async function rawRun(rig: FleetBenchRig, n: number): Promise<FleetThroughputRun> {
  const topic = dataTopic(FLEET, 'r1', 'raw/pose');
  const opts = { protocolVersion: 5 as const, clean: true, reconnectPeriod: 0 };
  const sub = await mqtt.connectAsync(rig.broker.url, { ...opts, username: 'r2', password: password('r2') });
  const pub = await mqtt.connectAsync(rig.broker.url, { ...opts, username: 'r1', password: password('r1') });
  let delivered = 0;
  sub.on('message', () => {
    delivered++;
  });
  await sub.subscribeAsync(topic, { qos: 1 });
  try {
    const t0 = performance.now();
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++)
      acks.push(pub.publishAsync(topic, Buffer.from(registry.encode(TYPE, pose(i))), { qos: 1 }));
    await Promise.all(acks);
    await until(() => delivered >= n, 60_000, `${n} messages at the raw subscriber`);
    const t1 = performance.now();
    await new Promise((r) => setTimeout(r, 50));
    return { msgsPerSec: n / ((t1 - t0) / 1000), delivered, exactlyOnceInOrder: delivered === n };
  } finally {
    await pub.endAsync();
    await sub.endAsync();
  }
}

export async function benchFleetThroughput(o: FleetThroughputOptions): Promise<FleetThroughputResult> {
  const rig = new FleetBenchRig();
  await rig.start();
  try {
    const batch = o.batch ?? 100;
    await rawRun(rig, o.messages); // warm-up: JIT, broker, page cache
    await outpostRun(rig, o.messages, 1);
    await outpostRun(rig, o.messages, 0);
    await outpostRun(rig, o.messages, batch);
    const raw: FleetThroughputRun[] = [];
    const outpost: FleetThroughputRun[] = [];
    const outpostCommitEach: FleetThroughputRun[] = [];
    const outpostBatched: FleetThroughputRun[] = [];
    for (let i = 0; i < o.runs; i++) {
      raw.push(await rawRun(rig, o.messages));
      outpost.push(await outpostRun(rig, o.messages, 1));
      outpostCommitEach.push(await outpostRun(rig, o.messages, 0));
      outpostBatched.push(await outpostRun(rig, o.messages, batch));
    }
    const rate = (runs: FleetThroughputRun[]): number => median(runs.map((r) => r.msgsPerSec));
    const rawMedian = rate(raw);
    return {
      messages: o.messages,
      payloadBytes: registry.encode(TYPE, pose(1)).length,
      batch,
      outpost,
      outpostCommitEach,
      outpostBatched,
      raw,
      outpostMedian: rate(outpost),
      outpostCommitEachMedian: rate(outpostCommitEach),
      outpostBatchedMedian: rate(outpostBatched),
      rawMedian,
      ratio: rate(outpost) / rawMedian,
      ratioCommitEach: rate(outpostCommitEach) / rawMedian,
      ratioBatched: rate(outpostBatched) / rawMedian,
    };
  } finally {
    await rig.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string' },
      batch: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'boolean' },
      smoke: { type: 'boolean' },
    },
  });
  const smoke = values.smoke === true;
  const r = await benchFleetThroughput({
    messages: Number(values.messages ?? (smoke ? 2000 : 20_000)),
    runs: Number(values.runs ?? (smoke ? 1 : 5)),
    batch: Number(values.batch ?? 100),
  });
  if (values.json === true) {
    console.log(JSON.stringify(r));
    return;
  }
  const k = (x: number): string => `${Math.round(x).toLocaleString('en-US')} msg/s`;
  console.log(
    `fleet link durable throughput: ${r.messages} × PoseStamped (${r.payloadBytes} B CDR), Mosquitto on loopback, ${r.raw.length} runs after 1 warm-up, medians`,
  );
  console.log(
    table([
      ['path', 'median', 'runs', 'all arrived once'],
      [
        'raw mqtt.js QoS 1 (baseline)',
        k(r.rawMedian),
        r.raw.map((x) => Math.round(x.msgsPerSec)).join(' '),
        String(r.raw.every((x) => x.exactlyOnceInOrder)),
      ],
      [
        'Outpost durable, send() (group commit per turn)',
        k(r.outpostMedian),
        r.outpost.map((x) => Math.round(x.msgsPerSec)).join(' '),
        String(r.outpost.every((x) => x.exactlyOnceInOrder)),
      ],
      [
        'Outpost durable, enqueue() (1 commit/msg)',
        k(r.outpostCommitEachMedian),
        r.outpostCommitEach.map((x) => Math.round(x.msgsPerSec)).join(' '),
        String(r.outpostCommitEach.every((x) => x.exactlyOnceInOrder)),
      ],
      [
        `Outpost durable, sendMany() (${r.batch} msgs/commit)`,
        k(r.outpostBatchedMedian),
        r.outpostBatched.map((x) => Math.round(x.msgsPerSec)).join(' '),
        String(r.outpostBatched.every((x) => x.exactlyOnceInOrder)),
      ],
    ]),
  );
  const verdict = (x: number): string => `${(x * 100).toFixed(1)} % (target ≥ 50 %: ${x >= 0.5 ? 'PASS' : 'FAIL'})`;
  console.log(`ratio Outpost / raw, send():     ${verdict(r.ratio)}`);
  console.log(`ratio Outpost / raw, enqueue():  ${verdict(r.ratioCommitEach)}`);
  console.log(`ratio Outpost / raw, sendMany(): ${verdict(r.ratioBatched)}`);
  const drained = (runs: FleetThroughputRun[]): string => median(runs.map((x) => x.drainedMs ?? NaN)).toFixed(0);
  console.log(
    `until every ack is back (outbox empty), median: send() ${drained(r.outpost)} ms, sendMany() ${drained(r.outpostBatched)} ms`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
