import type { Socket } from 'node:net';
import { parse } from '@foxglove/rosmsg';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Context } from '../../runtime/Context.js';
import { buildMessage } from '../../runtime/msg/MessageBuilder.js';
import type { MessageOf } from '../../runtime/msg/MessageTypes.js';
import { Node } from '../../runtime/Node.js';
import type { Publisher } from '../../runtime/Publisher.js';
import { FoxglovePeer as Peer } from '../../test/helpers/FoxglovePeer.js';
import { FoxgloveServer } from './FoxgloveServer.js';

/**
 * The server against an in-process bus, with the deprecated `@foxglove/ws-protocol` client (the
 * library's own client side, not ours) as the peer. Payloads are decoded with the schema the
 * server advertised, parsed by @foxglove/rosmsg: nothing of our registry on the reading side.
 */

/** A full message of `type` from a partial one (fields not given take their defaults). */
function msg<T extends string>(type: T, input: unknown): MessageOf<T> {
  return buildMessage(context.registry, type, input) as MessageOf<T>;
}

let context: Context;
let talker: Node;
let host: Node;
let server: FoxgloveServer;
const peers: Peer[] = [];

function peer(protocols?: string | string[]): Peer {
  const p = new Peer(server.url, protocols);
  peers.push(p);
  return p;
}

beforeEach(async () => {
  context = new Context({ logger: pino({ level: 'silent' }), rosoutLevel: 'off' });
  talker = new Node('talker', '/r1', context);
  host = new Node('foxglove', '/outpost', context);
  server = await FoxgloveServer.start({ node: host, port: 0, sendBufferBytes: 64 * 1024 });
});

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await server.close();
  await context.close();
});

