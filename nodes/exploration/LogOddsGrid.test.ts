import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_ODDS, LogOddsGrid, type ScanBeams } from './LogOddsGrid.js';

/** A 360-beam scan from (0,0) inside a corridor along x with walls at y = ±wall (no end walls). */
function corridorScan(wall: number, rangeMax: number): ScanBeams {
  const n = 360;
  const inc = (2 * Math.PI) / n;
  const ranges = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = -Math.PI + i * inc;
    const s = Math.sin(a);
    const r = Math.abs(s) < 1e-9 ? Infinity : wall / Math.abs(s);
    ranges[i] = r < rangeMax ? r : Infinity;
  }
  return { angleMin: -Math.PI, angleIncrement: inc, rangeMin: 0.05, rangeMax, ranges };
}

// 10 m × 10 m at 0.1 m, robot at the centre (0, 0).
const geometry = { width: 100, height: 100, resolution: 0.1, originX: -5, originY: -5 };

describe('LogOddsGrid', () => {
  it('maps a corridor: walls occupied, the corridor free, behind the walls unknown, open ends free up to range_max', () => {
    const g = new LogOddsGrid(geometry);
    // Walls at y = ±1.05 m, the centres of rows 60 and 39.
    g.integrateScan({ x: 0, y: 0, yaw: 0 }, corridorScan(1.05, 4));
    const at = (x: number, y: number) => g.value(...g.cellOf(x, y));
    for (let x = -2; x <= 2; x += 0.1) {
      expect(at(x, 1.05)).toBe(70); // one hit: p = 1/(1+e^-0.85) ≈ 0.70
      expect(at(x, -1.05)).toBe(70);
      for (let y = -0.95; y <= 0.95; y += 0.1) expect(at(x, y)).toBeLessThan(50);
      expect(at(x, 1.25)).toBe(-1);
      expect(at(x, -1.25)).toBe(-1);
    }
    // Along the corridor nothing is hit within range_max = 4 m: free up to it, unknown after, never occupied.
    expect(at(3.85, 0.05)).toBe(40);
    expect(at(-3.85, 0.05)).toBe(40);
    expect(at(4.35, 0.05)).toBe(-1);
    for (let cx = 0; cx < 100; cx++) expect(g.value(cx, 50)).toBeLessThanOrEqual(50);
  });

  it('updates a cell once per scan however many beams cross it, and clamps', () => {
    const g = new LogOddsGrid(geometry);
    const scan = corridorScan(1.05, 4);
    g.integrateScan({ x: 0, y: 0, yaw: 0 }, scan);
    const [cx, cy] = g.cellOf(0.15, 0.05);
    expect(g.logOdds[cy * 100 + cx]).toBeCloseTo(DEFAULT_LOG_ODDS.lFree, 6);
    for (let k = 0; k < 50; k++) g.integrateScan({ x: 0, y: 0, yaw: 0 }, scan);
    const [wx, wy] = g.cellOf(0.05, 1.05);
    expect(g.logOdds[wy * 100 + wx]).toBeCloseTo(DEFAULT_LOG_ODDS.lMax, 6);
    expect(g.logOdds[cy * 100 + cx]).toBeCloseTo(DEFAULT_LOG_ODDS.lMin, 6);
    expect(g.value(wx, wy)).toBe(97);
    expect(g.value(cx, cy)).toBe(12);
  });

  it('skips invalid returns, lets a wall that moved away become free again, and clips beams leaving the grid', () => {
    const g = new LogOddsGrid(geometry);
    const one = (r: number): ScanBeams => ({
      angleMin: 0,
      angleIncrement: 0,
      rangeMin: 0.1,
      rangeMax: 20,
      ranges: [r],
    });
    expect(g.integrateScan({ x: 0, y: 0, yaw: 0 }, one(Number.NaN))).toBe(0);
    expect(g.integrateScan({ x: 0, y: 0, yaw: 0 }, one(-Infinity))).toBe(0);
    expect(g.integrateScan({ x: 0, y: 0, yaw: 0 }, one(0.05))).toBe(0); // below range_min
    const v0 = g.version;
    g.integrateScan({ x: 0, y: 0, yaw: Math.PI / 2 }, one(2.05)); // a hit straight up at y = 2.05
    expect(g.version).toBe(v0 + 1);
    expect(g.value(...g.cellOf(0.05, 2.05))).toBe(70);
    for (let k = 0; k < 4; k++) g.integrateScan({ x: 0.05, y: 0, yaw: Math.PI / 2 }, one(Infinity));
    expect(g.value(...g.cellOf(0.05, 2.05))).toBeLessThan(50);
    // A beam of 20 m from outside the grid, crossing it: every cell on row 50 becomes free.
    const h = new LogOddsGrid(geometry);
    h.integrateScan({ x: -8, y: 0.05, yaw: 0 }, one(Infinity));
    for (let cx = 0; cx < 100; cx++) expect(h.value(cx, 50)).toBe(40);
    expect(h.value(0, 51)).toBe(-1);
  });

  it('with hitOffset, a return from a wall on a cell boundary marks the wall cell, not the free cell in front of it', () => {
    // Wall face at y = 2.0 exactly (the boundary of rows 69 and 70); returns short by 1 cm of noise.
    const one = (r: number): ScanBeams => ({ angleMin: 0, angleIncrement: 0, rangeMin: 0.1, rangeMax: 8, ranges: [r] });
    const bare = new LogOddsGrid(geometry);
    bare.integrateScan({ x: 0.05, y: 0, yaw: Math.PI / 2 }, one(1.99));
    expect(bare.value(...bare.cellOf(0.05, 1.95))).toBe(70); // the free cell in front, marked occupied
    const g = new LogOddsGrid(geometry);
    g.integrateScan({ x: 0.05, y: 0, yaw: Math.PI / 2 }, one(1.99), { hitOffset: 0.03 });
    expect(g.value(...g.cellOf(0.05, 1.95))).toBe(40); // free
    expect(g.value(...g.cellOf(0.05, 2.05))).toBe(70); // the wall
    expect(() => g.integrateScan({ x: 0, y: 0, yaw: 0 }, one(1), { hitOffset: -0.1 })).toThrow(
      /hitOffset must be ≥ 0 m, got -0.1/,
    );
  });

  it('drops returns that end on an ignored disc (a teammate): free up to it, nothing occupied, counted', () => {
    const g = new LogOddsGrid(geometry);
    // A teammate at (0, 1.2), radius 0.35; the corridor's walls at ±1.05 are outside its disc.
    const teammate = { x: 0.05, y: 1.2, radius: 0.35 };
    const one = (r: number, yaw: number): ScanBeams => ({
      angleMin: yaw,
      angleIncrement: 0,
      rangeMin: 0.1,
      rangeMax: 8,
      ranges: [r],
    });
    g.integrateScan({ x: 0.05, y: 0, yaw: 0 }, one(0.99, Math.PI / 2), { ignore: [teammate] }); // its body's near face
    expect(g.ignoredReturns).toBe(1);
    expect(g.value(...g.cellOf(0.05, 1.05))).toBe(-1); // the end cell: unknown, not occupied
    expect(g.value(...g.cellOf(0.05, 0.55))).toBe(40); // the cells before it: free
    g.integrateScan({ x: 0.05, y: 0, yaw: 0 }, one(2.5, 0), { ignore: [teammate] }); // a wall elsewhere: still a wall
    expect(g.ignoredReturns).toBe(1);
    expect(g.value(...g.cellOf(2.55, 0.05))).toBe(70);
  });

  it('integrates a 360-beam scan at 8 m on 0.1 m cells in well under 1 ms', () => {
    const g = new LogOddsGrid({ width: 400, height: 400, resolution: 0.1, originX: -20, originY: -20 });
    // Worst case for the ray walk: no returns, every beam runs the full 8 m (80 cells).
    const open: ScanBeams = {
      angleMin: -Math.PI,
      angleIncrement: (2 * Math.PI) / 360,
      rangeMin: 0.1,
      rangeMax: 8,
      ranges: new Float32Array(360).fill(Infinity),
    };
    const room = corridorScan(1.05, 8);
    for (let k = 0; k < 200; k++) g.integrateScan({ x: (k % 10) * 0.03, y: 0, yaw: k * 0.01 }, k % 2 ? open : room);
    // Median of 20 batches of 50 scans, so a busy CI box (vitest runs files in parallel) does not decide it.
    const batches: number[] = [];
    for (let b = 0; b < 20; b++) {
      const t0 = performance.now();
      for (let k = 0; k < 50; k++) g.integrateScan({ x: (k % 10) * 0.03, y: 0, yaw: (b * 50 + k) * 0.01 }, open);
      batches.push((performance.now() - t0) / 50);
    }
    const perScanMs = batches.sort((a, b) => a - b)[10]!;
    console.log(`LogOddsGrid.integrateScan: 360 beams × 8 m @ 0.1 m: ${(perScanMs * 1000).toFixed(1)} µs per scan`);
    expect(perScanMs).toBeLessThan(1);
  });

  it('rejects bad geometry and log-odds parameters', () => {
    expect(() => new LogOddsGrid({ ...geometry, width: 0 })).toThrow(/positive integer width/);
    expect(() => new LogOddsGrid(geometry, { ...DEFAULT_LOG_ODDS, lFree: 0.4 })).toThrow(/l_free < 0/);
  });
});
