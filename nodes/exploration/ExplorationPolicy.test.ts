import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/index.js';
import { createExplorationPolicy, explorationPolicies } from './ExplorationPolicy.js';
import type { GraphNode, GraphObservation } from './GraphObservation.js';
import { PreplannedRendezvousPolicy } from './PreplannedRendezvousPolicy.js';

/** A hand-made graph: nodes at the given (x, y, utility), edges as given (made symmetric). */
function graph(nodes: Array<[number, number, number]>, links: Array<[number, number]>, current = 0): GraphObservation {
  const edges = nodes.map((_, i) => [i]);
  for (const [a, b] of links) {
    edges[a]!.push(b);
    edges[b]!.push(a);
  }
  return {
    nodes: nodes.map(([x, y, utility]): GraphNode => ({ x, y, utility, rendezvousUtility: 0, visits: 0, occupied: 0 })),
    edges,
    currentIndex: current,
    resolution: 0.05,
    originX: 0,
    originY: 0,
  };
}

// A corridor 0-1-2-3 east, and a branch 0-4-5 north. Node 3 is rich but far; node 4 is poor but near;
// node 5 is as far as 2 by straight line but the wall means a long way round.
const corridor = graph(
  [
    [0, 0, 0],
    [1, 0, 0],
    [2, 0, 0],
    [6, 0, 40],
    [0, 2, 2],
    [2, 3, 10],
  ],
  [
    [0, 1],
    [1, 2],
    [2, 3],
    [0, 4],
    [4, 5],
  ],
);
const ctx = { now: 0, home: { x: 0, y: 0 } };

