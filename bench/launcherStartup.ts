/**
 * Launcher with 10 nodes (5 robots × twist_publisher + odometry_integrator): time from starting
 * `outpost launch` to the first /r0/odom message seen by a second process over the launch's bus,
 * and the launcher's idle RSS, against a bare `node` process started the same way in the same run.
 *
 *   npm run bench:launcher [-- --runs 5] [--json] [--smoke]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BusClient } from '../runtime/transport/BusClient.js';
import { packageRoot } from '../runtime/packageRoot.js';
import { runningLaunches } from '../launch/RunDirectory.js';

export interface LauncherStartupResult {
  runs: number;
  firstMessageMs: number[];
  rssMB: number[];
  baselineReadyMs: number[];
  baselineRssMB: number[];
  exitCodes: Array<number | null>;
}

function tenNodeLaunchFile(dir: string): string {
  const nodes: string[] = [];
  for (let r = 0; r < 5; r++) {
    nodes.push(`  - node: { pkg: outpost, exec: twist_publisher, name: teleop, namespace: r${r} }`);
    nodes.push(`  - node: { pkg: outpost, exec: odometry_integrator, name: odometry, namespace: r${r} }`);
  }
  const path = join(dir, 'ten.launch.yaml');
  writeFileSync(path, `launch:\n${nodes.join('\n')}\n`);
  return path;
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function oneLaunch(file: string, idleMs: number): Promise<{ firstMs: number; rss: number; code: number | null }> {
  const runDir = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'outpost.js'), 'launch', file], {
    env: { ...process.env, OUTPOST_RUN_DIR: runDir, OUTPOST_LOG_FORMAT: 'json', OUTPOST_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let socket: string | undefined;
  while (socket === undefined) {
    socket = runningLaunches(runDir)[0]?.socket;
    if (socket === undefined) await sleep(2);
    if (performance.now() - t0 > 20_000) throw new Error('launch did not come up within 20 s');
  }
  const client = await BusClient.connect(socket);
  const firstMs = await new Promise<number>((resolve, reject) => {
    const sub = client.subscribe('/r0/odom', 'nav_msgs/msg/Odometry', { reliability: 'best_effort' }, '/bench', () => {
      sub.close();
      resolve(performance.now() - t0);
    });
    sub.ready.catch(reject);
  });
  client.close();
  await sleep(idleMs);
  const rss = rssMB(child.pid!);
  child.kill('SIGINT');
  return { firstMs, rss, code: await exited };
}

async function oneBaseline(idleMs: number): Promise<{ readyMs: number; rss: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("ready\\n"); setInterval(() => {}, 1000)'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const readyMs = performance.now() - t0;
  await sleep(idleMs);
  const rss = rssMB(child.pid!);
  child.kill('SIGKILL');
  return { readyMs, rss };
}

export async function benchLauncherStartup(options: { runs: number; idleMs: number }): Promise<LauncherStartupResult> {
  const file = tenNodeLaunchFile(mkdtempSync(join(tmpdir(), 'outpost-bench-launch-')));
  const out: LauncherStartupResult = {
    runs: options.runs,
    firstMessageMs: [],
    rssMB: [],
    baselineReadyMs: [],
    baselineRssMB: [],
    exitCodes: [],
  };
  for (let i = 0; i < options.runs; i++) {
    const b = await oneBaseline(options.idleMs);
    out.baselineReadyMs.push(b.readyMs);
    out.baselineRssMB.push(b.rss);
    const l = await oneLaunch(file, options.idleMs);
    out.firstMessageMs.push(l.firstMs);
    out.rssMB.push(l.rss);
    out.exitCodes.push(l.code);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, json: { type: 'boolean' }, smoke: { type: 'boolean' } },
  });
  const smoke = values.smoke === true;
  const r = await benchLauncherStartup({ runs: smoke ? 1 : Number(values.runs ?? 5), idleMs: smoke ? 500 : 3000 });
  if (values.json === true) {
    console.log(JSON.stringify(r));
    return;
  }
  const f = (x: number) => x.toFixed(1);
  console.log(`launcher, 10 nodes (${r.runs} runs, medians)`);
  console.log(
    `  start → first /r0/odom message   ${f(median(r.firstMessageMs))} ms   (bare node start → ready: ${f(median(r.baselineReadyMs))} ms)`,
  );
  console.log(
    `  idle RSS                         ${f(median(r.rssMB))} MB   (bare node: ${f(median(r.baselineRssMB))} MB; target ≤ 80 MB: ${median(r.rssMB) <= 80 ? 'PASS' : 'FAIL'})`,
  );
  console.log(`  Ctrl-C exit codes                ${r.exitCodes.join(', ')}`);
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
