import type { Logger } from 'pino';
import { WallClock } from '../../runtime/clock/WallClock.js';
import type { MessageOf } from '../../runtime/msg/MessageTypes.js';
import type { MessageCodec, MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import { QoS } from '../../runtime/QoS.js';
import type { LocalBus } from '../../runtime/transport/LocalBus.js';
import { McapRecorder, type McapRecorderOptions } from './McapRecorder.js';
import { offeredQosProfilesYaml } from './offeredQosProfiles.js';
import { ros2msgSchema } from '../../runtime/msg/ros2msgSchema.js';

/** The endpoint name the recorder's subscriptions carry in the graph (`outpost topic list`). */
export const RECORDER_ENDPOINT = '/_outpost_recorder';

export interface BusRecorderOptions extends McapRecorderOptions {
  bus: LocalBus;
  registry: MessageRegistry;
  /** Only these topics (fully qualified); default: every topic that appears on the bus. */
  topics?: readonly string[];
  /**
   * Where log and publish times come from: `sim` follows `/clock` (so a recording of a simulation
   * replays in sim time; messages before the first `/clock` are at 0), `wall` the system clock.
   */
  time: 'sim' | 'wall';
  logger?: Logger;
}

export interface RecordingResult {
  path: string;
  messages: number;
  chunks: number;
  bytes: number;
  topics: number;
  /** Messages that could not be encoded (logged once per topic). */
  dropped: number;
}

interface Tap {
  close: () => void;
  channel: number | undefined;
  codec: MessageCodec;
  type: string;
}

/**
 * Records what crosses one process's bus (the launcher's LocalBus, which processes on its socket
 * join too) into an MCAP file: every topic, or the ones listed, subscribed the moment it appears in
 * the graph, so nothing a publisher sends after advertising is missed. Messages on the local bus
 * are objects (passed by reference), so each is CDR-encoded once here, synchronously in the
 * publisher's call: a later change to the object cannot leak into the file.
 */
export class BusRecorder {
  readonly #bus: LocalBus;
  readonly #registry: MessageRegistry;
  readonly #recorder: McapRecorder;
  readonly #wanted: ReadonlySet<string> | undefined;
  readonly #seen = new Set<string>();
  readonly #taps = new Map<string, Tap>();
  readonly #schemas = new Map<string, number>();
  readonly #logger: Logger | undefined;
  readonly #now: () => bigint;
  #simTime = 0n;
  #clockSub: { close: () => void } | undefined;
  #offGraph: () => void;
  #flushTimer: NodeJS.Timeout;
  #dropped = 0;
  #stopped: Promise<RecordingResult> | undefined;

  private constructor(recorder: McapRecorder, options: BusRecorderOptions) {
    this.#bus = options.bus;
    this.#registry = options.registry;
    this.#recorder = recorder;
    this.#wanted = options.topics === undefined ? undefined : new Set(options.topics);
    this.#logger = options.logger;
    if (options.time === 'sim') {
      this.#now = () => this.#simTime;
      this.#clockSub = this.#bus.subscribe(
        '/clock',
        'rosgraph_msgs/msg/Clock',
        { ...QoS.profileClock },
        RECORDER_ENDPOINT,
        (m) => {
          const c = (m as MessageOf<'rosgraph_msgs/msg/Clock'>).clock;
          this.#simTime = BigInt(c.sec) * 1_000_000_000n + BigInt(c.nanosec);
        },
      );
    } else {
      const wall = new WallClock();
      this.#now = () => wall.now().nanoseconds;
    }
    this.#offGraph = this.#bus.onTopicAdded((name, type) => this.#consider(name, type));
    // A quiet bus still gets its chunk to the disk within about chunkSeconds.
    this.#flushTimer = setInterval(() => this.#recorder.flushDue(), 200);
    this.#flushTimer.unref();
    this.#scan();
  }

  /** Creates the file and starts recording every topic already on `bus` and each one that appears. */
  static async start(path: string, options: BusRecorderOptions): Promise<BusRecorder> {
    return new BusRecorder(await McapRecorder.create(path, options), options);
  }

  get path(): string {
    return this.#recorder.path;
  }

  /** Topics given in `topics` that have not appeared on the bus (yet). */
  missingTopics(): string[] {
    return this.#wanted === undefined ? [] : [...this.#wanted].filter((t) => !this.#seen.has(t));
  }

  /** Topics that have appeared on the bus so far, sorted. */
  seenTopics(): string[] {
    return [...this.#seen].sort();
  }

  /** Stops recording and closes the file (summary and footer). Safe to call more than once. */
  stop(): Promise<RecordingResult> {
    this.#stopped ??= (async () => {
      this.#offGraph();
      clearInterval(this.#flushTimer);
      this.#clockSub?.close();
      for (const tap of this.#taps.values()) tap.close();
      await this.#recorder.close();
      const s = this.#recorder.stats;
      return {
        path: this.#recorder.path,
        messages: s.messages,
        chunks: s.chunks,
        bytes: s.bytesWritten,
        topics: [...this.#taps.values()].filter((t) => t.channel !== undefined).length,
        dropped: this.#dropped,
      };
    })();
    return this.#stopped;
  }

  /** Taps every wanted topic already on the bus (those that come later arrive through onTopicAdded). */
  #scan(): void {
    for (const t of this.#bus.graph().topics) this.#consider(t.name, t.type);
  }

  #consider(name: string, type: string): void {
    this.#seen.add(name);
    if (this.#stopped !== undefined || this.#taps.has(name)) return;
    if (this.#wanted !== undefined && !this.#wanted.has(name)) return;
    this.#tap(name, type);
  }

  #tap(topic: string, type: string): void {
    let codec: MessageCodec;
    try {
      codec = this.#registry.codec(type);
    } catch (err) {
      this.#logger?.warn({ err, topic, type }, `not recording ${topic}: type ${type} is not in the registry`);
      this.#taps.set(topic, { close: () => {}, channel: undefined, codec: undefined as never, type });
      return;
    }
    const tap: Tap = { close: () => {}, channel: undefined, codec, type };
    this.#taps.set(topic, tap);
    // Best effort and volatile match every publisher (a reliable or transient_local request would
    // not match best-effort or volatile ones); delivery is synchronous, so nothing is queued or lost.
    const sub = this.#bus.subscribe(
      topic,
      type,
      { reliability: 'best_effort', durability: 'volatile', history: 'keep_last', depth: 1 },
      RECORDER_ENDPOINT,
      (msg) => this.#write(topic, tap, msg),
    );
    tap.close = sub.close;
  }

  #write(topic: string, tap: Tap, msg: unknown): void {
    let bytes: Uint8Array;
    try {
      bytes = tap.codec.encode(msg);
    } catch (err) {
      if (this.#dropped++ === 0 || this.#logger?.isLevelEnabled('debug') === true) {
        this.#logger?.warn({ err, topic }, `cannot encode a message on ${topic} for the recording; dropped`);
      }
      return;
    }
    tap.channel ??= this.#channel(topic, tap.type);
    const t = this.#now();
    this.#recorder.addMessage(tap.channel, t, t, bytes);
  }

  #channel(topic: string, type: string): number {
    let schema = this.#schemas.get(type);
    if (schema === undefined) {
      schema = this.#recorder.addSchema(type, 'ros2msg', ros2msgSchema(this.#registry, type));
      this.#schemas.set(type, schema);
    }
    const qos = this.#bus.publisherQoS(topic);
    return this.#recorder.addChannel(
      topic,
      schema,
      'cdr',
      new Map([['offered_qos_profiles', offeredQosProfilesYaml(qos.length > 0 ? qos : [QoS.profileDefault])]]),
    );
  }
}
