/**
 * Map sync benchmark: bytes on the wire for robots' maps to converge at rendezvous, tile sync
 * (nodes/fleet/MapSyncSession.ts) against the baseline of resending the full merged map as a
 * CDR-encoded nav_msgs/OccupancyGrid each way at every contact. Target: tile sync ≤ 10% of it.
 *
 * Scenario (seeded, so runs repeat): a 640×480 ground truth of rooms, doorways and clutter at
 * 0.1 m/cell (IR2's corridor test size). Four robots start together, each walks to random
 * waypoints in free space (preferring cells its merged map still lacks), 3 cells per step, and
 * observes by ray casting to 40 cells (0 free, 100 occupied) after each step, like a lidar mapper. Every `meetEvery` steps the robots meet in
 * two random pairs; each pair runs one contact to quiescence over a perfect link; then they keep
 * exploring. At the end every pair meets once more and all four merged maps must be identical.
 *
 * Usage: npm run bench:mapsync [-- --smoke]   (smoke: one short run, fails only if maps diverge)
 */
import { cpus } from 'node:os';
import { deflateRawSync } from 'node:zlib';
import { defaultRegistry } from '../runtime/msg/defaultRegistry.js';
import { MapSyncSession, type SyncMessage } from '../nodes/fleet/MapSyncSession.js';
import { TiledMap, type CellUpdate } from '../nodes/fleet/TiledMap.js';
import { decodeTileBatch, encodeTileBatch } from '../nodes/fleet/TileTransfer.js';

const W = 640;
const H = 480;
const SENSOR_RANGE = 40; // cells
const STEP = 3; // cells per step
const ROBOTS = 4;

interface Options {
  seeds: number[];
  steps: number;
  meetEvery: number;
  maxBatchBytes: number;
}

interface RunResult {
  seed: number;
  contacts: number;
  tileBytes: number;
  fullBytes: number;
  fullDeflatedBytes: number;
  messages: number;
  syncMs: number;
  coverage: number;
  converged: boolean;
  /** Mean µs to encode (deflate) and decode (inflate, validate) one 32×32 tile as its own batch. */
  encodeUs: number;
  decodeUs: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Rooms of 60–120 cells separated by walls with doorways, plus boxes of clutter. 100 = wall. */
function world(rand: () => number): Uint8Array {
  const t = new Uint8Array(W * H);
  const wall = (x0: number, y0: number, x1: number, y1: number): void => {
    for (let y = Math.max(0, y0); y <= Math.min(H - 1, y1); y++)
      for (let x = Math.max(0, x0); x <= Math.min(W - 1, x1); x++) t[y * W + x] = 100;
  };
  wall(0, 0, W - 1, 1);
  wall(0, H - 2, W - 1, H - 1);
  wall(0, 0, 1, H - 1);
  wall(W - 2, 0, W - 1, H - 1);
  const xs = [0];
  while (xs.at(-1)! < W - 120) xs.push(xs.at(-1)! + 60 + Math.floor(rand() * 60));
  const ys = [0];
  while (ys.at(-1)! < H - 120) ys.push(ys.at(-1)! + 60 + Math.floor(rand() * 60));
  const door = (x0: number, y0: number, x1: number, y1: number): void => {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) t[y * W + x] = 0;
  };
  for (const x of xs.slice(1)) {
    wall(x, 0, x + 1, H - 1);
    for (const y of ys) {
      const d = y + 10 + Math.floor(rand() * 40);
      door(x, d, x + 1, Math.min(H - 3, d + 11));
    }
  }
  for (const y of ys.slice(1)) {
    wall(0, y, W - 1, y + 1);
    for (const x of xs) {
      const d = x + 10 + Math.floor(rand() * 40);
      door(d, y, Math.min(W - 3, d + 11), y + 1);
    }
  }
  for (let i = 0; i < 60; i++) {
    const x = 4 + Math.floor(rand() * (W - 12));
    const y = 4 + Math.floor(rand() * (H - 12));
    wall(x, y, x + 1 + Math.floor(rand() * 6), y + 1 + Math.floor(rand() * 6));
  }
  return t;
}

class Explorer {
  x: number;
  y: number;
  #goal: [number, number] = [0, 0];
  readonly map: TiledMap;
  constructor(
    readonly id: string,
    x: number,
    y: number,
    readonly truth: Uint8Array,
    readonly rand: () => number,
  ) {
    this.x = x;
    this.y = y;
    this.map = new TiledMap({ self: id, width: W, height: H, resolution: 0.1 });
    this.#newGoal();
  }

