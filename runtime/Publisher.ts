import type { MessageOf } from './msg/MessageTypes.js';
import type { QoSProfile } from './QoS.js';
import type { PublisherHandle } from './transport/Transport.js';

/** Publishes messages of one type on one topic (rclnodejs `Publisher` shape). */
export class Publisher<T extends string = string> {
  readonly topic: string;
  readonly typeName: T;
  readonly qos: QoSProfile;
  #handle: PublisherHandle;
  #gate: (() => boolean) | undefined;
  #onDrop: (() => void) | undefined;
  /** Messages published so far (counted for diagnostics and `outpost topic hz` sanity checks). */
  published = 0;

  /** @internal created by `Node.createPublisher`. */
  constructor(
    topic: string,
    typeName: T,
    qos: QoSProfile,
    handle: PublisherHandle,
    gate?: () => boolean,
    onDrop?: () => void,
  ) {
    this.topic = topic;
    this.typeName = typeName;
    this.qos = qos;
    this.#handle = handle;
    this.#gate = gate;
    this.#onDrop = onDrop;
  }

  /**
   * Sends `message` to every matched subscription. On the local transport the object itself is
   * delivered (no copy): do not mutate it after publishing.
   */
  publish(message: MessageOf<T>): void {
    if (this.#gate !== undefined && !this.#gate()) {
      this.#onDrop?.();
      return;
    }
    this.published++;
    this.#handle.publish(message);
  }

  getSubscriptionCount(): number {
    return this.#handle.subscriptionCount();
  }

  /** @internal */
  destroy(): void {
    this.#handle.close();
  }
}
