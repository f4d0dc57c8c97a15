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
   * Messages waiting for the executor, as `message, info` pairs in `#slots`, numbered in arrival
   * order: message number `n` sits at pair `n - #base`; `#count` pairs are in use and those below
   * `#next` have run or were dropped. Each executor task carries its message's number (a plain
   * integer, so queueing allocates nothing per message), which keeps every callback in its global
   * event order and turns the task of a dropped message into a no-op. The array is reused, not
   * shrunk, so a steady stream does not reallocate it.
   */
  #slots: unknown[] = [];
  #count = 0;
  #base = 0;
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
    return (message, info) => this.#accept(message, info);
  }

  /** A message from the transport: queue it (dropping the oldest past depth) and tell the executor. */
  #accept(message: unknown, info: MessageInfo): void {
    if (this.#destroyed) return;
    const slots = this.#slots;
    const n = this.#base + this.#count;
    if (n - this.#next >= this.#depth) {
      // Full: drop the oldest waiting message, as a DDS keep_last reader history does.
      const i = 2 * (this.#next - this.#base);
      slots[i] = undefined;
      slots[i + 1] = undefined;
      this.#next++;
      this.dropped++;
    }
    const i = 2 * this.#count++;
    slots[i] = message;
    slots[i + 1] = info;
    this.#executor!.enqueueTask(this, n);
  }

  /** @internal the executor runs message number `n` (queued by #accept). */
  runQueued(n: number): unknown {
    if (n < this.#next) return undefined; // dropped while it waited
    const slots = this.#slots;
    const i = 2 * (n - this.#base);
    const message = slots[i];
    const info = slots[i + 1] as MessageInfo;
    slots[i] = undefined;
    slots[i + 1] = undefined;
    this.#next = n + 1;
    this.#release();
    if (this.#destroyed) return undefined;
    this.received++;
    return this.#callback!(message, info);
  }

  /** Starts again at pair 0 once nothing waits; moves the waiting pairs down when most are spent. */
  #release(): void {
    const done = this.#next - this.#base;
    if (done === this.#count) {
      this.#base = this.#next;
      this.#count = 0;
    } else if (done > 1024 && 2 * done > this.#count) {
      const used = 2 * this.#count;
      this.#slots.copyWithin(0, 2 * done, used);
      this.#slots.fill(undefined, used - 2 * done, used);
      this.#base = this.#next;
      this.#count -= done;
    }
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
