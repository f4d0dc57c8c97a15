import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import type { FleetLinkNode } from '../../nodes/fleet/FleetLinkNode.js';
import type { LinkGateNode } from '../../nodes/fleet/LinkGateNode.js';
import { Launcher } from '../../launch/Launcher.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';

let launcher: Launcher | undefined;
afterEach(async () => {
  await launcher?.stop();
  launcher = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('three fleet_link nodes behind a scheduled link gate (launch/fleet/three_robots.launch.yaml)', () => {
  it('tiles flow only while links are up, and reach r3 from r1 through r2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-fleet3-'));
    // period 8 s: none until 1.2 s, r1–r2 from 1.2 s, r2–r3 from 4 s, none from 6.8 s.
    const plan = loadLaunchFile('launch/fleet/three_robots.launch.yaml', {
      arguments: { outbox_dir: join(dir, 'outbox'), period: '8.0' },
      registry: builtinNodeKinds(),
    });
    launcher = new Launcher({ plan, kinds: builtinNodeKinds(), logger: pino({ level: 'silent' }), runDir: dir });
    await launcher.start();
    const fl = (ns: string) =>
      launcher!.nodes.find((n) => n.getFullyQualifiedName() === `/${ns}/fleet_link`) as FleetLinkNode;
    const gate = launcher.nodes.find((n) => n.name() === 'link_gate') as LinkGateNode;
    const [r1, r2, r3] = [fl('r1'), fl('r2'), fl('r3')];
    const origins = (n: FleetLinkNode) => n.map?.origins() ?? [];

    // Until the first link opens, every robot knows only its own map.
    const others = (n: FleetLinkNode, self: string) => origins(n).filter((o) => o !== self);
    await expect.poll(() => gate.gate.isUp('r1', 'r2'), { timeout: 5000, message: 'r1–r2 to come up' }).toBe(true);
    expect(others(r3, 'r3')).toEqual([]);
    expect(origins(r1).includes('r3')).toBe(false);

    // While r1–r2 is up, their layers cross; r3 (no link) still has only its own.
    await expect
      .poll(() => origins(r1).includes('r2') && origins(r2).includes('r1'), {
        timeout: 2500,
        message: 'r1 and r2 to swap tiles',
      })
      .toBe(true);
    expect(others(r3, 'r3')).toEqual([]);
    expect(r2.map!.layer('r1').size).toBeGreaterThan(0);

    // Then r1–r2 goes down and r2–r3 comes up: r3 gets r1's layer through r2 (relaying).
    await expect.poll(() => gate.gate.isUp('r2', 'r3'), { timeout: 5000, message: 'r2–r3 to come up' }).toBe(true);
    expect(gate.gate.isUp('r1', 'r2')).toBe(false);
    await expect
      .poll(() => origins(r3).includes('r1'), { timeout: 2500, message: "r1's tiles to reach r3 through r2" })
      .toBe(true);
    expect(origins(r3)).toEqual(['r1', 'r2', 'r3']);
    // r1 hears nothing of r3: its only link was down the whole time r3 was in contact.
    await sleep(500);
    expect(origins(r1)).toEqual(['r1', 'r2']);
    expect(r1.peers.get('r3')?.link.sender.stats.acked ?? 0).toBe(0);
    // r3 holds r1's layer exactly as r2 does (r1 is out of contact, so that layer no longer moves).
    const sameLayer = (a: FleetLinkNode, b: FleetLinkNode, origin: string) =>
      a.map!.layer(origin).size === b.map!.layer(origin).size &&
      [...a.map!.layer(origin)].every(([id, t]) => b.map!.tileVersion(origin, id) === t.version);
    await expect
      .poll(() => sameLayer(r2, r3, 'r1'), { timeout: 2000, message: "r3 to hold all of r1's layer" })
      .toBe(true);
    expect(r2.sessions.get('r3')!.stats.tilesSent).toBeGreaterThan(0);
  }, 30_000);
});
