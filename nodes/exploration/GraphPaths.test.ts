import { describe, expect, it } from 'vitest';
import type { GraphNode, GraphObservation } from './GraphObservation.js';
import { pathTo, shortestPaths, shortestPathsReference } from './GraphPaths.js';

describe('shortestPaths (typed adjacency, each neighbour once)', () => {
  it('gives bit-identical distances and predecessors to the straightforward Dijkstra on random graphs', () => {
    let seed = 17;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rand(120);
      // Lattice positions so equal lengths (ties) are common, as on IR2's node lattice.
      const nodes: GraphNode[] = Array.from({ length: n }, () => ({
        x: rand(15) * 0.65 + 0.05,
        y: rand(15) * 0.65 - 3,
        utility: 0,
        rendezvousUtility: 0,
        visits: 0,
        occupied: 0,
      }));
      // k-nearest-like lists: self first, some neighbours listed from both ends, some nodes isolated.
      const edges = nodes.map((_, i) => {
        const list = [i];
        const k = rand(4) === 0 ? 0 : rand(12);
        for (let e = 0; e < k; e++) list.push(rand(n));
        return list;
      });
      const obs: GraphObservation = { nodes, edges, currentIndex: 0, resolution: 0.1, originX: 0, originY: 0 };
      for (const source of [0, rand(n), -1, n]) {
        const fast = shortestPaths(obs, source);
        const ref = shortestPathsReference(obs, source);
        expect(Array.from(fast.dist)).toEqual(Array.from(ref.dist));
        expect(Array.from(fast.prev)).toEqual(Array.from(ref.prev));
      }
    }
  });

  it('finds the shorter of two routes and the path to it', () => {
    const node = (x: number, y: number): GraphNode => ({
      x,
      y,
      utility: 0,
      rendezvousUtility: 0,
      visits: 0,
      occupied: 0,
    });
    const obs: GraphObservation = {
      nodes: [node(0, 0), node(1, 0), node(2, 0), node(1, 5)],
      edges: [[0, 1, 3], [1, 2], [2], [3, 2]],
      currentIndex: 0,
      resolution: 0.1,
      originX: 0,
      originY: 0,
    };
    const p = shortestPaths(obs, 0);
    expect(p.dist[2]).toBe(2);
    expect(pathTo(p, 2)).toEqual([0, 1, 2]);
  });
});

describe('shortestPaths memo (same edge lists searched again)', () => {
  const node = (x: number, y: number): GraphNode => ({
    x,
    y,
    utility: 0,
    rendezvousUtility: 0,
    visits: 0,
    occupied: 0,
  });
  const same = (obs: GraphObservation, source: number): void => {
    const fast = shortestPaths(obs, source);
    const ref = shortestPathsReference(obs, source);
    expect(Array.from(fast.dist)).toEqual(Array.from(ref.dist));
    expect(Array.from(fast.prev)).toEqual(Array.from(ref.prev));
  };

  it('answers again for a copy with other node objects, and recomputes when a position, an edge list or the source changed', () => {
    const nodes = [node(0, 0), node(1, 0), node(2, 0), node(1, 5)];
    const edges = [[0, 1, 3], [1, 2], [2], [3, 2]];
    const obs: GraphObservation = { nodes, edges, currentIndex: 0, resolution: 0.1, originX: 0, originY: 0 };
    same(obs, 0);
    const first = shortestPaths(obs, 0);
    first.dist[2] = -1; // a caller scribbling on its answer does not change the next one
    same({ ...obs, nodes: nodes.map((v) => ({ ...v, utility: 3 })) }, 0);
    same(obs, 1);
    nodes[1] = node(1, 3); // in place: a new position
    same(obs, 1);
    edges[1]!.pop(); // in place: an edge list changed
    same(obs, 1);
    edges[0]!.push(2);
    same(obs, 1);
    edges.push([]); // a list more than nodes (ignored by the search) still compares
    same(obs, 1);
  });
});
