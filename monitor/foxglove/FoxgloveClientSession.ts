import type { WebSocket } from 'ws';
import type { OutpostError } from '../../runtime/OutpostError.js';
import { StatusLevel, statusMessage } from './FoxgloveProtocol.js';

/** How one client's sending is bounded (see FoxgloveClientSession). */
export interface FlowControl {
  /**
   * Bytes waiting in the socket (`ws.bufferedAmount`) above which latest-only channels (maps,
   * scans, anything large) stop queueing: only their newest message waits, sent when it drains.
   */
  sendBufferBytes: number;
  /** Above this, every channel is latest-only (small messages too), so memory stays bounded. */
  hardLimitBytes: number;
}

/** Counters of one client, for logs and tests. */
export interface ClientStats {
  sent: number;
  /** Messages replaced by a newer one of the same subscription while the client was behind. */
  dropped: number;
}

/**
 * One connected Foxglove client: its subscriptions (its own ids → our channel ids) and the flow
 * control of what we send it. A slow client (a thin radio link, a laptop on Wi-Fi) must never
 * grow our memory or hold up the bus: sends never wait, and when the socket's send buffer is over
 * budget, a latest-only channel keeps just its newest message per subscription (an older map is
 * worthless once a newer one exists), sent as soon as a send completes and the buffer is under
 * budget again. Drain is noticed through ws's send callbacks: no timer, no polling.
 */
export class FoxgloveClientSession {
  readonly id: number;
  readonly ws: WebSocket;
  readonly stats: ClientStats = { sent: 0, dropped: 0 };
  /** Subscription id → channel id. */
  readonly subscriptions = new Map<number, number>();
  /** Channel id → subscription id (one subscription per channel and client). */
  readonly byChannel = new Map<number, number>();
  #flow: FlowControl;
  /** Newest held frame per subscription, in the order they were first held. */
  #held = new Map<number, Buffer>();
  #closed = false;
  readonly #onSent = (): void => this.#drain();

  constructor(id: number, ws: WebSocket, flow: FlowControl) {
    this.id = id;
    this.ws = ws;
    this.#flow = flow;
  }

  get isOpen(): boolean {
    return !this.#closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Frames held back for this client right now (at most one per subscription). */
  get heldCount(): number {
    return this.#held.size;
  }

  sendText(text: string): void {
    if (this.isOpen) this.ws.send(text);
  }

  status(level: number, message: string): void {
    this.sendText(statusMessage(level, message));
  }

  /**
   * Sends one message frame of subscription `subId`, or holds it (replacing an older held one)
   * when the client is behind: for a latest-only channel once the buffer is over budget, for any
   * channel once it is over the hard limit. A held frame of the same subscription is always
   * replaced rather than overtaken, so a client never sees a subscription's messages out of order.
   */
  sendMessage(subId: number, frame: Buffer, latestOnly: boolean): void {
    if (!this.isOpen) return;
    const buffered = this.ws.bufferedAmount;
    const behind = latestOnly ? buffered > this.#flow.sendBufferBytes : buffered > this.#flow.hardLimitBytes;
    if (behind || this.#held.has(subId)) {
      if (this.#held.has(subId)) this.stats.dropped++;
      this.#held.set(subId, frame);
      return;
    }
    this.#send(frame);
  }

  /** Forgets a subscription's held frame (it was unsubscribed or its channel is gone). */
  forget(subId: number): void {
    this.#held.delete(subId);
  }

  /** Tells the client why, then closes the connection (policy violation). */
  fail(err: OutpostError): void {
    if (!this.isOpen) return;
    this.status(StatusLevel.ERROR, `${err.message} [${err.code}]; closing the connection`);
    this.#closed = true;
    this.#held.clear();
    // 1008: policy violation; the reason is cut to the 123 bytes a close frame may carry.
    this.ws.close(1008, Buffer.from(err.code).subarray(0, 123).toString());
  }

  closed(): void {
    this.#closed = true;
    this.#held.clear();
  }

  #send(frame: Buffer): void {
    this.stats.sent++;
    this.ws.send(frame, this.#onSent);
  }

  #drain(): void {
    if (this.#held.size === 0 || !this.isOpen) return;
    for (const [subId, frame] of this.#held) {
      if (this.ws.bufferedAmount > this.#flow.sendBufferBytes) return;
      this.#held.delete(subId);
      this.#send(frame);
    }
  }
}
