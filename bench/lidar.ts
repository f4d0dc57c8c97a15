import { join } from 'node:path';
import { castScan, type LidarSpec, type Pose2D } from '../sim/sensors/Lidar.js';
import { Random } from '../sim/Random.js';
import type { GridWorld } from '../sim/world/GridWorld.js';
import { loadMapServerMap } from '../sim/world/MapServerMap.js';
import { shippedWorldsDir } from '../sim/worlds/ShippedWorlds.js';
import { benchMain, formatCount, formatTable, percentile, type BenchOptions } from './BenchRunner.js';

/**
 * Simulated lidar: castScan (exact grid traversal, sim/sensors/Lidar.ts) against the baseline a
 * first simulator usually has, fixed-step ray marching at a quarter cell, measured in the same
 * run on the same poses of the shipped worlds. Run: `npm run bench:lidar [-- --smoke]`.
 * Target: 360 beams × 8 m at 0.1 m under 1 ms per scan (p50).
 */

export interface LidarCase {
  name: string;
  scans: number;
  dda: { p50Us: number; p99Us: number; beamsPerSec: number };
  marching: { p50Us: number; p99Us: number; beamsPerSec: number };
  /** marching p50 ÷ castScan p50. */
  speedup: number;
  /**
   * Share of beams where marching read more than one step farther than castScan: it stepped over
   * the corner of a blocked cell (a miss no step size fully avoids). castScan is never farther
   * than marching, since marching stops inside a blocked cell, past its boundary.
   */
  marchingMissRate: number;
  /** Largest castScan − marching over finite readings; ≤ float32 rounding if castScan is exact. Unit: m. */
  maxDdaBeyondMarchingM: number;
}

export interface LidarResult {
  benchmark: 'lidar';
  cases: LidarCase[];
  target: { maxP50Us: number; pass: boolean };
}

/** The baseline: step along the ray a quarter cell at a time until a blocked cell. */
function marchScan(world: GridWorld, pose: Pose2D, spec: LidarSpec, out: Float32Array): void {
  const step = world.resolution / 4;
  const inc = spec.beams > 1 ? (spec.angleMax - spec.angleMin) / (spec.beams - 1) : 0;
  for (let i = 0; i < spec.beams; i++) {
    const a = pose.yaw + spec.angleMin + i * inc;
    const dx = Math.cos(a) * step;
    const dy = Math.sin(a) * step;
    let t = 0;
    let hit = Infinity;
    for (let k = 0; t <= spec.rangeMax; k++, t += step) {
      const cx = Math.floor((pose.x + k * dx - world.originX) / world.resolution);
      const cy = Math.floor((pose.y + k * dy - world.originY) / world.resolution);
      if (world.isBlocked(cx, cy)) {
        hit = t;
        break;
      }
    }
    out[i] = hit;
  }
}

function freePoses(world: GridWorld, n: number, rng: Random): Pose2D[] {
  const poses: Pose2D[] = [];
  while (poses.length < n) {
    const x = world.originX + rng.uniform(0, world.width * world.resolution);
    const y = world.originY + rng.uniform(0, world.height * world.resolution);
    if (!world.isBlocked(...world.cellOf(x, y))) poses.push({ x, y, yaw: rng.uniform(-Math.PI, Math.PI) });
  }
  return poses;
}

export async function runLidarBench(options: BenchOptions = {}): Promise<LidarResult> {
  const scans = options.smoke ? 50 : 2000;
  const full = (beams: number, rangeMax: number): LidarSpec => ({
    beams,
    angleMin: -Math.PI,
    angleMax: Math.PI - (2 * Math.PI) / beams,
    rangeMin: 0.12,
    rangeMax,
    noiseStd: 0,
  });
  const cases: Array<[string, string, LidarSpec]> = [
    ['rooms 640x480@0.1m, 360 beams x 8 m', 'rooms.yaml', full(360, 8)],
    ['cave 400x400@0.1m, 360 beams x 8 m', 'cave.yaml', full(360, 8)],
    ['rooms 640x480@0.1m, 720 beams x 30 m', 'rooms.yaml', full(720, 30)],
  ];
  const results: LidarCase[] = [];
  for (const [name, file, spec] of cases) {
    const world = loadMapServerMap(join(shippedWorldsDir(), file));
    const poses = freePoses(world, scans, new Random(1));
    const rng = new Random(2);
    const a = new Float32Array(spec.beams);
    const b = new Float32Array(spec.beams);
    const ddaUs: number[] = [];
    const marchUs: number[] = [];
    let misses = 0;
    let beams = 0;
    let maxDdaBeyondMarchingM = -Infinity;
    const step = world.resolution / 4;
    for (const pose of poses.slice(0, 20)) castScan(world, pose, spec, rng, [], a); // warm-up
    for (const pose of poses) {
      let t0 = performance.now();
      castScan(world, pose, spec, rng, [], a);
      ddaUs.push((performance.now() - t0) * 1000);
      t0 = performance.now();
      marchScan(world, pose, spec, b);
      marchUs.push((performance.now() - t0) * 1000);
      for (let i = 0; i < spec.beams; i++) {
        if (!Number.isFinite(a[i]!)) continue;
        beams++;
        if (!(b[i]! - a[i]! <= step + 1e-4)) misses++;
        if (Number.isFinite(b[i]!)) maxDdaBeyondMarchingM = Math.max(maxDdaBeyondMarchingM, a[i]! - b[i]!);
      }
    }
    const side = (us: number[]) => {
      const p50 = percentile(us, 50);
      return { p50Us: p50, p99Us: percentile(us, 99), beamsPerSec: (spec.beams * 1e6) / p50 };
    };
    const dda = side(ddaUs);
    const marching = side(marchUs);
    results.push({
      name,
      scans,
      dda,
      marching,
      speedup: marching.p50Us / dda.p50Us,
      marchingMissRate: misses / beams,
      maxDdaBeyondMarchingM,
    });
  }
  const maxP50Us = 1000;
  return {
    benchmark: 'lidar',
    cases: results,
    target: { maxP50Us, pass: results[0]!.dda.p50Us < maxP50Us && results[1]!.dda.p50Us < maxP50Us },
  };
}

export function formatLidar(r: LidarResult): string {
  const rows = r.cases.map((c) => [
    c.name,
    String(c.scans),
    c.dda.p50Us.toFixed(1),
    c.dda.p99Us.toFixed(1),
    formatCount(c.dda.beamsPerSec),
    c.marching.p50Us.toFixed(1),
    c.marching.p99Us.toFixed(1),
    `${c.speedup.toFixed(1)}x`,
    `${(c.marchingMissRate * 100).toFixed(2)}%`,
  ]);
  return (
    `${formatTable(['case', 'scans', 'castScan p50 µs', 'p99 µs', 'beams/s', 'marching p50 µs', 'p99 µs', 'speedup', 'marching misses'], rows)}\n\n` +
    `target: 360-beam scan p50 < ${r.target.maxP50Us} µs: ${r.target.pass ? 'PASS' : 'FAIL'}`
  );
}

await benchMain(import.meta.url, runLidarBench, formatLidar);
