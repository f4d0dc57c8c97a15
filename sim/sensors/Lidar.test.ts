import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { Random } from '../Random.js';
import { CELL_OCCUPIED, GridWorld } from '../world/GridWorld.js';
import { loadMapServerMap } from '../world/MapServerMap.js';
import { shippedWorldsDir } from '../worlds/ShippedWorlds.js';
import { castRay, castRayCircles, castScan, toLaserScan, type LidarSpec } from './Lidar.js';

/** An all-free world with the listed cells occupied. */
function world(
  width: number,
  height: number,
  blocked: Array<[number, number]> = [],
  resolution = 1,
  originX = 0,
  originY = 0,
): GridWorld {
  const w = new GridWorld({ width, height, resolution, originX, originY });
  for (const [x, y] of blocked) w.cells[y * width + x] = CELL_OCCUPIED;
  return w;
}
const column = (x: number, height: number): Array<[number, number]> =>
  Array.from({ length: height }, (_, y) => [x, y] as [number, number]);
const dir = (deg: number): [number, number] => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
const ray = (w: GridWorld, x: number, y: number, deg: number, max = 100): number => castRay(w, x, y, ...dir(deg), max);

describe('castRay (Amanatides–Woo)', () => {
  const walled = world(10, 5, column(7, 5));

  it('axis-aligned rays stop at the wall face or the map edge', () => {
    expect(ray(walled, 2.5, 2.5, 0)).toBeCloseTo(4.5, 12); // wall cells start at x = 7
    expect(ray(walled, 2.5, 2.5, 180)).toBeCloseTo(2.5, 12); // outside the map blocks: edge at x = 0
    expect(ray(walled, 2.5, 2.5, 90)).toBeCloseTo(2.5, 12); // top edge y = 5
    expect(ray(walled, 2.5, 1.25, -90)).toBeCloseTo(1.25, 12);
  });

  it('a diagonal ray of slope 1/2 reaches the wall at 5.5·√5/2', () => {
    const w = world(10, 6, column(6, 6));
    const [dx, dy] = [2 / Math.sqrt(5), 1 / Math.sqrt(5)];
    expect(castRay(w, 0.5, 0.2, dx, dy, 100)).toBeCloseTo((5.5 * Math.sqrt(5)) / 2, 12);
  });

  it('a 45° ray through cell corners: the diagonal cell, and a corner graze, both hit', () => {
    expect(ray(world(10, 10, [[5, 5]]), 0.5, 0.5, 45)).toBeCloseTo(4.5 * Math.SQRT2, 9);
    // at corner (3,3) the cell (3,2) beyond it is blocked: the ray grazes it there
    expect(ray(world(10, 10, [[3, 2]]), 0.5, 0.5, 45)).toBeCloseTo(2.5 * Math.SQRT2, 9);
    // a wall of cells touching only at corners is opaque
    expect(
      ray(
        world(10, 10, [
          [4, 3],
          [3, 4],
        ]),
        0.5,
        0.5,
        45,
      ),
    ).toBeCloseTo(3.5 * Math.SQRT2, 9);
  });

  it('a ray starting on a cell corner belongs to the cell it moves into', () => {
    const w = world(10, 10, [[2, 2]]);
    expect(ray(w, 3, 3, 225)).toBe(0); // straight into the blocked cell
    expect(ray(w, 3, 3, 180)).toBeCloseTo(3, 12); // row 3 is free all the way to x = 0
    expect(ray(w, 3, 3, 270)).toBeCloseTo(3, 12); // column 3 down to y = 0
    expect(ray(w, 3, 3, 0)).toBeCloseTo(7, 12);
    expect(ray(w, 3, 3, 45)).toBeCloseTo(7 * Math.SQRT2, 9);
  });

  it('starting inside a blocked cell or outside the map gives 0', () => {
    expect(ray(walled, 7.5, 2.5, 0)).toBe(0);
    expect(ray(walled, -1, 2.5, 0)).toBe(0);
    expect(ray(walled, 2.5, 9, 270)).toBe(0);
  });

  it('is +Infinity when nothing blocks within maxRange, finite at exactly maxRange', () => {
    expect(ray(walled, 2.5, 2.5, 0, 4.4)).toBe(Infinity);
    expect(ray(walled, 2.5, 2.5, 0, 4.5)).toBeCloseTo(4.5, 12);
  });

  it('honours resolution and origin', () => {
    // 0.05 m cells, origin (−1, −2): the wall column 30 starts at x = −1 + 30·0.05 = 0.5
    const w = world(60, 40, column(30, 40), 0.05, -1, -2);
    expect(ray(w, -0.73, -1.9, 0)).toBeCloseTo(1.23, 10);
    expect(ray(w, -0.73, -1.9, 180)).toBeCloseTo(0.27, 10);
  });

  it('agrees with fine marching on random rays through a generated world', () => {
    const w = loadMapServerMap(join(shippedWorldsDir(), 'small_rooms.yaml'));
    const rng = new Random(5);
    const step = 0.0005; // m
    let checked = 0;
    while (checked < 300) {
      const x = rng.uniform(0, w.width * w.resolution);
      const y = rng.uniform(0, w.height * w.resolution);
      const [cx, cy] = w.cellOf(x, y);
      if (w.isBlocked(cx, cy)) continue;
      const a = rng.uniform(-Math.PI, Math.PI);
      const [dx, dy] = [Math.cos(a), Math.sin(a)];
      let t = 0;
      for (;;) {
        const [mx, my] = w.cellOf(x + t * dx, y + t * dy);
        if (w.isBlocked(mx, my)) break;
        t += step;
      }
      const d = castRay(w, x, y, dx, dy, 100);
      expect(d).toBeLessThanOrEqual(t + 1e-9);
      expect(d).toBeGreaterThan(t - step - 1e-9);
      checked++;
    }
  });
});

