import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { INSCRIBED, IncrementalInflation, LETHAL, UNKNOWN, inflateGrid, isTraversable } from './GridInflation.js';

describe('inflateGrid', () => {
  it('marks obstacles lethal, the robot radius inscribed, and a penalty falling to 0 at the inflation radius', () => {
    const w = 21;
    const data = new Int8Array(w * w); // free
    data[10 * w + 10] = 100; // one obstacle in the middle
    const cost = inflateGrid(data, w, w, {
      occupiedThreshold: 65,
      robotRadius: 2,
      inflationRadius: 5,
      allowUnknown: true,
    });
    const at = (x: number, y: number) => cost[y * w + x]!;
    expect(at(10, 10)).toBe(LETHAL);
    expect(at(12, 10)).toBe(INSCRIBED);
    expect(at(11, 11)).toBe(INSCRIBED); // √2 ≤ 2
    expect(at(13, 10)).toBeGreaterThan(0);
    expect(at(13, 10)).toBeLessThan(INSCRIBED);
    expect(at(13, 10)).toBeGreaterThan(at(14, 10));
    expect(at(15, 10)).toBe(0);
    expect(at(0, 0)).toBe(0);
    expect(isTraversable(at(13, 10))).toBe(true);
    expect(isTraversable(at(12, 10))).toBe(false);
  });

  it('treats unknown cells per allowUnknown and values below the threshold as free', () => {
    const data = Int8Array.from([-1, 64, 65, 0]);
    expect([
      ...inflateGrid(data, 4, 1, { occupiedThreshold: 65, robotRadius: 0, inflationRadius: 0, allowUnknown: true }),
    ]).toEqual([0, 0, LETHAL, 0]);
    expect([
      ...inflateGrid(data, 4, 1, { occupiedThreshold: 65, robotRadius: 0, inflationRadius: 0, allowUnknown: false }),
    ]).toEqual([UNKNOWN, 0, LETHAL, 0]);
    expect(() =>
      inflateGrid(data, 3, 1, { occupiedThreshold: 65, robotRadius: 0, inflationRadius: 0, allowUnknown: true }),
    ).toThrow(/expected 3 cells/);
  });

  it('inflates a cluttered 640×480 map in a few ms', () => {
    const w = 640;
    const h = 480;
    const data = new Int8Array(w * h);
    // Worst-ish case: a wall every 8 cells each way with gaps, so most obstacle cells are boundary cells.
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) if ((x % 8 === 0 || y % 8 === 0) && (x + y) % 5 !== 0) data[y * w + x] = 100;
    const out = new Uint8Array(w * h);
    inflateGrid(data, w, h, { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5, allowUnknown: true }, out);
    const t0 = performance.now();
    const runs = 5;
    for (let k = 0; k < runs; k++)
      inflateGrid(data, w, h, { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5, allowUnknown: true }, out);
    const ms = (performance.now() - t0) / runs;
    console.log(
      `inflateGrid 640×480, ${data.filter((v) => v === 100).length} obstacle cells, radius 2/5 cells: ${ms.toFixed(1)} ms`,
    );
    expect(ms).toBeLessThan(100);
  });

  it('IncrementalInflation equals a full inflation after every change, re-inflating only around changed cells', () => {
    const w = 150;
    const h = 110;
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const data = new Int8Array(w * h).fill(-1);
    const inc = new IncrementalInflation(16);
    for (const allowUnknown of [false, true]) {
      const p = { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5.5, allowUnknown };
      for (let step = 0; step < 25; step++) {
        // A robot's worth of new cells: a disc of values at a random place, some walls, some back to unknown.
        const cx = Math.floor(rand() * w);
        const cy = Math.floor(rand() * h);
        const r = 3 + Math.floor(rand() * 12);
        for (let y = Math.max(0, cy - r); y < Math.min(h, cy + r); y++) {
          for (let x = Math.max(0, cx - r); x < Math.min(w, cx + r); x++) {
            const u = rand();
            data[y * w + x] = u < 0.15 ? 100 : u < 0.2 ? 70 : u < 0.25 ? -1 : u < 0.3 ? 64 : Math.floor(u * 40);
          }
        }
        const got = inc.update(data, w, h, p);
        expect(Buffer.from(got).equals(Buffer.from(inflateGrid(data, w, h, p)))).toBe(true);
        if (step > 0) expect(inc.lastRecomputed).toBeLessThan(w * h);
      }
    }
    // Values that change but stay in their class (free 12 → 0) re-inflate nothing.
    const p = { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5.5, allowUnknown: true };
    inc.update(data, w, h, p);
    for (let i = 0; i < data.length; i++) if (data[i]! >= 0 && data[i]! < 65) data[i] = 0;
    inc.update(data, w, h, p);
    expect(inc.lastRecomputed).toBe(0);
  });

  it('IncrementalInflation gives the same costs from new Int8Array messages (word compare), number arrays and unaligned views', () => {
    const w = 151;
    const h = 109; // w × h is odd: cells after the last whole word
    let seed = 5;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const data = new Int8Array(w * h).fill(-1);
    const fromInt8 = new IncrementalInflation(16);
    const fromArray = new IncrementalInflation(16);
    const fromView = new IncrementalInflation(16);
    const p = { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5.5, allowUnknown: false };
    for (let step = 0; step < 30; step++) {
      const cx = Math.floor(rand() * w);
      const cy = Math.floor(rand() * h);
      const r = 2 + Math.floor(rand() * 10);
      for (let y = Math.max(0, cy - r); y < Math.min(h, cy + r); y++) {
        for (let x = Math.max(0, cx - r); x < Math.min(w, cx + r); x++) {
          const u = rand();
          data[y * w + x] = u < 0.15 ? 100 : u < 0.25 ? -1 : Math.floor(u * 40);
        }
      }
      if (step % 7 === 3) data[w * h - 1] = data[w * h - 1] === 100 ? 0 : 100; // the tail cell changes class
      const expected = Buffer.from(inflateGrid(data, w, h, p));
      const unaligned = new Int8Array(w * h + 1);
      unaligned.set(data, 1);
      expect(Buffer.from(fromInt8.update(data.slice(), w, h, p)).equals(expected)).toBe(true);
      expect(Buffer.from(fromArray.update(Array.from(data), w, h, p)).equals(expected)).toBe(true);
      expect(Buffer.from(fromView.update(unaligned.subarray(1), w, h, p)).equals(expected)).toBe(true);
    }
  });
});
