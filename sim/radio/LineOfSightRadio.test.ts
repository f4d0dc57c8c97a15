import { describe, expect, it } from 'vitest';
import { Random } from '../Random.js';
import { CELL_OCCUPIED, CELL_UNKNOWN, GridWorld } from '../world/GridWorld.js';
import { LineOfSightRadio } from './LineOfSightRadio.js';

/** A 40 m × 2 m corridor at 0.1 m, free, with wall columns at the given cell x (full height). */
function corridor(walls: number[] = [], value = CELL_OCCUPIED): GridWorld {
  const w = new GridWorld({ width: 400, height: 20, resolution: 0.1 });
  for (const x of walls) for (let y = 0; y < 20; y++) w.cells[y * 400 + x] = value;
  return w;
}
/** The centre of cell (cx, 10). */
const at = (cx: number) => ({ x: (cx + 0.5) * 0.1, y: 1.05 });
/** Fixed shadowing: X_g and K given (no draw). */
const fixed = (xg: number, k: number) =>
  new LineOfSightRadio({ xg_min_db: xg, xg_max_db: xg, k_min_db: k, k_max_db: k }, new Random(1));

describe('LineOfSightRadio (IR2 signal-strength model)', () => {
  it('line of sight, 5 m: P_R = −20 − (31 + 20·log10(5/3.5)) = −54.098 dBm', () => {
    const q = fixed(0, 0).link(corridor(), at(10), at(60));
    expect(q.rssiDbm).toBeCloseTo(-20 - (31 + 20 * Math.log10(5 / 3.5)), 9);
    expect(q.rssiDbm).toBeCloseTo(-54.098, 3);
    expect(q.up).toBe(true);
    expect(fixed(13, 0).link(corridor(), at(10), at(60)).rssiDbm).toBeCloseTo(-67.098, 3);
  });

  it('closer than d_0: only the reference loss, −51 dBm', () => {
    expect(fixed(13, 13).link(corridor(), at(10), at(30)).rssiDbm).toBe(-51);
    expect(fixed(0, 0).link(corridor(), at(10), at(10)).rssiDbm).toBe(-51); // same cell
  });

  it('line-of-sight range is d_0·10^(19/20) = 31.19 m at X_g = 0, 6.98 m at X_g = 13', () => {
    const w = corridor();
    const r0 = fixed(0, 0);
    expect(r0.link(w, at(10), at(10 + 311)).up).toBe(true); // 31.1 m
    expect(r0.link(w, at(10), at(10 + 313)).up).toBe(false); // 31.3 m
    const r13 = fixed(13, 0);
    expect(r13.link(w, at(10), at(10 + 69)).up).toBe(true); // 6.9 m
    expect(r13.link(w, at(10), at(10 + 70)).up).toBe(false); // 7.0 m
  });

  it('one wall cell: obstacle term 40·log10(0.1/0.1) + K = K; free part 4.9 m', () => {
    const w = corridor([35]);
    expect(fixed(0, 0).link(w, at(10), at(60)).rssiDbm).toBeCloseTo(-20 - (31 + 20 * Math.log10(4.9 / 3.5)), 9); // −53.923
    const q = fixed(0, 10).link(w, at(10), at(60));
    expect(q.rssiDbm).toBeCloseTo(-63.923, 3);
    expect(q.up).toBe(true);
  });

  it('walls add up: 2 cells −65.78 dBm (up), 3 cells −72.65 dBm (down), 3 walls of 2 −84.11 dBm', () => {
    const r = fixed(0, 0);
    const two = r.link(corridor([35, 36]), at(10), at(60));
    expect(two.rssiDbm).toBeCloseTo(-20 - (31 + 40 * Math.log10(2) + 20 * Math.log10(4.8 / 3.5)), 9);
    expect(two.rssiDbm).toBeCloseTo(-65.785, 3);
    expect(two.up).toBe(true);
    const three = r.link(corridor([35, 36, 37]), at(10), at(60));
    expect(three.rssiDbm).toBeCloseTo(-72.645, 3);
    expect(three.up).toBe(false);
    const walls = r.link(corridor([20, 21, 35, 36, 50, 51]), at(10), at(60));
    expect(walls.rssiDbm).toBeCloseTo(-20 - (31 + 40 * Math.log10(6) + 20 * Math.log10(4.4 / 3.5)), 9);
    expect(walls.up).toBe(false);
  });

  it('unknown cells block like walls (IR2: anything not free)', () => {
    expect(fixed(0, 0).link(corridor([35, 36, 37], CELL_UNKNOWN), at(10), at(60)).up).toBe(false);
  });

  it('the free-space term starts only at d_free ≥ d_0: a thick wall can leave just PL_0 + obstacle loss', () => {
    // 4 m apart, 1 m of wall: d_free 3 m < 3.5 m → no free-space term; 40·log10(10) = 40 dB
    const w = corridor(Array.from({ length: 10 }, (_, i) => 20 + i));
    expect(fixed(13, 0).link(w, at(10), at(50)).rssiDbm).toBeCloseTo(-20 - 31 - 40, 9);
  });

  it('is symmetric: the better of the two Bresenham directions', () => {
    const w = new GridWorld({ width: 60, height: 60, resolution: 0.1 });
    for (let i = 0; i < 60; i++) w.cells[i * 60 + ((i * 7) % 60)] = CELL_OCCUPIED; // scattered cells
    const r = fixed(0, 0);
    const a = { x: 0.35, y: 0.25 };
    const b = { x: 5.15, y: 3.05 };
    const q = r.link(w, a, b);
    expect(r.link(w, b, a)).toEqual(q);
    const [ax, ay] = w.cellOf(a.x, a.y);
    const [bx, by] = w.cellOf(b.x, b.y);
    expect(q.rssiDbm).toBe(Math.max(r.receivedDbm(w, ax, ay, bx, by), r.receivedDbm(w, bx, by, ax, ay)));
  });

  it('draws X_g then K once per episode from the seed, within their ranges', () => {
    const a = new LineOfSightRadio({}, new Random(5));
    const b = new LineOfSightRadio({}, new Random(5));
    const c = new LineOfSightRadio({}, new Random(6));
    expect([a.xgDb, a.kDb]).toEqual([b.xgDb, b.kDb]);
    expect([a.xgDb, a.kDb]).not.toEqual([c.xgDb, c.kDb]);
    const rng = new Random(5);
    expect(a.xgDb).toBe(rng.uniform(0, 13));
    expect(a.kDb).toBe(rng.uniform(0, 13));
  });

  it('rejects inverted ranges and non-positive distances', () => {
    expect(() => new LineOfSightRadio({ xg_min_db: 5, xg_max_db: 1 }, new Random(1))).toThrow(/xg_min_db ≤ xg_max_db/);
    expect(() => new LineOfSightRadio({ ref_distance_m: 0 }, new Random(1))).toThrow(/ref_distance_m > 0/);
    expect(() => new LineOfSightRadio({ loss: 2 }, new Random(1))).toThrow(/loss in \[0, 1\]/);
  });
});
