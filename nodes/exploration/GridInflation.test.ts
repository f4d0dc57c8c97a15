import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { INSCRIBED, LETHAL, UNKNOWN, inflateGrid, isTraversable } from './GridInflation.js';

describe('inflateGrid', () => {
  it('marks obstacles lethal, the robot radius inscribed, and a penalty falling to 0 at the inflation radius', () => {
    const w = 21;
    const data = new Int8Array(w * w); // free
    data[10 * w + 10] = 100; // one obstacle in the middle
    const cost = inflateGrid(data, w, w, { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5, allowUnknown: true });
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
    expect([...inflateGrid(data, 4, 1, { occupiedThreshold: 65, robotRadius: 0, inflationRadius: 0, allowUnknown: true })]).toEqual([0, 0, LETHAL, 0]);
    expect([...inflateGrid(data, 4, 1, { occupiedThreshold: 65, robotRadius: 0, inflationRadius: 0, allowUnknown: false })]).toEqual([UNKNOWN, 0, LETHAL, 0]);
    expect(() => inflateGrid(data, 3, 1, { occupiedThreshold: 65, robotRadius: 0, inflationRadius: 0, allowUnknown: true })).toThrow(/expected 3 cells/);
  });

  it('inflates a cluttered 640×480 map in a few ms', () => {
    const w = 640;
    const h = 480;
    const data = new Int8Array(w * h);
    // Worst-ish case: a wall every 8 cells each way with gaps, so most obstacle cells are boundary cells.
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x % 8 === 0 || y % 8 === 0) && (x + y) % 5 !== 0) data[y * w + x] = 100;
    const out = new Uint8Array(w * h);
    inflateGrid(data, w, h, { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5, allowUnknown: true }, out);
    const t0 = performance.now();
    const runs = 5;
    for (let k = 0; k < runs; k++) inflateGrid(data, w, h, { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5, allowUnknown: true }, out);
    const ms = (performance.now() - t0) / runs;
    console.log(`inflateGrid 640×480, ${data.filter((v) => v === 100).length} obstacle cells, radius 2/5 cells: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(100);
  });
});
