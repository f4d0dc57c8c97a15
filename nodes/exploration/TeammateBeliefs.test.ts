import { describe, expect, it } from 'vitest';
import { TeammateBeliefs } from './TeammateBeliefs.js';

describe('TeammateBeliefs', () => {
  it('keeps the last known position per teammate, updated on contact; newest stamp wins', () => {
    const b = new TeammateBeliefs(['r2', 'r3']);
    expect(b.all()).toEqual([]);
    expect(b.observe('r2', 1, 2, 10, 100, 500)).toBe(true);
    expect(b.get('r2')).toEqual({ name: 'r2', x: 1, y: 2, stamp: 10, heardAt: 100, knownCellsAtContact: 500 });
    expect(b.observe('r2', 5, 5, 9, 101, 600)).toBe(false); // an older pose relayed late
    expect(b.get('r2')!.x).toBe(1);
    expect(b.observe('r2', 3, 4, 11, 102, 700)).toBe(true);
    expect(b.get('r2')).toMatchObject({ x: 3, y: 4, heardAt: 102, knownCellsAtContact: 700 });
    expect(b.observe('r9', 0, 0, 1, 1, 1)).toBe(false);
    expect(b.observe('r3', Number.NaN, 0, 1, 1, 1)).toBe(false);
    expect(b.all().map((t) => t.name)).toEqual(['r2']);
  });

  it('counts a teammate in contact while it was heard within the timeout', () => {
    const b = new TeammateBeliefs(['r2']);
    expect(b.inContact('r2', 0, 5)).toBe(false);
    b.observe('r2', 0, 0, 0, 10, 0);
    expect(b.inContact('r2', 15, 5)).toBe(true);
    expect(b.inContact('r2', 15.1, 5)).toBe(false);
  });
});
