import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import { Launcher } from '../../launch/Launcher.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { FoxglovePeer } from '../../test/helpers/FoxglovePeer.js';
import { FoxgloveBridgeNode } from './FoxgloveBridgeNode.js';

/** The `foxglove_bridge` node kind as a launch file starts it, next to the demo robot. */

const launchers: Launcher[] = [];
const peers: FoxglovePeer[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  for (const l of launchers.splice(0)) await l.stop();
});

async function launch(bridgeParams: string): Promise<FoxgloveBridgeNode> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-foxglove-'));
  const file = join(dir, 'bridge.launch.yaml');
  writeFileSync(
    file,
    `launch:
  - include: { file: $(find-pkg-share outpost)/launch/demo.launch.yaml }
  - node: { pkg: outpost, exec: foxglove_bridge, name: foxglove_bridge, param: [${bridgeParams}] }
`,
  );
  const kinds = builtinNodeKinds();
  const launcher = new Launcher({
    plan: loadLaunchFile(file, { arguments: {}, registry: kinds }),
    kinds,
    logger: pino({ level: 'silent' }),
    runDir: dir,
  });
  launchers.push(launcher);
  await launcher.start();
  const bridge = launcher.nodes.find((n) => n instanceof FoxgloveBridgeNode);
  expect(bridge?.lifecycleState).toBe('active');
  return bridge as FoxgloveBridgeNode;
}

describe('foxglove_bridge', () => {
  it('serves only whitelisted topics, and stops listening when deactivated', async () => {
    const bridge = await launch(
      `{ name: port, value: 0 }, { name: topic_whitelist, value: ["^/demo/odom$", "^/demo/cmd_vel$"] }`,
    );
    const server = bridge.server!;
    const peer = new FoxglovePeer(server.url, 'foxglove.sdk.v1');
    peers.push(peer);
    await expect.poll(() => [...peer.channels.keys()].sort()).toEqual(['/demo/cmd_vel', '/demo/odom']);
    expect(peer.serverInfo!.name).toBe('outpost /foxglove_bridge');
    const odom = peer.channels.get('/demo/odom')!;
    peer.client.subscribe(odom.id);
    await expect.poll(() => peer.messages.length).toBeGreaterThan(2);

    await bridge.deactivate();
    expect(bridge.server).toBeUndefined();
    await expect.poll(() => peer.closed !== undefined).toBe(true);
    // The bus subscription went with the server.
    expect(bridge.context.transport.graph().topics.find((t) => t.name === '/demo/odom')?.subscribers).not.toContain(
      '/foxglove_bridge',
    );
  });

  it('refuses a whitelist entry that is not a regular expression when the launch file is loaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-foxglove-'));
    const file = join(dir, 'bad.launch.yaml');
    writeFileSync(
      file,
      `launch:
  - node: { pkg: outpost, exec: foxglove_bridge, name: fb, param: [{ name: topic_whitelist, value: ["/r1/(odom"] }] }
`,
    );
    expect(() => loadLaunchFile(file, { arguments: {}, registry: builtinNodeKinds() })).toThrow(
      /topic_whitelist.*expected regular expressions, got "\/r1\/\(odom"/,
    );
  });
});
