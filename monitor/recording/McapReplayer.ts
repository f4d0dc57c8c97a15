import type { Logger } from 'pino';
import type { McapTypes } from '@mcap/core';
import type { MessageCodec, MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { QoS } from '../../runtime/QoS.js';
import type { BusPublisher, LocalBus } from '../../runtime/transport/LocalBus.js';
import type { McapRecording } from './McapRecording.js';
import { replayQoS } from './offeredQosProfiles.js';

/** The node name replayed messages carry in the graph (`outpost topic info`, `node list`). */
export const REPLAY_NODE = '/outpost/replay';

export interface ReplayOptions {
  bus: LocalBus;
  registry: MessageRegistry;
  /** Playback speed: 1 is the recorded pace, 2 twice as fast. Default 1. */
  rate?: number;
  /** Start again from the first message after the last, until aborted. */
  loop?: boolean;
  /** Only these topics; each must be in the recording. */
  topics?: readonly string[];
  signal: AbortSignal;
  logger?: Logger;
}

export interface ReplayResult {
  messages: number;
  loops: number;
  /** Messages that did not decode with the registry's definition of their type. */
  undecodable: number;
}

interface Outlet {
  topic: string;
  codec: MessageCodec;
  publisher: BusPublisher;
}

/**
 * Publishes a recording on a bus with its original timing: a message logged `t` after the first
 * is published `t / rate` of wall time after playback started. When the recording's `/clock` is
 * not replayed (a recording without it, or `topics` leaving it out), `/clock` is published from the
 * log times, so nodes with use_sim_time follow the recording as they follow the simulator.
 */
export class McapReplayer {
  readonly #rec: McapRecording;
  readonly #options: ReplayOptions;
  readonly #outlets = new Map<number, Outlet>();
  #clock: BusPublisher | undefined;
  #closers: (() => void)[] = [];

  constructor(recording: McapRecording, options: ReplayOptions) {
    this.#rec = recording;
    this.#options = options;
    const rate = options.rate ?? 1;
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `--rate: expected a positive number, got ${String(options.rate)}`,
      );
    }
    const inFile = new Set([...recording.channels.values()].map((c) => c.topic));
    const missing = (options.topics ?? []).filter((t) => !inFile.has(t));
    if (missing.length > 0) {
      throw new OutpostError(
        'OUTPOST_ERR_RECORD_TOPIC',
        `--topics: ${missing.join(', ')} not in ${recording.path}; it has ${[...inFile].sort().join(', ') || 'no topics'}`,
      );
    }
  }

  /** Advertises the recording's topics on the bus; call once before `play`. */
  advertise(): void {
    const { bus, registry, logger } = this.#options;
    const wanted = this.#options.topics === undefined ? undefined : new Set(this.#options.topics);
    bus.addNode(REPLAY_NODE);
    this.#closers.push(() => bus.removeNode(REPLAY_NODE));
    for (const ch of this.#rec.channels.values()) {
      if (wanted !== undefined && !wanted.has(ch.topic)) continue;
      const type = this.#rec.schemas.get(ch.schemaId)?.name;
      if (ch.messageEncoding !== 'cdr' || type === undefined || !registry.has(type)) {
        logger?.warn(
          { topic: ch.topic, type, encoding: ch.messageEncoding },
          `not replaying ${ch.topic}: expected a cdr channel of a known ROS 2 type, got ${ch.messageEncoding} ${type ?? '(no schema)'}`,
        );
        continue;
      }
      const publisher = bus.advertise(ch.topic, type, replayQoS(ch.metadata), REPLAY_NODE);
      this.#closers.push(() => publisher.close());
      this.#outlets.set(ch.id, { topic: ch.topic, codec: registry.codec(type), publisher });
    }
    if (![...this.#outlets.values()].some((o) => o.topic === '/clock')) {
      const clock = bus.advertise('/clock', 'rosgraph_msgs/msg/Clock', { ...QoS.profileClock }, REPLAY_NODE);
      this.#closers.push(() => clock.close());
      this.#clock = clock;
    }
  }

  /** Plays the recording (again and again with `loop`) until its end or the signal. */
  async play(): Promise<ReplayResult> {
    const { signal, logger } = this.#options;
    const rate = this.#options.rate ?? 1;
    const result: ReplayResult = { messages: 0, loops: 0, undecodable: 0 };
    const first = this.#rec.summary.startTime;
    const topics = this.#options.topics;
    do {
      const start = performance.now();
      let lastClock = -1n;
      await this.#rec.forEachMessage(async (m: McapTypes.Message) => {
        if (signal.aborted) return;
        const outlet = this.#outlets.get(m.channelId);
        if (outlet === undefined) return;
        const due = start + Number(m.logTime - first) / 1e6 / rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait, signal);
        if (signal.aborted) return;
        let msg: unknown;
        try {
          msg = outlet.codec.decode(m.data);
        } catch (err) {
          if (result.undecodable++ === 0) {
            logger?.warn({ err, topic: outlet.topic }, `a message on ${outlet.topic} does not decode; skipped`);
          }
          return;
        }
        if (this.#clock !== undefined && m.logTime > lastClock) {
          lastClock = m.logTime;
          this.#clock.publish({
            clock: { sec: Number(m.logTime / 1_000_000_000n), nanosec: Number(m.logTime % 1_000_000_000n) },
          });
        }
        outlet.publisher.publish(msg);
        result.messages++;
      }, topics);
      if (!signal.aborted) result.loops++;
    } while (this.#options.loop === true && !signal.aborted && result.messages > 0);
    return result;
  }

  close(): void {
    for (const c of this.#closers.splice(0).reverse()) c();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
