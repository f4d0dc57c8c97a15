import {
  FoxgloveClient,
  type Channel,
  type MessageData,
  type ServerInfo,
  type StatusMessage,
} from '@foxglove/ws-protocol';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { expect } from 'vitest';
import { WebSocket } from 'ws';

/**
 * A Foxglove WebSocket client for tests: the deprecated `@foxglove/ws-protocol` client (the
 * library's own client side, not our code) over `ws`, recording everything it receives. Payloads
 * are decoded with the schema the server advertised, parsed by @foxglove/rosmsg: nothing of our
 * message registry on the reading side.
 */
export class FoxglovePeer {
  readonly ws: WebSocket;
  readonly client: FoxgloveClient;
  serverInfo: ServerInfo | undefined;
  channels = new Map<string, Channel>();
  unadvertised: number[] = [];
  statuses: StatusMessage[] = [];
  messages: MessageData[] = [];
  times: bigint[] = [];
  closed: { code: number } | undefined;
  error: Error | undefined;

  constructor(url: string, protocols: string | string[] = 'foxglove.websocket.v1') {
    this.ws = new WebSocket(url, protocols);
    this.client = new FoxgloveClient({ ws: this.ws });
    this.client.on('serverInfo', (i) => {
      this.serverInfo = i;
    });
    this.client.on('advertise', (cs) => {
      for (const c of cs) this.channels.set(c.topic, c);
    });
    this.client.on('unadvertise', (ids) => {
      this.unadvertised.push(...ids);
      for (const [t, c] of this.channels) if (ids.includes(c.id)) this.channels.delete(t);
    });
    this.client.on('status', (s) => this.statuses.push(s));
    this.client.on('message', (m) => this.messages.push(m));
    this.client.on('time', (t) => this.times.push(t.timestamp));
    this.client.on('close', (e: { code: number }) => {
      this.closed = { code: e.code };
    });
    this.client.on('error', (e) => {
      this.error = e;
    });
  }

  async channel(topic: string): Promise<Channel> {
    await expect.poll(() => this.channels.has(topic), { message: `${topic} advertised` }).toBe(true);
    return this.channels.get(topic)!;
  }

  decode(channel: Channel, m: MessageData): Record<string, unknown> {
    return new MessageReader(parse(channel.schema, { ros2: true })).readMessage(m.data) as Record<string, unknown>;
  }

  close(): void {
    this.ws.terminate();
  }
}
