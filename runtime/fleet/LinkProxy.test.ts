import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkProxy } from './LinkProxy.js';

let echo: Server | undefined;
let proxy: LinkProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  echo = undefined;
  proxy = undefined;
});

async function startEcho(): Promise<number> {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo!.listen(0, '127.0.0.1', () => r()));
  return (echo.address() as { port: number }).port;
}

function roundTrip(port: number, bytes: number): Promise<{ ok: boolean; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let got = 0;
    const s = connect(port, '127.0.0.1', () => s.write(Buffer.alloc(bytes, 7)));
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= bytes) {
        s.destroy();
        resolve({ ok: true, ms: performance.now() - t0 });
      }
    });
    s.on('error', () => resolve({ ok: false, ms: performance.now() - t0 }));
    s.on('close', () => resolve({ ok: got >= bytes, ms: performance.now() - t0 }));
  });
}

describe('LinkProxy', () => {
  it('forwards, cuts live connections, refuses new ones while cut, and comes back', async () => {
    proxy = new LinkProxy({ targetPort: await startEcho() });
    await proxy.start();
    expect((await roundTrip(proxy.port, 1000)).ok).toBe(true);
    const live = connect(proxy.port, '127.0.0.1');
    await new Promise((r) => live.once('connect', r));
    await new Promise((r) => setTimeout(r, 20));
    const closed = new Promise((r) => live.once('close', r));
    proxy.cut();
    await closed; // the live connection really broke
    expect((await roundTrip(proxy.port, 10)).ok).toBe(false);
    expect(proxy.stats.refused).toBe(1);
    proxy.restore();
    expect((await roundTrip(proxy.port, 1000)).ok).toBe(true);
  });

  it('paces to its bandwidth budget and adds latency', async () => {
    proxy = new LinkProxy({ targetPort: await startEcho(), bytesPerSecond: 100_000, latencySec: 0.05 });
    await proxy.start();
    const r = await roundTrip(proxy.port, 40_000); // 40 kB each way at 100 kB/s: >= ~0.4 s with burst
    expect(r.ok).toBe(true);
    expect(r.ms).toBeGreaterThan(300);
    expect(r.ms).toBeLessThan(3000);
  });

  it('applies a new bandwidth to a live connection, keeping byte order', async () => {
    proxy = new LinkProxy({ targetPort: await startEcho() });
    await proxy.start();
    const s = connect(proxy.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    const received: Buffer[] = [];
    s.on('data', (d: Buffer) => received.push(d));
    const fast = Buffer.alloc(20_000, 1);
    s.write(fast);
    await new Promise((r) => setTimeout(r, 100));
    proxy.setBandwidth(50_000);
    const t0 = performance.now();
    const slow = Buffer.alloc(20_000, 2);
    s.write(slow);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (Buffer.concat(received).length >= 40_000) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    const ms = performance.now() - t0;
    s.destroy();
    const all = Buffer.concat(received);
    expect(all.subarray(0, 20_000).every((b) => b === 1)).toBe(true);
    expect(all.subarray(20_000, 40_000).every((b) => b === 2)).toBe(true);
    // 20 kB each way through a 50 kB/s budget (burst 5 kB): well over 200 ms.
    expect(ms).toBeGreaterThan(200);
    expect(() => proxy!.setBandwidth(-1)).toThrow(/must be >= 0/);
  });
});
