import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import {
  fleetLinkDiagnosticStatus,
  fleetTraffic,
  readFleetLinkDiagnostics,
  type FleetLinkDiagnostics,
} from './FleetLinkDiagnostics.js';

const figures: FleetLinkDiagnostics = {
  robot: 'r1',
  broker: 'mqtt://127.0.0.1:40001',
  peers: [
    {
      name: 'r2',
      connected: true,
      queued: 3,
      sent: 120,
      acked: 117,
      resent: 4,
      bytes: 65_536,
      mapTiles: { sent: 40, applied: 38 },
    },
    { name: 'r3', connected: false, queued: 0, sent: 0, acked: 0, resent: 0, bytes: 0 },
    // A teammate named like the receiver's keys must not be taken for them.
    { name: 'received', connected: true, queued: 1, sent: 2, acked: 1, resent: 0, bytes: 10 },
  ],
  received: { delivered: 90, duplicates: 2, malformed: 1, spoofed: 0 },
};

function refusal(status: ReturnType<typeof fleetLinkDiagnosticStatus>): string {
  try {
    readFleetLinkDiagnostics(status);
  } catch (err) {
    expect(isOutpostError(err, 'OUTPOST_ERR_FLEET_DIAGNOSTICS')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected OUTPOST_ERR_FLEET_DIAGNOSTICS');
}

describe('FleetLinkDiagnostics', () => {
  it('round-trips the figures through a DiagnosticStatus', () => {
    const status = fleetLinkDiagnosticStatus(figures);
    expect(readFleetLinkDiagnostics(status)).toEqual(figures);
    const early: FleetLinkDiagnostics = { robot: 'r4', broker: 'mqtt://x:1', peers: [] };
    expect(readFleetLinkDiagnostics(fleetLinkDiagnosticStatus(early))).toEqual(early);
  });

  it('carries drops and the age of the last message from a peer when the link knows them', () => {
    const withAge: FleetLinkDiagnostics = {
      robot: 'r1',
      broker: 'mqtt://x:1',
      peers: [
        {
          name: 'r2',
          connected: true,
          queued: 0,
          sent: 1,
          acked: 1,
          resent: 0,
          bytes: 9,
          dropped: 7,
          lastMessageAgeSec: 1.25,
        },
      ],
    };
    const status = fleetLinkDiagnosticStatus(withAge);
    expect(status.values).toContainEqual({ key: 'r2.last_message_age_s', value: '1.250' });
    expect(readFleetLinkDiagnostics(status)).toEqual(withAge);
    const bad = {
      ...status,
      values: status.values.map((kv) => (kv.key === 'r2.last_message_age_s' ? { ...kv, value: 'NaN' } : kv)),
    };
    expect(refusal(bad)).toMatch(/r2\.last_message_age_s: expected seconds, got "NaN"/);
  });

  it('keeps the key strings and message that /diagnostics has always carried', () => {
    const status = fleetLinkDiagnosticStatus({ ...figures, peers: figures.peers.slice(0, 2) });
    expect(status.name).toBe('fleet_link: r1');
    expect(status.hardware_id).toBe('r1');
    expect(status.message).toBe('1/2 teammates in contact');
    expect(status.values.map((kv) => `${kv.key}=${kv.value}`)).toEqual([
      'broker=mqtt://127.0.0.1:40001',
      'r2.connected=true',
      'r2.queued=3',
      'r2.sent=120',
      'r2.acked=117',
      'r2.resent=4',
      'r2.bytes=65536',
      'r2.map_tiles_sent=40',
      'r2.map_tiles_applied=38',
      'r3.connected=false',
      'r3.queued=0',
      'r3.sent=0',
      'r3.acked=0',
      'r3.resent=0',
      'r3.bytes=0',
      'received.delivered=90',
      'received.duplicates=2',
      'received.malformed=1',
      'received.spoofed=0',
    ]);
  });

  it('sums the traffic the mission report counts', () => {
    expect(fleetTraffic(figures)).toEqual({ sent: 122, delivered: 90, bytes: 65_546 });
    expect(fleetTraffic({ robot: 'r1', broker: '', peers: [] })).toEqual({ sent: 0, delivered: 0, bytes: 0 });
  });

  it('ignores statuses of other nodes', () => {
    expect(
      readFleetLinkDiagnostics({
        level: 0,
        name: 'motor_bridge',
        message: '',
        hardware_id: 'r1',
        values: [{ key: 'r2.sent', value: '5' }],
      }),
    ).toBeUndefined();
  });

  it('refuses a malformed fleet_link status with a clear error', () => {
    const good = fleetLinkDiagnosticStatus(figures);
    const edit = (f: (values: typeof good.values) => typeof good.values) => ({
      ...good,
      values: f(good.values.map((kv) => ({ ...kv }))),
    });
    expect(refusal(edit((v) => v.map((kv) => (kv.key === 'r2.sent' ? { ...kv, value: '12.5' } : kv))))).toMatch(
      /r2\.sent: expected a count, got "12.5"/,
    );
    expect(refusal(edit((v) => v.map((kv) => (kv.key === 'r2.connected' ? { ...kv, value: 'yes' } : kv))))).toMatch(
      /expected true or false/,
    );
    expect(refusal(edit((v) => v.filter((kv) => kv.key !== 'r3.bytes')))).toMatch(/no "r3\.bytes" key/);
    expect(refusal(edit((v) => v.filter((kv) => kv.key !== 'broker')))).toMatch(/no "broker" key/);
    expect(refusal(edit((v) => v.filter((kv) => kv.key !== 'received.spoofed')))).toMatch(
      /received\.delivered, received\.duplicates, received\.malformed$/,
    );
    expect(refusal(edit((v) => v.filter((kv) => kv.key !== 'r2.map_tiles_applied')))).toMatch(/come together/);
    expect(refusal(edit((v) => [...v, { key: 'r2.sent', value: '1' }]))).toMatch(/r2\.sent is given twice/);
    expect(refusal(edit((v) => [...v, { key: 'r2.latency', value: '1' }]))).toMatch(/unknown figure "latency"/);
    expect(refusal(edit((v) => [...v, { key: 'uptime', value: '1' }]))).toMatch(/got "uptime"/);
    expect(refusal({ ...good, hardware_id: 'r9' })).toMatch(/hardware_id/);
  });
});
