import { describe, expect, it } from 'vitest';
import { coarsen, coarsenReference, findFrontiers, visibleFrontierCount } from './Frontiers.js';
import { GridView } from './GridView.js';

const pointsOf = (f: { points: Int32Array }): string[] => {
  const out: string[] = [];
  for (let i = 0; i < f.points.length; i += 2) out.push(`${f.points[i]},${f.points[i + 1]}`);
  return out.sort();
};

describe('findFrontiers', () => {
  it('finds the free cells next to unknown ones (cell-exact, block 1)', () => {
    const g = GridView.fromAscii(['??????', '?....?', '?.#..?', '?....?', '??????']);
    const f = findFrontiers(g, { block: 1 });
    // Every free cell of the ring touches the unknown border; (3,2) in the middle does not.
    expect(f.count).toBe(10);
    expect(pointsOf(f)).not.toContain('3,2');
    expect(pointsOf(f)).toContain('1,1');
  });

  it('needs at least minUnknownNeighbours unknown neighbours (IR2: 2)', () => {
    const g = GridView.fromAscii(['.....', '.....', '....?']);
    // (3,0) sees one unknown neighbour, (3,1) one, (4,1) one: none with the default 2.
    expect(findFrontiers(g, { block: 1 }).count).toBe(0);
    expect(pointsOf(findFrontiers(g, { block: 1, minUnknownNeighbours: 1 }))).toEqual(['3,0', '3,1', '4,1']);
  });

  it('the map edge is not unknown, and a free island in the unknown is no frontier', () => {
    const g = GridView.fromAscii(['???', '?.?', '???']);
    expect(findFrontiers(g, { block: 1 }).count).toBe(0);
    expect(findFrontiers(GridView.fromAscii(['...', '...']), { block: 1, minUnknownNeighbours: 1 }).count).toBe(0);
  });

  it('on blocks (IR2 downsampling): a block with any unknown cell is unknown, any occupied cell occupied', () => {
    const g = GridView.fromAscii(['????????', '????????', '........', '........', '........', '.#......']);
    // Blocks of 2: row 0 (cells y 0-1) has an occupied block at x 0-1; row 1 (y 2-3) is free; row 2 is unknown.
    const f = findFrontiers(g, { block: 2 });
    expect(pointsOf(f)).toEqual(['1,3', '3,3', '5,3', '7,3']);
  });
});

describe('visibleFrontierCount (IR2 node utility)', () => {
  const g = GridView.fromAscii(['?????????', '?...#...?', '?...#...?', '?...#...?', '?????????']);
  const f = findFrontiers(g, { block: 1 });

  it('counts only frontiers in line of sight: the wall hides the other room', () => {
    expect(f.count).toBe(14);
    expect(visibleFrontierCount(g, f, 2, 2, 10)).toBe(7);
    expect(visibleFrontierCount(g, f, 6, 2, 10)).toBe(7);
  });

  it('counts only frontiers within range', () => {
    expect(visibleFrontierCount(g, f, 2, 2, 1)).toBe(3);
    expect(visibleFrontierCount(g, f, 2, 2, 1.5)).toBe(7);
    expect(visibleFrontierCount(g, f, 2, 2, 0.5)).toBe(0);
  });
});

describe('coarsen (block walk) against the cell-by-cell reference', () => {
  it('gives the same blocks on random maps of sizes that are and are not multiples of the block', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const [w, h, block] of [
      [64, 48, 4],
      [640, 481, 4],
      [64, 47, 4],
      [61, 47, 4],
      [33, 20, 3],
      [10, 9, 1],
      [17, 5, 8],
    ] as const) {
      for (const pOcc of [0, 0.01, 0.2]) {
        const cells = new Uint8Array(w * h);
        // Patches of unknown and sparse walls, so blocks of all three classes occur.
        for (let i = 0; i < cells.length; i++)
          cells[i] = rand() < pOcc ? 1 : (Math.floor((i % w) / 7) + Math.floor(i / w / 5)) % 3 === 0 ? 2 : 0;
        const g = new GridView(w, h, 0.1, 0, 0, cells);
        const bw = Math.ceil(w / block);
        const bh = Math.ceil(h / block);
        expect(Array.from(coarsen(g, block, bw, bh))).toEqual(Array.from(coarsenReference(g, block, bw, bh)));
      }
    }
  });

  it("finds a grid's frontiers once per options (GridViews never change)", () => {
    const g = GridView.fromAscii(['????', '?..?', '?..?', '????']);
    const a = findFrontiers(g, { block: 1 });
    expect(findFrontiers(g, { block: 1 })).toBe(a);
    expect(findFrontiers(g, { block: 2 })).not.toBe(a);
    expect(findFrontiers(GridView.fromAscii(['????', '?..?', '?..?', '????']), { block: 1 })).not.toBe(a);
  });
});
