import { OutpostError } from '../OutpostError.js';
import { qosIncompatibility, type QoSProfile } from '../QoS.js';
import type { Deliver, GraphSnapshot, MessageInfo, ServiceHandler } from './Transport.js';

interface BusPublisherEntry {
  owner: string;
  qos: QoSProfile;
  /** Last `depth` messages of a transient_local publisher, for late-joining subscriptions. */
  history: unknown[];
  /**
   * The subscriptions whose QoS matches, in subscription order. QoS is fixed when an endpoint is
   * created (as in DDS), so matching is decided then, not per message; the array is replaced,
   * never changed in place, so a publish loop is never disturbed by a (un)subscribe.
   */
  matched: BusSubscriptionEntry[];
}

interface BusSubscriptionEntry {
  owner: string;
  qos: QoSProfile;
  deliver: Deliver;
  /** Messages published by this origin are not delivered (a socket peer's own publications). */
  skipOrigin: string | undefined;
}

interface Topic {
  type: string;
  publishers: Set<BusPublisherEntry>;
  subscriptions: Set<BusSubscriptionEntry>;
}

interface ServiceEntry {
  type: string;
  owner: string;
  handler: ServiceHandler;
}

/**
 * One publisher on the bus. A class rather than closures: `publish` is the hot path, and a method
 * call on one shape is what V8 inlines when a process has many publishers.
 */
export class BusPublisher {
  readonly #entry: BusPublisherEntry;
  readonly #latched: boolean;
  readonly #historyDepth: number;
  /** One info object per publisher, shared by its messages (frozen: a callback cannot alter another's). */
  readonly #ownInfo: MessageInfo;
  readonly #onClose: () => void;

  constructor(entry: BusPublisherEntry, onClose: () => void) {
    this.#entry = entry;
    this.#latched = entry.qos.durability === 'transient_local';
    this.#historyDepth = Math.max(1, entry.qos.depth);
    this.#ownInfo = Object.freeze({ publisher: entry.owner });
    this.#onClose = onClose;
  }

  /** Delivers to every matched subscription; `origin` names a socket peer publishing through this entry. */
  publish(message: unknown, origin?: string): void {
    const entry = this.#entry;
    if (this.#latched) {
      entry.history.push(message);
      if (entry.history.length > this.#historyDepth) entry.history.shift();
    }
    const from = origin ?? entry.owner;
    const info: MessageInfo = from === entry.owner ? this.#ownInfo : { publisher: from };
    const matched = entry.matched;
    for (let i = 0; i < matched.length; i++) {
      const sub = matched[i]!;
      if (sub.skipOrigin !== from) sub.deliver(message, info);
    }
  }

  subscriptionCount(): number {
    return this.#entry.matched.length;
  }

  close(): void {
    this.#onClose();
  }
}

export type QoSWarning = (topic: string, publisher: string, subscriber: string, reason: string) => void;

/**
 * The in-process graph of one Outpost process: topics with their publishers and subscriptions,
 * and services. Messages are passed by reference (zero copy, like ROS 2 intra-process
 * communication): subscribers must treat them as read-only. Delivery is synchronous into each
 * subscription's `deliver`, which queues the callback on the node's executor.
 */
export class LocalBus {
  #topics = new Map<string, Topic>();
  #services = new Map<string, ServiceEntry[]>();
  #nodes = new Map<string, number>();
  #listeners = new Set<() => void>();
  #topicListeners = new Set<(name: string, type: string) => void>();
  #qosWarning: QoSWarning;

  constructor(qosWarning: QoSWarning = () => {}) {
    this.#qosWarning = qosWarning;
  }

  addNode(name: string): void {
    this.#nodes.set(name, (this.#nodes.get(name) ?? 0) + 1);
    this.#changed();
  }