describe('castRayCircles', () => {
  it('hits the near side, grazes tangentially, skips circles behind or around the start', () => {
    expect(castRayCircles([{ x: 4, y: 2.5, radius: 0.5 }], 1, 2.5, 1, 0)).toBeCloseTo(2.5, 12);
    expect(castRayCircles([{ x: 4, y: 3, radius: 0.5 }], 1, 2.5, 1, 0)).toBeCloseTo(3, 12);
    expect(castRayCircles([{ x: 4, y: 3.01, radius: 0.5 }], 1, 2.5, 1, 0)).toBe(Infinity);
    expect(castRayCircles([{ x: -2, y: 2.5, radius: 0.5 }], 1, 2.5, 1, 0)).toBe(Infinity);
    expect(castRayCircles([{ x: 1.1, y: 2.5, radius: 0.5 }], 1, 2.5, 1, 0)).toBe(Infinity);
    // 3-4-5: circle centred 5 m away along (0.6, 0.8), radius 1 → 4 m
    expect(
      castRayCircles(
        [
          { x: 9, y: 9, radius: 3 },
          { x: 3, y: 4, radius: 1 },
        ],
        0,
        0,
        0.6,
        0.8,
      ),
    ).toBeCloseTo(4, 12);
  });
});

describe('castScan', () => {
  const w = world(10, 5, column(7, 5));
  const spec: LidarSpec = {
    beams: 4,
    angleMin: -Math.PI / 2,
    angleMax: Math.PI,
    rangeMin: 0.1,
    rangeMax: 8,
    noiseStd: 0,
  };

  it('spaces beams from angleMin to angleMax inclusive, relative to yaw', () => {
    // beams at −90°, 0°, 90°, 180° from heading 0
    expect([...castScan(w, { x: 2.5, y: 2, yaw: 0 }, spec, new Random(1))].map((r) => +r.toFixed(5))).toEqual([
      2, 4.5, 3, 2.5,
    ]);
    // heading 90°: beams at 0°, 90°, 180°, 270°
    expect([...castScan(w, { x: 2.5, y: 2, yaw: Math.PI / 2 }, spec, new Random(1))].map((r) => +r.toFixed(5))).toEqual(
      [4.5, 3, 2.5, 2],
    );
  });

  it('+Infinity beyond rangeMax, −Infinity below rangeMin (REP-117)', () => {
    const short = { ...spec, beams: 1, angleMin: 0, angleMax: 0, rangeMax: 4 };
    expect(castScan(w, { x: 2.5, y: 2, yaw: 0 }, short, new Random(1))[0]).toBe(Infinity);
    const near = { ...short, rangeMin: 0.5, rangeMax: 8 };
    expect(castScan(w, { x: 6.7, y: 2, yaw: 0 }, near, new Random(1))[0]).toBe(-Infinity);
    expect(castScan(w, { x: -3, y: 2, yaw: 0 }, near, new Random(1))[0]).toBe(-Infinity); // off the map
  });

  it('sees circle obstacles in front of walls but not behind them', () => {
    const one = { ...spec, beams: 1, angleMin: 0, angleMax: 0 };
    expect(castScan(w, { x: 2.5, y: 2, yaw: 0 }, one, new Random(1), [{ x: 5, y: 2, radius: 0.3 }])[0]).toBeCloseTo(
      2.2,
      6,
    );
    expect(castScan(w, { x: 2.5, y: 2, yaw: 0 }, one, new Random(1), [{ x: 8.5, y: 2, radius: 0.3 }])[0]).toBeCloseTo(
      4.5,
      6,
    );
  });

  it('adds seeded Gaussian noise: repeatable, unbiased, with the given spread, clamped to the valid range', () => {
    const noisy = { beams: 2000, angleMin: -0.2, angleMax: 0.2, rangeMin: 0.1, rangeMax: 20, noiseStd: 0.05 };
    const big = world(200, 200, column(150, 200), 0.1);
    const pose = { x: 5, y: 10, yaw: 0 };
    const a = castScan(big, pose, noisy, new Random(9));
    expect(castScan(big, pose, noisy, new Random(9))).toEqual(a);
    const exact = castScan(big, pose, { ...noisy, noiseStd: 0 }, new Random(9));
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < a.length; i++) {
      const e = a[i]! - exact[i]!;
      s += e;
      s2 += e * e;
    }
    expect(Math.abs(s / a.length)).toBeLessThan(0.005);
    expect(Math.sqrt(s2 / a.length)).toBeCloseTo(0.05, 2);
    const clamped = castScan(big, pose, { ...noisy, rangeMax: exact[1000]! + 0.001, noiseStd: 1 }, new Random(9));
    expect(Math.max(...clamped.filter(Number.isFinite))).toBeLessThanOrEqual(Math.fround(exact[1000]! + 0.001));
  });

  it('rejects a bad spec and a wrong-size output array', () => {
    expect(() => castScan(w, { x: 1, y: 1, yaw: 0 }, { ...spec, beams: 0 }, new Random(1))).toThrow(
      /lidar: expected beams ≥ 1/,
    );
    expect(() => castScan(w, { x: 1, y: 1, yaw: 0 }, { ...spec, rangeMax: Infinity }, new Random(1))).toThrow(/finite/);
    expect(() => castScan(w, { x: 1, y: 1, yaw: 0 }, spec, new Random(1), [], new Float32Array(3))).toThrow(
      /holds 3 ranges, expected 4/,
    );
  });

  it('360 beams × 8 m at 0.1 m take well under 1 ms', () => {
    const rooms = loadMapServerMap(join(shippedWorldsDir(), 'rooms.yaml'));
    const s360: LidarSpec = {
      beams: 360,
      angleMin: -Math.PI,
      angleMax: Math.PI - Math.PI / 180,
      rangeMin: 0.12,
      rangeMax: 8,
      noiseStd: 0.01,
    };
    const rng = new Random(3);
    const out = new Float32Array(360);
    const times: number[] = [];
    for (let k = 0; k < 300; k++) {
      let x = 0;
      let y = 0;
      do {
        x = rng.uniform(0, 64);
        y = rng.uniform(0, 48);
      } while (rooms.isBlocked(...rooms.cellOf(x, y)));
      const t0 = performance.now();
      castScan(rooms, { x, y, yaw: rng.uniform(-3, 3) }, s360, rng, [{ x: x + 1, y, radius: 0.2 }], out);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    expect(times[150]!).toBeLessThan(1);
  });
});

