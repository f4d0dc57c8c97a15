/**
 * The classical baselines the learned policy must beat (issue #4): for each policy, the median
 * `max_path_length_m` (IR2's metric: the longest distance any robot drove) to 99% coverage, with
 * 4 robots and line-of-sight radio over several seeds, on shipped maps. Each mission is the real
 * launch/sim/explore.launch.yaml run in this process, as `outpost sim` runs it.
 *
 *   npm run bench:exploration [-- --maps small_rooms,rooms] [--seeds 5] [--robots 4] [--until 1800] [--json]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { builtinNodeKinds } from '../nodes/builtinNodeKinds.js';
import { Launcher } from '../launch/Launcher.js';
import { loadLaunchFile } from '../launch/LaunchPlan.js';
import { Node } from '../runtime/Node.js';
import { packageRoot } from '../runtime/packageRoot.js';
import type { MissionSummary } from '../sim/MissionReport.js';

const POLICIES = ['nearest_frontier', 'utility_greedy', 'preplanned_rendezvous'];

export async function runMission(args: Record<string, string>): Promise<MissionSummary> {
  const kinds = builtinNodeKinds();
  const plan = loadLaunchFile(join(packageRoot(), 'launch/sim/explore.launch.yaml'), { arguments: args, registry: kinds });
  const launcher = new Launcher({ plan, kinds, logger: pino({ level: 'silent' }), runDir: mkdtempSync(join(tmpdir(), 'outpost-bench-')) });
  await launcher.start();
  try {
    const watcher = new Node('bench', '/outpost', launcher.context);
    return await new Promise<MissionSummary>((resolve) => {
      watcher.createSubscription('std_msgs/msg/String', '/sim/report', { qos: { durability: 'transient_local', depth: 1 } },
        (m) => resolve(JSON.parse(m.data) as MissionSummary));
    });
  } finally {
    await launcher.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { maps: { type: 'string' }, seeds: { type: 'string' }, robots: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' } } });
  const maps = (values.maps ?? 'small_rooms').split(',');
  const seeds = Number(values.seeds ?? 5);
  const rows: Array<{ map: string; policy: string; runs: MissionSummary[] }> = [];
  for (const map of maps) {
    for (const policy of POLICIES) {
      const runs: MissionSummary[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const r = await runMission({
          map: join(packageRoot(), `sim/worlds/${map}.yaml`), robots: values.robots ?? '4', policy, seed: String(seed),
          until_time: values.until ?? '1800',
        });
        runs.push(r);
        process.stderr.write(`${map} ${policy} seed ${seed}: ${r.reason} coverage ${r.coverage} max path ${r.max_path_length_m} m, sim ${r.sim_time_s} s, wall ${r.wall_time_s} s\n`);
      }
      rows.push({ map, policy, runs });
    }
  }
  if (values.json === true) {
    console.log(JSON.stringify(rows));
    return;
  }
  console.log('| map | policy | done (99%) | median max_path_length_m | median time_to_coverage_s | median speed-up |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const { map, policy, runs } of rows) {
    const done = runs.filter((r) => r.reason === 'coverage');
    console.log(`| ${map} | ${policy} | ${done.length}/${runs.length} | ${median(done.map((r) => r.max_path_length_m)).toFixed(2)} | ` +
      `${median(done.map((r) => r.time_to_coverage_s ?? NaN)).toFixed(1)} | ${median(runs.map((r) => r.sim_time_s / r.wall_time_s)).toFixed(1)}× |`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
