import type { Client } from './Client.js';
import type { Publisher } from './Publisher.js';
import type { Service } from './Service.js';
import type { Subscription } from './Subscription.js';
import type { Timer } from './Timer.js';

/**
 * What a node owns and must release when it is destroyed. Only creation and teardown touch these
 * sets: endpoints are handed to the caller directly, so publishing and delivery never go through here.
 */
export class NodeEndpoints {
  readonly publishers = new Set<Publisher>();
  readonly subscriptions = new Set<Subscription>();
  readonly timers = new Set<Timer>();
  readonly services = new Set<Service>();
  readonly clients = new Set<Client>();

  /** Cancels timers, then destroys subscriptions, publishers, services and clients, in that order. */
  destroyAll(): void {
    for (const t of this.timers) t.cancel();
    for (const s of this.subscriptions) s.destroy();
    for (const p of this.publishers) p.destroy();
    for (const s of this.services) s.destroy();
    for (const c of this.clients) c.destroy();
    this.timers.clear();
    this.subscriptions.clear();
    this.publishers.clear();
    this.services.clear();
    this.clients.clear();
  }
}
