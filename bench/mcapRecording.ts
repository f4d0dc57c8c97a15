/**
 * MCAP recording (issue 15):
 *  1. throughput: McapRecorder (zstd chunks, the default; and uncompressed) writing a mix of
 *     pre-encoded CDR messages (odometry, /tf, 360-beam scans, a 200×200 map), against a raw
 *     `fs.writeSync` of the same bytes, once per message and buffered into 1 MiB writes, in the
 *     same run, alternating; medians of the runs. Target: ≥ 50% of raw.
 *  2. sim: wall time of the 4-robot mission (`outpost sim launch/sim/explore.launch.yaml --seed 1`,
 *     child processes) with and without `--record`, alternating. Target: ≤ 10% more.
 *
 *  3. levels: zstd levels (speed, size) on the chunks of a given recording.
 *
 *   npm run bench:mcap [-- --case throughput|sim|all] [--runs N] [--json] [--smoke]
 *   npm run bench:mcap -- --case levels --file X.mcap [--runs N]
 */
import { spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { McapRecorder, type ChunkCompression, type McapRecorderOptions } from '../monitor/recording/McapRecorder.js';
import { McapStreamReader } from '@mcap/core';
import { loadDecompressHandlers } from '@mcap/support';
import * as zstd from '@foxglove/wasm-zstd';
import { OutpostError } from '../runtime/OutpostError.js';
import { ros2msgSchema } from '../runtime/msg/ros2msgSchema.js';
import { defaultRegistry } from '../runtime/msg/defaultRegistry.js';
import { packageRoot } from '../runtime/packageRoot.js';
import { benchMain, formatTable, median, type BenchOptions } from './BenchRunner.js';

interface Sample {
  type: string;
  topic: string;
  bytes: Uint8Array;
}

export interface ThroughputResult {
  runs: number;
  messages: number;
  mib: number;
  /** MiB/s per run. */
  rawPerMessage: number[];
  rawBuffered: number[];
  /** The same, with one fdatasync before close (what the recorder's default `sync` adds). */
  rawBufferedSync: number[];
  mcapZstd: number[];
  /** zstd -1 (the default) and level 1 (the default before), both without fdatasync. */
  mcapZstdNoSync: number[];
  mcapZstd1NoSync: number[];
  mcapNone: number[];
  /** Uncompressed, without the per-chunk fdatasync (what the raw baseline does not do either). */
  mcapNoneNoSync: number[];
  /** ...and without the chunk CRC (`chunkCrc: false`). */
  mcapNoneNoSyncNoCrc: number[];
  zstdRatio: number;
}

export interface SimCostResult {
  runs: number;
  /** Mission wall time from the report (s), per run. */
  without: number[];
  with: number[];
  /** Process wall time (s), per run. */
  processWithout: number[];
  processWith: number[];
  /** CPU seconds (user + system) of the whole process, per run. */
  cpuWithout: number[];
  cpuWith: number[];
  recordedMiB: number;
  recordedMessages: number;
}

/** zstd levels on the chunks of a real recording (`--case levels --file X.mcap`). */
export interface LevelsResult {
  file: string;
  mib: number;
  chunks: number;
  /** Per level: compression MiB/s (median of the runs) and how many times smaller. */
  levels: { level: number; mibPerS: number; ratio: number }[];
}

export interface McapBenchResult {
  throughput?: ThroughputResult;
  levels?: LevelsResult;
  sim?: SimCostResult;
}

/**
 * `seconds` robot-seconds of traffic, each roughly: 20 odom and tf, 10 scans, 1 map. Every second
 * is its own (fresh poses and ranges; the map with a few hundred cells changed), so a 1 MiB chunk
 * holds ~17 different seconds, not one repeated: with one second repeated, zstd found whole copies
 * and shrank the mix 28× (a recorded mission: 4.5-5.3×), which hid what its level costs.
 */
export function sampleMix(seconds = 32): Sample[] {
  const r = defaultRegistry();
  // Sensor values are noisy (random ranges and poses), so zstd sees what a real run gives it rather
  // than long runs of zeros; the map is mostly unknown and free cells, as an explored map is.
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const odom = (): unknown => {
    const m = r.createDefault<{ pose: { pose: { position: { x: number; y: number } } } }>('nav_msgs/msg/Odometry');
    m.pose.pose.position.x = rand() * 20;
    m.pose.pose.position.y = rand() * 20;
    return m;
  };
  const scan = (): unknown => ({
    ...r.createDefault<Record<string, unknown>>('sensor_msgs/msg/LaserScan'),
    ranges: Float32Array.from({ length: 360 }, () => 0.2 + rand() * 8),
  });
  const map = r.createDefault<{ info: { width: number; height: number }; data: Int8Array }>(
    'nav_msgs/msg/OccupancyGrid',
  );
  map.info.width = 200;
  map.info.height = 200;
  map.data = Int8Array.from({ length: 200 * 200 }, (_, i) => (i % 200 < 120 ? (rand() < 0.1 ? 100 : 0) : -1));
  const tf = (): unknown => {
    const t = r.createDefault<{ transform: { translation: { x: number } } }>('geometry_msgs/msg/TransformStamped');
    t.transform.translation.x = rand();
    return { transforms: [t, t] };
  };
  const one = (type: string, topic: string, msg: unknown): Sample => ({ type, topic, bytes: r.encode(type, msg) });
  const out: Sample[] = [];
  for (let second = 0; second < seconds; second++) {
    for (let i = 0; i < 20; i++) {
      out.push(one('nav_msgs/msg/Odometry', '/r1/odom', odom()), one('tf2_msgs/msg/TFMessage', '/tf', tf()));
      if (i % 2 === 0) out.push(one('sensor_msgs/msg/LaserScan', '/r1/scan', scan()));
    }
    for (let k = 0; k < 300; k++) map.data[Math.floor(rand() * map.data.length)] = rand() < 0.5 ? 100 : 0;
    out.push(one('nav_msgs/msg/OccupancyGrid', '/r1/map', map));
  }
  return out;
}

async function throughput(runs: number, targetMiB: number): Promise<ThroughputResult> {
  const mix = sampleMix();
  const mixBytes = mix.reduce((n, s) => n + s.bytes.byteLength, 0);
  const reps = Math.max(1, Math.round((targetMiB * 1048576) / mixBytes));
  const messages = reps * mix.length;
  const mib = (reps * mixBytes) / 1048576;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-mcap-'));
  const file = join(dir, 'out');
  const rate = (start: bigint): number => mib / (Number(process.hrtime.bigint() - start) / 1e9);

  // Every writer starts on a fresh file, outside the timed part: truncating the previous run's
  // 64 MiB (freeing its page cache) took ~30 ms, which only the MCAP side paid (its open is timed).
  const fresh = (): void => rmSync(file, { force: true });
  const rawPerMessage = (): number => {
    fresh();
    const fd = openSync(file, 'w');
    const t = process.hrtime.bigint();
    for (let k = 0; k < reps; k++) for (const s of mix) writeSync(fd, s.bytes);
    closeSync(fd);
    return rate(t);
  };
  const rawBuffered = (sync = false): number => {
    fresh();
    const fd = openSync(file, 'w');
    const t = process.hrtime.bigint();
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let used = 0;
    for (let k = 0; k < reps; k++) {
      for (const s of mix) {
        if (used + s.bytes.byteLength > buf.length) {
          writeSync(fd, buf, 0, used);
          used = 0;
        }
        if (s.bytes.byteLength > buf.length) writeSync(fd, s.bytes);
        else {
          buf.set(s.bytes, used);
          used += s.bytes.byteLength;
        }
      }
    }
    writeSync(fd, buf, 0, used);
    if (sync) fdatasyncSync(fd);
    closeSync(fd);
    return rate(t);
  };
  const mcap = async (compression: ChunkCompression, sync = true, more: McapRecorderOptions = {}): Promise<number> => {
    fresh();
    const t = process.hrtime.bigint();
    const rec = await McapRecorder.create(file, { compression, sync, ...more });
    const channels = new Map<string, number>();
    const schemas = new Map<string, number>();
    for (const s of mix) {
      if (channels.has(s.topic)) continue;
      let schema = schemas.get(s.type);
      if (schema === undefined) {
        schema = rec.addSchema(s.type, 'ros2msg', ros2msgSchema(defaultRegistry(), s.type));
        schemas.set(s.type, schema);
      }
      channels.set(s.topic, rec.addChannel(s.topic, schema, 'cdr', new Map()));
    }
    const ids = mix.map((s) => channels.get(s.topic)!);
    let time = 0n;
    for (let k = 0; k < reps; k++) {
      for (let i = 0; i < mix.length; i++) rec.addMessage(ids[i]!, time, time, mix[i]!.bytes);
      time += 1_000_000_000n;
    }
    await rec.close();
    return rate(t);
  };

  const result: ThroughputResult = {
    runs,
    messages,
    mib,
    rawPerMessage: [],
    rawBuffered: [],
    rawBufferedSync: [],
    mcapZstd: [],
    mcapZstdNoSync: [],
    mcapZstd1NoSync: [],
    mcapNone: [],
    mcapNoneNoSync: [],
    mcapNoneNoSyncNoCrc: [],
    zstdRatio: 0,
  };
  await mcap('zstd'); // warm-up: JIT, the wasm module, the page cache
  rawBuffered();
  for (let run = 0; run < runs; run++) {
    // Alternate the order so a slow moment on a loaded machine does not always hit one side.
    const order =
      run % 2 === 0
        ? ['raw1', 'rawB', 'rawBS', 'zstd', 'zstdN', 'zstd1', 'none', 'nosync', 'nocrc']
        : ['nocrc', 'nosync', 'none', 'zstd1', 'zstdN', 'zstd', 'rawBS', 'rawB', 'raw1'];
    for (const which of order) {
      if (which === 'raw1') result.rawPerMessage.push(rawPerMessage());
      if (which === 'rawB') result.rawBuffered.push(rawBuffered());
      if (which === 'zstd') {
        result.mcapZstd.push(await mcap('zstd'));
        result.zstdRatio = (reps * mixBytes) / statSync(file).size;
      }
      if (which === 'rawBS') result.rawBufferedSync.push(rawBuffered(true));
      if (which === 'zstdN') result.mcapZstdNoSync.push(await mcap('zstd', false));
      if (which === 'zstd1') result.mcapZstd1NoSync.push(await mcap('zstd', false, { zstdLevel: 1 }));
      if (which === 'nocrc') result.mcapNoneNoSyncNoCrc.push(await mcap('none', false, { chunkCrc: false }));
      if (which === 'none') result.mcapNone.push(await mcap('none'));
      if (which === 'nosync') result.mcapNoneNoSync.push(await mcap('none', false));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * One `outpost sim` in a child process that runs the CLI's main() itself and then prints its own
 * CPU time: on a machine shared with other jobs, CPU seconds show the work --record adds more
 * steadily than wall time does.
 */
const SIM_CHILD = `
const { main } = await import(process.env.OUTPOST_CLI);
const ac = new AbortController();
const code = await main(process.argv.slice(1), { out: () => {}, err: (l) => process.stderr.write(l + '\\n'), env: process.env, signal: ac.signal });
const u = process.cpuUsage();
process.stdout.write(JSON.stringify({ code, cpu: (u.user + u.system) / 1e6 }) + '\\n');
process.exit(code);
`;

function runSim(args: string[], dir: string, tag: string): Promise<{ wall: number; process: number; cpu: number }> {
  const report = join(dir, `${tag}.json`);
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', SIM_CHILD, 'sim', 'launch/sim/explore.launch.yaml', ...args, '--report', report],
      {
        cwd: packageRoot(),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, OUTPOST_CLI: pathToFileURL(join(packageRoot(), 'dist', 'launch', 'cli.js')).href },
      },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`outpost sim ${args.join(' ')} exited ${code}: ${err}`));
      const wall = (JSON.parse(readFileSync(report, 'utf8')) as { wall_time_s: number }).wall_time_s;
      const cpu = (JSON.parse(out.trim().split('\n').at(-1)!) as { cpu: number }).cpu;
      resolve({ wall, process: Number(process.hrtime.bigint() - t) / 1e9, cpu });
    });
  });
}

