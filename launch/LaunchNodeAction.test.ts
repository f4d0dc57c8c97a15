import { describe, expect, it } from 'vitest';
import { packageRoot } from '../runtime/packageRoot.js';
import { loadLaunchFile } from './LaunchPlan.js';
import { testRegistry } from './test-fixtures/TestNodeKinds.js';

describe('node action', () => {
  const load = (args: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) =>
    loadLaunchFile('launch/test-fixtures/basic.launch.yaml', { registry: testRegistry(), arguments: args, env });

  it('resolves every field of a node into a LaunchNodeSpec', () => {
    const plan = load({ speed: '1.2' }, { OUTPOST_TEST_HOME: '/home/pi' });
    const [drive, lidar] = plan.nodes;
    expect(drive).toEqual({
      pkg: 'outpost',
      kind: 'mover',
      name: 'drive',
      namespace: '/r1',
      parameters: { speed: 1.2, rate: 20, mode: 'explore', enabled: true, label: '2.4', waypoints: [1, 2.5, 1.2] },
      remappings: [
        { from: 'cmd_vel', to: '/r1/base/cmd_vel' },
        { from: 'scan', to: 'lidar' },
      ],
      respawn: true,
      respawnDelay: 2.5,
      respawnMaxRetries: -1,
      process: true,
      env: { ROBOT: 'r1', HOME_DIR: '/home/pi', SHARE: packageRoot() },
      location: { file: plan.file, line: 17, column: 5 },
    });
    expect(lidar!.name).toMatch(/^lidar_[0-9a-f]{8}$/);
    expect(lidar).toMatchObject({
      pkg: 'outpost',
      kind: 'sensor',
      namespace: '/',
      parameters: { range_max: 12 },
      remappings: [],
      respawn: false,
      respawnDelay: 0,
      respawnMaxRetries: -1,
      process: false,
      env: {},
    });
    expect(plan.arguments).toEqual({ robot: 'r1', speed: '1.2', mode: 'explore' });
  });

  it('keeps a string parameter as text even when it reads as a number', () => {
    // label is a string parameter; "$(var doubled)" resolves to "1.6", and stays the text "1.6".
    expect(load().nodes[0]!.parameters.label).toBe('1.6');
    expect(load().nodes[0]!.env.HOME_DIR).toBe('/nowhere'); // $(env X default)
  });

  it("checks a parameter's choices after substitution", () => {
    expect(() => load({ mode: 'return' })).not.toThrow();
    expect(load({ mode: 'return' }).nodes[0]!.parameters.mode).toBe('return');
  });
});
