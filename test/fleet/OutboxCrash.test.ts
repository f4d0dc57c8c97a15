import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import { registry, tempDir, testRoutes } from './fleetHarness.js';

const SCRIPT = 'dist/test/fleet/fixtures/groupedEnqueuer.js';
const GROUP = 250;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

beforeAll(() => {
  // The child runs compiled JS, as a robot does: build (incremental) so dist/ matches the sources.
  const r = spawnSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} missing after tsc`);
}, 120_000);

describe('outbox group commit, process killed with SIGKILL mid-stream', () => {
  it('every send whose promise resolved is on disk, in order; each group is all there or not at all', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'outbox.db');
    const child = spawn(process.execPath, [SCRIPT, path, String(GROUP)], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill('SIGKILL'));
    let acknowledged = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.startsWith('STORED ')) acknowledged = Number(line.slice(7));
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal)),
    );
    await expect
      .poll(() => acknowledged, { timeout: 30_000, message: 'the child to store 20 groups' })
      .toBeGreaterThanOrEqual(20 * GROUP);
    child.kill('SIGKILL'); // while it keeps committing: the kill lands inside or between groups
    expect(await exited).toBe('SIGKILL');
    const seenByTest = acknowledged; // 'close': stdout was read to its end

    const box = new FleetOutbox({ path, routes: testRoutes() });
    cleanups.push(() => box.close());
    const kept = box.nextBatch(1e9, 1e12);
    expect(kept.length).toBeGreaterThanOrEqual(seenByTest);
    expect(kept.length % GROUP).toBe(0); // no group half-committed
    expect(kept.map((m) => (registry.decode('std_msgs/msg/String', m.payload) as { data: string }).data)).toEqual(
      Array.from({ length: kept.length }, (_, i) => String(i)),
    );
    expect(kept.map((m) => m.seq)).toEqual(Array.from({ length: kept.length }, (_, i) => BigInt(i + 1)));
  }, 60_000);
});
