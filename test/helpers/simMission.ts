import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import { Launcher } from '../../launch/Launcher.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { Node } from '../../runtime/Node.js';
import type { MissionSummary } from '../../sim/MissionReport.js';

let active: Launcher | undefined;

/** Stops a mission a failed test left running (call from afterEach). */
export async function stopSimMission(): Promise<void> {
  const l = active;
  active = undefined;
  await l?.stop();
}

/**
 * Runs launch/sim/explore.launch.yaml in this process with `args`, as `outpost sim` does, until
 * the simulator's report. `watch` runs once the nodes are up, with a node to subscribe from;
 * `collect` runs after the report, before the launch stops (the nodes are still alive).
 */
export async function runSimMission<T = undefined>(
  args: Record<string, string>,
  hooks: {
    runDirPrefix?: string;
    watch?: (launcher: Launcher, watcher: Node) => void;
    collect?: (launcher: Launcher) => T;
  } = {},
): Promise<{ report: MissionSummary; collected: T | undefined }> {
  const plan = loadLaunchFile('launch/sim/explore.launch.yaml', { arguments: args, registry: builtinNodeKinds() });
  const launcher = new Launcher({
    plan,
    kinds: builtinNodeKinds(),
    logger: pino({ level: 'silent' }),
    runDir: mkdtempSync(join(tmpdir(), hooks.runDirPrefix ?? 'outpost-mission-')),
  });
  active = launcher;
  await launcher.start();
  const watcher = new Node('watcher', '/test', launcher.context);
  hooks.watch?.(launcher, watcher);
  const report = await new Promise<MissionSummary>((resolve) => {
    watcher.createSubscription(
      'std_msgs/msg/String',
      '/sim/report',
      { qos: { durability: 'transient_local', depth: 1 } },
      (m) => resolve(JSON.parse(m.data) as MissionSummary),
    );
  });
  const collected = hooks.collect?.(launcher);
  watcher.destroy();
  await stopSimMission();
  return { report, collected };
}
