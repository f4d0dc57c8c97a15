/**
 * Stress test of the fleet link under the simulator: many exploration missions
 * on generated worlds, each `outpost sim` in its own process, a few at a time. It fails if any
 * mission stalls: a fleet link kept the lock-step waiting more than --max-stuck-s of wall time
 * (the report's `fleet_stalls`: links the radio says are up that stay unconnected or undrained), a
 * mission's running real-time factor fell below --min-factor over any --window-s of wall time
 * (from its status lines), or it did not finish within --mission-timeout-s.
 *
 *   npm run stress:fleet -- [--seeds 20] [--from 1] [--jobs 2] [--sim-time 300] [--worlds warehouse,rooms,cave]
 *       [--policies nearest_frontier,utility_greedy] [--robots 4] [--max-stuck-s 3] [--min-factor 1]
 *       [--window-s 10] [--mission-timeout-s 900] [--out results.jsonl]
 *
 * Seed i runs world worlds[i mod n] and policy policies[i mod m], line-of-sight radio. The running
 * factor leaves start-up out (nodes, brokers, logins): sim_time_s / (wall_time_s − startup_s).
 * On a loaded machine the factor criterion measures the machine too: see the load average printed.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OutpostError } from '../runtime/OutpostError.js';
import { packageRoot } from '../runtime/packageRoot.js';
import type { MissionSummary } from '../sim/MissionReport.js';

export interface StressResult {
  seed: number;
  world: string;
  policy: string;
  ok: boolean;
  problems: string[];
  sim_time_s: number;
  wall_time_s: number;
  /** sim_time_s / (wall_time_s − startup_s). */
  running_factor: number;
  /** Lowest Δsim/Δwall over any window of window_s wall seconds after the clock first moved. */
  worst_window_factor: number | null;
  /** Longest fleet stall episode (wall s), 0 if none. */
  longest_stuck_s: number;
  stalls: number;
  sync_warnings: number;
  load_avg_1m: number;
}

/** Lowest sim-time rate over any stretch of at least `windowS` wall seconds between status samples. */
export function worstWindowFactor(
  samples: ReadonlyArray<{ sim: number; wall: number }>,
  windowS: number,
): number | null {
  const moving = samples.filter((s) => s.sim > 0);
  let worst: number | null = null;
  let j = 0;
  for (let i = 0; i < moving.length; i++) {
    while (j < i && moving[i]!.wall - moving[j + 1]!.wall >= windowS) j++;
    const dw = moving[i]!.wall - moving[j]!.wall;
    if (dw < windowS) continue;
    const f = (moving[i]!.sim - moving[j]!.sim) / dw;
    if (worst === null || f < worst) worst = f;
  }
  return worst;
}

const STATUS = /sim ([0-9.]+) s\s+wall ([0-9.]+) s/;

async function runOne(seed: number, world: string, policy: string, o: Options, dir: string): Promise<StressResult> {
  const reportPath = join(dir, `seed-${seed}.json`);
  const args = [
    join(packageRoot(), 'bin/outpost.js'),
    'sim',
    join(packageRoot(), 'launch/sim/explore.launch.yaml'),
    `map:=generate:${world}`,
    `robots:=${o.robots}`,
    `policy:=${policy}`,
    'radio:=line_of_sight',
    '--seed',
    String(seed),
    '--until',
    `time=${o.simTime}`,
    '--report',
    reportPath,
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OUTPOST_LOG_FORMAT: 'json' },
  });
  const samples: Array<{ sim: number; wall: number }> = [];
  let syncWarnings = 0;
  let tail = '';
  const onLine = (line: string): void => {
    const m = STATUS.exec(line);
    if (m !== null) samples.push({ sim: Number(m[1]), wall: Number(m[2]) });
    else if (line.includes('~/sync timed out waiting')) syncWarnings++;
  };
  let buf = '';
  const take = (chunk: Buffer): void => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      onLine(line);
      tail = `${tail + line}\n`.slice(-2000);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.missionTimeoutS * 1000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const problems: string[] = [];
  let report: MissionSummary | undefined;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as MissionSummary;
  } catch {
    problems.push(
      timedOut ? `no report within ${o.missionTimeoutS} s (killed)` : `exit ${code}, no report; last output:\n${tail}`,
    );
  }
  const stalls = report?.fleet_stalls ?? [];
  const longest = Math.max(0, ...stalls.map((s) => s.wall_s));
  const running = report === undefined ? 0 : report.sim_time_s / Math.max(1e-9, report.wall_time_s - report.startup_s);
  const worst = worstWindowFactor(samples, o.windowS);
  if (longest > o.maxStuckS) {
    const e = stalls.find((s) => s.wall_s === longest)!;
    problems.push(
      `fleet link ${e.robot} stuck ${e.wall_s} s with ${e.peers.join(', ')} at sim ${e.sim_time_s} s (${stalls.length} episode(s))`,
    );
  }
  if (report !== undefined && running < o.minFactor)
    problems.push(`running factor ${running.toFixed(2)}× < ${o.minFactor}×`);
  if (worst !== null && worst < o.minFactor)
    problems.push(`factor over a ${o.windowS} s window fell to ${worst.toFixed(2)}×`);
  return {
    seed,
    world,
    policy,
    ok: problems.length === 0,
    problems,
    sim_time_s: report?.sim_time_s ?? samples.at(-1)?.sim ?? 0,
    wall_time_s: report?.wall_time_s ?? samples.at(-1)?.wall ?? 0,
    running_factor: Math.round(running * 100) / 100,
    worst_window_factor: worst === null ? null : Math.round(worst * 100) / 100,
    longest_stuck_s: longest,
    stalls: stalls.length,
    sync_warnings: syncWarnings,
    load_avg_1m: Math.round(loadavg()[0]! * 10) / 10,
  };
}