describe('FoxgloveServer', () => {
  it.each([
    ['foxglove.sdk.v1', ['foxglove.sdk.v1']],
    ['foxglove.websocket.v1', ['foxglove.websocket.v1']],
    ['foxglove.sdk.v1', ['something.else', 'foxglove.websocket.v1', 'foxglove.sdk.v1']],
  ])(
    'negotiates %s when offered %j, then sends serverInfo and advertises the bus with ros2msg schemas',
    async (chosen, offered) => {
      talker.createPublisher('nav_msgs/msg/Odometry', 'odom');
      const p = peer(offered);
      await expect.poll(() => p.serverInfo?.name).toBe('outpost /outpost/foxglove');
      expect(p.ws.protocol).toBe(chosen);
      expect(p.serverInfo!.capabilities).toEqual([]);
      const odom = await p.channel('/r1/odom');
      expect(odom).toMatchObject({ encoding: 'cdr', schemaName: 'nav_msgs/msg/Odometry', schemaEncoding: 'ros2msg' });
      // Main definition first, then each dependency after a line of 80 '=' and "MSG: ".
      expect(odom.schema.split('\n')[0]).toBe('std_msgs/Header header');
      expect(odom.schema).toContain(`${'='.repeat(80)}\nMSG: geometry_msgs/PoseWithCovariance\n`);
      // As rosbag2 and foxglove_bridge write it: the stamp is a builtin_interfaces/Time message.
      expect(odom.schema).toContain(`${'='.repeat(80)}\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec`);
      expect(parse(odom.schema, { ros2: true })[0]!.definitions.map((f) => f.name)).toEqual([
        'header',
        'child_frame_id',
        'pose',
        'twist',
      ]);
    },
  );

  it('refuses a client that offers no Foxglove subprotocol with 400 and a reason', async () => {
    for (const offered of [['foxglove.websocket.v2'], []]) {
      const ws = new WebSocket(server.url, offered);
      const response = await new Promise<string>((resolve) => {
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        });
        ws.on('open', () => resolve('opened'));
      });
      expect(response).toMatch(
        /^400 expected a WebSocket subprotocol of foxglove\.sdk\.v1 or foxglove\.websocket\.v1, got/,
      );
      ws.on('error', () => {}); // the refused handshake, reported once more
    }
    expect(server.totals.clientsRejected).toBe(2);
    expect(server.clientCount).toBe(0);
  });

  it('advertises topics as they appear and unadvertises them when their last publisher goes', async () => {
    const p = peer();
    await expect.poll(() => p.serverInfo !== undefined).toBe(true);
    expect(p.channels.has('/r1/scan')).toBe(false);
    const scan = talker.createPublisher('sensor_msgs/msg/LaserScan', 'scan');
    const ch = await p.channel('/r1/scan');
    // A topic that only has subscribers carries nothing: not advertised.
    talker.createSubscription('std_msgs/msg/String', 'chatter_in', {}, () => {});
    scan.destroy();
    await expect.poll(() => p.unadvertised).toEqual([ch.id]);
    expect(p.channels.has('/r1/chatter_in')).toBe(false);
    expect(server.topics).not.toContain('/r1/scan');
  });

  it('subscribes the bus only while a client listens, and sends the CDR bytes of each message', async () => {
    const odom = talker.createPublisher('nav_msgs/msg/Odometry', 'odom');
    const p = peer();
    const ch = await p.channel('/r1/odom');
    expect(server.subscribedTopics).toEqual([]);
    const sub = p.client.subscribe(ch.id);
    await expect.poll(() => server.subscribedTopics).toEqual(['/r1/odom']);
    for (let i = 1; i <= 3; i++) {
      odom.publish(
        msg('nav_msgs/msg/Odometry', {
          header: { frame_id: 'map' },
          child_frame_id: 'base_link',
          pose: { pose: { position: { x: i } } },
        }),
      );
    }
    await expect.poll(() => p.messages.length).toBe(3);
    expect(p.messages.map((m) => m.subscriptionId)).toEqual([sub, sub, sub]);
    const decoded = p.messages.map((m) => p.decode(ch, m) as { pose: { pose: { position: { x: number } } } });
    expect(decoded.map((d) => d.pose.pose.position.x)).toEqual([1, 2, 3]);
    expect(
      Buffer.from(p.messages[0]!.data.buffer, p.messages[0]!.data.byteOffset, p.messages[0]!.data.byteLength),
    ).toEqual(
      Buffer.from(
        context.registry.encode(
          'nav_msgs/msg/Odometry',
          msg('nav_msgs/msg/Odometry', {
            header: { frame_id: 'map' },
            child_frame_id: 'base_link',
            pose: { pose: { position: { x: 1 } } },
          }),
        ),
      ),
    );
    // Receive time from the node's clock (wall clock here), in ns.
    const now = host.now().nanoseconds;
    expect(now - p.messages[0]!.timestamp).toBeGreaterThanOrEqual(0n);
    expect(now - p.messages[0]!.timestamp).toBeLessThan(10_000_000_000n);

    p.client.unsubscribe(sub);
    await expect.poll(() => server.subscribedTopics).toEqual([]);
    odom.publish(msg('nav_msgs/msg/Odometry', {}));
    await context.spinUntilIdle();
    expect(p.messages.length).toBe(3);
  });

  it('gives a client the current message of a latched topic at once, also when it subscribes second', async () => {
    const latched = { durability: 'transient_local', depth: 1 } as const;
    const info = talker.createPublisher('std_msgs/msg/String', 'map_info', { qos: latched });
    info.publish({ data: 'published before anyone listened' });
    const a = peer();
    const ch = await a.channel('/r1/map_info');
    a.client.subscribe(ch.id);
    await expect
      .poll(() => a.messages.map((m) => (a.decode(ch, m) as { data: string }).data))
      .toEqual(['published before anyone listened']);
    const b = peer();
    await b.channel('/r1/map_info');
    b.client.subscribe(ch.id);
    await expect.poll(() => b.messages.length).toBe(1);
    expect((b.decode(ch, b.messages[0]!) as { data: string }).data).toBe('published before anyone listened');
    expect(a.messages.length).toBe(1);
  });

  it('keeps the bus subscription while another client still listens, and answers bad references with warnings', async () => {
    const chatter = talker.createPublisher('std_msgs/msg/String', 'chatter');
    const a = peer();
    const b = peer('foxglove.sdk.v1');
    const ch = await a.channel('/r1/chatter');
    await b.channel('/r1/chatter');
    const sa = a.client.subscribe(ch.id);
    b.client.subscribe(ch.id);
    a.client.subscribe(ch.id); // twice on one channel
    a.client.unsubscribe(99); // never subscribed
    a.ws.send(JSON.stringify({ op: 'subscribe', subscriptions: [{ id: 7, channelId: 12345 }] }));
    a.ws.send(JSON.stringify({ op: 'getParameters', parameterNames: [] })); // a capability we do not offer
    await expect
      .poll(() => a.statuses.map((s) => s.message))
      .toEqual([
        `subscribe: already subscribed to channel ${ch.id} (/r1/chatter)`,
        'unsubscribe: no subscription 99',
        'subscribe: no channel 12345 (it may have been unadvertised)',
        '"getParameters" is not supported by this server (capabilities: none)',
      ]);
    expect(a.statuses.every((s) => s.level === 1)).toBe(true);
    a.client.unsubscribe(sa);
    await expect.poll(() => server.clients().map((c) => c.subscriptions)).toEqual([0, 1]);
    expect(server.subscribedTopics).toEqual(['/r1/chatter']);
    chatter.publish({ data: 'still here' });
    await expect.poll(() => b.messages.length).toBe(1);
    expect(a.messages.length).toBe(0);
    expect(a.closed).toBeUndefined();
  });

  it.each([
    ['text that is not JSON', (ws: WebSocket) => ws.send('{"op": "subscribe", '), /text that is not JSON/],
    [
      'a JSON array',
      (ws: WebSocket) => ws.send('[1,2,3]'),
      /expected a JSON object with an "op" field, got "\[1,2,3\]"/,
    ],
    [
      'an unknown op',
      (ws: WebSocket) => ws.send('{"op":"launchMissiles"}'),
      /expected "op" to be "subscribe" or "unsubscribe", got "\\"launchMissiles\\""/,
    ],
    [
      'a subscribe with bad ids',
      (ws: WebSocket) => ws.send('{"op":"subscribe","subscriptions":[{"id":-1,"channelId":"x"}]}'),
      /subscribe: expected "subscriptions": \[\{ "id": uint32, "channelId": uint32 \}/,
    ],
    [
      'binary junk',
      (ws: WebSocket) => ws.send(Buffer.from([0x01, 0xde, 0xad, 0xbe, 0xef])),
      /got a binary frame of 5 bytes with opcode 0x01/,
    ],
  ])('disconnects a client that sends %s, tells it why, and keeps serving the others', async (_, send, says) => {
    const chatter = talker.createPublisher('std_msgs/msg/String', 'chatter');
    const bad = peer();
    const good = peer();
    const ch = await good.channel('/r1/chatter');
    await bad.channel('/r1/chatter');
    bad.client.subscribe(ch.id);
    good.client.subscribe(ch.id);
    await expect.poll(() => server.clients().map((c) => c.subscriptions)).toEqual([1, 1]);
    send(bad.ws);
    await expect.poll(() => bad.closed?.code).toBe(1008);
    expect(bad.statuses).toHaveLength(1);
    expect(bad.statuses[0]!.level).toBe(2);
    expect(bad.statuses[0]!.message).toMatch(says);
    expect(bad.statuses[0]!.message).toContain('[OUTPOST_ERR_FOXGLOVE_PROTOCOL]; closing the connection');
    await expect.poll(() => server.clientCount).toBe(1);
    chatter.publish({ data: 'after' });
    await expect.poll(() => good.messages.length).toBe(1);
    expect((good.decode(ch, good.messages[0]!) as { data: string }).data).toBe('after');
    expect(server.subscribedTopics).toEqual(['/r1/chatter']);
  });

  it('closes a client that sends a frame over the size limit (1009), and nobody else', async () => {
    const bad = peer();
    const good = peer();
    await expect.poll(() => server.clientCount).toBe(2);
    bad.ws.send(JSON.stringify({ op: 'subscribe', subscriptions: [], pad: 'x'.repeat(100_000) }));
    await expect.poll(() => bad.closed?.code).toBe(1009);
    await expect.poll(() => server.clientCount).toBe(1);
    expect(good.closed).toBeUndefined();
  });

  it('gives a slow client only the newest map once it is behind, small messages all, with bounded memory; a fast one gets every map', async () => {
    const map = talker.createPublisher('nav_msgs/msg/OccupancyGrid', 'fleet/map');
    const chatter = talker.createPublisher('std_msgs/msg/String', 'chatter');
    const slow = peer();
    const fast = peer();
    const mapCh = await slow.channel('/r1/fleet/map');
    const chatCh = await slow.channel('/r1/chatter');
    await fast.channel('/r1/fleet/map');
    const slowMap = slow.client.subscribe(mapCh.id);
    const slowChat = slow.client.subscribe(chatCh.id);
    fast.client.subscribe(mapCh.id);
    await expect.poll(() => server.clients().map((c) => c.subscriptions)).toEqual([2, 1]);
    // The slow client stops reading: the kernel's buffers fill, then the server's.
    const slowSocket = (slow.ws as unknown as { _socket: Socket })._socket;
    slowSocket.pause();
    const side = 512; // 256 KiB of cells per map
    const maps = 60;
    let maxBuffered = 0;
    for (let i = 0; i < maps; i++) {
      map.publish({
        ...msg('nav_msgs/msg/OccupancyGrid', {
          header: { frame_id: `map-${i}` },
          info: { width: side, height: side, resolution: 0.05 },
        }),
        data: new Int8Array(side * side).fill(i % 100),
      });
      chatter.publish({ data: `chat-${i}` });
      await context.spinUntilIdle();
      // Sampled before anything else runs: what the sends just now left in the server's buffer.
      const s = server.clients()[0]!;
      maxBuffered = Math.max(maxBuffered, s.bufferedBytes);
      expect(s.held).toBeLessThanOrEqual(1);
      // The fast client reads what it is sent before the next map (that is what fast means here).
      await expect.poll(() => server.clients()[1]!.bufferedBytes, { timeout: 5000 }).toBe(0);
    }
    const frame = side * side + 200;
    // A map starts only under the 64 KiB budget, so one map (and a few small messages) at most
    // wait past it; without latest-only maps the buffer would grow to the 256 KiB hard limit and more.
    expect(maxBuffered).toBeGreaterThan(64 * 1024);
    expect(maxBuffered).toBeLessThanOrEqual(64 * 1024 + frame + 4096);
    const behind = server.clients()[0]!;
    expect(behind.dropped).toBeGreaterThan(0);
    expect(behind.sent + behind.dropped + behind.held).toBe(2 * maps);
    expect(server.clients()[1]!.dropped).toBe(0);
    await expect.poll(() => fast.messages.length, { timeout: 10_000 }).toBe(maps);

    slowSocket.resume();
    const text = (sub: number, m: (typeof slow.messages)[number]): string =>
      sub === slowMap
        ? (slow.decode(mapCh, m) as { header: { frame_id: string } }).header.frame_id
        : (slow.decode(chatCh, m) as { data: string }).data;
    const received = (sub: number) => slow.messages.filter((m) => m.subscriptionId === sub).map((m) => text(sub, m));
    await expect.poll(() => received(slowMap).at(-1), { timeout: 10_000 }).toBe(`map-${maps - 1}`);
    // Every small message arrives; maps only in part, in order, the newest last.
    await expect.poll(() => received(slowChat).length, { timeout: 10_000 }).toBe(maps);
    expect(received(slowChat)).toEqual(Array.from({ length: maps }, (_, i) => `chat-${i}`));
    const mapNumbers = received(slowMap).map((f) => Number(f.slice(4)));
    expect(mapNumbers.length).toBeLessThan(maps);
    expect(mapNumbers).toEqual([...mapNumbers].sort((x, y) => x - y));
  });

  it('announces the time capability on sim time, stamps messages with it and sends it as time frames', async () => {
    const simHost = new Node('foxglove_sim', '/outpost', context, { parameterOverrides: { use_sim_time: true } });
    const sim = await FoxgloveServer.start({ node: simHost, port: 0 });
    try {
      const clock = talker.createPublisher('rosgraph_msgs/msg/Clock', '/clock', { qos: { depth: 1 } });
      const chatter: Publisher<'std_msgs/msg/String'> = talker.createPublisher('std_msgs/msg/String', 'chatter');
      const p = new Peer(sim.url);
      peers.push(p);
      await expect.poll(() => p.serverInfo?.capabilities).toEqual(['time']);
      const ch = await p.channel('/r1/chatter');
      p.client.subscribe(ch.id);
      await expect.poll(() => sim.subscribedTopics).toEqual(['/r1/chatter']);
      for (let s = 100; s <= 102; s++) {
        clock.publish({ clock: { sec: s, nanosec: 0 } });
        await context.spinUntilIdle();
      }
      chatter.publish({ data: 'stamped' });
      await expect.poll(() => p.messages.length).toBe(1);
      expect(p.messages[0]!.timestamp).toBe(102_000_000_000n);
      await expect.poll(() => p.times.at(-1)).toBe(102_000_000_000n);
    } finally {
      await sim.close();
    }
  });

  it('refuses to start on a taken port with a clear error', async () => {
    await expect(FoxgloveServer.start({ node: host, port: server.port })).rejects.toMatchObject({
      code: 'OUTPOST_ERR_FOXGLOVE_LISTEN',
      message: expect.stringMatching(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE \(the port is taken/),
    });
  });
});
