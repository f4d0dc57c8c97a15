import type { Logger } from 'pino';
import type { MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import { ros2msgSchema } from '../../runtime/msg/ros2msgSchema.js';
import type { Subscription } from '../../runtime/Subscription.js';
import type { TopicInfo } from '../../runtime/transport/Transport.js';
import type { FoxgloveClientSession } from './FoxgloveClientSession.js';
import type { FoxgloveChannel } from './FoxgloveProtocol.js';

/**
 * Types whose messages are large and superseded by the next one (maps, scans, images, clouds):
 * for a client that is behind, only the newest waits.
 */
const LATEST_ONLY_TYPES = new Set([
  'nav_msgs/msg/OccupancyGrid',
  'sensor_msgs/msg/LaserScan',
  'sensor_msgs/msg/PointCloud2',
  'sensor_msgs/msg/Image',
  'sensor_msgs/msg/CompressedImage',
  'map_msgs/msg/OccupancyGridUpdate',
]);

/** One advertised topic and who listens to it. */
export interface ChannelState {
  channel: FoxgloveChannel;
  type: string;
  latestOnly: boolean;
  /** Client sessions subscribed to it, with their subscription id. */
  listeners: Map<FoxgloveClientSession, number>;
  /** The bus subscription, present while at least one client listens. */
  subscription: Subscription | undefined;
  /** Of a latched subscription: its newest message, for clients that subscribe later. */
  latched: { stamp: bigint; payload: Uint8Array } | undefined;
}

/**
 * The channels a server advertises, kept in step with the bus graph: a topic with a publisher
 * (other than the server's own node), on the whitelist, of a type the registry knows, is a
 * channel; a channel id is never reused, so a topic that goes and comes back (or changes type)
 * is a new channel, as the protocol expects.
 */
export class FoxgloveChannelTable {
  readonly byTopic = new Map<string, ChannelState>();
  readonly byId = new Map<number, ChannelState>();
  #nextId = 1;
  #unknownTypes = new Set<string>();
  #whitelist: RegExp[];
  #registry: MessageRegistry;
  #logger: Logger;

  constructor(registry: MessageRegistry, whitelist: readonly string[], logger: Logger) {
    this.#registry = registry;
    this.#whitelist = whitelist.map((p) => new RegExp(p));
    this.#logger = logger;
  }

  channels(): FoxgloveChannel[] {
    return [...this.byTopic.values()].map((c) => c.channel);
  }

  /**
   * Brings the table in line with `topics`; returns the channels that went (still holding their
   * listeners and subscription, for the caller to release) and those that came.
   */
  update(topics: readonly TopicInfo[], ownNode: string): { removed: ChannelState[]; added: ChannelState[] } {
    const live = new Map<string, string>();
    for (const t of topics) {
      if (!t.publishers.some((p) => p !== ownNode)) continue;
      if (this.#whitelist.length > 0 && !this.#whitelist.some((re) => re.test(t.name))) continue;
      if (!this.#registry.has(t.type)) {
        if (!this.#unknownTypes.has(t.type)) {
          this.#unknownTypes.add(t.type);
          this.#logger.warn(`foxglove: ${t.name} has type ${t.type}, which the registry does not know: not advertised`);
        }
        continue;
      }
      live.set(t.name, t.type);
    }
    const removed = [...this.byTopic.values()].filter((s) => live.get(s.channel.topic) !== s.type);
    for (const state of removed) {
      this.byTopic.delete(state.channel.topic);
      this.byId.delete(state.channel.id);
    }
    const added: ChannelState[] = [];
    for (const [topic, type] of live) {
      if (this.byTopic.has(topic)) continue;
      const state: ChannelState = {
        channel: {
          id: this.#nextId++,
          topic,
          encoding: 'cdr',
          schemaName: type,
          schema: ros2msgSchema(this.#registry, type),
          schemaEncoding: 'ros2msg',
        },
        type,
        latestOnly: LATEST_ONLY_TYPES.has(type),
        listeners: new Map(),
        subscription: undefined,
        latched: undefined,
      };
      this.byTopic.set(topic, state);
      this.byId.set(state.channel.id, state);
      added.push(state);
    }
    return { removed, added };
  }
}
