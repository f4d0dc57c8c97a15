import type { Executor, QueuedTask } from './Executor.js';
import type { MessageOf } from './msg/MessageTypes.js';
import type { QoSProfile } from './QoS.js';
import type { MessageInfo, SubscriptionHandle } from './transport/Transport.js';

export type SubscriptionCallback<T extends string> = (message: MessageOf<T>, info: MessageInfo) => unknown;

/**
 * Receives messages of one topic and runs its callback on the executor. With `keep_last` history,
 * at most `depth` messages wait; when a slow callback falls behind, the oldest waiting ones are
 * dropped and counted, as a DDS reader's history would.
 */
export class Subscription<T extends string = string> implements QueuedTask<unknown> {
  readonly topic: string;
  readonly typeName: T;
  readonly qos: QoSProfile;
  /** Messages dropped because the queue was full. */
  dropped = 0;
  received = 0;
  #handle: SubscriptionHandle | undefined;
  /**
   * Each executor task carries its message and its info (queueing allocates nothing), which keeps
   * every callback in its global event order. `#waiting` counts this subscription's tasks in the
   * executor's queue, `#skip` how many of the oldest of them were dropped: with keep_last, when more
   * than `depth` live messages wait, the oldest is dropped; the executor runs a subscription's tasks
   * first in, first out, so the dropped ones are always the next `#skip` to run, and each becomes a
   * no-op (one queue slot less per message than numbering them: issue 14, item 6).
   */
  #waiting = 0;
  #skip = 0;
  #destroyed = false;
  #executor: Executor | undefined;
  #callback: ((message: unknown, info: MessageInfo) => unknown) | undefined;
  #depth = Infinity;
  /** @internal for error reports: `subscription /r1/scan @ /r1/mapper`. */
  origin = '';

  /** @internal created by `Node.createSubscription`. */
  constructor(topic: string, typeName: T, qos: QoSProfile) {
    this.topic = topic;
    this.typeName = typeName;
    this.qos = qos;
  }

  /** @internal */
  attach(handle: SubscriptionHandle): void {
    this.#handle = handle;
  }

  /** @internal the transport's delivery function for this subscription. */
  makeDeliver(
    executor: Executor,
    callback: SubscriptionCallback<T>,
    origin: string,
  ): (m: unknown, i: MessageInfo) => void {
    this.#executor = executor;
    this.#callback = callback as (message: unknown, info: MessageInfo) => unknown;
    this.origin = origin;
    // keep_all keeps every message: the depth bound never applies.
    this.#depth = this.qos.history === 'keep_last' ? Math.max(1, this.qos.depth) : Infinity;
    return this.#accept;
  }

  /** A message from the transport: queue it (dropping the oldest past depth) and tell the executor. */
  // An arrow field: the transport calls it directly, with no wrapper call in between.
  readonly #accept = (message: unknown, info: MessageInfo): void => {
    if (this.#destroyed) return;
    if (this.#waiting - this.#skip >= this.#depth) {
      // Full: drop the oldest waiting message, as a DDS keep_last reader history does.
      this.#skip++;
      this.dropped++;
    }
    this.#waiting++;
    this.#executor!.enqueueTask(this, message, info);
  };

  /** @internal the executor runs this subscription's oldest queued message (queued by #accept). */
  runQueued(message: unknown, info: unknown): unknown {
    this.#waiting--;
    if (this.#skip > 0) {
      this.#skip--; // dropped while it waited
      return undefined;
    }
    if (this.#destroyed) return undefined;
    this.received++;
    return this.#callback!(message, info as MessageInfo);
  }

  getPublisherCount(): number {
    return this.#handle?.publisherCount() ?? 0;
  }

  /** @internal */
  destroy(): void {
    this.#destroyed = true;
    this.#handle?.close();
  }
}
