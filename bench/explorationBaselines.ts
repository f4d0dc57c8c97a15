/**
 * The classical baselines the learned policy must beat: for each policy, the median
 * `max_path_length_m` (IR2's metric: the longest distance any robot drove) to 99% coverage, with
 * 4 robots and line-of-sight radio over several seeds, on shipped maps. Each mission is the real
 * launch/sim/explore.launch.yaml run in a fresh Node.js process, as `outpost sim` runs it.
 *
 *   npm run bench:exploration -- [--maps small_rooms,rooms,path/to/map.yaml] [--policies a,b] [--seeds 5]
 *       [--robots 4] [--until 1800] [--out runs.jsonl] [--arg name:=value ...] [--jobs 1] [--json] [--table-only]
 *
 * --maps: shipped names (sim/worlds/NAME.yaml) or paths to any map_server YAML.
 * --policies: exploration policy names (default the three classical ones).
 * --until: simulated seconds after which a mission that has not reached 99% stops (default 1800).
 * --out: every finished mission is appended there as one JSON line as soon as it ends, so partial
 *   results survive a cut session; missions already in the file (same map, policy, seed, robots,
 *   until, args) are not run again, and the table covers all of them.
 * --arg: extra launch arguments for every mission (e.g. a model path for a learned policy).
 * --jobs: missions run at the same time (default 1). Sim-time results (paths, coverage, times to
 *   99%) do not depend on it; wall times and the speed-up column do, since missions share the CPUs.
 * --table-only: run nothing; print the table of the missions in --out (all of them).
 * Each mission runs in its own process (runMissionIsolated).
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { runMission } from '../launch/runMission.js';
import { packageRoot } from '../runtime/packageRoot.js';
import type { MissionSummary } from '../sim/MissionReport.js';

export const CLASSICAL_POLICIES = ['nearest_frontier', 'utility_greedy', 'preplanned_rendezvous'];

/**
 * Runs one mission in a fresh Node.js process (this file with `--mission`), as `outpost sim` does.
 * Missions run one after another in one process did not give the same report as alone: the same
 * seed's utility_greedy mission on cave.yaml drove 67.7 m after a nearest_frontier mission and
 * 90.8 m as the first (cause not found yet; see BENCHMARKS.md). A process each keeps every
 * mission reproducible with `outpost sim` whatever ran before it.
 */
export async function runMissionIsolated(args: Record<string, string>): Promise<MissionSummary> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [fileURLToPath(import.meta.url), '--mission', JSON.stringify(args)],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as MissionSummary;
}

/** A `--maps` entry: a shipped world's name, or a path to a map_server YAML. */
export function resolveMap(entry: string, cwd = process.cwd()): { label: string; path: string } {
  const isPath = entry.includes('/') || entry.endsWith('.yaml') || entry.endsWith('.yml');
  const path = isPath ? resolve(cwd, entry) : join(packageRoot(), 'sim/worlds', `${entry}.yaml`);
  if (!existsSync(path)) {
    throw new Error(
      `--maps: "${entry}" is neither a shipped world (sim/worlds/${entry}.yaml) nor an existing map_server YAML (${path})`,
    );
  }
  return { label: basename(path).replace(/\.ya?ml$/, ''), path };
}

/** One mission as written to `--out`: what was run and its report. */
export interface MissionRecord {
  map: string;
  map_path: string;
  policy: string;
  seed: number;
  robots: number;
  until_s: number;
  args: Record<string, string>;
  summary: MissionSummary;
}

const recordKey = (r: Omit<MissionRecord, 'summary'>): string =>
  JSON.stringify([r.map_path, r.policy, r.seed, r.robots, r.until_s, Object.entries(r.args).sort()]);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The markdown table of BENCHMARKS.md: per map and policy, medians over the runs that reached 99%. */
