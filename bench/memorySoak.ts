/**
 * Memory soak (issue 14, item 6): runs a launch for a long window of sim time in this process and
 * samples its memory every `--sample` sim seconds (`process.memoryUsage()`, after a full GC when
 * node runs with --expose-gc), then reports growth after warm-up: the least-squares slope per sim
 * minute and the mean of the first third against the last third of the samples after warm-up.
 * Writes `<out>.json` and `<out>.png` (RSS in red, heap used in blue, MiB over sim minutes).
 *
 *   npm run soak:memory                       # both cases, 30 sim minutes each
 *   node --expose-gc dist/bench/memorySoak.js --case mission|robot [--minutes 30] [--sample 30] [--warmup 5] [--out bench/soak/mission]
 *       [--heap-snapshots 2,8]   # V8 heap snapshots at these sim minutes, in the temp folder
 *
 * Cases: `mission`, the 4-robot exploration mission (launch/sim/explore.launch.yaml, IR2 ONNX
 * policy, rooms 640×480, coverage goal 1.0 so it runs the whole window); `robot`, one robot's real
 * stack (launch/robot.launch.yaml: ONNX policy, durable outbox on disk) fed by a one-robot simulator
 * (bench/soak/robot.soak.launch.yaml). Each case runs in its own process, so neither sees the other's heap.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { cliLogger } from '../launch/cliLogger.js';
import { Launcher } from '../launch/Launcher.js';
import { loadLaunchFile } from '../launch/LaunchPlan.js';
import { builtinNodeKinds } from '../launch/builtinNodeKinds.js';
import { Node } from '../runtime/Node.js';
import { machine } from './BenchRunner.js';
import { linePlot } from './LinePlot.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MiB = 1024 * 1024;

export interface MemorySample {
  simS: number;
  wallS: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface Growth {
  /** Least-squares slope over the samples after warm-up. Unit: MiB per sim minute. */
  slopeMiBPerMin: number;
  /** Mean of the first and of the last third of the samples after warm-up. Unit: MiB. */
  firstThirdMiB: number;
  lastThirdMiB: number;
}

export interface SoakResult {
  case: string;
  launch: string;
  machine: ReturnType<typeof machine>;
  gcForced: boolean;
  simMinutes: number;
  sampleEverySimS: number;
  warmupSimS: number;
  /** Sim time actually run (less than the window if the mission ended early). Unit: s. */
  simS: number;
  wallS: number;
  endReason: string;
  /** The last /sim/status: how much work the robots did (coverage of the true free space, longest path). */
  coverage: number;
  maxPathLengthM: number;
  samples: MemorySample[];
  growth: { rss: Growth; heapUsed: Growth; external: Growth };
}

function growth(samples: readonly MemorySample[], key: 'rss' | 'heapUsed' | 'external'): Growth {
  const xs = samples.map((s) => s.simS / 60);
  const ys = samples.map((s) => s[key] / MiB);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const third = Math.max(1, Math.floor(n / 3));
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    slopeMiBPerMin: sxx > 0 ? sxy / sxx : 0,
    firstThirdMiB: mean(ys.slice(0, third)),
    lastThirdMiB: mean(ys.slice(n - third)),
  };
}

const CASES = {
  mission: (simS: number) => ({
    file: join(ROOT, 'launch/sim/explore.launch.yaml'),
    args: {
      map: join(ROOT, 'sim/worlds/rooms.yaml'),
      robots: '4',
      seed: '1',
      until_coverage: '1.0',
      until_time: String(simS),
    },
  }),
  robot: (simS: number, scratch: string) => ({
    file: join(ROOT, 'bench/soak/robot.soak.launch.yaml'),
    args: { outbox_dir: scratch, until_time: String(simS) },
  }),
} as const;