describe('toLaserScan', () => {
  it('builds a sensor_msgs/msg/LaserScan that the CDR codec encodes and decodes', () => {
    const spec: LidarSpec = { beams: 3, angleMin: -1, angleMax: 1, rangeMin: 0.1, rangeMax: 8, noiseStd: 0 };
    const ranges = Float32Array.from([1, Infinity, -Infinity]);
    const msg = toLaserScan(ranges, spec, { stamp: { sec: 12, nanosec: 5 }, frameId: 'r1/base_scan', scanTime: 0.1 });
    expect(msg.angle_increment).toBe(1);
    expect(msg.header.frame_id).toBe('r1/base_scan');
    const registry = defaultRegistry();
    const back = registry.decode(
      'sensor_msgs/msg/LaserScan',
      registry.encode('sensor_msgs/msg/LaserScan', msg),
    ) as typeof msg;
    expect([...back.ranges]).toEqual([1, Infinity, -Infinity]);
    expect(back.range_max).toBe(8);
    expect(back.scan_time).toBeCloseTo(0.1, 6);
  });
});

describe('castRay against the traversal with an edge test at every cell', () => {
  // The implementation before the walk skipped edge tests inside the map (same arithmetic).
  const reference = (w: GridWorld, x: number, y: number, dx: number, dy: number, maxRange: number): number => {
    const { width, height, cells, resolution } = w;
    if (Math.abs(dx) < 1e-12) dx = 0;
    if (Math.abs(dy) < 1e-12) dy = 0;
    const blocked = (cx: number, cy: number): boolean =>
      cx < 0 || cy < 0 || cx >= width || cy >= height || cells[cy * width + cx] !== 0;
    const gx = (x - w.originX) / resolution;
    const gy = (y - w.originY) / resolution;
    let ix = Math.floor(gx);
    let iy = Math.floor(gy);
    if (dx < 0 && ix === gx) ix--;
    if (dy < 0 && iy === gy) iy--;
    if (blocked(ix, iy)) return 0;
    const maxT = maxRange / resolution;
    const sx = dx > 0 ? 1 : dx < 0 ? -1 : 0;
    const sy = dy > 0 ? 1 : dy < 0 ? -1 : 0;
    const deltaX = sx === 0 ? Infinity : 1 / Math.abs(dx);
    const deltaY = sy === 0 ? Infinity : 1 / Math.abs(dy);
    let tx = sx > 0 ? (ix + 1 - gx) * deltaX : sx < 0 ? (gx - ix) * deltaX : Infinity;
    let ty = sy > 0 ? (iy + 1 - gy) * deltaY : sy < 0 ? (gy - iy) * deltaY : Infinity;
    for (;;) {
      if (tx < ty - 1e-9) {
        if (tx > maxT) return Infinity;
        ix += sx;
        if (blocked(ix, iy)) return tx * resolution;
        tx += deltaX;
      } else if (ty < tx - 1e-9) {
        if (ty > maxT) return Infinity;
        iy += sy;
        if (blocked(ix, iy)) return ty * resolution;
        ty += deltaY;
      } else {
        const t = Math.min(tx, ty);
        if (t > maxT) return Infinity;
        if (blocked(ix + sx, iy) || blocked(ix, iy + sy) || blocked(ix + sx, iy + sy)) return t * resolution;
        ix += sx;
        iy += sy;
        tx += deltaX;
        ty += deltaY;
      }
    }
  };

  it('returns the same distance for random rays, axis-aligned and diagonal rays, starts on cell edges and rays that leave the map', () => {
    let seed = 21;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const w = new GridWorld({ width: 37, height: 23, resolution: 0.1, originX: -1, originY: 0.5 });
    for (let i = 0; i < w.cells.length; i++) if (rand() < 0.04) w.cells[i] = CELL_OCCUPIED;
    for (let k = 0; k < 20000; k++) {
      const onEdge = k % 3 === 0;
      const x = w.originX + (onEdge ? Math.floor(rand() * 37) : rand() * 37) * 0.1;
      const y = w.originY + (onEdge ? Math.floor(rand() * 23) : rand() * 23) * 0.1;
      const a = k % 5 === 0 ? (Math.floor(rand() * 8) * Math.PI) / 4 : rand() * 2 * Math.PI;
      const max = rand() < 0.2 ? 0.3 : 8;
      expect(castRay(w, x, y, Math.cos(a), Math.sin(a), max)).toBe(reference(w, x, y, Math.cos(a), Math.sin(a), max));
    }
  });
});

