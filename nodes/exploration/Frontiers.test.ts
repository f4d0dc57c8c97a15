import { describe, expect, it } from 'vitest';
import { findFrontiers, visibleFrontierCount } from './Frontiers.js';
import { GridView } from './GridView.js';

const pointsOf = (f: { points: Int32Array }): string[] => {
  const out: string[] = [];
  for (let i = 0; i < f.points.length; i += 2) out.push(`${f.points[i]},${f.points[i + 1]}`);
  return out.sort();
};

describe('findFrontiers', () => {
  it('finds the free cells next to unknown ones (cell-exact, block 1)', () => {
    const g = GridView.fromAscii([
      '??????',
      '?....?',
      '?.#..?',
      '?....?',
      '??????',
    ]);
    const f = findFrontiers(g, { block: 1 });
    // Every free cell of the ring touches the unknown border; (3,2) in the middle does not.
    expect(f.count).toBe(10);
    expect(pointsOf(f)).not.toContain('3,2');
    expect(pointsOf(f)).toContain('1,1');
  });

  it('needs at least minUnknownNeighbours unknown neighbours (IR2: 2)', () => {
    const g = GridView.fromAscii([
      '.....',
      '.....',
      '....?',
    ]);
    // (3,0) sees one unknown neighbour, (3,1) one, (4,1) one: none with the default 2.
    expect(findFrontiers(g, { block: 1 }).count).toBe(0);
    expect(pointsOf(findFrontiers(g, { block: 1, minUnknownNeighbours: 1 }))).toEqual(['3,0', '3,1', '4,1']);
  });

  it('the map edge is not unknown, and a free island in the unknown is no frontier', () => {
    const g = GridView.fromAscii([
      '???',
      '?.?',
      '???',
    ]);
    expect(findFrontiers(g, { block: 1 }).count).toBe(0);
    expect(findFrontiers(GridView.fromAscii(['...', '...']), { block: 1, minUnknownNeighbours: 1 }).count).toBe(0);
  });

  it('on blocks (IR2 downsampling): a block with any unknown cell is unknown, any occupied cell occupied', () => {
    const g = GridView.fromAscii([
      '????????',
      '????????',
      '........',
      '........',
      '........',
      '.#......',
    ]);
    // Blocks of 2: row 0 (cells y 0-1) has an occupied block at x 0-1; row 1 (y 2-3) is free; row 2 is unknown.
    const f = findFrontiers(g, { block: 2 });
    expect(pointsOf(f)).toEqual(['1,3', '3,3', '5,3', '7,3']);
  });
});

describe('visibleFrontierCount (IR2 node utility)', () => {
  const g = GridView.fromAscii([
    '?????????',
    '?...#...?',
    '?...#...?',
    '?...#...?',
    '?????????',
  ]);
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
