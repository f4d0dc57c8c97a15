import { describe, expect, it } from 'vitest';
import { GridView } from './GridView.js';
import { ViewpointGraph } from './ViewpointGraph.js';

// A 10×2 m corridor at 0.1 m: 2000 cells, so 1% = 20 cells of delta make a teammate worth meeting.
const rows = Array.from({ length: 20 }, () => '.'.repeat(100));
const grid = GridView.fromAscii(rows, 0.1);

describe('rendezvous (map-delta) utility', () => {
  const build = (mapDelta: number, inContact: boolean) =>
    new ViewpointGraph({ nodeSpacing: 0.3, localRadius: 10, teammateRadius: 0.3, maxEdgeLength: 1 }).build(
      grid,
      0.25,
      0.25,
      [{ x: 9.75, y: 0.25, inContact, mapDelta }],
    ).observation;

  it('rises along the path toward an out-of-contact teammate that lacks our map, and is 0 next to the robot', () => {
    const obs = build(100, false);
    const onPath = obs.nodes.filter((n) => n.rendezvousUtility > 0).sort((a, b) => a.x - b.x);
    expect(onPath.length).toBeGreaterThan(5);
    // Value at the teammate: Δ·8/A + 0.1 = 100·8/2000 + 0.1 = 0.5.
    expect(Math.max(...obs.nodes.map((n) => n.rendezvousUtility))).toBeCloseTo(0.5, 5);
    const best = (from: number, to: number) =>
      Math.max(...obs.nodes.filter((n) => n.x >= from && n.x < to).map((n) => n.rendezvousUtility));
    expect(best(2, 4)).toBeGreaterThan(0.1);
    expect(best(5, 7)).toBeGreaterThan(best(2, 4));
    expect(best(8, 10)).toBeGreaterThan(best(5, 7));
    for (const n of obs.nodes) if (Math.hypot(n.x - 0.25, n.y - 0.25) <= 1.5) expect(n.rendezvousUtility).toBe(0);
  });

  it('is 0 everywhere for a teammate in contact or one that lacks too little', () => {
    expect(build(100, true).nodes.every((n) => n.rendezvousUtility === 0)).toBe(true);
    expect(build(19, false).nodes.every((n) => n.rendezvousUtility === 0)).toBe(true);
  });
});