describe('explorationPolicies', () => {
  it('is a table keyed by name; an unknown name gets an error that lists the known ones', () => {
    expect(Object.keys(explorationPolicies).sort()).toEqual([
      'nearest_frontier',
      'preplanned_rendezvous',
      'utility_greedy',
    ]);
    for (const name of Object.keys(explorationPolicies)) expect(createExplorationPolicy(name).name).toBe(name);
    try {
      createExplorationPolicy('ir2_onnx');
      expect.unreachable();
    } catch (err) {
      expect(isOutpostError(err, 'OUTPOST_ERR_UNKNOWN_POLICY')).toBe(true);
      expect((err as Error).message).toMatch(
        /"ir2_onnx" is not known; expected one of "nearest_frontier", "utility_greedy", "preplanned_rendezvous"/,
      );
    }
    expect(() => createExplorationPolicy('toString')).toThrow(/is not known/);
  });

  it('nearest_frontier: the closest node with utility by path length on the graph', () => {
    expect(createExplorationPolicy('nearest_frontier').choose(corridor, ctx)).toBe(4);
    // By straight line 5 (dist √13 ≈ 3.6) is nearer than 3 (6), but by path 5 costs 2 + √5 ≈ 4.2 and
    // 3 costs 6: take 4 out and 5 must still win; cut 4–5 and 3 wins.
    const no4 = graph(
      [
        [0, 0, 0],
        [1, 0, 0],
        [2, 0, 0],
        [6, 0, 40],
        [0, 2, 0],
        [2, 3, 10],
      ],
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [0, 4],
        [4, 5],
      ],
    );
    expect(createExplorationPolicy('nearest_frontier').choose(no4, ctx)).toBe(5);
    const cut = graph(
      [
        [0, 0, 0],
        [1, 0, 0],
        [2, 0, 0],
        [6, 0, 40],
        [0, 2, 0],
        [2, 3, 10],
      ],
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [0, 4],
      ],
    );
    expect(createExplorationPolicy('nearest_frontier').choose(cut, ctx)).toBe(3);
  });

  it('nearest_frontier: never the current node, and −1 when nothing has utility', () => {
    const here = graph(
      [
        [0, 0, 50],
        [1, 0, 1],
      ],
      [[0, 1]],
    );
    expect(createExplorationPolicy('nearest_frontier').choose(here, ctx)).toBe(1);
    const none = graph(
      [
        [0, 0, 0],
        [1, 0, 0],
      ],
      [[0, 1]],
    );
    expect(createExplorationPolicy('nearest_frontier').choose(none, ctx)).toBe(-1);
  });

  it('utility_greedy: maximises utility / (path length + c)', () => {
    // Scores with c = 1: node 4: 2/3 ≈ 0.67, node 5: 10/(4.24+1) ≈ 1.91, node 3: 40/7 ≈ 5.7.
    expect(createExplorationPolicy('utility_greedy').choose(corridor, ctx)).toBe(3);
    // With a huge c distance hardly matters either; with a tiny c the near poor node can win.
    const near = graph(
      [
        [0, 0, 0],
        [0.1, 0, 1],
        [10, 0, 20],
      ],
      [
        [0, 1],
        [1, 2],
      ],
    );
    expect(createExplorationPolicy('utility_greedy', { distanceOffset: 0.01 }).choose(near, ctx)).toBe(1);
    expect(createExplorationPolicy('utility_greedy', { distanceOffset: 100 }).choose(near, ctx)).toBe(2);
    expect(() => createExplorationPolicy('utility_greedy', { distanceOffset: 0 })).toThrow(/distance offset > 0 m/);
  });

  it('utility_greedy: keeps its goal until another scores switch_ratio times better, it is reached or it has no utility', () => {
    // Node 0 current; west (−2,0) and east (2,0), both 2 m away (scores utility / 3).
    const at = (west: number, east: number, current = 0) =>
      graph(
        [
          [0, 0, 0],
          [-2, 0, west],
          [2, 0, east],
          [-2.1, 0, 0],
        ],
        [
          [0, 1],
          [0, 2],
          [1, 3],
        ],
        current,
      );
    const p = createExplorationPolicy('utility_greedy');
    expect(p.choose(at(10.5, 10), ctx)).toBe(1); // west: 3.5 vs 3.33
    expect(p.choose(at(10.5, 14), ctx)).toBe(1); // east 4.67 < 1.5 × 3.5: keep west
    expect(p.choose(at(10.5, 16), ctx)).toBe(2); // east 5.33 ≥ 5.25: switch
    expect(p.choose(at(10.5, 11), ctx)).toBe(2); // and keep east now
    expect(p.choose(at(10.5, 0), ctx)).toBe(1); // east has no utility left: west
    expect(p.choose(at(1, 11), ctx)).toBe(2); // east again
    // The robot stands at east (node 3, 0.1 m off): east 2/1.1 = 1.82 would be kept against west
    // 10.5/5.1 = 2.06, but it is reached: west.
    const there = graph(
      [
        [0, 0, 0],
        [-2, 0, 10.5],
        [2, 0, 2],
        [2.1, 0, 0],
      ],
      [
        [0, 1],
        [0, 2],
        [2, 3],
      ],
      3,
    );
    expect(p.choose(there, ctx)).toBe(1);
    const memoryless = createExplorationPolicy('utility_greedy', { switchRatio: 1 });
    expect(memoryless.choose(at(10.5, 10), ctx)).toBe(1);
    expect(memoryless.choose(at(10.5, 10.6), ctx)).toBe(2);
    expect(() => createExplorationPolicy('utility_greedy', { switchRatio: 0.5 })).toThrow(/switch ratio ≥ 1, got 0.5/);
  });

  it('preplanned_rendezvous: explores greedily within the budget, then heads to the rendezvous, waits, repeats', () => {
    const p = new PreplannedRendezvousPolicy({
      exploreBudget: 100,
      returnAllowance: 50,
      rendezvousWait: 20,
      nominalSpeed: 1,
      rendezvous: { x: 1, y: 0 },
    });
    // At the far end of the corridor, node 3 current; the rendezvous (1,0) is node 1, 5 m away.
    const far = {
      ...corridor,
      currentIndex: 3,
      nodes: corridor.nodes.map((n, i) => (i === 3 ? { ...n, utility: 0 } : n)),
    };
    expect(p.choose(far, { now: 0, home: { x: 0, y: 0 } })).toBe(5); // greedy: 10/(≈8.2+1) beats 2/(6+1)
    expect(p.phase).toBe('explore');
    expect(p.meetingTime).toBe(150);
    expect(p.choose(far, { now: 99, home: { x: 0, y: 0 } })).toBe(5);
    expect(p.choose(far, { now: 100, home: { x: 0, y: 0 } })).toBe(1); // budget spent
    expect(p.phase).toBe('return');
    const there = { ...corridor, currentIndex: 1 };
    expect(p.choose(there, { now: 120, home: { x: 0, y: 0 } })).toBe(1);
    expect(p.phase).toBe('wait');
    expect(p.choose(there, { now: 169, home: { x: 0, y: 0 } })).toBe(1); // waits until meeting + wait = 170
    expect(p.choose(there, { now: 170, home: { x: 0, y: 0 } })).toBe(3); // next round: explore again
    expect(p.phase).toBe('explore');
    expect(p.meetingTime).toBe(320);
  });

  it('preplanned_rendezvous: leaves early when the way back would miss the meeting', () => {
    const p = new PreplannedRendezvousPolicy({
      exploreBudget: 100,
      returnAllowance: 0,
      rendezvousWait: 10,
      nominalSpeed: 0.1,
    });
    const far = { ...corridor, currentIndex: 3 };
    // Home is (0,0), node 0, 6 m away: 60 s at 0.1 m/s, so by t = 40 it must turn back (meeting at 100).
    expect(p.choose(far, { now: 0, home: { x: 0, y: 0 } })).not.toBe(0);
    expect(p.choose(far, { now: 39, home: { x: 0, y: 0 } })).not.toBe(0);
    expect(p.choose(far, { now: 40, home: { x: 0, y: 0 } })).toBe(0);
    expect(p.phase).toBe('return');
  });
});