export async function memorySoak(o: {
  case: keyof typeof CASES;
  minutes: number;
  sampleS: number;
  warmupS: number;
  /** Sim minutes at which to write a V8 heap snapshot (`<snapshotPrefix>.<min>min.heapsnapshot`), to diff when the heap grows. */
  snapshotsAtMin?: number[];
  snapshotPrefix?: string;
}): Promise<SoakResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const scratch = mkdtempSync(join(tmpdir(), 'outpost-soak-'));
  const simS = o.minutes * 60;
  const { file, args } = CASES[o.case](simS, scratch);
  const kinds = builtinNodeKinds();
  const plan = loadLaunchFile(file, { arguments: args, registry: kinds, env: process.env });
  const logger = cliLogger({ OUTPOST_LOG_LEVEL: 'error', OUTPOST_LOG_FORMAT: 'json' });
  const launcher = new Launcher({ plan, kinds, logger, runDir: scratch });
  const samples: MemorySample[] = [];
  const wall0 = performance.now();
  let next = 0;
  let lastSim = 0;
  let endReason = 'window';
  let status = { coverage: 0, maxPathLengthM: 0 };
  const sample = (t: number): void => {
    gc?.();
    const m = process.memoryUsage();
    samples.push({
      simS: t,
      wallS: (performance.now() - wall0) / 1000,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    });
    const last = samples[samples.length - 1]!;
    process.stderr.write(
      `${o.case}: sim ${(t / 60).toFixed(1)} min  wall ${last.wallS.toFixed(0)} s  rss ${(last.rss / MiB).toFixed(1)} MiB  heap ${(last.heapUsed / MiB).toFixed(1)} MiB\n`,
    );
  };
  let finished!: () => void;
  const done = new Promise<void>((r) => {
    finished = r;
  });
  // Ctrl-C (or a time limit's SIGTERM) ends the window early: the samples so far are still reported.
  const interrupt = (): void => {
    endReason = 'interrupted';
    finished();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const snapshots = [...(o.snapshotsAtMin ?? [])].sort((a, b) => a - b);
  try {
    await launcher.start();
    if (plan.nodes.some((n) => n.process))
      throw new Error(`${file}: a node runs in its own process; this soak samples one process only`);
    const watcher = new Node('memory_soak', '/outpost', launcher.context);
    // Sampling rides on the simulator's clock: samples are evenly spaced in sim time whatever the machine's load.
    watcher.createSubscription(
      'rosgraph_msgs/msg/Clock',
      '/clock',
      { qos: { reliability: 'best_effort', depth: 1 } },
      (c) => {
        const t = c.clock.sec + c.clock.nanosec / 1e9;
        lastSim = t;
        if (t >= next) {
          sample(t);
          next += o.sampleS;
        }
        if (snapshots.length > 0 && t >= snapshots[0]! * 60) {
          const file = writeHeapSnapshot(`${o.snapshotPrefix ?? o.case}.${snapshots.shift()}min.heapsnapshot`);
          process.stderr.write(`${o.case}: heap snapshot ${file}\n`);
        }
        if (t >= simS) finished();
      },
    );
    watcher.createSubscription('outpost_msgs/msg/SimStatus', '/sim/status', { qos: 10 }, (s) => {
      status = { coverage: s.coverage, maxPathLengthM: s.max_path_length_m };
    });
    watcher.createSubscription(
      'std_msgs/msg/String',
      '/sim/report',
      { qos: { durability: 'transient_local', depth: 1 } },
      (m) => {
        endReason = (JSON.parse(m.data) as { reason?: string }).reason ?? 'report';
        finished();
      },
    );
    await done;
    sample(lastSim);
    watcher.destroy();
  } finally {
    await launcher.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const after = samples.filter((s) => s.simS >= o.warmupS);
  return {
    case: o.case,
    launch: file.slice(ROOT.length + 1),
    machine: machine(),
    gcForced: gc !== undefined,
    simMinutes: o.minutes,
    sampleEverySimS: o.sampleS,
    warmupSimS: o.warmupS,
    simS: lastSim,
    wallS: (performance.now() - wall0) / 1000,
    endReason,
    ...status,
    samples,
    growth: { rss: growth(after, 'rss'), heapUsed: growth(after, 'heapUsed'), external: growth(after, 'external') },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      case: { type: 'string', default: 'mission' },
      minutes: { type: 'string', default: '30' },
      sample: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      out: { type: 'string' },
      'heap-snapshots': { type: 'string' },
    },
  });
  const name = values.case!;
  if (!Object.hasOwn(CASES, name))
    throw new Error(`--case: expected ${Object.keys(CASES).join(' or ')}, got ${JSON.stringify(name)}`);
  const r = await memorySoak({
    case: name as keyof typeof CASES,
    minutes: Number(values.minutes),
    sampleS: Number(values.sample),
    warmupS: Number(values.warmup) * 60,
    snapshotsAtMin: values['heap-snapshots']?.split(',').map(Number),
    snapshotPrefix: join(tmpdir(), `outpost-soak-${name}`),
  });
  const out = values.out ?? join(ROOT, 'bench', 'soak', name);
  writeFileSync(`${out}.json`, `${JSON.stringify(r, null, 2)}\n`);
  const pts = (k: 'rss' | 'heapUsed'): [number, number][] => r.samples.map((s) => [s.simS / 60, s[k] / MiB]);
  writeFileSync(
    `${out}.png`,
    linePlot(
      [
        { label: 'rss', rgb: [200, 30, 30], points: pts('rss') },
        { label: 'heapUsed', rgb: [30, 60, 200], points: pts('heapUsed') },
      ],
      { xStep: 5, yStep: 50 },
    ),
  );
  const g = (x: Growth): string =>
    `${x.slopeMiBPerMin >= 0 ? '+' : ''}${x.slopeMiBPerMin.toFixed(3)} MiB/sim-min, first third ${x.firstThirdMiB.toFixed(1)} → last third ${x.lastThirdMiB.toFixed(1)} MiB`;
  console.log(
    `${name}: ${(r.simS / 60).toFixed(1)} sim min in ${r.wallS.toFixed(0)} s wall (${r.endReason}), coverage ${(100 * r.coverage).toFixed(1)}%, longest path ${r.maxPathLengthM.toFixed(0)} m, ${r.samples.length} samples, gc ${r.gcForced ? 'forced' : 'NOT forced (run with --expose-gc)'}, after ${values.warmup} min warm-up:`,
  );
  console.log(`  rss       ${g(r.growth.rss)}`);
  console.log(`  heapUsed  ${g(r.growth.heapUsed)}`);
  console.log(`  external  ${g(r.growth.external)}`);
  console.log(`wrote ${out}.json and ${out}.png`);
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