async function simCost(runs: number, smoke: boolean): Promise<SimCostResult> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-mcap-sim-'));
  const base = smoke ? ['robots:=1', '--until', 'time=10', '--seed', '1'] : ['--seed', '1'];
  const result: SimCostResult = {
    runs,
    without: [],
    with: [],
    processWithout: [],
    processWith: [],
    cpuWithout: [],
    cpuWith: [],
    recordedMiB: 0,
    recordedMessages: 0,
  };
  for (let run = 0; run < runs; run++) {
    const mcap = join(dir, `run${run}.mcap`);
    const pair = [
      async () => {
        const r = await runSim(base, dir, `plain${run}`);
        result.without.push(r.wall);
        result.processWithout.push(r.process);
        result.cpuWithout.push(r.cpu);
      },
      async () => {
        const r = await runSim([...base, '--record', mcap], dir, `rec${run}`);
        result.with.push(r.wall);
        result.processWith.push(r.process);
        result.cpuWith.push(r.cpu);
        result.recordedMiB = statSync(mcap).size / 1048576;
      },
    ];
    for (const step of run % 2 === 0 ? pair : pair.reverse()) await step();
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * Recompresses the chunks of a recorded mission at several zstd levels: the synthetic mix's noise
 * is not a mission's, and the level's speed depends on what it compresses.
 */
async function levels(file: string, runs: number): Promise<LevelsResult> {
  await zstd.isLoaded;
  const reader = new McapStreamReader({ includeChunks: true, decompressHandlers: await loadDecompressHandlers() });
  reader.append(readFileSync(file));
  const chunks: Uint8Array[] = [];
  for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) {
    if (r.type !== 'Chunk') continue;
    chunks.push(r.compression === 'zstd' ? zstd.decompress(r.records, Number(r.uncompressedSize)) : r.records);
  }
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out: LevelsResult = { file, mib: total / 1048576, chunks: chunks.length, levels: [] };
  const list = [3, 1, -1, -3, -5];
  const rates = list.map((): number[] => []);
  const packed = list.map(() => 0);
  // Levels take turns within each run (alternating order), so a slow moment hits them alike; run
  // 0 warms the wasm code up (its first calls run unoptimized) and is not counted.
  for (let run = 0; run <= runs; run++) {
    const order = list.map((_, i) => i);
    if (run % 2 === 1) order.reverse();
    for (const i of order) {
      const t = process.hrtime.bigint();
      let bytes = 0;
      for (const c of chunks) bytes += zstd.compress(c, list[i]!).byteLength;
      packed[i] = bytes;
      if (run > 0) rates[i]!.push(total / 1048576 / (Number(process.hrtime.bigint() - t) / 1e9));
    }
  }
  out.levels = list.map((level, i) => ({ level, mibPerS: median(rates[i]!), ratio: total / packed[i]! }));
  return out;
}

