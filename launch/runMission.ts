import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Node } from '../runtime/Node.js';
import { packageRoot } from '../runtime/packageRoot.js';
import type { MissionSummary } from '../sim/MissionReport.js';
import { builtinNodeKinds } from './builtinNodeKinds.js';
import { Launcher } from './Launcher.js';
import { loadLaunchFile } from './LaunchPlan.js';

/**
 * Runs launch/sim/explore.launch.yaml in this process with `args`, as `outpost sim` does, and
 * resolves with the simulator's mission report. Shared by bench/ (baselines) and training/
 * (episode collection), which both sit above launch/ and must not import each other.
 */
export async function runMission(args: Record<string, string>): Promise<MissionSummary> {
  const kinds = builtinNodeKinds();
  const plan = loadLaunchFile(join(packageRoot(), 'launch/sim/explore.launch.yaml'), {
    arguments: args,
    registry: kinds,
  });
  const launcher = new Launcher({
    plan,
    kinds,
    logger: pino({ level: 'silent' }),
    runDir: mkdtempSync(join(tmpdir(), 'outpost-bench-')),
  });
  await launcher.start();
  try {
    const watcher = new Node('bench', '/outpost', launcher.context);
    return await new Promise<MissionSummary>((resolve) => {
      watcher.createSubscription(
        'std_msgs/msg/String',
        '/sim/report',
        { qos: { durability: 'transient_local', depth: 1 } },
        (m) => resolve(JSON.parse(m.data) as MissionSummary),
      );
    });
  } finally {
    await launcher.stop();
  }
}
