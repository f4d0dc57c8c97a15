import { describe, expect, it } from 'vitest';
import { ir2EdgeMask, ir2NodeInputs, type GraphObservation } from './GraphObservation.js';
import { graphMarkers } from './GraphMarkers.js';
import { nearestNode, pathTo, shortestPaths } from './GraphPaths.js';

const obs: GraphObservation = {
  nodes: [
    { x: 1.025, y: 2.025, utility: 25, rendezvousUtility: 0.3, visits: 2, occupied: -1 },
    { x: 2.025, y: 2.025, utility: 0, rendezvousUtility: 0, visits: 0, occupied: 1 },
    { x: 2.025, y: 4.025, utility: 50, rendezvousUtility: 0, visits: 0, occupied: 0 },
  ],
  edges: [[0, 1], [1, 0, 2], [2]],
  currentIndex: 0,
  resolution: 0.05,
  originX: -1,
  originY: 0,
};

describe('GraphObservation', () => {
  it('packs IR2 node_inputs: cells relative to the origin × 1/640, utility × 1/50, the rest as is', () => {
    const t = ir2NodeInputs(obs);
    expect(t.length).toBe(18);
    expect(t[0]).toBeCloseTo((1.025 + 1) / 0.05 / 640, 6); // cell 40.5 (its centre)
    expect(t[1]).toBeCloseTo(2.025 / 0.05 / 640, 6);
    expect([t[2], t[3], t[4], t[5]].map((v) => Number(v!.toFixed(4)))).toEqual([0.5, 0.3, 2, -1]);
    expect(t[12 + 2]).toBeCloseTo(1, 6);
    expect(ir2NodeInputs(obs, { coords: 1 / 1000, utility: 1 })[2]).toBe(25);
  });

  it('packs IR2 edge_mask: 0 where an edge exists, 1 elsewhere', () => {
    expect([...ir2EdgeMask(obs)]).toEqual([0, 0, 1, 0, 0, 0, 1, 1, 0]);
  });

  it('finds shortest paths over edges used both ways', () => {
    const p = shortestPaths(obs, 0);
    expect(p.dist[2]).toBeCloseTo(3, 9);
    expect(pathTo(p, 2)).toEqual([0, 1, 2]);
    expect(pathTo(shortestPaths(obs, 2), 0)).toEqual([2, 1, 0]); // node 2 lists only itself
    expect(nearestNode(obs, 2, 3.9)).toBe(2);
  });

  it('draws nodes and each undirected edge once as markers', () => {
    const m = graphMarkers(obs, 'map', { sec: 1, nanosec: 0 });
    expect(m.markers.map((k) => k.ns)).toEqual(['nodes', 'edges']);
    expect(m.markers[0]!.points.length).toBe(3);
    expect(m.markers[1]!.points.length).toBe(4); // 0–1 and 1–2
    expect(m.markers[0]!.colors[0]).toMatchObject({ r: 1 });
  });
});

describe('ir2NodeInputs relative to the robot', () => {
  it('puts the current node at 0, 0 (the card says relative_coords)', () => {
    const t = ir2NodeInputs(obs, { coords: 1 / 64, relative: true });
    expect([t[0], t[1]]).toEqual([0, 0]);
    expect(t[6]).toBeCloseTo(1 / 0.05 / 64, 6); // node 1 is 1 m east: 20 cells
    expect(t[13]).toBeCloseTo(2 / 0.05 / 64, 6); // node 2 is 2 m north
  });
});
