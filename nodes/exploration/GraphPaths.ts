import type { GraphObservation } from './GraphObservation.js';

/** Shortest paths from one node over a graph observation (Dijkstra, Euclidean edge lengths in m). */
export interface ShortestPaths {
  /** Path length from the source to each node; Infinity where unreachable. Unit: m. */
  dist: Float64Array;
  /** Previous node on the shortest path; −1 at the source and where unreachable. */
  prev: Int32Array;
}

/**
 * Dijkstra from `source`. Edges are used in both directions: k-nearest lists are not symmetric,
 * but an edge's line-of-sight test is. O(N²) scan: N is a few hundred, and this beats a heap there.
 */
export function shortestPaths(obs: GraphObservation, source: number): ShortestPaths {
  const n = obs.nodes.length;
  const dist = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  if (source < 0 || source >= n) return { dist, prev };
  // Adjacency in typed arrays (CSR), each neighbour once: an edge listed by both of its nodes would
  // relax the same length twice. This ran three times per graph build (policy, rendezvous,
  // offshoots) and was the largest allocator of a mission (issue #4 heap profile).
  const start = new Int32Array(n + 1);
  obs.edges.forEach((list, i) => {
    for (const j of list) {
      if (j === i) continue;
      start[i + 1]!++;
      start[j + 1]!++;
    }
  });
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const adj = new Int32Array(start[n]!);
  obs.edges.forEach((list, i) => {
    for (const j of list) {
      if (j === i) continue;
      adj[fill[i]!++] = j;
      adj[fill[j]!++] = i;
    }
  });
  const end = new Int32Array(n);
  const stamp = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let w = start[i]!;
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const j = adj[e]!;
      if (stamp[j] === i) continue;
      stamp[j] = i;
      adj[w++] = j;
    }
    end[i] = w;
  }
  const nodes = obs.nodes;
  dist[source] = 0;
  for (;;) {
    let u = -1;
    let best = Infinity;
    for (let i = 0; i < n; i++) if (done[i] === 0 && dist[i]! < best) { best = dist[i]!; u = i; }
    if (u < 0) break;
    done[u] = 1;
    const a = nodes[u]!;
    for (let e = start[u]!; e < end[u]!; e++) {
      const v = adj[e]!;
      if (done[v] === 1) continue;
      const b = nodes[v]!;
      const d = best + Math.hypot(a.x - b.x, a.y - b.y);
      if (d < dist[v]!) { dist[v] = d; prev[v] = u; }
    }
  }
  return { dist, prev };
}

/** The straightforward Dijkstra over arrays of neighbour lists (duplicates included): the reference its tests compare against. */
export function shortestPathsReference(obs: GraphObservation, source: number): ShortestPaths {
  const n = obs.nodes.length;
  const adj: number[][] = Array.from({ length: n }, () => []);
  obs.edges.forEach((list, i) => {
    for (const j of list) {
      if (j === i) continue;
      adj[i]!.push(j);
      adj[j]!.push(i);
    }
  });
  const dist = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  if (source < 0 || source >= n) return { dist, prev };
  dist[source] = 0;
  for (;;) {
    let u = -1;
    let best = Infinity;
    for (let i = 0; i < n; i++) if (done[i] === 0 && dist[i]! < best) { best = dist[i]!; u = i; }
    if (u < 0) break;
    done[u] = 1;
    const a = obs.nodes[u]!;
    for (const v of adj[u]!) {
      if (done[v] === 1) continue;
      const b = obs.nodes[v]!;
      const d = best + Math.hypot(a.x - b.x, a.y - b.y);
      if (d < dist[v]!) { dist[v] = d; prev[v] = u; }
    }
  }
  return { dist, prev };
}

/** The node indices from the source to `target`, both included; empty when unreachable. */
export function pathTo(paths: ShortestPaths, target: number): number[] {
  if (target < 0 || target >= paths.dist.length || paths.dist[target] === Infinity) return [];
  const out: number[] = [];
  for (let v = target; v >= 0; v = paths.prev[v]!) out.push(v);
  return out.reverse();
}

/** Index of the node nearest to map-frame point (x, y) by straight-line distance; −1 if none. */
export function nearestNode(obs: GraphObservation, x: number, y: number): number {
  let best = -1;
  let bd = Infinity;
  obs.nodes.forEach((n, i) => {
    const d = (n.x - x) ** 2 + (n.y - y) ** 2;
    if (d < bd) { bd = d; best = i; }
  });
  return best;
}