  /** A random free cell, preferring ones this robot's merged map (own + teammates') still lacks. */
  #newGoal(): void {
    let fallback: [number, number] | undefined;
    for (let tries = 0; ; tries++) {
      const gx = 4 + Math.floor(this.rand() * (W - 8));
      const gy = 4 + Math.floor(this.rand() * (H - 8));
      if (this.truth[gy * W + gx] !== 0) continue;
      fallback ??= [gx, gy];
      if (this.map.cell(gx, gy) === -1 || tries > 200) {
        this.#goal = tries > 200 ? fallback : [gx, gy];
        return;
      }
    }
  }

  step(): void {
    const [gx, gy] = this.#goal;
    const d = Math.hypot(gx - this.x, gy - this.y);
    if (d < STEP) {
      this.#newGoal();
      return;
    }
    const nx = Math.round(this.x + ((gx - this.x) / d) * STEP);
    const ny = Math.round(this.y + ((gy - this.y) / d) * STEP);
    if (this.truth[ny * W + nx] !== 0) {
      this.#newGoal();
      return;
    }
    this.x = nx;
    this.y = ny;
    this.observe();
  }

  /** Ray casting from the robot: free cells up to the first wall, the wall itself occupied. */
  observe(): void {
    const seen = new Map<number, number>();
    for (let a = 0; a < 720; a++) {
      const th = (a * Math.PI) / 360;
      const dx = Math.cos(th);
      const dy = Math.sin(th);
      for (let r = 0; r <= SENSOR_RANGE; r++) {
        const cx = Math.round(this.x + dx * r);
        const cy = Math.round(this.y + dy * r);
        if (cx < 0 || cy < 0 || cx >= W || cy >= H) break;
        const v = this.truth[cy * W + cx]!;
        seen.set(cy * W + cx, v);
        if (v === 100) break;
      }
    }
    const cells: CellUpdate[] = [];
    for (const [i, value] of seen) cells.push({ x: i % W, y: Math.floor(i / W), value });
    this.map.updateOwn(cells);
  }

  tile(): number {
    return this.map.grid.tileIdAt(this.x, this.y);
  }
}

/** One contact to quiescence over a perfect link; returns the messages that crossed. */
function contact(a: MapSyncSession, b: MapSyncSession): SyncMessage[] {
  const log: SyncMessage[] = [];
  let toB = [a.open()];
  let toA = [b.open()];
  while (toA.length > 0 || toB.length > 0) {
    log.push(...toA, ...toB);
    const nextA = toB.flatMap((m) => b.receive(m));
    const nextB = toA.flatMap((m) => a.receive(m));
    toA = [...nextA, ...b.drain()];
    toB = [...nextB, ...a.drain()];
  }
  a.close();
  b.close();
  return log;
}