export async function runMcapBench(
  options: BenchOptions & { case?: 'throughput' | 'sim' | 'levels' | 'all'; runs?: number; file?: string },
): Promise<McapBenchResult> {
  const which = options.case ?? 'all';
  const out: McapBenchResult = {};
  if (which === 'levels') {
    if (options.file === undefined) {
      throw new OutpostError('OUTPOST_ERR_CLI_USAGE', '--case levels: expected --file X.mcap (a recording), got none');
    }
    out.levels = await levels(options.file, options.runs ?? 5);
    return out;
  }
  if (which !== 'sim')
    out.throughput = await throughput(options.runs ?? (options.smoke ? 1 : 7), options.smoke ? 2 : 64);
  if (which !== 'throughput') out.sim = await simCost(options.runs ?? (options.smoke ? 1 : 3), options.smoke === true);
  return out;
}

function format(r: McapBenchResult): string {
  const parts: string[] = [];
  const t = r.throughput;
  if (t !== undefined) {
    const base = median(t.rawBuffered);
    const row = (name: string, xs: number[]): string[] => [
      name,
      median(xs).toFixed(0),
      `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`,
      `${((100 * median(xs)) / base).toFixed(0)}%`,
    ];
    parts.push(
      `Throughput: ${t.messages} messages, ${t.mib.toFixed(1)} MiB of CDR per run, ${t.runs} runs (medians; zstd shrinks it ${t.zstdRatio.toFixed(1)}×)\n` +
        formatTable(
          ['writer', 'MiB/s', 'range', 'of raw buffered'],
          [
            row('raw fs.writeSync, 1 MiB buffered', t.rawBuffered),
            row('raw fs.writeSync, 1 MiB buffered, fdatasync at close', t.rawBufferedSync),
            row('raw fs.writeSync, one per message', t.rawPerMessage),
            row('McapRecorder, zstd -1 chunks (default)', t.mcapZstd),
            row('McapRecorder, zstd -1, no fdatasync', t.mcapZstdNoSync),
            row('McapRecorder, zstd level 1, no fdatasync', t.mcapZstd1NoSync),
            row('McapRecorder, uncompressed chunks', t.mcapNone),
            row('McapRecorder, uncompressed, no fdatasync', t.mcapNoneNoSync),
            row('McapRecorder, uncompressed, no fdatasync, no chunk CRC', t.mcapNoneNoSyncNoCrc),
          ],
        ) +
        `\ntarget ≥ 50% of raw: zstd ${((100 * median(t.mcapZstd)) / base).toFixed(0)}%, none ${((100 * median(t.mcapNone)) / base).toFixed(0)}%; ` +
        `without fdatasync: zstd ${((100 * median(t.mcapZstdNoSync)) / base).toFixed(0)}%, none ${((100 * median(t.mcapNoneNoSync)) / base).toFixed(0)}%; ` +
        `both with fdatasync: zstd ${((100 * median(t.mcapZstd)) / median(t.rawBufferedSync)).toFixed(0)}%, none ${((100 * median(t.mcapNone)) / median(t.rawBufferedSync)).toFixed(0)}%`,
    );
  }
  const l = r.levels;
  if (l !== undefined) {
    parts.push(
      `zstd levels on ${l.file}: ${l.chunks} chunks, ${l.mib.toFixed(1)} MiB of records\n` +
        formatTable(
          ['zstd level', 'MiB/s', 'times smaller'],
          l.levels.map((x) => [
            `${x.level}${x.level === -1 ? ' (default)' : ''}`,
            x.mibPerS.toFixed(0),
            x.ratio.toFixed(2),
          ]),
        ),
    );
  }
  const s = r.sim;
  if (s !== undefined) {
    const pct = (a: number[], b: number[]): string => ((100 * (median(a) - median(b))) / median(b)).toFixed(1);
    // Pairwise: each pair ran back to back, so the load they met was alike.
    const pairs = s.cpuWith.map((c, i) => (100 * (c - s.cpuWithout[i]!)) / s.cpuWithout[i]!);
    const row = (name: string, wall: number[], proc: number[], cpu: number[]): string[] => [
      name,
      median(wall).toFixed(2),
      median(proc).toFixed(2),
      median(cpu).toFixed(2),
      cpu.map((x) => x.toFixed(2)).join(' '),
    ];
    parts.push(
      `4-robot mission (seed 1), ${s.runs} alternating pairs; recording ${s.recordedMiB.toFixed(1)} MiB\n` +
        formatTable(
          ['', 'mission wall s', 'process wall s', 'process CPU s', 'CPU s per run'],
          [
            row('without --record', s.without, s.processWithout, s.cpuWithout),
            row('with --record', s.with, s.processWith, s.cpuWith),
          ],
        ) +
        `\ncost of --record (medians): CPU ${pct(s.cpuWith, s.cpuWithout)}%, mission wall ${pct(s.with, s.without)}%, ` +
        `process wall ${pct(s.processWith, s.processWithout)}%; per pair CPU: ${pairs.map((p) => `${p.toFixed(1)}%`).join(' ')} ` +
        '(target ≤ 10%)',
    );
  }
  return parts.join('\n\n');
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: { case: { type: 'string' }, runs: { type: 'string' }, file: { type: 'string' } },
});
await benchMain(
  import.meta.url,
  (o) =>
    runMcapBench({
      ...o,
      case: (values.case as 'throughput' | 'sim' | 'levels' | 'all' | undefined) ?? 'all',
      ...(typeof values.file === 'string' ? { file: values.file } : {}),
      ...(values.runs !== undefined ? { runs: Number(values.runs) } : {}),
    }),
  format,
);
