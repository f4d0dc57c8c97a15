import type { GraphObservation } from './GraphObservation.js';
import { MAX_NEIGHBOURS } from './ViewpointGraph.js';

/**
 * A random graph observation of `n` nodes in the unit square, for tests and benchmarks that need
 * IR2 inputs of a given size without a map (feed it to `ir2Feeds` with `{ coords: 1 }`): node i's
 * neighbours are itself and the nearest nodes within `radius`, at most MAX_NEIGHBOURS; utilities,
 * rendezvous utilities and visits are drawn from a seeded LCG, so a seed always gives the same graph.
 */
export function randomGraphObservation(n: number, seed = 1, radius = 0.2): GraphObservation {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const xy = Array.from({ length: n }, () => [rand(), rand()] as const);
  const currentIndex = Math.floor(rand() * n);
  const nodes = xy.map(([x, y], i) => ({
    x,
    y,
    utility: Math.floor(rand() * 40),
    rendezvousUtility: rand() < 0.2 ? rand() * 0.5 : 0,
    visits: Math.floor(rand() * 3),
    occupied: i === currentIndex ? -1 : 0,
  }));
  const edges = xy.map(([x, y], i) =>
    xy
      .map(([u, v], j) => ({ j, d: Math.hypot(u - x, v - y) }))
      .filter((e) => e.d <= radius)
      .sort((a, b) => a.d - b.d || (a.j === i ? -1 : 1))
      .slice(0, MAX_NEIGHBOURS)
      .map((e) => e.j),
  );
  return { nodes, edges, currentIndex, resolution: 1, originX: 0, originY: 0 };
}