  removeNode(name: string): void {
    const n = (this.#nodes.get(name) ?? 1) - 1;
    if (n <= 0) this.#nodes.delete(name);
    else this.#nodes.set(name, n);
    this.#changed();
  }

  advertise(topicName: string, type: string, qos: QoSProfile, owner: string): BusPublisher {
    const topic = this.#topic(topicName, type);
    const entry: BusPublisherEntry = { owner, qos, history: [], matched: [] };
    topic.publishers.add(entry);
    for (const sub of topic.subscriptions) {
      if (this.#checkMatch(topicName, entry, sub)) entry.matched = [...entry.matched, sub];
    }
    this.#changed();
    return new BusPublisher(entry, () => {
      // A closed publisher matches nothing: publishing through it afterwards delivers nowhere.
      entry.matched = [];
      topic.publishers.delete(entry);
      this.#gc(topicName, topic);
    });
  }

  subscribe(topicName: string, type: string, qos: QoSProfile, owner: string, deliver: Deliver, skipOrigin?: string) {
    const topic = this.#topic(topicName, type);
    const entry: BusSubscriptionEntry = { owner, qos, deliver, skipOrigin };
    topic.subscriptions.add(entry);
    for (const pub of topic.publishers) {
      if (!this.#checkMatch(topicName, pub, entry)) continue;
      pub.matched = [...pub.matched, entry];
      if (entry.qos.durability === 'transient_local' && pub.owner !== skipOrigin) {
        const info: MessageInfo = { publisher: pub.owner };
        for (const m of pub.history.slice(-Math.max(1, entry.qos.depth))) deliver(m, info);
      }
    }
    this.#changed();
    return {
      publisherCount: (): number => {
        let n = 0;
        for (const pub of topic.publishers) if (qosIncompatibility(pub.qos, entry.qos) === undefined) n++;
        return n;
      },
      close: (): void => {
        topic.subscriptions.delete(entry);
        for (const pub of topic.publishers) {
          if (pub.matched.includes(entry)) pub.matched = pub.matched.filter((s) => s !== entry);
        }
        this.#gc(topicName, topic);
      },
    };
  }

  advertiseService(name: string, type: string, owner: string, handler: ServiceHandler): () => void {
    const list = this.#services.get(name) ?? [];
    if (list.length > 0 && list[0]!.type !== type) {
      throw new OutpostError(
        'OUTPOST_ERR_TYPE_MISMATCH',
        `service ${name}: already offered with type ${list[0]!.type}, cannot offer it as ${type}`,
      );
    }
    const entry: ServiceEntry = { type, owner, handler };
    list.push(entry);
    this.#services.set(name, list);
    this.#changed();
    return () => {
      const l = this.#services.get(name);
      if (l === undefined) return;
      const i = l.indexOf(entry);
      if (i >= 0) l.splice(i, 1);
      if (l.length === 0) this.#services.delete(name);
      this.#changed();
    };
  }

  /** The handler of the first server of `name` with `type`, or undefined. */
  serviceHandler(name: string, type: string): ServiceHandler | undefined {
    const entry = this.#services.get(name)?.[0];
    if (entry === undefined) return undefined;
    if (entry.type !== type) {
      throw new OutpostError(
        'OUTPOST_ERR_TYPE_MISMATCH',
        `service ${name}: offered with type ${entry.type}, called as ${type}`,
      );
    }
    return entry.handler;
  }

  topicType(name: string): string | undefined {
    return this.#topics.get(name)?.type;
  }

  /** The QoS each publisher of `name` offers (what a recorder writes as `offered_qos_profiles`). */
  publisherQoS(name: string): QoSProfile[] {
    return [...(this.#topics.get(name)?.publishers ?? [])].map((p) => ({ ...p.qos }));
  }

  graph(): GraphSnapshot {
    return {
      nodes: [...this.#nodes.keys()].sort(),
      topics: [...this.#topics.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, t]) => ({
          name,
          type: t.type,
          publishers: [...t.publishers].map((p) => p.owner),
          subscribers: [...t.subscriptions].map((s) => s.owner),
        })),
      services: [...this.#services.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, l]) => ({ name, type: l[0]!.type, servers: l.map((e) => e.owner) })),
    };
  }

  onGraphChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls `listener` when a topic comes into use (its first publisher or subscription), before that
   * endpoint is matched: a subscription made in the call matches the publisher being created, so a
   * recorder misses nothing it sends. Cheaper than `onGraphChange` + `graph()` on a busy bus.
   */
  onTopicAdded(listener: (name: string, type: string) => void): () => void {
    this.#topicListeners.add(listener);
    return () => this.#topicListeners.delete(listener);
  }

  #topic(name: string, type: string): Topic {
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      topic = { type, publishers: new Set(), subscriptions: new Set() };
      this.#topics.set(name, topic);
      for (const l of this.#topicListeners) l(name, type);
    } else if (topic.type !== type) {
      throw new OutpostError(
        'OUTPOST_ERR_TYPE_MISMATCH',
        `topic ${name}: already in use with type ${topic.type}, cannot use it as ${type}`,
      );
    }
    return topic;
  }

  #checkMatch(topic: string, pub: BusPublisherEntry, sub: BusSubscriptionEntry): boolean {
    const why = qosIncompatibility(pub.qos, sub.qos);
    if (why !== undefined) this.#qosWarning(topic, pub.owner, sub.owner, why);
    return why === undefined;
  }

  #gc(name: string, topic: Topic): void {
    if (topic.publishers.size === 0 && topic.subscriptions.size === 0) this.#topics.delete(name);
    this.#changed();
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}
