import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutpostProcess, freshRunDir, runOutpost } from '../helpers/OutpostProcess.js';

const running: OutpostProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

function launchFile(): { runDir: string; file: string } {
  const runDir = freshRunDir();
  const file = join(runDir, 'gate.launch.yaml');
  writeFileSync(file, 'launch:\n  - node: { pkg: outpost, exec: link_gate, name: link_gate, namespace: sim }\n');
  return { runDir, file };
}

describe('outpost monitor', () => {
  it('launches FILE, prints the dashboard URL, serves the page and exits 0 on Ctrl-C', async () => {
    const { runDir, file } = launchFile();
    const p = new OutpostProcess(['monitor', file, '--port', '0'], { OUTPOST_RUN_DIR: runDir });
    running.push(p);
    await p.waitFor((x) => /dashboard: http:\/\/127\.0\.0\.1:\d+\//.test(x.stdout), 30_000, 'the URL');
    const url = /dashboard: (\S+)/.exec(p.stdout)![1]!;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Outpost fleet</title>');
    await p.waitFor((x) => x.logs().some((l) => String(l.msg).startsWith('launched')), 30_000, 'the launch');
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
  }, 60_000);

  it('bad input exits 2 with what was expected: a bad --port, a port in use', async () => {
    const { runDir, file } = launchFile();
    const env = { OUTPOST_RUN_DIR: runDir };
    const bad = await runOutpost(['monitor', file, '--port', 'eighty'], env, 30_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port: expected a TCP port 0..65535, got "eighty" [OUTPOST_ERR_CLI_USAGE]');
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = await runOutpost(['monitor', file, '--port', String(port)], env, 30_000);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(
        `expected to listen on 127.0.0.1:${port}, got EADDRINUSE (choose another with --port)`,
      );
      expect(busy.stderr).toContain('[OUTPOST_ERR_DASHBOARD_LISTEN]');
    } finally {
      taken.close();
    }
    const rate = await runOutpost(['sim', 'launch/sim/explore.launch.yaml', '--rate', 'fast'], env, 30_000);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('--rate: expected sim seconds per wall second');
  }, 90_000);
});
