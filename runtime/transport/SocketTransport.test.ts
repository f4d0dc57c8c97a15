import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { pino } from 'pino';
import { Context } from '../Context.js';
import { Node } from '../Node.js';
import { defaultRegistry } from '../msg/defaultRegistry.js';
import { BusServer } from './BusServer.js';
import { LocalTransport } from './LocalTransport.js';
import { SocketTransport } from './SocketTransport.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function pair() {
  const server = new Context({ logger, transport: new LocalTransport() });
  const path = join(mkdtempSync(join(tmpdir(), 'outpost-bus-')), 'bus.sock');
  const bus = await BusServer.listen(path, (server.transport as LocalTransport).bus, defaultRegistry(), logger);
  const child = new Context({ logger, transport: await SocketTransport.connect(path, defaultRegistry()) });
  cleanups.push(async () => {
    await child.close();
    await bus.close();
  });
  return { server, child, bus, path };
}

describe('SocketTransport over BusServer', () => {
  it('carries messages both ways as CDR, without echoing a process its own messages', async () => {
    const { server, child } = await pair();
    const inLauncher: number[] = [];
    const inChild: number[] = [];
    new Node('sink', '', server).createSubscription('std_msgs/msg/Int32', '/up', {}, (m) => {
      inLauncher.push(m.data);
    });
    const childNode = new Node('worker', '', child);
    childNode.createSubscription('std_msgs/msg/Int32', '/up', {}, (m) => {
      inChild.push(m.data);
    });
    const up = childNode.createPublisher('std_msgs/msg/Int32', '/up');
    await expect.poll(() => up.getSubscriptionCount()).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 5; i++) up.publish({ data: i });
    await expect.poll(() => inLauncher.length).toBe(5);
    await new Promise((r) => setTimeout(r, 30));
    expect(inLauncher).toEqual([0, 1, 2, 3, 4]);
    expect(inChild).toEqual([0, 1, 2, 3, 4]); // in-process only: not echoed back by the server
  });

  it('forwards transient_local history and services across the socket', async () => {
    const { server, child } = await pair();
    const srv = new Node('srv', '', server);
    srv
      .createPublisher('std_msgs/msg/String', '/map_name', { qos: { durability: 'transient_local', depth: 1 } })
      .publish({ data: 'cave' });
    srv.createService('std_srvs/srv/SetBool', '/arm', (r) => ({ success: r.data, message: 'armed' }));
    const got: string[] = [];
    const c = new Node('late', '', child);
    c.createSubscription(
      'std_msgs/msg/String',
      '/map_name',
      { qos: { durability: 'transient_local', depth: 1 } },
      (m) => {
        got.push(m.data);
      },
    );
    await expect.poll(() => got.length).toBe(1);
    expect(got).toEqual(['cave']);
    const client = c.createClient('std_srvs/srv/SetBool', '/arm');
    expect(await client.waitForService(2000)).toBe(true);
    expect(await client.sendRequestAsync({ data: true })).toEqual({ success: true, message: 'armed' });
    // A service in the child answers a caller in the launcher.
    c.createService('std_srvs/srv/Trigger', '/child/ping', () => ({ success: true, message: 'pong' }));
    const fromLauncher = new Node('caller', '', server).createClient('std_srvs/srv/Trigger', '/child/ping');
    expect(await fromLauncher.waitForService(2000)).toBe(true);
    expect(await fromLauncher.sendRequestAsync({})).toEqual({ success: true, message: 'pong' });
  });

  it('survives a garbage frame from a peer and drops that connection only', async () => {
    const { server, child, bus, path } = await pair();
    const got: number[] = [];
    new Node('sink', '', server).createSubscription('std_msgs/msg/Int32', '/x', {}, (m) => {
      got.push(m.data);
    });
    const bad = connect(path);
    await new Promise((r) => bad.once('connect', r));
    const closed = new Promise((r) => bad.once('close', r));
    bad.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    await closed;
    const pub = new Node('w', '', child).createPublisher('std_msgs/msg/Int32', '/x');
    await expect.poll(() => pub.getSubscriptionCount()).toBeGreaterThanOrEqual(1);
    pub.publish({ data: 7 });
    await expect.poll(() => got.length).toBe(1);
    expect(got).toEqual([7]);
    expect(bus.connectionCount).toBe(1);
  });
});
