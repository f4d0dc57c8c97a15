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
export class Subscription<T extends string = string> implements QueuedTask<number> {
  readonly topic: string;
  readonly typeName: T;
  readonly qos: QoSProfile;
  /** Messages dropped because the queue was full. */
  dropped = 0;
  received = 0;
  #handle: SubscriptionHandle | undefined;
  /**
   * Messages are numbered in arrival order; each executor task carries its message, its info and
   * its number (queueing allocates nothing), which keeps every callback in its global event order.
   * `#next` is the first number not yet run or dropped: with keep_last, when more than `depth`
   * wait, the oldest is dropped by moving `#next` past it, and its task becomes a no-op.
   */
  #seq = 0;
  #next = 0;
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
  makeDeliver(executor: Executor, callback: SubscriptionCallback<T>, origin: string): (m: unknown, i: MessageInfo) => void {
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
    const n = this.#seq++;
    if (n - this.#next >= this.#depth) {
      // Full: drop the oldest waiting message, as a DDS keep_last reader history does.
      this.#next++;
      this.dropped++;
    }
    this.#executor!.enqueueTask(this, n, message, info);
  };

  /** @internal the executor runs message number `n` (queued by #accept). */
  runQueued(n: number, message: unknown, info: unknown): unknown {
    if (n < this.#next) return undefined; // dropped while it waited
    this.#next = n + 1;
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
