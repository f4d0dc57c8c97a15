import type { Node, Publisher } from '../../runtime/index.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import type { FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import type { FleetPeers } from './FleetPeers.js';

/**
 * The shared topics (`routes`): what this robot publishes on `<ns>/TOPIC` is queued for every
 * teammate, and what teammate X sent arrives on `<ns>/fleet/X/TOPIC` (latched for latest-only
 * routes, so a late subscriber still gets the newest pose). Endpoints are made on the node, so
 * they are checked against its kind's `{route*}` patterns.
 */
export class FleetRouteForwarder {
  readonly #node: Node;
  readonly #routes: readonly FleetRoute[];
  readonly #incoming = new Map<string, Publisher>();

  constructor(node: Node, routes: readonly FleetRoute[]) {
    this.#node = node;
    this.#routes = routes;
  }

  /** Subscribes to every route's topic; each message goes to every teammate, linked or expected. */
  forwardTo(peers: FleetPeers): void {
    for (const route of this.#routes) {
      const codec = this.#node.context.registry.codec(route.type);
      this.#node.createSubscription(route.type, route.topic, { qos: 100 }, (msg) => {
        peers.enqueueToAll(route.route, codec.encode(msg));
      });
    }
  }

  /** Publishes what a teammate sent on `fleet/ORIGIN/ROUTE`. */
  deliver(msg: unknown, env: FleetEnvelope): void {
    const key = `${env.origin}/${env.route}`;
    let pub = this.#incoming.get(key);
    if (pub === undefined) {
      const route = this.#routes.find((r) => r.route === env.route);
      const latched = route?.reliability === 'latest-only';
      pub = this.#node.createPublisher(env.type, `fleet/${env.origin}/${env.route}`, {
        qos: latched ? { durability: 'transient_local', depth: 1 } : 100,
      });
      this.#incoming.set(key, pub);
    }
    pub.publish(msg as never);
  }
}
