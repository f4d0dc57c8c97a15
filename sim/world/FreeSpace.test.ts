import { describe, expect, it } from 'vitest';
import { closeBorder, keepLargestFreeComponent, labelFreeComponents } from './FreeSpace.js';

describe('FreeSpace', () => {
  it('labels 4-connected components (a diagonal touch does not connect) and fills the smaller pockets', () => {
    // 0 = free, 1 = occupied; rows bottom-up
    const cells = Uint8Array.from([0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0]);
    const { labels, sizes } = labelFreeComponents(cells, 4, 3);
    expect(sizes).toEqual([3, 1, 1, 1]);
    expect(labels[0]).toBe(labels[4]);
    expect(labels[6]).not.toBe(labels[3]);
    expect(keepLargestFreeComponent(cells, 4, 3)).toBe(3);
    expect([...cells]).toEqual([0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('closeBorder makes the outer ring occupied', () => {
    const cells = new Uint8Array(16);
    closeBorder(cells, 4, 4);
    expect([...cells]).toEqual([1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  });
});