interface Options {
  seeds: number;
  from: number;
  jobs: number;
  simTime: number;
  worlds: string[];
  policies: string[];
  robots: number;
  maxStuckS: number;
  minFactor: number;
  windowS: number;
  missionTimeoutS: number;
  out: string;
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      seeds: { type: 'string', default: '20' },
      from: { type: 'string', default: '1' },
      jobs: { type: 'string', default: '2' },
      'sim-time': { type: 'string', default: '300' },
      worlds: { type: 'string', default: 'warehouse,rooms,cave' },
      policies: { type: 'string', default: 'nearest_frontier,utility_greedy' },
      robots: { type: 'string', default: '4' },
      'max-stuck-s': { type: 'string', default: '3' },
      'min-factor': { type: 'string', default: '1' },
      'window-s': { type: 'string', default: '10' },
      'mission-timeout-s': { type: 'string', default: '900' },
      out: { type: 'string', default: '' },
    },
  });
  const o: Options = {
    seeds: Number(v.seeds),
    from: Number(v.from),
    jobs: Number(v.jobs),
    simTime: Number(v['sim-time']),
    worlds: v.worlds!.split(','),
    policies: v.policies!.split(','),
    robots: Number(v.robots),
    maxStuckS: Number(v['max-stuck-s']),
    minFactor: Number(v['min-factor']),
    windowS: Number(v['window-s']),
    missionTimeoutS: Number(v['mission-timeout-s']),
    out: v.out!,
  };
  for (const [name, x] of Object.entries(o)) {
    if (typeof x === 'number' && !(Number.isFinite(x) && x >= 0)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `fleetStress --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: expected a number >= 0, got ${JSON.stringify(String(x))}`,
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'outpost-fleet-stress-'));
  const seeds = Array.from({ length: o.seeds }, (_, i) => o.from + i);
  const results: StressResult[] = [];
  const t0 = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < seeds.length) {
      const i = next++;
      const seed = seeds[i]!;
      const r = await runOne(seed, o.worlds[i % o.worlds.length]!, o.policies[i % o.policies.length]!, o, dir);
      results.push(r);
      if (o.out !== '') appendFileSync(o.out, `${JSON.stringify(r)}\n`);
      process.stdout.write(
        `${r.ok ? 'ok  ' : 'FAIL'} seed ${seed} ${r.world}/${r.policy}: sim ${r.sim_time_s} s, wall ${r.wall_time_s} s, ` +
          `running ${r.running_factor}×, worst ${o.windowS} s window ${r.worst_window_factor ?? '-'}×, longest stuck ${r.longest_stuck_s} s, ` +
          `load ${r.load_avg_1m}${r.problems.length > 0 ? `\n       ${r.problems.join('\n       ')}` : ''}\n`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  rmSync(dir, { recursive: true, force: true });
  const failed = results.filter((r) => !r.ok);
  const stuck = results.filter((r) => r.longest_stuck_s > o.maxStuckS);
  const summary = {
    missions: results.length,
    failed: failed.length,
    stuck: stuck.length,
    seeds: `${o.from}..${o.from + o.seeds - 1}`,
    worst_running_factor: Math.min(...results.map((r) => r.running_factor)),
    worst_window_factor: Math.min(...results.map((r) => r.worst_window_factor ?? Infinity)),
    longest_stuck_s: Math.max(0, ...results.map((r) => r.longest_stuck_s)),
    sync_warnings: results.reduce((a, r) => a + r.sync_warnings, 0),
    wall_s: Math.round((Date.now() - t0) / 1000),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith('fleetStress.js')) await main();
