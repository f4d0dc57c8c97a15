import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinkProxy } from '../../runtime/fleet/LinkProxy.js';
import { checkExactlyOnceInOrder, startBroker, startReceiver, tempDir } from './fleetHarness.js';

const SCRIPT = 'dist/test/fleet/fixtures/crashSender.js';
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(() => {
  // The child runs compiled JS, as a robot does: build (incremental) so dist/ matches the sources.
  const r = spawnSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} missing after tsc`);
}, 120_000);

function runChild(args: string[]): { proc: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  const lines: string[] = [];
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      children.delete(proc);
      if (code !== 0 && code !== null) process.stderr.write(err);
      resolve(code);
    }),
  );
  return { proc, lines, exited };
}

describe('sender process killed with SIGKILL', () => {
  it('a new process over the same outbox finishes: 1,000 messages arrive exactly once, in order', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const broker = await startBroker('aedes');
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker, join(dir, 'inbox.db'));
    cleanups.push(() => receiver.close());
    const proxy = new LinkProxy({ targetPort: broker.port });
    await proxy.start();
    cleanups.push(() => proxy.close());
    proxy.cut(); // the robot queues while out of range
    const outboxPath = join(dir, 'outbox.db');

    const first = runChild([outboxPath, proxy.url, '4', 'enqueue', '1000']);
    await expect
      .poll(() => first.lines.some((l) => l.startsWith('READY')), {
        timeout: 20_000,
        message: 'first sender to queue 1000',
      })
      .toBe(true);
    expect(first.lines[0]).toBe('READY 1000');
    proxy.restore(); // in range: the stream starts ...
    await expect
      .poll(() => got.length, { timeout: 10_000, message: 'some messages to arrive' })
      .toBeGreaterThanOrEqual(150);
    first.proc.kill('SIGKILL'); // ... and the process dies mid-stream
    expect(await first.exited).toBe(null);
    const beforeRestart = got.length;
    expect(beforeRestart).toBeLessThan(1000);

    const second = runChild([outboxPath, proxy.url, '4', 'resume']);
    await expect
      .poll(() => second.lines.some((l) => l.startsWith('DONE')), {
        timeout: 30_000,
        message: 'second sender to drain',
      })
      .toBe(true);
    expect(await second.exited).toBe(0);
    await receiver.idle();
    expect(checkExactlyOnceInOrder(got, ['r1/events', 'r1/tiles'], 500)).toEqual([]);
    expect(got).toHaveLength(1000);
    expect(second.lines.find((l) => l.startsWith('READY'))).not.toBe('READY 1000'); // it resumed, not restarted
  }, 60_000);
});
