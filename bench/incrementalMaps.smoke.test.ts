import { describe, expect, it } from 'vitest';
import { runIncrementalMapsBench } from './incrementalMaps.js';

describe('incremental maps bench (smoke)', () => {
  it('measures both cases against their whole-grid baselines', () => {
    const r = runIncrementalMapsBench(2);
    expect(r.inflation.fullMs).toBeGreaterThan(0);
    expect(r.inflation.recomputedShare).toBeGreaterThan(0);
    expect(r.inflation.recomputedShare).toBeLessThan(1);
    expect(r.tiles.tileCount).toBe(300);
    expect(r.tiles.allMs).toBeGreaterThan(0);
  });
});
