import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Node, secondsToNs, type Context, type MessageOf, type NodeKind, type NodeKindOptions, type Publisher,
} from '../../runtime/index.js';
import { EmbeddedBroker } from '../../runtime/fleet/EmbeddedBroker.js';
import { FleetAccess } from '../../runtime/fleet/FleetAccess.js';
import { loadFleetCredentials } from '../../runtime/fleet/FleetCredentials.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { FleetInbox } from '../../runtime/fleet/FleetInbox.js';
import { loadFleetTls, type FleetTls } from '../../runtime/fleet/FleetTls.js';
import { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import { defineRoute, type FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import { PeerLink } from '../../runtime/fleet/PeerLink.js';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import { MAP_SUMMARY_TYPE, MAP_TILES_TYPE, MapSyncSession, type SyncMessage } from './MapSyncSession.js';
import { TiledMap } from './TiledMap.js';
import { checkRouteSpecs, parseRouteSpec } from './RouteSpec.js';

/** Internal routes of map sync (reserved route names). */
const MAP_SUMMARY_ROUTE = 'fleet_map_summary';
const MAP_TILES_ROUTE = 'fleet_map_tiles';
const LATCHED = { durability: 'transient_local', depth: 1000 } as const;

interface Peer {
  name: string;
  url: string;
  link: PeerLink;
  connected: boolean;
  /** Resolved (and cleared) when the link next comes up. */
  onConnect: Array<() => void>;
}

/**
 * A robot's end of the fleet link: its own MQTT broker (embedded Aedes, or Mosquitto by
 * URL), one durable PeerLink per teammate, one FleetReceiver, and map sync.
 * - Routes (`routes`): what this robot publishes on `<ns>/TOPIC` goes to every teammate, durably
 *   and in order per route; what teammate X sent arrives on `<ns>/fleet/X/TOPIC`.
 * - Map sync (`map_topic`): this robot's OccupancyGrid becomes its layer of a tiled, versioned
 *   map; on every contact the two robots exchange tile summaries and send only the tiles the other
 *   lacks; the merged map (all layers, relayed ones too) is published on `<ns>/fleet/map`.
 * - Peers come from `peers` ("NAME=URL") and, with `discover`, from the link gate's
 *   /outpost/fleet/link_routes (simulation: every link goes through a gated proxy).
 * Outboxes and the inbox live in `<outbox_dir>/<robot>/`: a restart resends what was not acked.
 */
export class FleetLinkNode extends Node {
  #robot = '';
  #fleet = '';
  #username = '';
  #password = '';
  #dir = '';
  #protocol: 4 | 5 = 4;
  #brokerUrl = '';
  #broker: EmbeddedBroker | undefined;
  #inbox: FleetInbox<FleetEnvelope> | undefined;
  #receiver: FleetReceiver | undefined;
  #routes: FleetRoute[] = [];
  readonly peers = new Map<string, Peer>();
  /** Outboxes of expected teammates whose address is not known yet: nothing sent to them is lost meanwhile. */
  readonly #early = new Map<string, FleetOutbox>();
  readonly sessions = new Map<string, MapSyncSession>();
  #incoming = new Map<string, Publisher>();
  #map: TiledMap | undefined;
  /** The own map as last cut into tiles: only tiles that differ from it are cut again. */
  #ownPrev: Int8Array | undefined;
  #mapSeqPublished = -1;
  #mergedPub: Publisher<'nav_msgs/msg/OccupancyGrid'> | undefined;
  #diag: Publisher<'diagnostic_msgs/msg/DiagnosticArray'> | undefined;
  #brokersPub: Publisher<'outpost_msgs/msg/FleetBroker'> | undefined;
  #lastMapPublishNs = 0n;
  #active = false;
  #tls: FleetTls | undefined;
  /** deliver_on_sync: what arrived waits for the next ~/sync (repeatable simulations). */
  #holdForSync = false;
  #held: Array<{ msg: unknown; env: FleetEnvelope }> = [];
  /** ~/sync calls timed out in a row, and when the first of them gave up (wall ns). */
  #syncTimeouts = 0;
  #syncStuckSinceNs = 0n;

  constructor(context: Context, options: NodeKindOptions) {
    super(options.name, options.namespace, context, options);
    for (const [name, spec] of Object.entries(fleetLinkKind.parameters)) this.declareParameter(name, spec);
  }

  get robot(): string { return this.#robot; }
  get brokerUrl(): string { return this.#brokerUrl; }
  get map(): TiledMap | undefined { return this.#map; }
  get receiver(): FleetReceiver | undefined { return this.#receiver; }

  protected override async onConfigure() {
    const p = <T>(name: string): T => this.getParameter(name).value as T;
    const nsTail = this.namespace().split('/').filter(Boolean).at(-1) ?? '';
    this.#robot = p<string>('robot') || nsTail;
    if (this.#robot === '') throw new Error('fleet_link: set "robot" or run the node in the robot\'s namespace');
    this.#fleet = p<string>('fleet');
    this.#username = p<string>('username') || this.#robot;
    const credentialsFile = p<string>('credentials_file');
    const users = credentialsFile === '' ? [] : loadFleetCredentials(credentialsFile);
    this.#password = p<string>('password') || users.find((u) => u.username === this.#username)?.password || '';
    if (this.#password === '') {
      throw new Error(`fleet_link: no password for "${this.#username}": set "password" or list the user in credentials_file`);
    }
    this.#tls = loadFleetTls({ ca: p<string>('tls_ca_file'), cert: p<string>('tls_cert_file'), key: p<string>('tls_key_file') });
    const broker = p<string>('broker');
    if (broker === 'embedded') {
      if (users.length === 0) throw new Error('fleet_link: the embedded broker needs a credentials_file listing the fleet\'s users');
      this.#broker = new EmbeddedBroker({
        access: new FleetAccess(this.#fleet, users, { deriveInBackground: true }), host: p<string>('broker_host'), port: p<number>('broker_port'),
        onRefused: (what, user, detail) => this.getLogger().warn({ what, user }, `broker refused ${what} by ${String(user)}: ${detail}`),
      });
      await this.#broker.start();
      this.#brokerUrl = this.#broker.url;
      this.#protocol = 4;
    } else {
      this.#brokerUrl = broker;
      this.#protocol = p<number>('mqtt_version') === 5 ? 5 : 4;
    }
    // ':memory:' keeps outboxes and inbox in memory: no durability, for simulations that must not
    // carry state from one run into the next.
    this.#dir = p<string>('outbox_dir') === ':memory:' ? ':memory:' : join(p<string>('outbox_dir'), this.#fleet, this.#robot);
    if (this.#dir !== ':memory:') mkdirSync(this.#dir, { recursive: true });
    this.#inbox = new FleetInbox<FleetEnvelope>({ path: this.#file('inbox.sqlite') });
    this.#routes = p<string[]>('routes').map(parseRouteSpec);
    this.#holdForSync = p<boolean>('deliver_on_sync');
    for (const route of this.#routes) {
      const codec = this.context.registry.codec(route.type);
      this.createSubscription(route.type, route.topic, { qos: 100 }, (msg) => {
        const bytes = codec.encode(msg);
        for (const peer of this.peers.values()) {
          peer.link.outbox.enqueue(route.route, bytes);
          peer.link.sender.kick();
        }
        for (const outbox of this.#early.values()) outbox.enqueue(route.route, bytes);
      });
    }
    const fleetSize = p<number>('fleet_size');
    const teammates = (fleetSize > 0 ? Array.from({ length: fleetSize }, (_, i) => `r${i + 1}`) : p<string[]>('teammates'))
      .filter((t) => t !== this.#robot);
    for (const t of teammates) {
      this.#early.set(t, new FleetOutbox({
        path: this.#file(`to-${t}.sqlite`), routes: this.#peerRoutes(), logger: this.getLogger(),
        onDrop: (e) => this.getLogger().warn({ peer: t, ...e }, `fleet route ${e.route}: dropped (${e.reason})`),
      }));
    }
    const mapTopic = p<string>('map_topic');
    if (mapTopic !== '') {
      this.#mergedPub = this.createPublisher('nav_msgs/msg/OccupancyGrid', 'fleet/map', { qos: { durability: 'transient_local', depth: 1 } });
      this.createSubscription('nav_msgs/msg/OccupancyGrid', mapTopic, { qos: 2 }, (grid) => this.#onOwnMap(grid));
    }
    this.#diag = this.createPublisher('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics');
    this.#brokersPub = this.createPublisher('outpost_msgs/msg/FleetBroker', '/outpost/fleet/brokers', { qos: LATCHED });
    return 'success' as const;
  }

  protected override async onActivate() {
    this.#active = true;
    this.#receiver = new FleetReceiver({
      inbox: this.#inbox!, registry: this.context.registry, fleet: this.#fleet, robot: this.#robot,
      url: this.#brokerUrl, username: this.#username, password: this.#password, protocolVersion: this.#protocol,
      logger: this.getLogger(), now: () => this.now().seconds, handler: (msg, env) => this.#onReceived(msg, env),
      ...(this.#brokerUrl.startsWith('mqtts:') && this.#tls ? { tls: this.#tls } : {}),
    });
    await this.#receiver.start();
    for (const entry of this.getParameter('peers').value as string[]) {
      const i = entry.indexOf('=');
      this.#addPeer(entry.slice(0, i), entry.slice(i + 1));
    }
    if (this.getParameter('discover').value === true) {
      this.createSubscription('outpost_msgs/msg/FleetLinkRoute', '/outpost/fleet/link_routes', { qos: LATCHED }, (r) => {
        if (r.from_robot === this.#robot && this.#active) this.#addPeer(r.to_robot, r.url);
      });
    }
    // Announced once the receiver listens, so a link gate never routes to a broker nobody reads.
    this.#brokersPub?.publish({ robot: this.#robot, url: this.#brokerUrl, protocol_version: this.#protocol });
    this.createTimer(secondsToNs(0.1), () => this.#tick());
    this.createTimer(secondsToNs(1), () => this.#publishDiagnostics());
    this.createService('outpost_msgs/srv/FleetSync', '~/sync', (req) => this.#settle(req.reachable, req.timeout_s));
    return 'success' as const;
  }

  /**
   * Lock-step with a simulator: waits (wall time) until every reachable teammate is connected, all
   * queued messages to them are acknowledged, map batches they lack are sent, and what arrived
   * was handled. Returns how much moved, so the caller repeats until nothing does.
   */
  async #settle(reachable: string[], timeoutS: number) {
    const wall = this.context.wallClock;
    const deadline = wall.now().nanoseconds + secondsToNs(timeoutS > 0 ? timeoutS : 5);
    const count = (): number => {
      let n = this.#receiver?.stats.delivered ?? 0;
      for (const p of this.peers.values()) n += p.link.sender.stats.sent + p.link.sender.stats.acked;
      return n;
    };
    const before = count();
    for (;;) {
      this.#pumpMapBatches(true);
      const waits: Promise<unknown>[] = [];
      const waiting: string[] = [];
      for (const name of reachable) {
        const p = this.peers.get(name);
        if (p === undefined) waiting.push(name); // not discovered yet: the link gate announces it
        else if (!p.connected) {
          // The caller says the link is up: try now rather than at the next periodic attempt.
          p.link.sender.reconnectNow();
          waiting.push(name);
          waits.push(new Promise<void>((r) => p.onConnect.push(r)));
        }
        else if (p.link.outbox.size > 0 || p.link.sender.inFlight > 0) { waiting.push(name); waits.push(p.link.sender.drained()); }
      }
      await this.#receiver?.idle();
      if (waiting.length === 0) {
        this.#syncRecovered(wall.now().nanoseconds);
        const delivered = this.#deliverHeld();
        return { settled: true, activity: count() - before + delivered, message: '' };
      }
      const left = deadline - wall.now().nanoseconds;
      if (left <= 0n) {
        this.#syncTimedOut(waiting, wall.now().nanoseconds);
        return { settled: false, activity: count() - before, message: `not settled with ${waiting.join(', ')}` };
      }
      // Woken by a connection or the last ack; a 1 ms poll covers what has no event (a message
      // superseded or expired in the outbox, a peer not discovered yet).
      let cancel = (): void => {};
      const poll = new Promise<void>((resolve) => {
        const wait = 1_000_000n < left ? 1_000_000n : left;
        cancel = wall.schedule(wall.now().nanoseconds + wait, resolve);
      });
      // (Never an empty Promise.all: it resolves at once and this loop would starve the sockets.)
      await Promise.race([...waits, poll]);
      cancel();
      // (No spinUntilIdle here: this handler is itself a callback the executor waits for.)
    }
  }

  /**
   * A ~/sync that timed out: said once at WARN per episode (with each peer's state, so a user of
   * `outpost sim` sees which link is stuck and how), further ones at debug until a sync settles.
   */
  #syncTimedOut(waiting: string[], nowNs: bigint): void {
    const peers = waiting.map((name) => {
      const p = this.peers.get(name);
      if (p === undefined) return { peer: name, discovered: false };
      const age = p.link.sender.lastAckAgeSec;
      return {
        peer: name, connected: p.connected, queued: p.link.outbox.size, in_flight: p.link.sender.inFlight,
        last_ack_age_s: age === undefined ? null : Math.round(age * 10) / 10,
      };
    });
    this.#syncTimeouts++;
    if (this.#syncTimeouts > 1) {
      this.getLogger().debug({ peers, timeouts: this.#syncTimeouts }, 'fleet link: ~/sync timed out again');
      return;
    }
    this.#syncStuckSinceNs = nowNs;
    const said = peers.map((p) => ('connected' in p
      ? `${p.peer} (${p.connected ? 'connected' : 'not connected'}, ${p.queued} queued, ${p.in_flight} in flight, last ack ${p.last_ack_age_s === null ? 'never' : `${p.last_ack_age_s} s ago`})`
      : `${p.peer} (not discovered)`)).join('; ');
    this.getLogger().warn({ peers }, `fleet link ${this.#robot}: ~/sync timed out waiting for ${said}; further timeouts at debug until it settles`);
  }

  #syncRecovered(nowNs: bigint): void {
    if (this.#syncTimeouts === 0) return;
    const stuckS = Number(nowNs - this.#syncStuckSinceNs) / 1e9;
    this.getLogger().info({ timeouts: this.#syncTimeouts, stuck_s: stuckS }, `fleet link ${this.#robot}: ~/sync settles again, after ${this.#syncTimeouts} timeout(s) over ${stuckS.toFixed(1)} s`);
    this.#syncTimeouts = 0;
  }

  protected override async onDeactivate() {
    this.#active = false;
    await Promise.all([...this.peers.values()].map((peer) => peer.link.close()));
    this.peers.clear();
    for (const s of this.sessions.values()) s.close();
    await this.#receiver?.close();
    this.#receiver = undefined;
    return 'success' as const;
  }

  protected override async onCleanup() {
    await this.#release();
    return 'success' as const;
  }

  protected override async onShutdown() {
    if (this.#active) await this.onDeactivate();
    await this.#release();
    return 'success' as const;
  }

  async #release(): Promise<void> {
    for (const o of this.#early.values()) o.close();
    this.#early.clear();
    this.#inbox?.close();
    this.#inbox = undefined;
    await this.#broker?.close();
    this.#broker = undefined;
  }

  #peerRoutes(): FleetRoute[] {
    return [
      ...this.#routes,
      defineRoute({ topic: MAP_SUMMARY_ROUTE, type: MAP_SUMMARY_TYPE, priority: 150, reliability: 'latest-only' }),
      defineRoute({ topic: MAP_TILES_ROUTE, type: MAP_TILES_TYPE, priority: 20 }),
    ];
  }

  #file(name: string): string {
    return this.#dir === ':memory:' ? ':memory:' : join(this.#dir, name);
  }

  #addPeer(name: string, url: string): void {
    if (name === this.#robot || this.peers.get(name)?.url === url) return;
    if (this.peers.has(name)) {
      this.getLogger().warn({ peer: name, url }, `peer ${name} announced at a second address; keeping ${this.peers.get(name)!.url}`);
      return;
    }
    const routes = this.#peerRoutes();
    const early = this.#early.get(name);
    this.#early.delete(name);
    const peer: Peer = { name, url, connected: false, onConnect: [], link: undefined as unknown as PeerLink };
    peer.link = new PeerLink({
      registry: this.context.registry, fleet: this.#fleet, robot: this.#robot, peer: name, url,
      username: this.#username, password: this.#password, protocolVersion: this.#protocol,
      outboxPath: this.#file(`to-${name}.sqlite`), routes, ...(early ? { outbox: early } : {}),
      bytesPerSecond: this.getParameter('bytes_per_second').value as number,
      reconnectPeriodSec: this.getParameter('reconnect_period_s').value as number,
      ...(url.startsWith('mqtts:') && this.#tls ? { tls: this.#tls } : {}),
      logger: this.getLogger().child({ peer: name }),
      // A latest-only route superseding its queued message is the route working, not a loss.
      onDrop: (e) => (e.reason === 'superseded' ? this.getLogger().debug.bind(this.getLogger()) : this.getLogger().warn.bind(this.getLogger()))(
        { peer: name, ...e }, `fleet route ${e.route}: dropped (${e.reason})`),
      onConnectionChange: (up) => this.context.executor.enqueue(() => this.#onContact(peer, up), `fleet contact ${name}`),
    });
    this.peers.set(name, peer);
    peer.link.start();
    this.getLogger().info({ peer: name, url }, `fleet link to ${name} via ${url}`);
  }

  #session(peer: string): MapSyncSession | undefined {
    if (this.#map === undefined) return undefined;
    let s = this.sessions.get(peer);
    if (s === undefined) {
      s = new MapSyncSession({ map: this.#map, peer, registry: this.context.registry, now: () => this.now().toMsg() });
      this.sessions.set(peer, s);
    }
    return s;
  }

  #onContact(peer: Peer, up: boolean): void {
    peer.connected = up;
    if (up) for (const r of peer.onConnect.splice(0)) r();
    this.getLogger().info({ peer: peer.name, up }, `contact with ${peer.name} ${up ? 'made' : 'lost'}`);
    const session = this.#session(peer.name);
    if (session === undefined) return;
    session.close();
    if (up) this.#sendMap(peer, session.open());
  }

  #sendMap(peer: Peer, msg: SyncMessage): void {
    peer.link.outbox.enqueue(msg.type === MAP_SUMMARY_TYPE ? MAP_SUMMARY_ROUTE : MAP_TILES_ROUTE, msg.bytes);
    peer.link.sender.kick();
  }

  #onReceived(msg: unknown, env: FleetEnvelope): void {
    if (this.#holdForSync) {
      this.#held.push({ msg, env });
      return;
    }
    this.#deliver(msg, env);
  }

  /** Hands over what arrived since the last sync, in an order that does not depend on timing. */
  #deliverHeld(): number {
    const held = this.#held.splice(0);
    held.sort((a, b) => (a.env.origin < b.env.origin ? -1 : a.env.origin > b.env.origin ? 1
      : a.env.route < b.env.route ? -1 : a.env.route > b.env.route ? 1 : a.env.seq < b.env.seq ? -1 : a.env.seq > b.env.seq ? 1 : 0));
    for (const h of held) this.#deliver(h.msg, h.env);
    return held.length;
  }

  #deliver(msg: unknown, env: FleetEnvelope): void {
    if (env.route === MAP_SUMMARY_ROUTE || env.route === MAP_TILES_ROUTE) {
      const session = this.#session(env.origin);
      if (session === undefined) return; // no map of our own yet: the peer resends at the next contact
      const replies = session.receive({ type: env.type as SyncMessage['type'], bytes: env.payload });
      const peer = this.peers.get(env.origin);
      if (peer !== undefined) for (const r of replies) this.#sendMap(peer, r);
      return;
    }
    const key = `${env.origin}/${env.route}`;
    let pub = this.#incoming.get(key);
    if (pub === undefined) {
      const route = this.#routes.find((r) => r.route === env.route);
      const latched = route?.reliability === 'latest-only';
      pub = this.createPublisher(env.type, `fleet/${env.origin}/${env.route}`, { qos: latched ? { durability: 'transient_local', depth: 1 } : 100 });
      this.#incoming.set(key, pub);
    }
    pub.publish(msg as never);
  }

  #onOwnMap(grid: MessageOf<'nav_msgs/msg/OccupancyGrid'>): void {
    const { width, height, resolution, origin } = grid.info;
    if (this.#map === undefined) {
      this.#map = new TiledMap({
        self: this.#robot, width, height, resolution, originX: origin.position.x, originY: origin.position.y,
        tileSize: this.getParameter('tile_size').value as number,
      });
    } else if (this.#map.grid.width !== width || this.#map.grid.height !== height) {
      this.getLogger().error({ width, height }, `own map changed size to ${width}×${height}; map sync keeps ${this.#map.grid.describe()}`);
      return;
    }
    if (grid.data.length !== width * height) {
      this.getLogger().error(`own map: ${grid.data.length} cells for ${width}×${height}; dropped`);
      return;
    }
    const g = this.#map.grid;
    // The mapper republishes its whole grid; cutting, validating and comparing all ~300 tiles of
    // a 640×480 map each time was the fleet link's main cost in the simulator. A tile whose cells
    // equal the last own map's is skipped (setOwnTile would find it unchanged anyway).
    const prev = this.#ownPrev;
    const differ = prev === undefined ? undefined : g.tilesThatDiffer(prev, grid.data);
    for (let id = 0; id < g.tileCount; id++) {
      if (differ !== undefined && differ[id] === 0) continue;
      const b = g.tileBounds(id);
      const cells = new Int8Array(b.w * b.h);
      for (let y = 0; y < b.h; y++) {
        const row = (b.y0 + y) * width + b.x0;
        if (grid.data instanceof Int8Array) cells.set(grid.data.subarray(row, row + b.w), y * b.w);
        else for (let x = 0; x < b.w; x++) cells[y * b.w + x] = grid.data[row + x]!;
      }
      this.#map.setOwnTile(id, cells);
    }
    (this.#ownPrev ??= new Int8Array(width * height)).set(grid.data);
  }

  #tick(): void {
    if (!this.#active) return;
    this.#pumpMapBatches();
    this.#publishMergedMap();
  }

  /** `all`: queue every batch the peer lacks now (while settling: the link is flushed anyway). */
  #pumpMapBatches(all = false): void {
    for (const peer of this.peers.values()) {
      const session = this.sessions.get(peer.name);
      if (!peer.connected || session === undefined || !session.synced) continue;
      if (all) {
        for (const batch of session.drain()) this.#sendMap(peer, batch);
        continue;
      }
      // One batch queued at a time: batches are cut from the live map, so a slow link never
      // carries tiles that were superseded while they waited.
      while (peer.link.outbox.bytes(MAP_TILES_ROUTE) === 0) {
        const batch = session.nextBatch();
        if (batch === undefined) break;
        this.#sendMap(peer, batch);
      }
    }
  }

  #publishMergedMap(): void {
    const map = this.#map;
    const minGap = secondsToNs(1 / (this.getParameter('map_publish_hz').value as number));
    if (map !== undefined && this.#mergedPub !== undefined && map.changeSeq !== this.#mapSeqPublished
      && this.now().nanoseconds - this.#lastMapPublishNs >= minGap) {
      this.#mapSeqPublished = map.changeSeq;
      this.#lastMapPublishNs = this.now().nanoseconds;
      this.#mergedPub.publish(map.toOccupancyGrid({ stamp: this.now().toMsg(), frame_id: this.getParameter('map_frame').value as string }));
    }
  }

  #publishDiagnostics(): void {
    const values: Array<{ key: string; value: string }> = [{ key: 'broker', value: this.#brokerUrl }];
    for (const peer of this.peers.values()) {
      const s = peer.link.sender.stats;
      values.push({ key: `${peer.name}.connected`, value: String(peer.connected) });
      values.push({ key: `${peer.name}.queued`, value: String(peer.link.outbox.size) });
      values.push({ key: `${peer.name}.sent`, value: String(s.sent - s.resent) });
      values.push({ key: `${peer.name}.acked`, value: String(s.acked) });
      values.push({ key: `${peer.name}.resent`, value: String(s.resent) });
      values.push({ key: `${peer.name}.bytes`, value: String(s.bytes) });
      const m = this.sessions.get(peer.name)?.stats;
      if (m) values.push({ key: `${peer.name}.map_tiles_sent`, value: String(m.tilesSent) }, { key: `${peer.name}.map_tiles_applied`, value: String(m.tilesApplied) });
    }
    const r = this.#receiver?.stats;
    if (r) for (const k of ['delivered', 'duplicates', 'malformed', 'spoofed'] as const) values.push({ key: `received.${k}`, value: String(r[k]) });
    const connected = [...this.peers.values()].filter((p) => p.connected).length;
    this.#diag?.publish({
      header: { stamp: this.now().toMsg(), frame_id: '' },
      status: [{
        level: 0, name: `fleet_link: ${this.#robot}`, hardware_id: this.#robot, values,
        message: `${connected}/${this.peers.size} teammates in contact`,
      }],
    });
  }
}

export const fleetLinkKind: NodeKind = {
  name: 'fleet_link',
  description: 'Delay-tolerant fleet link over MQTT: own broker, durable outboxes to teammates, routes and map tile sync.',
  parameters: {
    fleet: { type: 'string', default: 'outpost', description: 'Fleet name (MQTT topic level outpost/<fleet>/...).' },
    robot: { type: 'string', default: '', description: 'This robot\'s name; default: the last token of the node\'s namespace.' },
    broker: { type: 'string', default: 'embedded', description: '"embedded" (Aedes in this process) or the URL of this robot\'s own broker, e.g. mqtt://127.0.0.1:1883 or mqtts://... (Mosquitto).' },
    broker_host: { type: 'string', default: '127.0.0.1', description: 'Interface the embedded broker listens on (the robot\'s radio interface in the field).' },
    broker_port: { type: 'integer', default: 0, range: { from: 0, to: 65535 }, description: 'Port of the embedded broker; 0 picks a free one.' },
    mqtt_version: { type: 'integer', default: 5, range: { from: 4, to: 5 }, description: 'MQTT protocol version for an external broker (5: Mosquitto, with message expiry; 4: 3.1.1). The embedded broker always uses 4.' },
    username: { type: 'string', default: '', description: 'Login on brokers; default: the robot name.' },
    password: { type: 'string', default: '', description: 'Password; default: this user\'s entry in credentials_file.' },
    credentials_file: { type: 'string', default: '', description: 'YAML file of the fleet\'s users ({users: [{username, password, ground_station?}]}); required by the embedded broker.' },
    peers: {
      type: 'string_array', default: [], description: 'Teammates\' brokers, "NAME=URL" each.',
      check: (v) => (v as string[]).find((e) => !/^[A-Za-z][A-Za-z0-9_-]*=mqtts?:\/\/.+$/.test(e)) !== undefined
        ? `peer entries must look like "r2=mqtt://10.0.0.2:1883", got ${JSON.stringify((v as string[]).find((e) => !/^[A-Za-z][A-Za-z0-9_-]*=mqtts?:\/\/.+$/.test(e)))}` : undefined,
    },
    teammates: { type: 'string_array', default: [], description: 'Teammates expected before their address is known (with discover): what this robot shares is queued for them from the start.' },
    fleet_size: { type: 'integer', default: 0, range: { from: 0, to: 64 }, description: 'N > 0: the teammates are r1..rN (instead of listing `teammates`).' },
    discover: { type: 'bool', default: false, description: 'Take peers from the link gate\'s /outpost/fleet/link_routes (simulation).' },
    routes: {
      type: 'string_array', default: [], check: (v) => checkRouteSpecs(v as string[]),
      description: 'Topics to share, "TOPIC TYPE [reliability=..] [priority=..] [max_rate_hz=..] [expiry_s=..] [byte_cap=..] [drop=..]" each; TOPIC relative to the namespace.',
    },
    outbox_dir: { type: 'string', default: '.outpost/fleet', description: 'Folder of the durable outboxes and the inbox (SQLite), <dir>/<fleet>/<robot>/; ":memory:" keeps them in memory (no durability: simulation).' },
    bytes_per_second: { type: 'double', default: 0, unit: 'B/s', range: { from: 0, to: 1e10 }, description: 'Bandwidth budget per teammate link; 0: unlimited.' },
    map_topic: { type: 'string', default: 'map', description: 'This robot\'s occupancy grid to sync as tiles; empty: no map sync.' },
    map_frame: { type: 'string', default: 'map', description: 'frame_id of the merged map.' },
    map_publish_hz: { type: 'double', default: 1, unit: 'Hz', range: { from: 0.01, to: 50 }, description: 'Most often the merged map is published on fleet/map.' },
    tls_ca_file: { type: 'string', default: '', description: 'PEM CA that signed the brokers\' certificates, for mqtts:// URLs (verified always).' },
    tls_cert_file: { type: 'string', default: '', description: 'PEM client certificate, where brokers require one (with tls_key_file).' },
    tls_key_file: { type: 'string', default: '', description: 'PEM key of tls_cert_file.' },
    deliver_on_sync: { type: 'bool', default: false, description: 'Hold what arrives until the next ~/sync call and hand it over in (origin, route, seq) order: repeatable simulations.' },
    reconnect_period_s: { type: 'double', default: 0.5, unit: 's', range: { from: 0.005, to: 60 }, description: 'Wait between attempts to reach a teammate\'s broker (wall time). A ~/sync request tries its reachable peers at once, so a simulator needs no short period (a short one costs a refused connection every period for every link that is down).' },
    tile_size: { type: 'integer', default: 32, range: { from: 4, to: 256 }, description: 'Tile edge in cells (all robots of a fleet must agree).' },
  },
  publishes: { 'fleet/map': 'nav_msgs/msg/OccupancyGrid', 'fleet/<robot>/<topic>': '(route type)', '/diagnostics': 'diagnostic_msgs/msg/DiagnosticArray' },
  subscribes: { map: 'nav_msgs/msg/OccupancyGrid', '<topic>': '(route type)' },
  create: (context, options) => new FleetLinkNode(context, options),
};
