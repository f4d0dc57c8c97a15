import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { FleetInbox } from '../../runtime/fleet/FleetInbox.js';
import { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import { PeerLink } from '../../runtime/fleet/PeerLink.js';
import { MosquittoBroker } from '../../runtime/fleet/testing/MosquittoBroker.js';
import { FLEET, USERS, password, quietLogger, registry, tempDir, testRoutes } from './fleetHarness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A CA and a server certificate for 127.0.0.1 signed by it, made with the openssl CLI. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=outpost-test-ca',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  ]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('server.pem'),
  ]);
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

describe('fleet link TLS to an external broker (Mosquitto)', () => {
  it('delivers over mqtts:// when the broker certificate verifies against the CA, and refuses an unverified one', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const certs = makeCertificates(dir);
    const broker = new MosquittoBroker({
      fleet: FLEET,
      users: USERS,
      config: [`cafile ${certs.ca}`, `certfile ${certs.cert}`, `keyfile ${certs.key}`],
    });
    await broker.start();
    cleanups.push(() => broker.close());
    const url = `mqtts://127.0.0.1:${broker.port}`;
    const tls = { ca: readFileSync(certs.ca) };
    const got: string[] = [];
    const receiver = new FleetReceiver({
      inbox: new FleetInbox<FleetEnvelope>({ path: ':memory:' }),
      registry,
      fleet: FLEET,
      robot: 'r2',
      url,
      username: 'r2',
      password: password('r2'),
      protocolVersion: 5,
      logger: quietLogger,
      tls,
      reconnectPeriodSec: 0.05,
      handler: (m) => {
        got.push((m as { data: string }).data);
      },
    });
    await receiver.start();
    cleanups.push(() => receiver.close());
    const link = new PeerLink({
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url,
      username: 'r1',
      password: password('r1'),
      protocolVersion: 5,
      outboxPath: ':memory:',
      routes: testRoutes(),
      logger: quietLogger,
      tls,
      reconnectPeriodSec: 0.05,
    });
    link.start();
    cleanups.push(() => link.close());
    await link.send('/r1/events', { data: 'over tls' });
    await expect.poll(() => got.length, { timeout: 5000, message: 'the message over TLS' }).toBe(1);
    expect(got).toEqual(['over tls']);

    // Without the CA the broker's self-made certificate does not verify: no connection, nothing sent.
    const untrusted = new PeerLink({
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url,
      username: 'r1',
      password: password('r1'),
      protocolVersion: 5,
      outboxPath: ':memory:',
      routes: testRoutes(),
      logger: quietLogger,
      reconnectPeriodSec: 0.05,
    });
    untrusted.start();
    cleanups.push(() => untrusted.close());
    await untrusted.send('/r1/events', { data: 'must not arrive' });
    await expect
      .poll(() => untrusted.sender.stats.errors, { timeout: 5000, message: 'a TLS verification error' })
      .toBeGreaterThan(0);
    expect(untrusted.sender.connected).toBe(false);
    expect(got).toEqual(['over tls']);
  }, 30_000);
});
