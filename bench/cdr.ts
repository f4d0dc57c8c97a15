import { defaultRegistry } from '../runtime/msg/defaultRegistry.js';
import {
  benchMain,
  formatCount,
  formatTable,
  median,
  secondsSince,
  yieldToEventLoop,
  type BenchOptions,
} from './BenchRunner.js';

/**
 * CDR encode+decode (Outpost's codec over @foxglove/rosmsg2-serialization) against
 * JSON.stringify+JSON.parse of the same message. Run: `npm run bench:cdr`.
 *
 * Fairness: JSON cannot carry typed arrays, so its input holds plain number arrays (what a JSON
 * link would carry); CDR gets the typed arrays its decoder returns. MB/s counts each format's own
 * encoded size (CDR payload bytes, UTF-8 JSON bytes) through one encode plus one decode.
 */

export interface CdrCase {
  name: string;
  cdrBytes: number;
  jsonBytes: number;
  cdr: { msgsPerSec: number; mbPerSec: number };
  json: { msgsPerSec: number; mbPerSec: number };
  /** CDR msgs/s ÷ JSON msgs/s. */
  speedup: number;
}

export interface CdrResult {
  benchmark: 'cdr';
  runs: number;
  runSeconds: number;
  cases: CdrCase[];
  /** Target: CDR faster than JSON for every case. */
  target: { minSpeedup: number; pass: boolean };
}

function laserScan(ranges: number): Record<string, unknown> {
  return {
    header: { stamp: { sec: 1_700_000_000, nanosec: 123_456_789 }, frame_id: 'r1/laser' },
    angle_min: -Math.PI,
    angle_max: Math.PI,
    angle_increment: (2 * Math.PI) / ranges,
    time_increment: 0.1 / ranges,
    scan_time: 0.1,
    range_min: 0.12,
    range_max: 12,
    ranges: Float32Array.from({ length: ranges }, (_, i) => 0.5 + ((i * 37) % 1100) / 100),
    intensities: Float32Array.from({ length: ranges }, (_, i) => (i * 13) % 255),
  };
}

function occupancyGrid(width: number, height: number): Record<string, unknown> {
  return {
    header: { stamp: { sec: 1_700_000_000, nanosec: 0 }, frame_id: 'map' },
    info: {
      map_load_time: { sec: 1_700_000_000, nanosec: 0 },
      resolution: 0.05,
      width,
      height,
      origin: { position: { x: -16, y: -12, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    },
    // A map in progress: unknown, free and occupied cells.
    data: Int8Array.from({ length: width * height }, (_, i) => (i % 7 === 0 ? 100 : i % 3 === 0 ? -1 : 0)),
  };
}

/** The same message with typed arrays turned into plain arrays (what JSON would carry). */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Round trips per second over about `seconds` (at least 3 round trips). */
function rate(seconds: number, roundTrip: () => unknown): number {
  const start = process.hrtime.bigint();
  let n = 0;
  let sink: unknown;
  do {
    sink = roundTrip();
    n++;
  } while (n < 3 || secondsSince(start) < seconds);
  if (sink === undefined) throw new Error('round trip returned nothing');
  return n / secondsSince(start);
}

export async function runCdrBench(options: BenchOptions = {}): Promise<CdrResult> {
  const size = options.smoke === true ? { runs: 1, runSeconds: 0.04 } : { runs: 7, runSeconds: 1 };
  const registry = defaultRegistry();
  const cases: CdrCase[] = [];
  for (const [name, type, message] of [
    ['sensor_msgs/msg/LaserScan 720 ranges + intensities', 'sensor_msgs/msg/LaserScan', laserScan(720)],
    ['nav_msgs/msg/OccupancyGrid 640x480', 'nav_msgs/msg/OccupancyGrid', occupancyGrid(640, 480)],
  ] as const) {
    const codec = registry.codec(type);
    const asJson = plain(message);
    const cdrBytes = codec.encode(message).byteLength;
    const jsonBytes = Buffer.byteLength(JSON.stringify(asJson));
    const cdrTrip = (): unknown => codec.decode(codec.encode(message));
    const jsonTrip = (): unknown => JSON.parse(JSON.stringify(asJson));
    // Warm-up: let V8 optimise both paths before timing.
    rate(size.runSeconds / 2, cdrTrip);
    rate(size.runSeconds / 2, jsonTrip);
    const cdrRates: number[] = [];
    const jsonRates: number[] = [];
    for (let r = 0; r < size.runs; r++) {
      // Alternate, so machine noise hits both alike.
      await yieldToEventLoop();
      cdrRates.push(rate(size.runSeconds, cdrTrip));
      await yieldToEventLoop();
      jsonRates.push(rate(size.runSeconds, jsonTrip));
    }
    const cdr = median(cdrRates);
    const json = median(jsonRates);
    cases.push({
      name,
      cdrBytes,
      jsonBytes,
      cdr: { msgsPerSec: cdr, mbPerSec: (cdr * cdrBytes) / 1e6 },
      json: { msgsPerSec: json, mbPerSec: (json * jsonBytes) / 1e6 },
      speedup: cdr / json,
    });
  }
  return {
    benchmark: 'cdr',
    runs: size.runs,
    runSeconds: size.runSeconds,
    cases,
    target: { minSpeedup: 1, pass: cases.every((c) => c.speedup > 1) },
  };
}

export function formatCdr(result: CdrResult): string {
  const table = formatTable(
    [
      'case (encode + decode)',
      'CDR bytes',
      'JSON bytes',
      'CDR msg/s',
      'CDR MB/s',
      'JSON msg/s',
      'JSON MB/s',
      'CDR/JSON',
    ],
    result.cases.map((c) => [
      c.name,
      formatCount(c.cdrBytes),
      formatCount(c.jsonBytes),
      formatCount(c.cdr.msgsPerSec),
      c.cdr.mbPerSec.toFixed(1),
      formatCount(c.json.msgsPerSec),
      c.json.mbPerSec.toFixed(1),
      `${c.speedup.toFixed(2)}x`,
    ]),
  );
  return (
    `${table}\n\nmedian of ${result.runs} run(s) of ${result.runSeconds} s each, after a warm-up\n` +
    `target: CDR faster than JSON in every case: ${result.target.pass ? 'PASS' : 'FAIL'}`
  );
}

await benchMain(import.meta.url, runCdrBench, formatCdr);
