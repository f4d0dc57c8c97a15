import { OutpostError } from '../../runtime/OutpostError.js';
import type { MessageOf } from '../../runtime/index.js';
import type { Peer } from './FleetPeers.js';
import type { MapSyncStats } from './MapSyncSession.js';

type DiagnosticStatus = MessageOf<'diagnostic_msgs/msg/DiagnosticStatus'>;

/** One teammate's link as a fleet_link counts it. */
export interface FleetPeerFigures {
  name: string;
  connected: boolean;
  /** Messages waiting in the outbox to this teammate. */
  queued: number;
  /** Messages sent at least once (first sends; resends are counted apart). */
  sent: number;
  acked: number;
  resent: number;
  /** Payload bytes sent, resends included. */
  bytes: number;
  /** Map sync with this teammate, once a session exists (the robot has a map of its own). */
  mapTiles?: { sent: number; applied: number };
  /** Messages the outbox to this teammate dropped (expiry, byte cap, latest-only supersession). */
  dropped?: number;
  /** Node time since the last message from this teammate arrived; absent before the first. Unit: s. */
  lastMessageAgeSec?: number;
}

/** What the fleet_link's receiver handed over or refused. */
export interface FleetReceivedFigures {
  delivered: number;
  duplicates: number;
  malformed: number;
  spoofed: number;
}

/**
 * A fleet_link's figures as it publishes them once a second on `/diagnostics`, and as the
 * simulator reads them back for the mission report. The one definition of that status: both
 * sides use `fleetLinkDiagnosticStatus` and `readFleetLinkDiagnostics`, so the key strings are a
 * detail of this file, not a contract between two others.
 */
export interface FleetLinkDiagnostics {
  robot: string;
  /** This robot's broker URL. */
  broker: string;
  peers: FleetPeerFigures[];
  /** Absent before the receiver has started. */
  received?: FleetReceivedFigures;
}

/** One link's figures as the fleet_link counts them; `ageSec`: since its last message arrived. */
export function peerFigures(peer: Peer, map: MapSyncStats | undefined, ageSec: number | undefined): FleetPeerFigures {
  const s = peer.link.sender.stats;
  let dropped = 0;
  for (const reasons of Object.values(peer.link.outbox.dropped())) for (const n of Object.values(reasons)) dropped += n;
  return {
    name: peer.name,
    connected: peer.connected,
    queued: peer.link.outbox.size,
    sent: s.sent - s.resent,
    acked: s.acked,
    resent: s.resent,
    bytes: s.bytes,
    ...(map ? { mapTiles: { sent: map.tilesSent, applied: map.tilesApplied } } : {}),
    dropped,
    ...(ageSec === undefined ? {} : { lastMessageAgeSec: Math.max(0, ageSec) }),
  };
}

const STATUS_PREFIX = 'fleet_link: ';
const PEER_COUNTS = ['queued', 'sent', 'acked', 'resent', 'bytes'] as const;
const RECEIVED = ['delivered', 'duplicates', 'malformed', 'spoofed'] as const;

/** The figures as a diagnostic_msgs/DiagnosticStatus (level OK; keys `PEER.sent`, `received.delivered`, ...). */
export function fleetLinkDiagnosticStatus(d: FleetLinkDiagnostics): DiagnosticStatus {
  const values: Array<{ key: string; value: string }> = [{ key: 'broker', value: d.broker }];
  for (const p of d.peers) {
    values.push({ key: `${p.name}.connected`, value: String(p.connected) });
    for (const k of PEER_COUNTS) values.push({ key: `${p.name}.${k}`, value: String(p[k]) });
    if (p.mapTiles) {
      values.push(
        { key: `${p.name}.map_tiles_sent`, value: String(p.mapTiles.sent) },
        { key: `${p.name}.map_tiles_applied`, value: String(p.mapTiles.applied) },
      );
    }
    if (p.dropped !== undefined) values.push({ key: `${p.name}.dropped`, value: String(p.dropped) });
    if (p.lastMessageAgeSec !== undefined)
      values.push({ key: `${p.name}.last_message_age_s`, value: p.lastMessageAgeSec.toFixed(3) });
  }
  if (d.received) for (const k of RECEIVED) values.push({ key: `received.${k}`, value: String(d.received[k]) });
  const connected = d.peers.filter((p) => p.connected).length;
  return {
    level: 0,
    name: `${STATUS_PREFIX}${d.robot}`,
    hardware_id: d.robot,
    values,
    message: `${connected}/${d.peers.length} teammates in contact`,
  };
}