export function baselineTable(records: readonly MissionRecord[]): string {
  const groups = new Map<string, MissionRecord[]>();
  for (const r of records) {
    const k = `${r.map}\u0000${r.policy}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const f = (x: number, d: number): string => (Number.isNaN(x) ? '–' : x.toFixed(d));
  const lines = [
    '| map | policy | reached 99% | median max_path_length_m | median time to 99% (sim s) | coverage at stop (min–max) | median speed-up |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const runs of groups.values()) {
    const done = runs.filter((r) => r.summary.reason === 'coverage');
    const cov = runs.map((r) => r.summary.coverage);
    lines.push(
      `| ${runs[0]!.map} | ${runs[0]!.policy} | ${done.length}/${runs.length} | ${f(median(done.map((r) => r.summary.max_path_length_m)), 2)} | ` +
        `${f(median(done.map((r) => r.summary.time_to_coverage_s ?? NaN)), 1)} | ${(100 * Math.min(...cov)).toFixed(1)}–${(100 * Math.max(...cov)).toFixed(1)}% | ` +
        `${f(median(runs.map((r) => r.summary.sim_time_s / r.summary.wall_time_s)), 1)}× |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      maps: { type: 'string' },
      policies: { type: 'string' },
      seeds: { type: 'string' },
      robots: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
      arg: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      'table-only': { type: 'boolean' },
      mission: { type: 'string' },
      jobs: { type: 'string' },
    },
  });
  if (values.mission !== undefined) {
    console.log(JSON.stringify(await runMission(JSON.parse(values.mission) as Record<string, string>)));
    // The launcher has stopped everything; exit so a stray handle cannot keep the child alive.
    setImmediate(() => process.exit(0));
    return;
  }
  if (values['table-only'] === true) {
    if (values.out === undefined) throw new Error('--table-only needs --out FILE');
    const all = readFileSync(values.out, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as MissionRecord);
    console.log(baselineTable(all));
    return;
  }
  const maps = (values.maps ?? 'small_rooms')
    .split(',')
    .filter((m) => m !== '')
    .map((m) => resolveMap(m));
  const policies = (values.policies ?? CLASSICAL_POLICIES.join(',')).split(',').filter((p) => p !== '');
  const seeds = Number(values.seeds ?? 5);
  const robots = Number(values.robots ?? 4);
  const until = Number(values.until ?? 1800);
  const extra: Record<string, string> = {};
  for (const a of values.arg ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):=(.*)$/.exec(a);
    if (m === null) throw new Error(`--arg: expected name:=value, got "${a}"`);
    extra[m[1]!] = m[2]!;
  }
  const previous = new Map<string, MissionRecord>();
  if (values.out !== undefined && existsSync(values.out)) {
    for (const line of readFileSync(values.out, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as MissionRecord;
      previous.set(recordKey(r), r);
    }
  }
  const jobs = Number(values.jobs ?? 1);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs: expected an integer ≥ 1, got "${values.jobs}"`);
  // Every mission in table order; those already in --out are taken from it, the rest run.
  const records: Array<MissionRecord | undefined> = [];
  const todo: Array<{ index: number; what: Omit<MissionRecord, 'summary'>; label: string }> = [];
  for (const map of maps) {
    for (const policy of policies) {
      for (let seed = 1; seed <= seeds; seed++) {
        const what = { map: map.label, map_path: map.path, policy, seed, robots, until_s: until, args: extra };
        const had = previous.get(recordKey(what));
        records.push(had);
        if (had === undefined)
          todo.push({ index: records.length - 1, what, label: `${map.label} ${policy} seed ${seed}` });
      }
    }
  }
  if (todo.length > 0)
    process.stderr.write(
      `${todo.length} mission(s) to run, ${records.length - todo.length} already in ${values.out ?? '(no --out)'}, ${jobs} at a time\n`,
    );
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const { index, what, label } = todo[next++]!;
      const summary = await runMissionIsolated({
        ...extra,
        map: what.map_path,
        robots: String(robots),
        policy: what.policy,
        seed: String(what.seed),
        until_time: String(until),
      });
      const record: MissionRecord = { ...what, summary };
      records[index] = record;
      if (values.out !== undefined) appendFileSync(values.out, `${JSON.stringify(record)}\n`);
      process.stderr.write(
        `${label}: stopped on ${summary.reason}, coverage ${summary.coverage}, ` +
          `max path ${summary.max_path_length_m} m, sim ${summary.sim_time_s} s, wall ${summary.wall_time_s} s\n`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, () => worker()));
  const done = records.filter((r): r is MissionRecord => r !== undefined);
  if (values.json === true) console.log(JSON.stringify(done));
  else console.log(baselineTable(done));
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
