import { describe, expect, it } from 'vitest';
import { ExplorerGraph, type ExplorerGraphParams } from './ExplorerGraph.js';
import { CELL_FREE, CELL_UNKNOWN, GridView } from './GridView.js';
import type { TeammateInput } from './ViewpointGraph.js';

const params: ExplorerGraphParams = {
  sensor_range: 4,
  local_radius: 4,
  teammate_radius: 1,
  node_spacing: 0.65,
  route_spacing: 1.5,
  offshoot_spacing: 2,
  max_edge_length: 8,
  k: 30,
  frontier_block: 4,
  rebuild_distance: 0.3,
};

/** 10 m × 10 m at 0.1 m: the left half known free, the right half unknown (frontiers between). */
function halfKnown(): GridView {
  const w = 100;
  const cells = new Uint8Array(w * w).fill(CELL_UNKNOWN);
  for (let y = 0; y < w; y++) for (let x = 0; x < 50; x++) cells[y * w + x] = CELL_FREE;
  return new GridView(w, w, 0.1, 0, 0, cells);
}

describe('ExplorerGraph', () => {
  it('rebuilds only when forced, never built, moved by rebuild_distance, or its map or teammates changed', () => {
    const graph = new ExplorerGraph(params);
    const grid = halfKnown();
    let asked = 0;
    const mates = (): TeammateInput[] => {
      asked++;
      return [];
    };
    expect(graph.observation).toBeUndefined();
    expect(graph.update(false, grid, { x: 2.5, y: 5 }, mates)).toBe(true);
    const first = graph.observation;
    expect(first?.nodes.length).toBeGreaterThan(0);
    expect(graph.update(false, grid, { x: 2.5, y: 5 }, mates)).toBe(false);
    expect(graph.update(false, grid, { x: 2.7, y: 5 }, mates)).toBe(false);
    expect(graph.observation).toBe(first);
    expect(asked).toBe(1);
    expect(graph.update(false, grid, { x: 2.9, y: 5 }, mates)).toBe(true);
    expect(graph.observation).not.toBe(first);
    graph.mapChanged();
    expect(graph.update(false, grid, { x: 2.9, y: 5 }, mates)).toBe(true);
    expect(graph.update(false, grid, { x: 2.9, y: 5 }, mates)).toBe(false);
    graph.matesChanged();
    expect(graph.update(false, grid, { x: 2.9, y: 5 }, mates)).toBe(true);
    expect(graph.update(true, grid, { x: 2.9, y: 5 }, mates)).toBe(true);
    expect(asked).toBe(5);
  });

  it('starts over after reset', () => {
    const graph = new ExplorerGraph(params);
    const grid = halfKnown();
    graph.update(false, grid, { x: 2.5, y: 5 }, () => []);
    graph.reset();
    expect(graph.observation).toBeUndefined();
    expect(graph.update(false, grid, { x: 2.5, y: 5 }, () => [])).toBe(true);
  });
});