describe('castScan with other robots against castRay and the per-beam circle test', () => {
  // castRayCircles as it was, obstacle offsets recomputed for every beam.
  const circlesReference = (
    obstacles: ReadonlyArray<{ x: number; y: number; radius: number }>,
    x: number,
    y: number,
    dx: number,
    dy: number,
  ): number => {
    let best = Infinity;
    for (const o of obstacles) {
      const ox = o.x - x;
      const oy = o.y - y;
      const c = ox * ox + oy * oy - o.radius * o.radius;
      if (c <= 0) continue;
      const b = ox * dx + oy * dy;
      if (b <= 0) continue;
      const disc = b * b - c;
      if (disc < 0) continue;
      const t = b - Math.sqrt(disc);
      if (t < best) best = t;
    }
    return best;
  };

  it('gives the same ranges and draws the same noise, with the sensing robot itself among the obstacles', () => {
    const w = loadMapServerMap(join(shippedWorldsDir(), 'rooms.yaml'));
    const spec: LidarSpec = {
      beams: 360,
      angleMin: -Math.PI,
      angleMax: Math.PI - (2 * Math.PI) / 360,
      rangeMin: 0.05,
      rangeMax: 8,
      noiseStd: 0.01,
    };
    let seed = 8;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 30; k++) {
      let x = 0;
      let y = 0;
      do {
        x = w.originX + rand() * w.width * w.resolution;
        y = w.originY + rand() * w.height * w.resolution;
      } while (
        w.cells[Math.floor((y - w.originY) / w.resolution) * w.width + Math.floor((x - w.originX) / w.resolution)] !== 0
      );
      const pose = { x, y, yaw: rand() * 6 };
      const others = [
        { x, y, radius: 0.2 },
        { x: x + 0.5 + rand() * 3, y: y + rand() - 0.5, radius: 0.2 },
        { x: x - 2, y: y + 2, radius: 0.3 },
      ];
      const got = castScan(w, pose, spec, new Random(k), others);
      const rng = new Random(k);
      const inc = (spec.angleMax - spec.angleMin) / (spec.beams - 1);
      for (let i = 0; i < spec.beams; i++) {
        const a = pose.yaw + spec.angleMin + i * inc;
        const d = Math.min(
          castRay(w, x, y, Math.cos(a), Math.sin(a), spec.rangeMax),
          circlesReference(others, x, y, Math.cos(a), Math.sin(a)),
        );
        const want = !(d <= spec.rangeMax)
          ? Infinity
          : d < spec.rangeMin
            ? -Infinity
            : Math.fround(Math.min(spec.rangeMax, Math.max(spec.rangeMin, d + spec.noiseStd * rng.normal())));
        expect(got[i]).toBe(want);
      }
    }
  });
});