function run(seed: number, o: Options): RunResult {
  const rand = rng(seed);
  const truth = world(rand);
  let sx = W / 2;
  const sy = H / 2;
  while (truth[sy * W + sx] !== 0) sx++;
  const robots = Array.from({ length: ROBOTS }, (_, i) => new Explorer(`r${i + 1}`, sx, sy, truth, rng(seed * 31 + i)));
  robots.forEach((r) => {
    r.observe();
  });
  const sessions = new Map<string, MapSyncSession>();
  const session = (a: Explorer, b: Explorer): MapSyncSession => {
    const key = `${a.id}>${b.id}`;
    let s = sessions.get(key);
    if (s === undefined)
      sessions.set(
        key,
        (s = new MapSyncSession({ map: a.map, peer: b.id, maxBatchBytes: o.maxBatchBytes, focusTile: () => a.tile() })),
      );
    return s;
  };
  const registry = defaultRegistry();
  const header = { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' };
  const r: RunResult = {
    seed,
    contacts: 0,
    tileBytes: 0,
    fullBytes: 0,
    fullDeflatedBytes: 0,
    messages: 0,
    syncMs: 0,
    coverage: 0,
    converged: true,
    encodeUs: 0,
    decodeUs: 0,
  };
  const meet = (a: Explorer, b: Explorer): void => {
    for (const x of [a, b]) {
      // baseline: each sends its full merged map
      const cdr = registry.encode('nav_msgs/msg/OccupancyGrid', x.map.toOccupancyGrid(header));
      r.fullBytes += cdr.length;
      r.fullDeflatedBytes += deflateRawSync(cdr).length;
    }
    const t0 = performance.now();
    const msgs = contact(session(a, b), session(b, a));
    r.syncMs += performance.now() - t0;
    r.contacts++;
    r.messages += msgs.length;
    r.tileBytes += msgs.reduce((n, m) => n + m.bytes.length, 0);
    if (!Buffer.from(a.map.merged().buffer).equals(Buffer.from(b.map.merged().buffer))) r.converged = false;
  };
  for (let step = 1; step <= o.steps; step++) {
    robots.forEach((x) => {
      x.step();
    });
    if (step % o.meetEvery === 0) {
      const order = [...robots].sort(() => rand() - 0.5);
      meet(order[0]!, order[1]!);
      meet(order[2]!, order[3]!);
    }
  }
  for (let i = 0; i < ROBOTS; i++) for (let j = i + 1; j < ROBOTS; j++) meet(robots[i]!, robots[j]!);
  const ref = Buffer.from(robots[0]!.map.merged().buffer);
  if (!robots.every((x) => ref.equals(Buffer.from(x.map.merged().buffer)))) r.converged = false;
  const merged = robots[0]!.map.merged();
  let free = 0;
  let known = 0;
  for (let i = 0; i < truth.length; i++)
    if (truth[i] === 0) {
      free++;
      if (merged[i] === 0) known++;
    }
  r.coverage = known / free;
  const map = robots[0]!.map;
  const tiles = [...map.layer('r1')].map(([tileId, t]) => ({ origin: 'r1', tileId, version: t.version, data: t.data }));
  let t0 = performance.now();
  const encoded = tiles.map((t) => encodeTileBatch([t], map.grid));
  r.encodeUs = ((performance.now() - t0) * 1000) / tiles.length;
  t0 = performance.now();
  for (const b of encoded) decodeTileBatch(b, map.grid);
  r.decodeUs = ((performance.now() - t0) * 1000) / tiles.length;
  return r;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const kb = (n: number): string => (n / 1024).toFixed(1);

function main(): void {
  const smoke = process.argv.includes('--smoke');
  const o: Options = smoke
    ? { seeds: [1], steps: 150, meetEvery: 30, maxBatchBytes: 16 * 1024 }
    : { seeds: [1, 2, 3, 4, 5], steps: 1500, meetEvery: 50, maxBatchBytes: 16 * 1024 };
  console.log(
    `map sync: ${W}×${H} cells, tiles 32×32, ${ROBOTS} robots, ${o.steps} steps, meet every ${o.meetEvery} steps in 2 pairs, then all pairs; batches ≤ ${o.maxBatchBytes} B`,
  );
  console.log(`node ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}`);
  const results = o.seeds.map((s) => run(s, o));
  console.log(
    '\n| seed | contacts | coverage | tile sync KiB | full resend KiB (CDR) | ratio | full resend deflated KiB | ratio vs deflated | messages | sync ms/contact | µs/tile enc/dec | converged |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.seed} | ${r.contacts} | ${(r.coverage * 100).toFixed(0)}% | ${kb(r.tileBytes)} | ${kb(r.fullBytes)} | ${((r.tileBytes / r.fullBytes) * 100).toFixed(2)}% | ${kb(r.fullDeflatedBytes)} | ${((r.tileBytes / r.fullDeflatedBytes) * 100).toFixed(1)}% | ${r.messages} | ${(r.syncMs / r.contacts).toFixed(1)} | ${r.encodeUs.toFixed(0)}/${r.decodeUs.toFixed(0)} | ${r.converged} |`,
    );
  }
  const ratio = median(results.map((r) => r.tileBytes / r.fullBytes));
  console.log(
    `| median | ${median(results.map((r) => r.contacts))} | ${(median(results.map((r) => r.coverage)) * 100).toFixed(0)}% | ${kb(median(results.map((r) => r.tileBytes)))} | ${kb(median(results.map((r) => r.fullBytes)))} | ${(ratio * 100).toFixed(2)}% | ${kb(median(results.map((r) => r.fullDeflatedBytes)))} | ${(median(results.map((r) => r.tileBytes / r.fullDeflatedBytes)) * 100).toFixed(1)}% | ${median(results.map((r) => r.messages))} | ${median(results.map((r) => r.syncMs / r.contacts)).toFixed(1)} | ${median(results.map((r) => r.encodeUs)).toFixed(0)}/${median(results.map((r) => r.decodeUs)).toFixed(0)} | ${results.every((r) => r.converged)} |`,
  );
  const pass = ratio <= 0.1;
  console.log(
    `\ntile sync / full resend (median): ${(ratio * 100).toFixed(2)}% — target ≤ 10%: ${pass ? 'PASS' : 'FAIL'}`,
  );
  if (!results.every((r) => r.converged)) {
    console.error('FAIL: merged maps diverged after a contact');
    process.exitCode = 1;
  } else if (!smoke && !pass) process.exitCode = 1;
}

main();
