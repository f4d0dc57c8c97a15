import type { Executor } from './Executor.js';
import type { MessageOf } from './msg/MessageTypes.js';
import type { QoSProfile } from './QoS.js';
import type { MessageInfo, SubscriptionHandle } from './transport/Transport.js';

export type SubscriptionCallback<T extends string> = (message: MessageOf<T>, info: MessageInfo) => unknown;

interface Pending {
  message: unknown;
  info: MessageInfo;
  dropped: boolean;
}

/**
 * Receives messages of one topic and runs its callback on the executor. With `keep_last` history,
 * at most `depth` messages wait; when a slow callback falls behind, the oldest waiting ones are
 * dropped and counted, as a DDS reader's history would.
 */
export class Subscription<T extends string = string> {
  readonly topic: string;
  readonly typeName: T;
  readonly qos: QoSProfile;
  /** Messages dropped because the queue was full. */
  dropped = 0;
  received = 0;
  #handle: SubscriptionHandle | undefined;
  #pending: Pending[] = [];
  #head = 0;
  #destroyed = false;

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
    const keepLast = this.qos.history === 'keep_last';
    const depth = Math.max(1, this.qos.depth);
    return (message, info) => {
      if (this.#destroyed) return;
      const entry: Pending = { message, info, dropped: false };
      if (keepLast) {
        if (this.#pending.length - this.#head >= depth) {
          this.#pending[this.#head]!.dropped = true;
          this.#head++;
          this.dropped++;
        }
        this.#pending.push(entry);
      }
      executor.enqueue(() => {
        if (keepLast) {
          if (entry.dropped) return undefined;
          this.#head++;
          if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
            this.#pending = this.#pending.slice(this.#head);
            this.#head = 0;
          }
        }
        if (this.#destroyed) return undefined;
        this.received++;
        return callback(entry.message as MessageOf<T>, entry.info);
      }, origin);
    };
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
