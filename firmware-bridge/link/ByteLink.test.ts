import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import type { ByteLink } from './ByteLink.js';
import { createByteLink } from './createByteLink.js';
import { SerialLink } from './SerialLink.js';
import { SocatPair } from './SocatPair.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function collect(link: ByteLink): { bytes: () => Buffer; until: (n: number) => Promise<Buffer> } {
  const chunks: Buffer[] = [];
  link.onData((b) => {
    chunks.push(Buffer.from(b));
  });
  const bytes = () => Buffer.concat(chunks);
  return {
    bytes,
    until: async (n) => {
      await expect.poll(() => bytes().length, { timeout: 3000, message: `${n} bytes` }).toBeGreaterThanOrEqual(n);
      return bytes();
    },
  };
}

describe('SerialLink over a socat pty pair', () => {
  it('carries bytes both ways, and reopens after an unplug (socat killed) and replug', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-link-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const pair = await SocatPair.start({ a: join(dir, 'a'), b: join(dir, 'b') });
    cleanups.push(() => pair.stop());
    const a = new SerialLink({ path: pair.a, baudRate: 921600, initialDelay: 0.02, maxDelay: 0.1 });
    const b = new SerialLink({ path: pair.b, baudRate: 921600, initialDelay: 0.02, maxDelay: 0.1 });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    a.open();
    b.open();
    await Promise.all([a.whenOpen(), b.whenOpen()]);
    const atB = collect(b);
    const atA = collect(a);
    const big = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
    expect(a.write(big)).toBe(true);
    expect((await atB.until(big.length)).equals(big)).toBe(true);
    b.write(Buffer.from('pong'));
    expect((await atA.until(4)).toString()).toBe('pong');

    const states: string[] = [];
    a.onState((s) => states.push(s));
    await pair.stop();
    await expect.poll(() => a.state, { timeout: 3000 }).toBe('reconnecting');
    expect(a.write(Buffer.from('lost'))).toBe(false);
    expect(a.stats.writesDropped).toBe(1);
    expect(a.stats.lastError).toContain(pair.a);
    await pair.start();
    await Promise.all([a.whenOpen(AbortSignal.timeout(3000)), b.whenOpen(AbortSignal.timeout(3000))]);
    expect(a.stats.reconnects).toBe(1);
    expect(states).toEqual(['reconnecting', 'open']);
    a.write(Buffer.from('again'));
    expect((await atB.until(big.length + 5)).subarray(big.length).toString()).toBe('again');
  });

  it('whenOpen names the device and the last error when aborted on a missing port', async () => {
    const link = createByteLink('serial:///nonexistent/ttyOUTPOST0:115200', { initialDelay: 0.01, maxDelay: 0.02 });
    cleanups.push(() => link.close());
    link.open();
    const err = await link.whenOpen(AbortSignal.timeout(200)).catch((e: unknown) => e);
    expect(isOutpostError(err, 'OUTPOST_ERR_ABORTED')).toBe(true);
    expect((err as Error).message).toMatch(
      /serial:\/\/\/nonexistent\/ttyOUTPOST0:115200.*cannot open \/nonexistent\/ttyOUTPOST0/,
    );
  });
});

describe('TCP and UDP links', () => {
  it('tcp:// connects, reconnects when the server restarts on the same port', async () => {
    const sockets = new Set<net.Socket>();
    const received: Buffer[] = [];
    const serve = (port = 0) =>
      new Promise<net.Server>((resolve) => {
        const s = net.createServer((c) => {
          sockets.add(c);
          c.on('data', (d) => {
            received.push(d);
            c.write(d);
          });
        });
        s.listen(port, '127.0.0.1', () => resolve(s));
      });
    let server = await serve();
    const port = (server.address() as net.AddressInfo).port;
    const link = createByteLink(`tcp://127.0.0.1:${port}`, { initialDelay: 0.02, maxDelay: 0.1 });
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const c of sockets) c.destroy();
          server.close(() => r());
        }),
      () => link.close(),
    );
    const echo = collect(link);
    link.open();
    await link.whenOpen(AbortSignal.timeout(2000));
    link.write(Buffer.from('abc'));
    expect((await echo.until(3)).toString()).toBe('abc');
    for (const c of sockets) c.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await expect.poll(() => link.state, { timeout: 2000 }).toBe('reconnecting');
    server = await serve(port);
    await link.whenOpen(AbortSignal.timeout(3000));
    link.write(Buffer.from('def'));
    expect((await echo.until(6)).toString()).toBe('abcdef');
    expect(link.stats.reconnects).toBe(1);
  });

  it('udp:// answers the last sender; udpout:// sends to a fixed peer', async () => {
    const listen = createByteLink('udp://127.0.0.1:0');
    cleanups.push(() => listen.close());
    listen.open();
    await listen.whenOpen();
    const port = (listen as unknown as { localPort: number }).localPort;
    const out = createByteLink(`udpout://127.0.0.1:${port}`);
    cleanups.push(() => out.close());
    out.open();
    await out.whenOpen();
    expect(listen.write(Buffer.from('x'))).toBe(false); // no peer yet: counted, not sent
    expect(listen.stats.writesDropped).toBe(1);
    const atListen = collect(listen);
    const atOut = collect(out);
    out.write(Buffer.from('hello'));
    expect((await atListen.until(5)).toString()).toBe('hello');
    listen.write(Buffer.from('back'));
    expect((await atOut.until(4)).toString()).toBe('back');
    void dgram;
  });

  it('rejects malformed URLs with what was expected', () => {
    expect(() => createByteLink('ftp://x')).toThrow(
      /expected a URL with one of the schemes serial:, tcp:, udp:, udpout:/,
    );
    expect(() => createByteLink('serial:/dev/ttyUSB0')).toThrow(/expected serial:\/\/<absolute device path>:<baud>/);
    expect(() => createByteLink('tcp://host')).toThrow(/expected tcp:\/\/host:port/);
  });
});
