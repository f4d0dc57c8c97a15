import { describe, expect, it } from 'vitest';
import { FleetAccess } from './FleetAccess.js';

// Derivations and passed logins are shared by every FleetAccess in the process (start-up cost of
// N brokers × N users in the simulator); sharing must never let one broker's password into another.
describe('FleetAccess', () => {
  it('accepts the right password and refuses a wrong one or an unknown user', () => {
    const a = new FleetAccess('f', [
      { username: 'r1', password: 'one' },
      { username: 'r2', password: 'two' },
    ]);
    expect(a.authenticate('r1', 'one')).toBe(true);
    expect(a.authenticate('r1', Buffer.from('one'))).toBe(true);
    expect(a.authenticate('r1', 'two')).toBe(false);
    expect(a.authenticate('r2', 'one')).toBe(false);
    expect(a.authenticate('r3', 'one')).toBe(false);
    expect(a.authenticate(undefined, 'one')).toBe(false);
  });

  it('brokers listing the same user with the same password both accept it', () => {
    const users = [{ username: 'r1', password: 'same' }];
    const a = new FleetAccess('f', users);
    const b = new FleetAccess('g', users);
    expect(a.authenticate('r1', 'same')).toBe(true);
    expect(b.authenticate('r1', 'same')).toBe(true);
    expect(b.authenticate('r1', 'other')).toBe(false);
  });

  it('a password that passed on one broker does not pass on a broker that gave the user another password', () => {
    const a = new FleetAccess('f', [{ username: 'r1', password: 'alpha' }]);
    const b = new FleetAccess('f', [{ username: 'r1', password: 'beta' }]);
    expect(a.authenticate('r1', 'alpha')).toBe(true);
    expect(b.authenticate('r1', 'alpha')).toBe(false);
    expect(b.authenticate('r1', 'beta')).toBe(true);
    expect(a.authenticate('r1', 'beta')).toBe(false);
  });

  it('keeps the ACL rules', () => {
    const a = new FleetAccess('f', [
      { username: 'r1', password: 'x' },
      { username: 'gs', password: 'y', groundStation: true },
    ]);
    expect(a.mayPublish('r1', 'outpost/f/r1/pose')).toBe(true);
    expect(a.mayPublish('r1', 'outpost/f/r2/pose')).toBe(false);
    expect(a.mayPublish('gs', 'outpost/f/r2/pose')).toBe(true);
    expect(a.maySubscribe('r1', 'outpost/f/#')).toBe(true);
    expect(a.maySubscribe('r1', '#')).toBe(false);
  });

  it('a read-only user subscribes like a robot and publishes only its own acks and stream requests', () => {
    const a = new FleetAccess('f', [
      { username: 'r1', password: 'x' },
      { username: 'groundstation', password: 'z', readOnly: true },
    ]);
    expect(a.maySubscribe('groundstation', 'outpost/f/+/#')).toBe(true);
    expect(a.mayPublish('groundstation', 'outpost/f/groundstation/~ack/r1')).toBe(true);
    expect(a.mayPublish('groundstation', 'outpost/f/groundstation/~stream/r1')).toBe(true);
    for (const topic of [
      'outpost/f/groundstation/~stream/',
      'outpost/f/groundstation/~stream/r1/scan',
      'outpost/f/r1/~stream/r2',
      'outpost/f/groundstation/requests/r1',
      'outpost/f/r1/pose',
      'outpost/f/groundstation/telemetry',
      'outpost/f/groundstation/~ack/',
      'outpost/f/groundstation/~ack/r1/more',
      'outpost/f/r1/~ack/groundstation',
    ])
      expect(a.mayPublish('groundstation', topic), topic).toBe(false);
    const acl = a.mosquittoAcl();
    expect(acl).toContain(
      'user groundstation\ntopic read outpost/f/#\ntopic write outpost/f/groundstation/~ack/+\ntopic write outpost/f/groundstation/~stream/+\n',
    );
    expect(acl).toContain('user r1\ntopic readwrite outpost/f/r1/#\ntopic read outpost/f/#\n');
    expect(acl).not.toContain('pattern');
  });

  it('refuses a user that is both ground_station and read_only', () => {
    expect(
      () => new FleetAccess('f', [{ username: 'gs', password: 'x', groundStation: true, readOnly: true }]),
    ).toThrow(/expected ground_station or read_only, got both/);
  });
});

describe('FleetAccess with deriveInBackground (hashes on the thread pool)', () => {
  it('authenticateAsync waits for the hash and accepts and refuses exactly as the constructor does', async () => {
    const users = [
      { username: 'c1', password: 'p1' },
      { username: 'c2', password: 'p2' },
    ];
    const a = new FleetAccess('f', users, { deriveInBackground: true });
    const b = new FleetAccess('g', users, { deriveInBackground: true });
    for (const acc of [a, b]) {
      expect(await acc.authenticateAsync('c1', 'p1')).toBe(true);
      expect(await acc.authenticateAsync('c2', Buffer.from('p2'))).toBe(true);
      expect(await acc.authenticateAsync('c1', 'p2')).toBe(false);
      expect(await acc.authenticateAsync('nobody', 'p2')).toBe(false);
      expect(await acc.authenticateAsync(undefined, 'p2')).toBe(false);
    }
    const other = new FleetAccess('f', [{ username: 'c1', password: 'changed' }], { deriveInBackground: true });
    expect(await other.authenticateAsync('c1', 'p1')).toBe(false);
    expect(await other.authenticateAsync('c1', 'changed')).toBe(true);
  });

  it('a synchronous check right away finishes the derivation itself', () => {
    const a = new FleetAccess('f', [{ username: 'd1', password: 'now' }], { deriveInBackground: true });
    expect(a.authenticate('d1', 'later')).toBe(false);
    expect(a.authenticate('d1', 'now')).toBe(true);
  });

  it('refuses a bad robot name at once', () => {
    expect(
      () => new FleetAccess('f', [{ username: 'bad/name', password: 'x' }], { deriveInBackground: true }),
    ).toThrow();
  });
});
