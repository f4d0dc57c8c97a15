import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { Random } from '../Random.js';
import { CELL_OCCUPIED, GridWorld } from '../world/GridWorld.js';
import { DistanceRadio } from './DistanceRadio.js';
import { computeLinkGraph } from './LinkGraph.js';
import { createRadioModel, radioModels } from './RadioModels.js';

const open = new GridWorld({ width: 200, height: 50, resolution: 0.1 });

describe('DistanceRadio', () => {
  it('is up strictly inside range_m, whatever is in between', () => {
    const r = new DistanceRadio({ range_m: 5, bytes_per_second: 1000, loss: 0.1 }, new Random(1));
    expect(r.link(open, { x: 1, y: 1 }, { x: 5.99, y: 1 })).toEqual({
      up: true,
      rssiDbm: Number.NaN,
      bytesPerSecond: 1000,
      loss: 0.1,
    });
    expect(r.link(open, { x: 1, y: 1 }, { x: 6, y: 1 }).up).toBe(false);
    expect(r.link(open, { x: 1, y: 1 }, { x: 4, y: 5 }).up).toBe(false); // 3-4-5
    expect(r.link(open, { x: 1, y: 1 }, { x: 3.9, y: 4.9 }).up).toBe(true);
    const walled = new GridWorld({
      width: 200,
      height: 50,
      resolution: 0.1,
      cells: new Uint8Array(200 * 50).fill(CELL_OCCUPIED),
    });
    expect(r.link(walled, { x: 1, y: 1 }, { x: 2, y: 1 }).up).toBe(true);
  });

  it('draws the range once per episode from the seed when range_min_m < range_max_m', () => {
    const a = new DistanceRadio({ range_min_m: 3, range_max_m: 15 }, new Random(4));
    expect(a.rangeM).toBe(new Random(4).uniform(3, 15));
    expect(new DistanceRadio({ range_min_m: 3, range_max_m: 15 }, new Random(4)).rangeM).toBe(a.rangeM);
    expect(new DistanceRadio({}, new Random(4)).rangeM).toBe(9);
    expect(() => new DistanceRadio({ range_m: 0 }, new Random(1))).toThrow(/expected a range > 0 m, got range_m 0/);
  });
});

describe('createRadioModel', () => {
  it('builds models by name with defaults and overrides', () => {
    expect(Object.keys(radioModels)).toEqual(['distance', 'line_of_sight']);
    const d = createRadioModel('distance', { range_m: 2 }, new Random(1));
    expect(d.name).toBe('distance');
    expect(d.link(open, { x: 1, y: 1 }, { x: 2.5, y: 1 }).up).toBe(true);
    expect(d.link(open, { x: 1, y: 1 }, { x: 3.5, y: 1 }).up).toBe(false);
    const los = createRadioModel(
      'line_of_sight',
      { xg_min_db: 0, xg_max_db: 0, k_min_db: 0, k_max_db: 0 },
      new Random(1),
    );
    expect(los.link(open, { x: 1.05, y: 1.05 }, { x: 6.05, y: 1.05 }).rssiDbm).toBeCloseTo(-54.098, 3);
  });

  it("an unknown name lists the known ones; an unknown parameter lists the model's", () => {
    let err: unknown;
    try {
      createRadioModel('mesh', {}, new Random(1));
    } catch (e) {
      err = e;
    }
    expect(isOutpostError(err, 'OUTPOST_ERR_UNKNOWN_RADIO_MODEL')).toBe(true);
    expect((err as Error).message).toBe('radio model "mesh" is not known; expected one of distance, line_of_sight');
    expect(() => createRadioModel('distance', { range: 3 }, new Random(1))).toThrow(
      'radio "distance": unknown parameter "range"; expected one of range_m, range_min_m, range_max_m, bytes_per_second, loss',
    );
    expect(() => createRadioModel('line_of_sight', { tx_dbm: Number.NaN }, new Random(1))).toThrow(
      /tx_dbm: expected a finite number/,
    );
    expect(() => createRadioModel('toString', {}, new Random(1))).toThrow(/not known/);
  });
});

describe('computeLinkGraph', () => {
  it('a chain A–B–C is one component through B; D alone is another', () => {
    const model = new DistanceRadio({ range_m: 4.5, bytes_per_second: 2000 }, new Random(1));
    const robots = [
      { id: 'A', x: 1, y: 1 },
      { id: 'B', x: 5, y: 1 },
      { id: 'C', x: 9, y: 1 },
      { id: 'D', x: 19, y: 4 },
    ];
    const g = computeLinkGraph(open, model, robots, { latencySec: 0.02 });
    expect(g.links).toHaveLength(6);
    const up = g.links.filter((l) => l.up).map((l) => `${l.a}-${l.b}`);
    expect(up).toEqual(['A-B', 'B-C']);
    expect(g.links[0]).toEqual({
      a: 'A',
      b: 'B',
      up: true,
      bytesPerSecond: 2000,
      loss: 0,
      latencySec: 0.02,
      rssiDbm: Number.NaN,
      distanceM: 4,
    });
    expect(g.components).toEqual([['A', 'B', 'C'], ['D']]);
  });

  it('a wall splits the fleet under line of sight', () => {
    const w = new GridWorld({ width: 200, height: 50, resolution: 0.1 });
    for (let y = 0; y < 50; y++) for (let x = 100; x < 105; x++) w.cells[y * 200 + x] = CELL_OCCUPIED;
    const model = createRadioModel(
      'line_of_sight',
      { xg_min_db: 0, xg_max_db: 0, k_min_db: 0, k_max_db: 0 },
      new Random(1),
    );
    const robots = [
      { id: 'r1', x: 2, y: 2 },
      { id: 'r2', x: 15, y: 2 },
      { id: 'r3', x: 5, y: 4 },
      { id: 'r4', x: 18, y: 4 },
    ];
    const g = computeLinkGraph(w, model, robots);
    expect(g.components).toEqual([
      ['r1', 'r3'],
      ['r2', 'r4'],
    ]);
    for (const l of g.links) expect(Number.isFinite(l.rssiDbm)).toBe(true);
  });

  it('rejects duplicate robot ids', () => {
    expect(() =>
      computeLinkGraph(open, new DistanceRadio({}, new Random(1)), [
        { id: 'r1', x: 1, y: 1 },
        { id: 'r1', x: 2, y: 1 },
      ]),
    ).toThrow('link graph: robot ids must be unique, got r1, r1');
  });

  it('no robots, one robot', () => {
    const m = new DistanceRadio({}, new Random(1));
    expect(computeLinkGraph(open, m, [])).toEqual({ links: [], components: [] });
    expect(computeLinkGraph(open, m, [{ id: 'solo', x: 1, y: 1 }]).components).toEqual([['solo']]);
  });
});