/**
 * Reads a status back: undefined when it is not a fleet_link's (another node's diagnostics on
 * the same topic), the figures when it is, and OUTPOST_ERR_FLEET_DIAGNOSTICS when it claims to be
 * one but a figure is missing, repeated, unknown or not a count.
 */
export function readFleetLinkDiagnostics(status: DiagnosticStatus): FleetLinkDiagnostics | undefined {
  if (!status.name.startsWith(STATUS_PREFIX)) return undefined;
  const robot = status.hardware_id;
  const bad = (what: string): never => {
    throw new OutpostError('OUTPOST_ERR_FLEET_DIAGNOSTICS', `diagnostic status "${status.name}": ${what}`);
  };
  if (robot === '' || status.name !== `${STATUS_PREFIX}${robot}`)
    bad(`expected hardware_id to name the robot of "${status.name}", got ${JSON.stringify(robot)}`);
  const seen = new Set<string>();
  let broker: string | undefined;
  const peers = new Map<string, Partial<Record<string, number | boolean>>>();
  const received: Partial<Record<string, number>> = {};
  const count = (key: string, value: string): number => {
    if (!/^[0-9]+$/.test(value)) bad(`${key}: expected a count, got ${JSON.stringify(value)}`);
    return Number(value);
  };
  for (const { key, value } of status.values) {
    if (seen.has(key)) bad(`${key} is given twice`);
    seen.add(key);
    if (key === 'broker') {
      broker = value;
      continue;
    }
    const dot = key.indexOf('.');
    const [owner, field] = dot < 0 ? [key, ''] : [key.slice(0, dot), key.slice(dot + 1)];
    if (owner === 'received' && (RECEIVED as readonly string[]).includes(field)) {
      received[field] = count(key, value);
      continue;
    }
    if (owner === '' || field === '')
      bad(`expected keys "broker", "PEER.FIGURE" or "received.FIGURE", got ${JSON.stringify(key)}`);
    const peer = peers.get(owner) ?? {};
    peers.set(owner, peer);
    if (field === 'connected') {
      if (value !== 'true' && value !== 'false') bad(`${key}: expected true or false, got ${JSON.stringify(value)}`);
      peer[field] = value === 'true';
    } else if (
      (PEER_COUNTS as readonly string[]).includes(field) ||
      field === 'map_tiles_sent' ||
      field === 'map_tiles_applied' ||
      field === 'dropped'
    ) {
      peer[field] = count(key, value);
    } else if (field === 'last_message_age_s') {
      if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) bad(`${key}: expected seconds, got ${JSON.stringify(value)}`);
      peer[field] = Number(value);
    } else bad(`${key}: unknown figure "${field}"`);
  }
  if (broker === undefined) bad('no "broker" key');
  const figures: FleetLinkDiagnostics = {
    robot,
    broker: broker!,
    peers: [...peers].map(([name, f]) => {
      for (const k of ['connected', ...PEER_COUNTS]) if (f[k] === undefined) bad(`no "${name}.${k}" key`);
      if ((f.map_tiles_sent === undefined) !== (f.map_tiles_applied === undefined))
        bad(`${name}: map_tiles_sent and map_tiles_applied come together`);
      const n = (k: string) => f[k] as number;
      return {
        name,
        connected: f.connected as boolean,
        queued: n('queued'),
        sent: n('sent'),
        acked: n('acked'),
        resent: n('resent'),
        bytes: n('bytes'),
        ...(f.map_tiles_sent === undefined
          ? {}
          : { mapTiles: { sent: n('map_tiles_sent'), applied: n('map_tiles_applied') } }),
        ...(f.dropped === undefined ? {} : { dropped: n('dropped') }),
        ...(f.last_message_age_s === undefined ? {} : { lastMessageAgeSec: n('last_message_age_s') }),
      };
    }),
  };
  const got = RECEIVED.filter((k) => received[k] !== undefined);
  if (got.length === RECEIVED.length) {
    figures.received = {
      delivered: received.delivered!,
      duplicates: received.duplicates!,
      malformed: received.malformed!,
      spoofed: received.spoofed!,
    };
  } else if (got.length > 0)
    bad(
      `expected all of received.${RECEIVED.join(', received.')} or none, got ${got.map((k) => `received.${k}`).join(', ')}`,
    );
  return figures;
}

/** The traffic the mission report counts: first sends and bytes to every teammate, messages delivered here. */
export function fleetTraffic(d: FleetLinkDiagnostics): { sent: number; delivered: number; bytes: number } {
  let sent = 0;
  let bytes = 0;
  for (const p of d.peers) {
    sent += p.sent;
    bytes += p.bytes;
  }
  return { sent, delivered: d.received?.delivered ?? 0, bytes };
}
